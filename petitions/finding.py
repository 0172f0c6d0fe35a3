"""What the register's search box means: a case number, an ID number, a phone number, or a
name or words of the text; and the cases it finds.

One box for everything a clerk has at hand when a petitioner calls: the number on the receipt
(``0014``, ``2026-14``, ``朝环信〔2026〕0014``, as the public lookup reads them), a phone or ID
number, a name, or words of the matter. The kind is told from the pattern (:func:`read_terms`):

* 18 characters, 17 digits and a digit or X: an ID number;
* the prefix, brackets or ``year-sequence``: a case number; one to four digits: the sequence
  in any year;
* digits a phone number can be written with (``0421-2614858``, ``138 0013 8000``): a phone;
* anything else: a name (exact, whole name) or words of the title and text (bigram search).

Identity data is matched exactly through the keyed lookup hashes (``petitions.crypto``: every
configured key's hash, so rows stored before a key rotation are found too), never by decrypting
rows. And only among the cases whose petitioner the user may know (``access.identity_visible``):
otherwise a unit could learn who petitioned by typing a neighbour's phone number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet

from petitions.access import identity_visible
from petitions.crypto import lookup_hashes
from petitions.identity import normalize_id_number, normalize_name, normalize_phone
from petitions.numbers import parse_number
from petitions.search import matching, searchable_words
from schedules.workdays import YEARS

__all__ = ["Kind", "Term", "condition", "find", "read_terms"]

_ID_NUMBER = re.compile(r"\d{17}[\dX]")
_SEQUENCE = re.compile(r"\d{1,4}")
_YEAR_SEQUENCE = re.compile(r"\d{4}\s*[-/._]\s*\d{1,7}|\d{5,11}")
_NUMBER_MARKS = re.compile(r"[〔〕\[\]【】()（）]")
_PHONE = re.compile(r"\+?[\d\s()-]{7,}")
NAME_MAX_LENGTH = 50  # the longest name the desk form takes


class Kind(StrEnum):
    NUMBER = "number"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    TEXT = "text"  # a name or words of the text


@dataclass(frozen=True)
class Term:
    """A search as understood: its kind and the value to match."""

    kind: Kind
    text: str  # as typed, trimmed
    value: str = ""  # the normalized ID number or phone (E.164)
    year: int | None = None  # None with a sequence: any year
    sequence: int | None = None


def _as_number(text: str, folded: str) -> Term | None:
    compact = "".join(folded.split())
    if _SEQUENCE.fullmatch(compact):
        return Term(Kind.NUMBER, text, sequence=int(compact)) if int(compact) else None
    marked = settings.CASE_NUMBER_PREFIX in folded or _NUMBER_MARKS.search(folded)
    if not marked and not _YEAR_SEQUENCE.fullmatch(folded):
        return None
    parsed = parse_number(folded)
    if parsed is None:
        return None
    return Term(Kind.NUMBER, text, year=parsed[0], sequence=parsed[1])


def _as_phone(text: str, folded: str) -> Term | None:
    if not _PHONE.fullmatch(folded):
        return None
    try:
        phone = normalize_phone(folded, settings.CITY_AREA_CODE)
    except ValidationError:
        return None
    return Term(Kind.PHONE, text, value=phone)


def read_terms(text: str) -> list[Term]:
    """What ``text`` may be: an ID number; a case number and/or a phone number (``2024123``
    is both a number and a local landline: both are looked for); else a name or text. Empty
    for a blank box, or for text too short to search for."""
    text = (text or "").strip()
    folded = unicodedata.normalize("NFKC", text).strip()
    if not folded:
        return []
    id_number = normalize_id_number(folded)
    if _ID_NUMBER.fullmatch(id_number):
        return [Term(Kind.ID_NUMBER, text, value=id_number)]
    found = [term for term in (_as_number(text, folded), _as_phone(text, folded)) if term]
    if found:
        return found
    if searchable_words(text) or len(normalize_name(text)) >= 2:
        return [Term(Kind.TEXT, text)]
    return []


def condition(model: type[Model], term: Term, scope: Q) -> Q:
    """The cases ``term`` designates, as a condition; identity data only within ``scope``."""
    if term.kind == Kind.NUMBER:
        years = [term.year] if term.year else list(YEARS)  # the (year, sequence) index
        return Q(year__in=years, sequence=term.sequence)
    if term.kind == Kind.ID_NUMBER:
        return Q(petitioner_id_hash__in=lookup_hashes(term.value)) & scope
    if term.kind == Kind.PHONE:
        return Q(petitioner_phone_hash__in=lookup_hashes(term.value)) & scope
    found = matching(model, term.text)
    name = normalize_name(term.text)
    if len(name) <= NAME_MAX_LENGTH:
        found |= Q(petitioner_name_hash__in=lookup_hashes(name)) & scope
    return found


def find(cases: QuerySet, text: str, user) -> QuerySet:
    """The cases among ``cases`` that the search ``text`` finds, for ``user``."""
    terms = read_terms(text)
    if not terms:
        return cases.none()
    scope = identity_visible(user)
    found = condition(cases.model, terms[0], scope)
    for term in terms[1:]:
        found |= condition(cases.model, term, scope)
    return cases.filter(found)
