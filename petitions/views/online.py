"""The online petition (网上信访, ``/petition/``): public, no account.

The form (GET) and its sending (POST). The answer to the POST is the result page itself, not
a redirect: the case number and query code are shown once, to the visitor who sent the form,
and never stored in a session or a URL; sending it again (a reload) gives the same case
(``online.submit_petition``). Nothing here is cached: every response is per visitor.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from petitions import online, ratelimit
from petitions.forms.online import OnlinePetitionForm
from petitions.views._forms import form_errors

FORM_TEMPLATE = "petitions/online_form.html"


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def petition(request: HttpRequest) -> HttpResponse:
    """The form, or the petition sent: its case number and query code on screen."""
    if request.method == "GET":
        form = OnlinePetitionForm(initial={"submission_token": uuid.uuid4()})
        return render(request, FORM_TEMPLATE, _context(form))
    form = OnlinePetitionForm(request.POST, request.FILES)
    if form.is_robot():
        return render(request, "petitions/online_refused.html", status=400)
    status = 400
    if form.is_valid():
        try:
            submission = online.submit_petition(
                address=ratelimit.client_address(request), **form.submission()
            )
        except online.LimitReached as limit:
            form.add_error(limit.field, limit)
            status = 429
        except ValidationError as error:
            form_errors(form, error)
        else:
            return _sent(request, submission)
    form.prepare_refused()
    return render(request, FORM_TEMPLATE, _context(form), status=status)


def _context(form: OnlinePetitionForm) -> dict:
    return {"form": form, "acceptance_days": settings.ACCEPTANCE_DAYS}


def _sent(request: HttpRequest, submission: online.Submission) -> HttpResponse:
    context = {
        "case": submission.case,
        "shows_code": submission.shows_code,
        "duplicate": submission.outcome == online.DUPLICATE,
        # A duplicate keeps the first petition as it was: files sent again are not added.
        "files_dropped": submission.outcome == online.DUPLICATE
        and bool(request.FILES.getlist("attachments")),
        "lookup_url": request.build_absolute_uri(reverse("lookup:form")),
    }
    return render(request, "petitions/online_sent.html", context)
