"""Who issued an answer, who reviews it, which letters a case has, and why a step about
letters and reviews cannot be taken now.

《信访工作条例》 art. 35-36: a review (复查) is done by the body one level above the one that
issued the answer, and a second review (复核) one level higher again. So a branch office's
answer is reviewed by the bureau, in this system; the bureau's own answer (and a section's,
which answers in the bureau's name) by the higher body (上一级机关: the city government or the
province's department), which the bureau only forwards the request to and whose decision it
records. The review of the bureau's own review opinion, and of the higher body's decision, goes
higher again.

No verbs here: the workflow (``petitions/workflow.py``) and the modules of the new steps
(``delivery.py``, ``reviews.py``, ``handoffs.py``) ask these rules and change the records.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from petitions.models import Case, Letter, Review
from petitions.models_letters import OPINION_KINDS, OPINION_OF_LEVEL
from schedules.models import Unit

# Units that answer in their own name: the bureau reviews their answers. A section (科室) is
# part of the bureau: its answer is the bureau's.
OWN_NAME_UNITS = (Unit.Kind.BRANCH_OFFICE, Unit.Kind.ENFORCEMENT_TEAM)


def answers_in_own_name(unit: Unit | None) -> bool:
    return unit is not None and unit.kind in OWN_NAME_UNITS


def default_issuer(case: Case) -> Unit | None:
    """Who issues the answer unless the office says otherwise: the handling unit if it answers
    in its own name (a branch), else the bureau. A review opinion is always the bureau's."""
    if case.review_level or not answers_in_own_name(case.unit):
        return None
    return case.unit


def issuer_refusal(case: Case, issuer: Unit | None) -> str | None:
    if issuer is not None and case.review_level:
        return _("A review opinion is the bureau's own: it cannot be issued by a unit.")
    if issuer is not None and not issuer.active:
        return _("Choose an active unit, or the bureau itself.")
    return None


def opinion_kind(level: int) -> str:
    return OPINION_OF_LEVEL[level]


def letters_of(case: Case):
    return case.letters.select_related("issuer", "issued_by", "delivered_by")


def current_opinion(case: Case) -> Letter | None:
    """The latest answer or review opinion the bureau issued in the case."""
    return (
        case.letters.filter(kind__in=OPINION_KINDS, review_level=case.review_level)
        .select_related("issuer")
        .first()
    )


def current_review(case: Case) -> Review | None:
    """The review round the case is in, or last went through (None before any)."""
    if not case.review_level:
        return None
    return case.reviews.filter(level=case.review_level).first()


def reviewing_body(case: Case) -> str:
    """Who reviews what the case last decided: the bureau reviews a branch's opinion; anything
    the bureau (or the higher body) decided goes to the higher body."""
    review = current_review(case)
    if review is not None and review.is_external:
        return Review.Body.HIGHER
    opinion = current_opinion(case)
    if opinion is not None and answers_in_own_name(opinion.issuer):
        return Review.Body.BUREAU
    return Review.Body.HIGHER


def decision_date(case: Case) -> datetime.date | None:
    """When the petitioner received what the case last decided (the review clock's start):
    the delivery of the bureau's opinion, or the higher body's decision."""
    review = current_review(case)
    if review is not None and review.is_external:
        return review.decided_on
    opinion = current_opinion(case)
    return opinion.delivered_on if opinion is not None else None


def step_refusal(case: Case, action: str) -> str | None:
    """Why a step about letters and reviews cannot happen now (beyond state and role)."""
    if action not in ("draft", "forward_review", "review_decision") or not case.review_level:
        return None
    review = current_review(case)
    external = review is not None and review.is_external
    if action == "draft" and external:
        return _(
            "The higher body reviews this answer: the bureau writes no review opinion; record "
            "the higher body's decision once it comes."
        )
    if action in ("forward_review", "review_decision") and not external:
        return _("The bureau reviews this answer itself: draft the review opinion.")
    if action == "forward_review" and review.forwarded_on:
        return _("The request was already forwarded to %(body)s.") % {"body": review.higher_body}
    if action == "review_decision" and not review.forwarded_on:
        return _("Forward the request to the higher body first.")
    return None


def date_refusal(
    day: datetime.date | None, earliest: datetime.date | None, what: str
) -> str | None:
    """Why a recorded date cannot be taken: missing, in the future, or before ``earliest``."""
    if day is None:
        return _("Give the date.")
    if day > timezone.localdate():
        return _("The date cannot be in the future.")
    if earliest is not None and day < earliest:
        return _("The date cannot be before %(what)s (%(date)s).") % {
            "what": what,
            "date": earliest.isoformat(),
        }
    return None
