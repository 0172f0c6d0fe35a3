"""One work order checked field by field (petitions/transfer_orders.py): what the platforms
write is read as they mean it, and what is wrong is named per field."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from config.env import env_token
from petitions.transfer_orders import clean_order, heading_field
from schedules.models import District

NOW = timezone.make_aware(datetime.datetime(2025, 3, 12, 14, 0))


def raw(**overrides):
    order = {
        "number": "GD001",
        "ordered_at": "2025-03-12 09:30",
        "caller": "王女士",
        "phone": "138 0013 8000",
        "address": "喀左县公营子镇",
        "content": "养殖场粪污直排河道。\n气味很大。",
        "deadline": "2025/03/20",
    }
    order.update(overrides)
    return order


def test_an_order_is_read_as_the_platform_means_it():
    order, errors = clean_order(raw(number=2025031200012.0), now=NOW)

    assert errors == {}
    assert order.number == "2025031200012"
    assert order.phone == "+8613800138000"
    assert order.district == District.KAZUO
    assert order.title == "养殖场粪污直排河道。"
    assert order.deadline == datetime.date(2025, 3, 20)
    assert timezone.localtime(order.ordered_at).hour == 9


def test_excel_cells_of_dates_and_times_are_read():
    order, _errors = clean_order(
        raw(
            ordered_at=datetime.datetime(2025, 3, 12, 9, 30),
            deadline=datetime.datetime(2025, 3, 20, 17),
        ),
        now=NOW,
    )

    assert order.deadline == datetime.date(2025, 3, 20)


@pytest.mark.parametrize(
    ("field", "value", "code_word"),
    [
        ("number", "GD/001", "at most 64 letters"),
        ("ordered_at", "三月十二日", "2025-03-12 09:30"),
        ("deadline", "2025-03-01", "before the time of the order"),
        ("phone", "110", "valid phone number"),
        ("address", "地" * 201, "at most 200"),
        ("caller", "名" * 51, "at most 50"),
    ],
)
def test_what_is_wrong_is_named_at_its_field(field, value, code_word):
    from django.utils import translation

    with translation.override("en"):
        order, errors = clean_order(raw(**{field: value}), now=NOW)

    assert order is None
    assert list(errors) == [field]
    assert code_word in errors[field][0]


def test_headings_are_read_in_the_platforms_words():
    assert heading_field(" 工单编号 ") == "number"
    assert heading_field("Work Order Number") == "number"
    assert heading_field("来电时间：") == "ordered_at"
    assert heading_field("备注") is None


def test_a_token_too_short_stops_start_up(monkeypatch):
    monkeypatch.setenv("TRANSFER_TOKEN_12345", "short")

    with pytest.raises(ImproperlyConfigured, match="TRANSFER_TOKEN_12345"):
        env_token("TRANSFER_TOKEN_12345")
