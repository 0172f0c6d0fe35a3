"""One recorded change in words: "2027-04-12 接访日 由 王晓东 改为 孙守堂".

Each model has its sentences for a record added, changed and removed; a change to a field
without a sentence of its own reads "<subject>: <field> changed from <old> to <new>", with the
field's translated name and the values as people know them (names for keys, labels for choices,
local time for moments). Technical fields (keys, versions, stamps) are never shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schedules.models import ContactPerson, Duty, Leader, Place, Unit

TECHNICAL = {
    "id",
    "version",
    "updated_at",
    "created_at",
    "published_at",
    "changed_after_publication_at",
}
# Fields a duty's sentence already says (its subject) or that follow another field.
DUTY_QUIET = {"year", "month", "kind"}


@dataclass
class Names:
    """Names for the keys the events carry, loaded once per page."""

    leaders: dict
    contacts: dict
    places: dict
    units: dict
    users: dict
    duties: dict

    @classmethod
    def for_events(cls, events) -> Names:
        duty_ids = {_int(e.pgh_data.get("duty_id")) for e in events if e.pgh_data}
        user_ids = {_int(e.pgh_data.get("owner_id")) for e in events if e.pgh_data}
        return cls(
            leaders=dict(Leader.objects.values_list("pk", "name")),
            contacts=dict(ContactPerson.objects.values_list("pk", "name")),
            places=dict(Place.objects.values_list("pk", "name")),
            units=dict(Unit.objects.values_list("pk", "name")),
            users={
                u.pk: u.get_full_name() or u.username
                for u in get_user_model().objects.filter(pk__in=user_ids - {None})
            },
            duties={d.pk: _duty_subject(d) for d in Duty.objects.filter(pk__in=duty_ids - {None})},
        )

    def of(self, key: str, value):
        table = {
            "leader_id": self.leaders,
            "contact_id": self.contacts,
            "place_id": self.places,
            "owner_id": self.users,
            "duty_id": self.duties,
        }.get(key)
        return table.get(value, value) if table is not None else value


def _int(value) -> int | None:
    return value if isinstance(value, int) else None


def _duty_subject(duty: Duty) -> str:
    return f"{duty.date:%Y-%m-%d} {duty.get_kind_display()}"


# --- Values as people read them ----------------------------------------------------------------


def _moment(text: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment:%Y-%m-%d %H:%M}"


def show(model, name: str, value, names: Names) -> str:
    """A stored value in words."""
    if value is None or value == "" or value == []:
        return _("(none)")
    if name in ("leader_id", "contact_id", "place_id", "owner_id", "duty_id"):
        return str(names.of(name, value))
    try:
        model_field = model._meta.get_field(name.removesuffix("_id"))
    except FieldDoesNotExist:
        model_field = None
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and "T" in value:
        return _moment(value)
    if isinstance(value, str) and len(value) == 8 and value[2] == ":":
        return value[:5]  # a time of day, 08:30:00
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:
        return name


def changed(model, subject: str, name: str, old, new, names: Names) -> str:
    """The generic sentence for one changed field."""
    values = {"subject": subject, "field": label(model, name)}
    if old in (None, "", []):
        return _("%(subject)s: %(field)s set to %(new)s") % {
            **values,
            "new": show(model, name, new, names),
        }
    if new in (None, "", []):
        return _("%(subject)s: %(field)s cleared") % values
    return _("%(subject)s: %(field)s changed from %(old)s to %(new)s") % {
        **values,
        "old": show(model, name, old, names),
        "new": show(model, name, new, names),
    }


def _changes(event, quiet: set[str] = frozenset()) -> list[tuple[str, object, object]]:
    return [
        (name, old, new)
        for name, (old, new) in (event.pgh_diff or {}).items()
        if name not in TECHNICAL and name not in quiet
    ]


# --- The sentences of each model ---------------------------------------------------------------


def duty_sentences(event, names: Names) -> list[str]:
    data = event.pgh_data
    subject = f"{data.get('date')} {show(Duty, 'kind', data.get('kind'), names)}"
    values = {
        "duty": subject,
        "leader": show(Duty, "leader_id", data.get("leader_id"), names),
        "contact": show(Duty, "contact_id", data.get("contact_id"), names),
        "state": show(Duty, "state", data.get("state"), names),
    }
    if event.pgh_label == "insert":
        return [
            _("%(duty)s entered (%(state)s): leader %(leader)s, contact person %(contact)s")
            % values
        ]
    if event.pgh_label == "delete":
        return [_("%(duty)s deleted") % values]
    sentences = []
    for name, old, new in _changes(event, DUTY_QUIET):
        if name == "leader_id":
            sentences.append(
                _("%(duty)s: %(old)s replaced by %(new)s")
                % {**values, "old": show(Duty, name, old, names), "new": values["leader"]}
            )
        elif name == "date":
            kind = show(Duty, "kind", data.get("kind"), names)
            sentences.append(
                _("%(kind)s of %(old)s moved to %(new)s") % {"kind": kind, "old": old, "new": new}
            )
        elif name == "state" and new == Duty.State.PUBLISHED:
            sentences.append(_("%(duty)s published") % values)
        elif name == "state" and new == Duty.State.CANCELLED:
            sentences.append(_("%(duty)s cancelled") % values)
        else:
            sentences.append(changed(Duty, subject, name, old, new, names))
    return sentences


def _simple(model, subject: Callable[[dict, Names], str], added, removed):
    """Sentences for a model whose records are added, changed field by field and removed;
    ``added`` and ``removed`` are lazy translations with the record's fields as placeholders."""

    def sentences(event, names: Names) -> list[str]:
        data = event.pgh_data
        text = subject(data, names)
        values = {"subject": text, **{k: show(model, k, v, names) for k, v in data.items()}}
        if event.pgh_label == "insert":
            return [str(added) % values]
        if event.pgh_label == "delete":
            return [str(removed) % values]
        return [changed(model, text, n, old, new, names) for n, old, new in _changes(event)]

    return sentences


