"""A petitioner's own case, without signing in: the case number and query code of the receipt.

What the petitioner sees is deliberately narrow (``access.public_status``: the state in plain
words, the dates that matter, the answer once it is sent) and a rating of the answer, given once
(``feedback.rate_answer``), with what a petitioner who is not satisfied may do next: the
review, until when (counted from delivery) and how to ask. No names, no notes, no handling
unit.

Guessing is made useless three ways: an unknown number and a wrong code get the same page
(and take the same work, ``access.find_case``); codes are compared in constant time; and each
address gets ``LOOKUP_ATTEMPTS_PER_HOUR`` tries an hour, right or wrong
(``petitions/ratelimit.py``). Once a code matched, the session remembers that one case, so the
rating form does not carry the code around. Nothing here is cached: every response is per
visitor.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from petitions import access, feedback, ratelimit
from petitions.forms.lookup import LookupForm, RatingForm
from petitions.models import Case, Satisfaction

SESSION_KEY = "petitions.lookup.case"


def _no_match_message() -> str:
    return _(
        "No case matches this number and query code. Check both against your receipt; "
        "the office's phone number is on it too."
    )


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """The form (GET) and the lookup (POST); a match remembers the case in the session."""
    status, error = 200, ""
    # The address on the receipt's QR code and in the text messages fills in the number.
    form = LookupForm(initial={"number": request.GET.get("number", "")[:40]})
    if request.method == "POST":
        bound = LookupForm(request.POST)
        if not ratelimit.count_attempt(request):
            status = 429
            error = _(
                "Too many attempts from your address. For your security, please try again in "
                "an hour, or call the office."
            )
        elif not bound.is_valid():
            form = bound
        else:
            case = access.find_case(bound.cleaned_data["number"], bound.cleaned_data["code"])
            if case is not None:
                request.session.cycle_key()  # a fresh session for access to this case
                request.session[SESSION_KEY] = case.pk
                return redirect("lookup:case")
            # The number is shown again for correcting a typo; the code never is.
            form = LookupForm(initial={"number": bound.cleaned_data["number"]})
            error = _no_match_message()
    return render(
        request,
        "petitions/lookup.html",
        {"form": form, "error": error, "attempts": ratelimit.attempts_per_hour()},
        status=status,
    )


def _session_case(request: HttpRequest) -> Case | None:
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return access.public_cases().filter(pk=pk).first()


@never_cache
@login_not_required
@require_http_methods(["GET"])
def case_status(request: HttpRequest) -> HttpResponse:
    """What the petitioner may know of the case found by the lookup."""
    case = _session_case(request)
    if case is None:
        return redirect("lookup:form")
    context = {
        "case": case,
        **access.public_status(case),
        "rating_form": RatingForm() if access.may_rate(case) else None,
        "rating": Satisfaction(case.satisfaction).label if case.satisfaction else "",
        "not_satisfied": case.satisfaction == Satisfaction.NOT_SATISFIED,
        "review_request_days": settings.REVIEW_REQUEST_DAYS,
    }
    return render(request, "petitions/lookup_case.html", context)


@never_cache
@login_not_required
@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    """The petitioner's rating of the answer: stored once, in the case's feedback."""
    case = _session_case(request)
    if case is None:
        return redirect("lookup:form")
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the three answers."))
        return redirect("lookup:case")
    try:
        feedback.rate_answer(
            case,
            satisfaction=form.cleaned_data["satisfaction"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
        return redirect("lookup:case")
    messages.success(request, _("Thank you: your rating has been recorded."))
    return redirect("lookup:case")


@never_cache
@login_not_required
@require_POST
def forget(request: HttpRequest) -> HttpResponse:
    """Forget the case on this device (a shared or borrowed phone)."""
    request.session.pop(SESSION_KEY, None)
    messages.info(request, _("This device no longer shows your case."))
    return redirect("lookup:form")
