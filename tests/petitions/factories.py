"""Cases for tests: ``make_case(**overrides)`` fills every required field with plausible values."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.conf import settings
from django.utils import timezone

from petitions.identity import id_check_character
from petitions.models import Case, Category, Channel, Classification, State
from petitions.search import index_case
from schedules.models import District, Leader, Unit

_sequence = itertools.count(1)

# Short enough to type at a phone, long enough not to be guessed in ten attempts.
DEFAULT_QUERY_CODE = "K7P3Q9M2"
ID_NUMBER = "21130219800101123" + id_check_character("21130219800101123")


def make_case(**overrides: Any) -> Case:
    """A saved case with a unique number; any field can be overridden.

    ``received_at`` defaults to now; ``year`` and ``number`` follow it unless given.
    """
    sequence = overrides.pop("sequence", None) or (900_000 + next(_sequence))
    received_at = overrides.pop("received_at", None) or timezone.now()
    year = overrides.pop("year", None) or timezone.localtime(received_at).year
    fields: dict[str, Any] = {
        "number": f"{settings.CASE_NUMBER_PREFIX}〔{year}〕{sequence:04d}",
        "year": year,
        "sequence": sequence,
        "query_code": DEFAULT_QUERY_CODE,
        "channel": Channel.VISIT,
        "received_at": received_at,
        "petitioner_name": "张建国",
        "petitioner_phone": "+8613800138000",
        "petitioner_id_number": ID_NUMBER,
        "petitioner_address": "辽宁省朝阳市双塔区凌河街道友谊小区3号楼2单元",
        "district": District.SHUANGTA,
        "location": "双塔区凌河街道",
        "title": "河道旁堆放建筑垃圾",
        "content": "河道旁有人堆放建筑垃圾，雨后污水流入河中，请求清理。",
        "category": Category.POLLUTION,
        "classification": Classification.CLAIM,
        "state": State.REGISTERED,
        "acceptance_due": timezone.localdate(received_at) + datetime.timedelta(days=15),
    }
    fields.update(overrides)
    case = Case(**fields)
    index_case(case)
    case.save()
    return case


def make_unit(name: str = "双塔分局", **extra: Any) -> Unit:
    extra.setdefault("kind", Unit.Kind.BRANCH_OFFICE)
    return Unit.objects.create(name=name, **extra)


def make_leader(name: str = "厚春华", position: str = "局长", **extra: Any) -> Leader:
    return Leader.objects.create(name=name, position=position, **extra)
