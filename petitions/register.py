"""Which cases the register (台账) lists: the filters as a query, one page, the export's cases.

The view (``petitions/views/register.py``) reads the filters with the form
(``petitions/forms/register.py``) and asks here for a page or for the cases to export (the
file itself is ``petitions/exports.py``). Built to stay fast with a million cases
(``make bench``):

* Keyset pagination (``petitions.paging``): "next" and "previous", found by one index seek
  however deep in the list, never "page 7 of N".
* One query per page: the foreign keys shown are joined, the large columns (text, bigrams,
  encrypted contact data) are left out (only the name is decrypted, row by row), and the
  unit and leader choices of the filter form come from the cache (``petitions.caching``), so
  session + user + page stay within three queries.
* The search box (``petitions.finding``) finds a case by its number, the petitioner's phone,
  ID number or name (exact, through the lookup hashes) or words of its text
  (``petitions.search``: bigrams and a GIN index), never by a bare ``icontains`` nor by
  decrypting rows.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from petitions.finding import find
from petitions.models import Case, Supervision
from petitions.paging import SORTS, Page, fetch_page
from petitions.stats_queries import statistics_filters

# An export is a report, not a backup: past this many rows the user narrows the filter.
EXPORT_LIMIT = 10_000

# The filters' values beyond the fields' own: any leader in charge; no feedback yet.
ANY_LEADER = "any"
NOT_RATED = "none"

# The register's check boxes: "only the cases with this mark".
FLAGS = {
    "repeat": "is_repeat",
    "group": "is_group",
    "skipped_level": "skipped_level",
    "in_litigation": "in_litigation",
    "first_petition": "is_first_petition",
}


# The columns a page of the register needs: the text, bigrams and encrypted data stay behind.
LIST_FIELDS = (
    "id",
    "number",
    "year",
    "sequence",
    "received_at",
    "petitioner_name",
    "is_group",
    "is_repeat",
    "district",
    "title",
    "classification",
    "state",
    "identity_released",
    "leader_id",
    "leader_in_charge_id",
    "unit_id",
    "acceptance_due",
    "due_date",
    "unit__name",
    "leader__name",
)


class ListedCase(SimpleNamespace):
    """A case as a page of the register reads it: plain values, the model's own rules.

    Building a hundred model instances (and their units and leaders) costs more than the
    page's query; the time-limit rules are the model's methods, borrowed unchanged.
    """

    days_left = Case.days_left
    is_overdue = Case.is_overdue
    due_status = Case.due_status

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> ListedCase:
        return cls(pk=values["id"], **values)


def start_of(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of ``day``, aware: compares with the indexed column as is."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_cases(user, data: dict[str, Any]) -> QuerySet:
    """The cases the user may see, narrowed by the form's valid filters (not yet ordered)."""
    cases = Case.objects.visible_to(user)
    for field in ("state", "category", "classification", "channel", "district"):
        if data.get(field):
            cases = cases.filter(**{field: data[field]})
    if data.get("unit"):
        cases = cases.filter(unit_id=data["unit"])
    if data.get("leader"):
        cases = cases.filter(leader_id=data["leader"])
    if data.get("received_from"):
        cases = cases.filter(received_at__gte=start_of(data["received_from"]))
    if data.get("received_to") and data["received_to"] < datetime.date.max:
        end = data["received_to"] + datetime.timedelta(days=1)
        cases = cases.filter(received_at__lt=start_of(end))
    today = timezone.localdate()
    if data.get("deadline") == "overdue":
        cases = cases.overdue(today)
    elif data.get("deadline") == "due_soon":
        cases = cases.due_soon(today, settings.DUE_SOON_DAYS)
    for flag, field in FLAGS.items():
        if data.get(flag):
            cases = cases.filter(**{field: True})
    cases = _casework_filters(cases, data, today)
    if data.get("q"):
        cases = find(cases, data["q"], user)
    return statistics_filters(cases, data)  # the statistics page's links


def _casework_filters(cases: QuerySet, data: dict[str, Any], today: datetime.date) -> QuerySet:
    """The feedback (or none yet), the leader in charge (or any), a late supervision reply."""
    satisfaction = data.get("satisfaction")
    if satisfaction:
        cases = cases.filter(satisfaction="" if satisfaction == NOT_RATED else satisfaction)
    in_charge = data.get("in_charge")
    if in_charge == ANY_LEADER:
        cases = cases.filter(leader_in_charge__isnull=False)
    elif in_charge:
        cases = cases.filter(leader_in_charge_id=int(in_charge))
    if data.get("supervision_overdue"):
        late = Supervision.objects.overdue(today).filter(case=OuterRef("pk"))
        cases = cases.filter(Exists(late))
    return cases


def register_page(user, data: dict[str, Any], after: str = "", before: str = "") -> Page:
    """One page of the filtered register in the chosen sort and size, as ``ListedCase`` rows."""
    return fetch_page(
        filtered_cases(user, data).values(*LIST_FIELDS),
        data["sort"],
        data["per_page"],
        after=after,
        before=before,
        wrap=ListedCase.from_values,
    )


def cases_to_export(user, data: dict[str, Any]) -> list[Case] | None:
    """The filtered register in its sort, or ``None`` when more than ``EXPORT_LIMIT`` match.

    Whole cases (the file shows more columns than a page, the text included) with their unit
    and leader, the large columns the file does not show left behind.
    """
    found = list(
        filtered_cases(user, data)
        .select_related("unit", "leader")
        .defer("search_bigrams", "answer", "answer_draft", "instructions", "query_code")
        .order_by(*SORTS[data["sort"]].ordering())[: EXPORT_LIMIT + 1]
    )
    if len(found) > EXPORT_LIMIT:
        return None
    return found
