"""A hotline work order as the platforms send it, checked field by field before anything is
stored.

The 12345 and 12369 platforms export an order as: work order number, time, caller, phone,
address, content and requested deadline (Excel columns, or the keys of the JSON the platform
posts). ``clean_order`` turns one such row into an ``Order`` or says, per field, what is wrong
with it: an upload with one bad row imports nothing (``petitions/transfers.py``), so every
row's messages are collected first and shown together.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from petitions.identity import normalize_phone
from schedules.models import District

# The platforms' own keys (JSON) and the headings their Excel exports use, for each field.
HEADINGS: dict[str, tuple[str, ...]] = {
    "number": ("number", "order_number", "work order number", "工单编号", "工单号", "工单号码"),
    "ordered_at": ("ordered_at", "time", "来电时间", "受理时间", "派单时间", "时间"),
    "caller": ("caller", "来电人", "诉求人", "来电人姓名", "姓名"),
    "phone": ("phone", "联系电话", "来电号码", "电话"),
    "address": ("address", "地址", "事发地址", "诉求地址"),
    "content": ("content", "诉求内容", "内容", "工单内容"),
    "deadline": ("deadline", "办理时限", "要求办结时间", "办结时限", "时限"),
    "district": ("district", "区县", "所属区县"),
    "title": ("title", "标题", "工单标题"),
}
REQUIRED = ("number", "ordered_at", "address", "content")
FIELD_LABELS = {
    "number": _lazy("Work order number"),
    "ordered_at": _lazy("Time of the order"),
    "caller": _lazy("Caller"),
    "phone": _lazy("Phone"),
    "address": _lazy("Address given"),
    "content": _lazy("Content"),
    "deadline": _lazy("Requested deadline"),
    "district": _lazy("District or county"),
    "title": _lazy("Title"),
}

ANONYMOUS = "匿名"  # the platforms' word for a caller who gave no name (stored as data)
MAX_CONTENT = 5000
NUMBER_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")
# Names a caller writes in an address, for each district (the first one found in it counts).
DISTRICT_WORDS = {
    "双塔": District.SHUANGTA,
    "龙城": District.LONGCHENG,
    "北票": District.BEIPIAO,
    "凌源": District.LINGYUAN,
    "朝阳县": District.CHAOYANG_COUNTY,
    "建平": District.JIANPING,
    "喀左": District.KAZUO,
    "喀喇沁左翼": District.KAZUO,
}


@dataclass(frozen=True)
class Order:
    """One checked work order: what becomes the case and its ``WorkOrder``."""

    number: str
    ordered_at: datetime.datetime
    caller: str
    phone: str
    address: str
    content: str
    deadline: datetime.date | None
    district: str
    title: str
    row: int | None = None


def heading_field(heading: Any) -> str | None:
    """The field an Excel heading or JSON key stands for (None: a column we do not read)."""
    text = unicodedata.normalize("NFKC", str(heading or "")).strip().rstrip(":").lower()
    text = " ".join(text.split())
    for name, headings in HEADINGS.items():
        if text in headings:
            return name
    return None


def _text(value: Any) -> str:
    """A cell or JSON value as text: whole numbers without ``.0`` (Excel stores 13800138000 and
    order numbers as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()  # Chinese punctuation in the text stays as written


YEARS = range(2000, 2101)  # beyond them a date is a typing error (and may not convert at all)


def _within_years(moment: datetime.date) -> None:
    if moment.year not in YEARS:
        raise ValidationError(
            _("The year must be between %(first)d and %(last)d.")
            % {"first": YEARS[0], "last": YEARS[-1]},
            code="year",
        )


def _moment(value: Any) -> datetime.datetime:
    """A date-time cell (datetime), or text as the platforms write it; naive means local."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        moment = _parse_moment(unicodedata.normalize("NFKC", _text(value)))
    _within_years(moment)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _parse_moment(text: str) -> datetime.datetime:
    for pattern in DATETIME_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern)
        except ValueError:
            continue
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("Write the time as 2025-03-12 09:30 (date and time)."), code="time"
        ) from None


def _day(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        _within_years(value)
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        _within_years(value)
        return value
    text = unicodedata.normalize("NFKC", _text(value))
    for pattern in DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        _within_years(day)
        return day
    try:  # a deadline with a time of day: the day counts
        moment = _moment(text)
    except ValidationError as error:
        if error.code == "year":
            raise
        message = _("Write the deadline as a date, e.g. 2025-03-20.")
        raise ValidationError(message, code="date") from None
    return timezone.localtime(moment).date()


def recognise_district(value: str, address: str) -> str:
    """The district given (its code or name), else the one the address names."""
    value = value.strip()
    for district in District:
        if value and value in (district.value, str(district.label), district.label.lower()):
            return district.value
    text = value or address
    found = [(text.find(word), code) for word, code in DISTRICT_WORDS.items() if word in text]
    if not found:
        raise ValidationError(
            _(
                "The district cannot be recognised: add a column “区县” (e.g. 双塔区) or name the "
                "district in the address."
            ),
            code="district",
        )
    return min(found)[1]


def _checked(name: str, raw: Any) -> Any:
    """One field's value, or a ValidationError saying what is wrong with it."""
    if name in ("ordered_at", "deadline"):
        if _text(raw) == "":
            return None
        return _moment(raw) if name == "ordered_at" else _day(raw)
    text = _text(raw)
    ProhibitNullCharactersValidator()(text)  # no database stores it; nobody types it
    if name in ("number", "district"):
        text = unicodedata.normalize("NFKC", text)  # full-width digits and letters
    if name == "number":
        if not NUMBER_PATTERN.fullmatch(text):
            raise ValidationError(
                _("A work order number has at most 64 letters, digits, dots, dashes or _."),
                code="number",
            )
    elif name == "phone":
        return normalize_phone(text)
    elif name == "caller" and len(text) > 50:
        raise ValidationError(_("A name has at most 50 characters."), code="caller")
    elif name == "address" and len(text) > 200:
        raise ValidationError(_("An address has at most 200 characters."), code="address")
    elif name == "content" and len(text) > MAX_CONTENT:
        raise ValidationError(
            _("The content has at most %(max)d characters.") % {"max": MAX_CONTENT},
            code="content",
        )
    elif name == "title" and len(text) > 100:
        raise ValidationError(_("A title has at most 100 characters."), code="title")
    return text


def _title(content: str) -> str:
    first = content.splitlines()[0].strip() if content else ""
    return first if len(first) <= 40 else first[:39] + "…"


def clean_order(
    raw: Mapping[str, Any], *, now: datetime.datetime, row: int | None = None
) -> tuple[Order | None, dict[str, list[str]]]:
    """The order, or None with the messages per field (keys as in ``HEADINGS``)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name in HEADINGS:
        if name in REQUIRED and _text(raw.get(name)) == "":
            errors[name] = [_("This field is required.")]
            continue
        try:
            cleaned[name] = _checked(name, raw.get(name))
        except ValidationError as error:
            errors[name] = list(error.messages)
    errors.update(_order_rules(cleaned, now))
    if not errors:
        try:
            cleaned["district"] = recognise_district(cleaned["district"], cleaned["address"])
        except ValidationError as error:
            errors["district"] = list(error.messages)
    if errors:
        return None, errors
    cleaned["caller"] = cleaned["caller"] or ANONYMOUS
    cleaned["title"] = cleaned["title"] or _title(cleaned["content"])
    return Order(**cleaned, row=row), {}


def _order_rules(cleaned: dict, now: datetime.datetime) -> dict[str, list[str]]:
    """Rules across fields: no order from the future, no deadline before the order."""
    errors: dict[str, list[str]] = {}
    ordered_at = cleaned.get("ordered_at")
    if ordered_at and ordered_at > now + datetime.timedelta(minutes=5):
        errors["ordered_at"] = [_("The time of the order is in the future.")]
    deadline = cleaned.get("deadline")
    if deadline and ordered_at and deadline < timezone.localtime(ordered_at).date():
        errors["deadline"] = [_("The deadline is before the time of the order.")]
    return errors
