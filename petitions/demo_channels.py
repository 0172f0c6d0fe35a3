"""Demo data of the citizens' channels: appointments for the next reception days, an online
petition and two hotline transfers (12345, 12369) with their work orders.

Everything goes through the channels' own verbs (``schedules.appointment_days``,
``petitions.appointments``, ``petitions.online``, ``petitions.transfers``), as the office and
the citizens would use them; the demo's made-up citizens receive no text message
(``texts.silenced``). Loading is repeatable (``make run`` loads the demo every time): a day
already opened keeps its places, a day with bookings gets none more, the online petition is
found by its form's token and a work order by its number.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import appointments, intake, online, texts, transfers
from petitions.identity import normalize_phone
from petitions.models import Appointment, Case
from petitions.models_appointments import AppointmentState
from petitions.models_transfers import PlatformSender, WorkOrder
from petitions.transfer_orders import clean_order
from schedules import appointment_days
from schedules.appointment_models import AppointmentDay
from schedules.models import Duty

OPENED_DAYS = 2  # the next reception days opened for appointments
PLACES = 8
SLOTS = ["09:00-10:00", "10:00-11:00", "14:30-15:30"]


@dataclass(frozen=True)
class DemoBooking:
    name: str
    phone: str
    location: str
    matter: str
    slot: str
    state: str  # what the office made of it
    reason: str = ""


BOOKINGS = (
    DemoBooking(
        "韩秀英",
        "13842106618",
        "双塔区凌凤街道和平小区",
        "小区北侧洗车行污水直排雨水井，夏天气味很大。\n已向街道反映两次。",
        "09:00-10:00",
        AppointmentState.CONFIRMED,
    ),
    DemoBooking(
        "邓志刚",
        "13842107729",
        "龙城区大平房镇",
        "镇西砂石场粉尘大，附近玉米地叶子发白。",
        "10:00-11:00",
        AppointmentState.REQUESTED,
    ),
    DemoBooking(
        "冯丽",
        "13842108830",
        "双塔区站前街道",
        "站前广场夜市噪音，晚上十一点后仍很吵。",
        "14:30-15:30",
        AppointmentState.DECLINED,
        "夜市噪音由城市管理部门负责，已为您转告市城市管理综合行政执法局。",
    ),
)

ONLINE_TOKEN = uuid.UUID("0d5e7a52-9c1f-4f55-8d3b-7a1c0b6e2f11")
ONLINE_PETITION = {
    "petitioner_name": "许晓燕",
    "petitioner_phone": "13842109941",
    "petitioner_id_number": "",
    "petitioner_address": "辽宁省朝阳市双塔区珠江路三段8号楼",
    "people_count": 1,
    "representatives": "",
    "district": "shuangta",
    "location": "双塔区珠江路三段",
    "title": "珠江路商户空调外机噪音扰民",
    "category": "1",
    "classification": "claim",
    "content": "珠江路三段多家商户的空调外机正对居民楼，夜间噪音大，影响休息。请求调查处理。",
}

ORDERS = {
    "12345": {
        "number": "12345-DEMO-0001",
        "caller": "赵先生",
        "phone": "13842101152",
        "address": "朝阳市双塔区凌河街道滨河小区南门",
        "content": "滨河小区南门外垃圾中转站异味严重，夏季尤甚，请求处理。",
    },
    "12369": {
        "number": "12369-DEMO-0001",
        "caller": "匿名",
        "phone": "",
        "address": "朝阳县二十家子镇化工园区",
        "content": "化工园区夜间有刺鼻气味，怀疑有企业偷排废气。",
    },
}


def load_channels(result, users: dict) -> None:
    """Load what is not there yet, all or none; a refusal is reported in ``result``."""
    try:
        with transaction.atomic(), texts.silenced():  # no text to made-up citizens
            _open_reception_days(result, users["clerk"])
            _online_petition(result)
            _transfers(result, users["clerk"])
    except ValidationError as error:
        result.problems.append(
            _("The demo channels were not created: %(reason)s")
            % {"reason": " ".join(error.messages)}
        )


def _open_reception_days(result, clerk) -> None:
    """Open the next reception days for appointments; book the first one still taking
    bookings, once."""
    today = timezone.localdate()
    upcoming = Duty.objects.published().filter(kind=Duty.Kind.RECEPTION, date__gt=today)
    booked = False
    for duty in upcoming.select_related("leader", "place").order_by("date")[:OPENED_DAYS]:
        day = AppointmentDay.objects.filter(duty=duty).first()
        if day is None:
            day = appointment_days.open_for_appointments(
                duty, places=PLACES, slots=SLOTS, version=None, by=clerk
            )
            result.add(AppointmentDay)
        taking = day.is_open(today, appointment_days.closes_on(duty))
        if not booked and taking and not duty.appointments.exists():
            _book(result, duty, clerk, today)
            booked = True


def _book(result, duty: Duty, clerk, today: datetime.date) -> None:
    for spec in BOOKINGS:
        booking = appointments.book(
            duty,
            today=today,
            name=spec.name,
            phone=normalize_phone(spec.phone),
            district="longcheng" if spec.location.startswith("龙城") else "shuangta",
            location=spec.location,
            matter=spec.matter,
            category="1",
            slot=spec.slot,
            people_count=1,
            representatives="",
            petitioned_before=False,
            earlier_case_number="",
        )
        if spec.state == AppointmentState.CONFIRMED:
            appointments.confirm(booking, by=clerk)
        elif spec.state == AppointmentState.DECLINED:
            appointments.decline(booking, by=clerk, reason=spec.reason)
    result.add(Appointment, len(BOOKINGS))


def _online_petition(result) -> None:
    if intake.registered_with(ONLINE_TOKEN) is not None:
        return
    fields = {
        **ONLINE_PETITION,
        "petitioner_phone": normalize_phone(ONLINE_PETITION["petitioner_phone"]),
    }
    submission = online.submit_petition(
        address="127.0.0.1", submission_token=ONLINE_TOKEN, **fields
    )
    if submission.outcome == online.CREATED:
        result.add(Case)


def _transfers(result, clerk) -> None:
    """One work order from each hotline: 12345 as the office's Excel batch, 12369 posted by the
    platform; each imported once (its number)."""
    now = timezone.localtime()
    for platform, raw in ORDERS.items():
        if WorkOrder.objects.filter(platform=platform, number=raw["number"]).exists():
            continue
        ordered_at = now - datetime.timedelta(hours=3)
        order, errors = clean_order(
            {
                **raw,
                "ordered_at": ordered_at.strftime("%Y-%m-%d %H:%M"),
                "deadline": (now.date() + datetime.timedelta(days=10)).isoformat(),
            },
            now=now,
        )
        if order is None:
            raise ValidationError([message for found in errors.values() for message in found])
        excel = platform == "12345"
        by = clerk if excel else PlatformSender(platform)
        source = WorkOrder.Source.EXCEL if excel else WorkOrder.Source.API
        outcomes = transfers.import_orders(
            platform, [order], by=by, source=source, file_name="12345-demo.xlsx" if excel else ""
        )
        created = sum(outcome.created for outcome in outcomes)
        result.add(Case, created)
        result.add(WorkOrder, created)
