"""A petitioner's own case, without signing in: the case number and query code of the receipt.

What the petitioner sees is deliberately narrow (《信访工作条例》 art. 21 gives them the progress
and the result, nothing more): the state in plain words, the dates that matter, the answer once
it is sent, and a rating of the answer, given once. No names, no notes, no handling unit.

Guessing is made useless three ways: an unknown number and a wrong code get the same page
(and take the same work, so the timing tells nothing either); codes are compared in constant
time; and each address gets ``LOOKUP_ATTEMPTS_PER_HOUR`` tries (10) an hour, counted in the cache,
right or wrong. Once a code matched, the session remembers that one case, so the rating form
does not carry the code around. Nothing here is cached: every response is per visitor.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from functools import lru_cache

import pghistory
from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from petitions.crypto import decrypt, encrypt
from petitions.models import Case, CaseLog, Satisfaction, State

SESSION_KEY = "petitions.lookup.case"
ATTEMPTS_WINDOW_SECONDS = 3600
ATTEMPTS_KEY_PREFIX = "petitions:lookup:attempts"
# The states in which the answer has been approved and sent to the petitioner.
ANSWER_SENT = (State.ANSWERED, State.CLOSED, State.REVIEW, State.SECOND_REVIEW)
# The state in words for a petitioner: internal steps (assigned, answer drafted) are "handling".
PUBLIC_STATES = {
    State.REGISTERED: gettext_lazy("Received, being registered"),
    State.ACCEPTED: gettext_lazy("Accepted"),
    State.NOT_ACCEPTED: gettext_lazy("Not accepted"),
    State.ASSIGNED: gettext_lazy("Being handled"),
    State.IN_PROGRESS: gettext_lazy("Being handled"),
    State.ANSWER_DRAFTED: gettext_lazy("Being handled"),
    State.ANSWERED: gettext_lazy("Answered"),
    State.CLOSED: gettext_lazy("Closed"),
    State.REVIEW: gettext_lazy("Under review"),
    State.SECOND_REVIEW: gettext_lazy("Under second review"),
}
# The only columns a lookup reads: no names, no contact data, no notes, no unit.
PUBLIC_FIELDS = (
    "id",
    "number",
    "query_code",
    "state",
    "received_at",
    "accepted_at",
    "acceptance_due",
    "due_date",
    "answered_at",
    "answer",
    "satisfaction",
    "referral_reason__notice_text",
)


def attempts_per_hour() -> int:
    return getattr(settings, "LOOKUP_ATTEMPTS_PER_HOUR", 10)


def parse_number(text: str) -> tuple[int, int] | None:
    """(year, sequence) from a case number as typed: 朝环信〔2025〕0007, 2025-7, [2025]0007."""
    digits = re.findall(r"\d+", unicodedata.normalize("NFKC", text or ""))
    if len(digits) >= 2 and len(digits[0]) == 4:
        year, sequence = digits[0], digits[-1]
    elif len(digits) == 1 and len(digits[0]) >= 5:
        year, sequence = digits[0][:4], digits[0][4:]
    else:
        return None
    if not 2000 <= int(year) <= 2100 or not 0 < int(sequence) < 10_000_000:
        return None
    return int(year), int(sequence)


def normalize_code(text: str) -> str:
    """Codes are read out and typed on phones: full-width, spaces, dashes and case do not count."""
    folded = unicodedata.normalize("NFKC", text or "").upper()
    return "".join(ch for ch in folded if ch.isalnum())


@lru_cache(maxsize=1)
def _decoy_token() -> str:
    return encrypt("decoy-query-code")


def find_case(number: str, code: str) -> Case | None:
    """The case with this number and code, or None: the same work whichever part is wrong."""
    # A number that cannot be read still costs the query, like one that does not exist.
    year, sequence = parse_number(number) or (0, 0)
    case = (
        Case.objects.select_related("referral_reason")
        .only(*PUBLIC_FIELDS)
        .filter(year=year, sequence=sequence)
        .first()
    )
    if case is None:
        # Decrypt and compare something anyway, so an unknown number answers no sooner.
        expected = normalize_code(decrypt(_decoy_token()))
        hmac.compare_digest(expected.encode(), normalize_code(code).encode())
        return None
    expected = normalize_code(case.query_code)
    if hmac.compare_digest(expected.encode(), normalize_code(code).encode()) and expected:
        return case
    return None


def client_address(request: HttpRequest) -> str:
    """The address that attempts are counted against (the same one sign-in lockouts use)."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown"


