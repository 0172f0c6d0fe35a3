"""A step as the case page offers it: the form, the call and the confirmation; shared by the
workflow's steps (``views/cases.py``) and the casework's (``views/casework.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from petitions.forms.cases import CaseActionForm
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
