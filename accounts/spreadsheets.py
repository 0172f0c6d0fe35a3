"""What every spreadsheet export shares: text cells that cannot run as formulas.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
programs skip before reading the rest) is taken as a formula by Excel and LibreOffice when the
file is opened: a leader's position typed as ``=HYPERLINK(...)`` would become a live link. The
OWASP advice ("CSV Injection") is to start such a cell with a single quote, which the
spreadsheet shows as text. Chinese input methods type the full-width forms (＝＋－＠), which
some programs also read as the formula sign, so they are treated the same; so are leading
spaces, which a program may trim before it looks at the first character.
"""

from __future__ import annotations

import unicodedata
from typing import Any

FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
# Ordinary and ideographic (full-width) spaces.
LEADING_SPACES = " \u3000"


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet may show it: formula-like text gets a leading quote,
    anything else (numbers, dates, ordinary text) is returned unchanged."""
    if not isinstance(value, str):
        return value
    first = value.lstrip(LEADING_SPACES)[:1]
    # Other compatibility forms of the signs (small, fullwidth) fold to them under NFKC.
    if first in FORMULA_STARTS or unicodedata.normalize("NFKC", first)[:1] in FORMULA_STARTS:
        return "'" + value
    return value