def rotation_sentences(event, names: Names) -> list[str]:
    data = event.pgh_data
    if event.pgh_label == "delete":
        return []
    return [
        _("Turn order for %(roster)s: leaders %(leaders)s; contact persons %(contacts)s")
        % {
            "roster": show(Duty, "kind", data.get("kind"), names),
            "leaders": "、".join(str(names.leaders.get(k, "?")) for k in data.get("leaders", [])),
            "contacts": "、".join(
                str(names.contacts.get(k, "?")) for k in data.get("contacts", [])
            ),
        }
    ]


def follow_up_sentences(event, names: Names) -> list[str]:
    data = event.pgh_data
    values = {
        "task": data.get("task", ""),
        "owner": show(None, "owner_id", data.get("owner_id"), names),
        "due": data.get("due", ""),
    }
    if event.pgh_label == "insert":
        return [_("Follow-up task for %(owner)s, due %(due)s: %(task)s") % values]
    if event.pgh_label == "delete":
        return [_("Follow-up task removed: %(task)s") % values]
    diff = event.pgh_diff or {}
    if "done_at" in diff and diff["done_at"][1]:
        return [_("Follow-up task done: %(task)s") % values]
    model = apps.get_model("schedules", "FollowUp")
    subject = _("Follow-up task “%(task)s”") % values
    quiet = {"done_by_id", "record_id"}
    return [changed(model, subject, n, old, new, names) for n, old, new in _changes(event, quiet)]


def record_sentences(event, names: Names) -> list[str]:
    values = {"duty": show(None, "duty_id", event.pgh_data.get("duty_id"), names)}
    if event.pgh_label == "insert":
        return [_("Record of %(duty)s written") % values]
    if event.pgh_label == "delete":
        return [_("Record of %(duty)s removed") % values]
    return [_("Record of %(duty)s changed") % values] if _changes(event) else []


def _model(name: str):
    return apps.get_model("schedules", name)


def _name(data: dict, names: Names) -> str:
    return data.get("name", "")


def _builders() -> dict[str, Callable]:
    absence = _model("Absence")
    return {
        "schedules.Duty": duty_sentences,
        "schedules.Absence": _simple(
            absence,
            lambda d, n: (
                _("Absence of %(leader)s")
                % {"leader": show(absence, "leader_id", d.get("leader_id"), n)}
            ),
            gettext_lazy("%(subject)s from %(start)s to %(end)s (%(kind)s) entered"),
            gettext_lazy("%(subject)s from %(start)s to %(end)s removed"),
        ),
        "schedules.CalendarCorrection": _correction,
        "schedules.ConfirmedYear": _simple(
            _model("ConfirmedYear"),
            lambda d, n: str(d.get("year")),
            gettext_lazy("The holiday arrangement of %(subject)s marked as confirmed"),
            gettext_lazy("The holiday arrangement of %(subject)s no longer marked as confirmed"),
        ),
        "schedules.SiteSettings": _simple(
            _model("SiteSettings"),
            lambda d, n: _("Site settings"),
            gettext_lazy("%(subject)s created"),
            gettext_lazy("%(subject)s removed"),
        ),
        "schedules.Leader": _simple(
            Leader,
            _name,
            gettext_lazy("%(subject)s added as a leader (%(position)s)"),
            gettext_lazy("%(subject)s removed"),
        ),
        "schedules.ContactPerson": _simple(
            ContactPerson,
            _name,
            gettext_lazy("%(subject)s added as a contact person"),
            gettext_lazy("%(subject)s removed"),
        ),
        "schedules.Place": _simple(
            Place,
            _name,
            gettext_lazy("Place %(subject)s added"),
            gettext_lazy("Place %(subject)s removed"),
        ),
        "schedules.RotationOrder": rotation_sentences,
        "schedules.DayRecord": record_sentences,
        "schedules.FollowUp": follow_up_sentences,
    }


def _correction(event, names: Names) -> list[str]:
    model = _model("CalendarCorrection")
    data = event.pgh_data
    values = {"day": data.get("day"), "note": data.get("note", "")}
    if event.pgh_label == "insert":
        if data.get("is_working_day"):
            return [_("%(day)s entered as a working day (%(note)s)") % values]
        return [_("%(day)s entered as a day off (%(note)s)") % values]
    if event.pgh_label == "delete":
        return [_("Calendar correction for %(day)s removed") % values]
    subject = _("Calendar correction for %(day)s") % values
    return [changed(model, subject, n, old, new, names) for n, old, new in _changes(event)]


def sentences_of(event, names: Names) -> list[str]:
    """The change in words; an event of a model without sentences says nothing."""
    build = _builders().get(event.pgh_obj_model)
    return build(event, names) if build and event.pgh_data is not None else []
