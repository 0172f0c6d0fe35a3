"""Case numbers and query codes: how the receipt writes them, and how they are read back from
what a petitioner types (on a phone, with an IME, from a receipt read out over the phone).

Pure functions: intake writes numbers and codes, the case lookup reads them back.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from django.conf import settings

from schedules.workdays import YEARS

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out by phone
QUERY_CODE_LENGTH = 8


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def case_number(year: int, sequence: int) -> str:
    """朝环信〔2025〕0007: prefix, year of receipt, sequence within the year."""
    return f"{settings.CASE_NUMBER_PREFIX}〔{year}〕{sequence:04d}"


def parse_number(text: str) -> tuple[int, int] | None:
    """(year, sequence) from a case number as typed: 朝环信〔2025〕0007, 2025-7, [2025]0007."""
    digits = re.findall(r"\d+", unicodedata.normalize("NFKC", text or ""))
    if len(digits) >= 2 and len(digits[0]) == 4:
        year, sequence = digits[0], digits[-1]
    elif len(digits) == 1 and len(digits[0]) >= 5:
        year, sequence = digits[0][:4], digits[0][4:]
    else:
        return None
    if int(year) not in YEARS or not 0 < int(sequence) < 10_000_000:
        return None
    return int(year), int(sequence)


def normalize_code(text: str) -> str:
    """Codes are read out and typed on phones: full-width, spaces, dashes and case do not count."""
    folded = unicodedata.normalize("NFKC", text or "").upper()
    return "".join(ch for ch in folded if ch.isalnum())
