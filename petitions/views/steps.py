"""A step as the case page offers it (``Step``: the form, the call, what it says after),
shared by the workflow's steps (``views/cases.py``) and the casework's (``views/casework.py``);
the steps about letters, reviews and hand-offs are here (``LETTER_STEPS``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from petitions import delivery, handoffs, reviews
from petitions.forms.cases import CaseActionForm, ReviewRequestForm
from petitions.forms.letters import (
    DeliveryForm,
    ForwardReviewForm,
    ReviewDecisionForm,
    TransferForm,
)
from petitions.models import Case


@dataclass(frozen=True)
class Step:
    """A workflow step as the detail page offers it: its form, its call, what it says after."""

    form: type[CaseActionForm]
    run: Callable[[Case, Any, dict], object]
    done: Promise | Callable[[Any], str]  # the message, or made from what ``run`` returned
    style: str = "primary"


def with_comment(verb):
    """The common shape of a step: the workflow verb takes the version and a comment."""
    return lambda case, user, data: verb(
        case, by=user, version=data["version"], comment=data["comment"]
    )


LETTER_STEPS: dict[str, Step] = {
    "deliver": Step(
        DeliveryForm,
        lambda c, u, d: delivery.deliver_answer(
            c,
            by=u,
            version=d["version"],
            delivered_on=d["delivered_on"],
            method=d["method"],
            note=d["note"],
        ),
        gettext_lazy("The delivery was recorded. Print the delivery receipt if it was signed."),
    ),
    "transfer": Step(
        TransferForm,
        lambda c, u, d: handoffs.transfer_case(
            c, by=u, version=d["version"], authority=d["authority"], note=d["comment"]
        ),
        gettext_lazy("The matter was transferred. Print the transfer letter."),
        "outline-secondary",
    ),
    "review": Step(
        ReviewRequestForm,
        with_comment(reviews.request_review),
        gettext_lazy("The review request was recorded."),
        "outline-primary",
    ),
    "second_review": Step(
        ReviewRequestForm,
        with_comment(reviews.request_second_review),
        gettext_lazy("The second review request was recorded."),
        "outline-primary",
    ),
    "forward_review": Step(
        ForwardReviewForm,
        lambda c, u, d: reviews.forward_review(
            c,
            by=u,
            version=d["version"],
            higher_body=d["higher_body"],
            forwarded_on=d["forwarded_on"],
            comment=d["comment"],
        ),
        gettext_lazy("The request was forwarded. Print the forwarding letter."),
    ),
    "review_decision": Step(
        ReviewDecisionForm,
        lambda c, u, d: reviews.record_review_decision(
            c,
            by=u,
            version=d["version"],
            decided_on=d["decided_on"],
            outcome=d["outcome"],
            decision=d["decision"],
        ),
        gettext_lazy("The higher body's decision was recorded."),
    ),
}