def count_attempt(request: HttpRequest) -> bool:
    """Count one lookup from this address; False once it has used up this hour's attempts."""
    key = f"{ATTEMPTS_KEY_PREFIX}:{client_address(request)}"
    cache.add(key, 0, ATTEMPTS_WINDOW_SECONDS)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the window ran out between add() and incr()
        cache.set(key, 1, ATTEMPTS_WINDOW_SECONDS)
        attempts = 1
    return attempts <= attempts_per_hour()


class LookupForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Case number"),
        max_length=40,
        help_text=gettext_lazy("As printed on your receipt, for example 朝环信〔2025〕0007."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=gettext_lazy("Query code"),
        max_length=32,
        help_text=gettext_lazy("The eight letters and digits next to the number."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class RatingForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("How satisfied are you with the answer?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )


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
    form = LookupForm()
    if request.method == "POST":
        bound = LookupForm(request.POST)
        if not count_attempt(request):
            status = 429
            error = _(
                "Too many attempts from your address. For your security, please try again in "
                "an hour, or call the office."
            )
        elif not bound.is_valid():
            form = bound
        else:
            case = find_case(bound.cleaned_data["number"], bound.cleaned_data["code"])
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
        {"form": form, "error": error, "attempts": attempts_per_hour()},
        status=status,
    )


def _session_case(request: HttpRequest) -> Case | None:
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return Case.objects.select_related("referral_reason").only(*PUBLIC_FIELDS).filter(pk=pk).first()


def may_rate(case: Case) -> bool:
    """Once the answer is sent, and only if no feedback has been recorded yet."""
    rateable = (State.ANSWERED, State.CLOSED)  # not during a review: its answer is not out yet
    return case.state in rateable and case.answered_at is not None and not case.satisfaction


@never_cache
@login_not_required
@require_http_methods(["GET"])
def case_status(request: HttpRequest) -> HttpResponse:
    """What the petitioner may know of the case found by the lookup."""
    case = _session_case(request)
    if case is None:
        return redirect("lookup:form")
    answer_sent = case.state in ANSWER_SENT and case.answered_at is not None
    due = case.due_date if case.state not in ANSWER_SENT else None
    if case.state == State.REGISTERED:
        due = case.acceptance_due
    notice = ""
    if case.state == State.NOT_ACCEPTED and case.referral_reason_id:
        notice = case.referral_reason.notice_text
    return render(
        request,
        "petitions/lookup_case.html",
        {
            "case": case,
            "state_label": PUBLIC_STATES.get(case.state, ""),
            "due": due,
            "due_is_acceptance": case.state == State.REGISTERED,
            "answer_sent": answer_sent,
            "notice": notice,
            "rating_form": RatingForm() if may_rate(case) else None,
            "rating": Satisfaction(case.satisfaction).label if case.satisfaction else "",
        },
    )


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
    value = form.cleaned_data["satisfaction"]
    with transaction.atomic(), pghistory.context(reason="petitioner_rating"):
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not may_rate(locked):
            if locked.satisfaction:
                refusal = _("This answer has already been rated; a rating can be given only once.")
            else:
                refusal = _("The answer has not been sent yet: you can rate it once it has.")
            messages.error(request, refusal)
            return redirect("lookup:case")
        locked.satisfaction = value
        locked.version += 1  # staff editing the case at the same time must reload it
        locked.save(update_fields=["satisfaction", "version", "updated_at"])
        CaseLog.objects.create(
            case=locked,
            action=CaseLog.Action.FEEDBACK,
            comment="\n".join(
                [str(Satisfaction(value).label), _("Rated by the petitioner online.")]
            ),
        )
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
