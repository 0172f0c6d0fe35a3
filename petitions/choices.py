"""The kinds and states of a case (``TextChoices``), and which states are finished.

Apart from ``models.py`` so that a module that only needs a state or a channel does not read the
models; ``petitions.models`` imports them all, so ``from petitions.models import State`` works.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    VISIT = "visit", _("Visit in person")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online")
    RECEPTION_DAY = "reception_day", _("Leader's reception day")
    VISIT_DAY = "visit_day", _("Leader's visit day")
    # Work orders the hotline platforms transfer (petitions/transfers.py).
    HOTLINE_12345 = "12345", _("12345 citizen hotline transfer")
    HOTLINE_12369 = "12369", _("12369 environmental hotline transfer")


# The channels whose cases come as a hotline platform's work order.
HOTLINE_CHANNELS = (Channel.HOTLINE_12345, Channel.HOTLINE_12369)


class Category(models.TextChoices):
    """The plan's four accepted categories (4.3), or not accepted."""

    POLLUTION = "1", _("Environmental pollution affecting people's life or production")
    UNRESOLVED = "2", _("Environmental problem petitioned several times without resolution")
    SUGGESTION = "3", _("Suggestion, opinion or request helping the city's environmental work")
    COORDINATION = "4", _("Other matter needing a leader to coordinate")
    NOT_ACCEPTED = "0", _("Not one of the accepted categories")


class Classification(models.TextChoices):
    """National classification of the matter (《信访工作条例》 art. 29-31)."""

    SUGGESTION = "suggestion", _("Suggestion or opinion")
    ACCUSATION = "accusation", _("Report or accusation")
    CLAIM = "claim", _("Claim or request")


class State(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWER_DRAFTED = "answer_drafted", _("Answer drafted")
    APPROVED = "approved", _("Answer issued, to be delivered")
    ANSWERED = "answered", _("Answer delivered")
    CLOSED = "closed", _("Closed")
    REVIEW = "review", _("Under review")
    SECOND_REVIEW = "second_review", _("Under second review")
    TRANSFERRED = "transferred", _("Transferred to another authority")


# A case in one of these states is finished: no clock runs, nothing is due, no reminder goes out.
# (The register's partial indexes exclude exactly these states, in this order.)
CLOSED_STATES = (State.CLOSED, State.NOT_ACCEPTED, State.TRANSFERRED)
OPEN_STATES = tuple(state for state in State if state not in CLOSED_STATES)


class ExtensionState(models.TextChoices):
    """Where the one extension a case may get stands (an administrator decides)."""

    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")
