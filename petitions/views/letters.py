"""A case's papers: what the detail page shows of its letters, reviews, files and feedback,
and the printable letters (the answer and review opinions, the forwarding and transfer letters,
each as issued) with the delivery receipt (送达回证) of each opinion.

Printing is the office's (``access.may_print``); a print with the full address (``?full=1``)
is written to the access log, as for the other documents.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from petitions import access, letters
from petitions.models import Attachment, Case, CaseLog, Letter, Review, State

# The due box's words for a review the higher body decides.
HIGHER_BODY_DUE = _("the higher body's decision")


def case_papers(user, case: Case) -> dict:
    """The detail page's letters, reviews, files (the petitioner's by the identity rule, the
    handling's evidence with its log entry), the log with full names, and the feedback's
    source."""
    intake_files = case.attachments.filter(log__isnull=True)
    evidence = Attachment.objects.filter(log__isnull=False)
    logs = case.logs.select_related("by", "by__leader", "by__contact_person").prefetch_related(
        Prefetch("attachments", queryset=evidence)
    )
    review = letters.current_review(case)
    external = review is not None and review.is_external and case.state != State.ANSWERED
    return {
        "letters": list(letters.letters_of(case)),
        "reviews": list(case.reviews.all()),
        "current_review": review,
        "attachments": (list(intake_files) if access.may_see_attachments(user, case) else None),
        "attachment_count": intake_files.count(),
        "logs": logs,
        "feedback_by": _feedback_source(case),
        "rights": access.review_rights(case),
        "due_what": HIGHER_BODY_DUE if external else None,
        "may_print": access.may_print(user),
    }


def _feedback_source(case: Case) -> str:
    """Who gave the feedback shown: the office (a call, a visit) or the petitioner online."""
    if not case.satisfaction:
        return ""
    feedback = (CaseLog.Action.FEEDBACK, CaseLog.Action.RATING)
    last = case.logs.filter(action__in=feedback).order_by("-id").values_list("action", flat=True)
    return last.first() or ""


# --- Printing ---------------------------------------------------------------------------------

LETTER_TEMPLATES = {
    Letter.Kind.ANSWER: "petitions/print_answer.html",
    Letter.Kind.REVIEW_OPINION: "petitions/print_answer.html",
    Letter.Kind.SECOND_REVIEW_OPINION: "petitions/print_answer.html",
    Letter.Kind.REVIEW_FORWARDING: "petitions/print_forwarding.html",
    Letter.Kind.TRANSFER: "petitions/print_transfer.html",
}


def _printed_letter(request, pk: int, letter_pk: int) -> tuple[Case, Letter, bool]:
    cases = Case.objects.visible_to(request.user).select_related("unit", "referral_reason")
    case = get_object_or_404(cases, pk=pk)
    if not access.may_print(request.user):
        raise PermissionDenied
    letter = get_object_or_404(letters.letters_of(case), pk=letter_pk)
    return case, letter, request.GET.get("full") == "1"


@never_cache
def letter_print(request, pk: int, letter_pk: int) -> HttpResponse:
    """One letter as it was issued, whatever happened to the case since."""
    case, letter, unmasked = _printed_letter(request, pk, letter_pk)
    access.log_print(
        request, case, f"letter:{letter.kind}:{letter.review_level}", unmasked=unmasked
    )
    context = {
        **_print_context(request, case, unmasked),
        "letter": letter,
        "review": case.reviews.filter(level=letter.review_level).first(),
        "reviewed_by_bureau": letters.answers_in_own_name(letter.issuer),
    }
    return render(request, LETTER_TEMPLATES[letter.kind], context)


@never_cache
def delivery_receipt(request, pk: int, letter_pk: int) -> HttpResponse:
    """The delivery receipt (送达回证) of an answer or opinion: printed blank to be signed at
    delivery, or with the delivery as recorded."""
    case, letter, unmasked = _printed_letter(request, pk, letter_pk)
    if not letter.is_opinion:
        raise Http404
    access.log_print(request, case, f"delivery:{letter.review_level}", unmasked=unmasked)
    context = {**_print_context(request, case, unmasked), "letter": letter}
    return render(request, "petitions/print_delivery.html", context)


def _print_context(request, case: Case, unmasked: bool) -> dict:
    return {
        "case": case,
        "petitioner": access.petitioner(request.user, case, unmasked=unmasked),
        "unmasked": unmasked,
        "today": timezone.localdate(),
        "review_request_days": settings.REVIEW_REQUEST_DAYS,
        "review_handling_days": settings.REVIEW_HANDLING_DAYS,
        "higher": Review.Body.HIGHER,
    }
