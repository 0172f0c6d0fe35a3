"""The shared guard of spreadsheet exports: a text cell never runs as a formula."""

from __future__ import annotations

import datetime

import pytest

from accounts.spreadsheets import safe_cell


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://example.org","点击")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "＝HYPERLINK(1)",
        "＋1",
        "－1",
        "＠SUM(A1)",
        "  =1+1",
        "\u3000=1+1",
    ],
)
def test_formula_like_text_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["厚春华", "副局长", "2024年1月12日", "王-东", "a=b", ""])
def test_ordinary_text_is_left_as_it_is(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize("value", [-5, 3.5, None, datetime.date(2025, 1, 13)])
def test_numbers_dates_and_empty_cells_are_left_as_they_are(value):
    assert safe_cell(value) == value
