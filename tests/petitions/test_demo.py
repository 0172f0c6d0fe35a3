"""``loaddemo``: this year's rosters and the demo petition cases (``petitions/demo.py``)."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from petitions import demo as case_demo
from petitions import demo_channels, people
from petitions.identity import validate_id_number
from petitions.models import (
    Appointment,
    Case,
    CaseLog,
    Channel,
    Classification,
    ExtensionState,
    Letter,
    Review,
    Satisfaction,
    State,
)
from petitions.models_transfers import WorkOrder
from schedules.appointment_models import AppointmentDay
from schedules.models import Duty, Leader

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 11, 28)


def run(*args) -> str:
    out = io.StringIO()
    call_command("loaddemo", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI), tick=False)
    return TODAY


@pytest.fixture
def demo(db, today):
    with override_settings(DEBUG=True):
        return run()


def case(title: str) -> Case:
    return Case.objects.get(title=title)


# --- This year's rosters ----------------------------------------------------------------------


def test_loaddemo_generates_and_publishes_this_years_rosters(demo):
    duties = Duty.objects.of_year(2026)

    assert duties.count() == 24
    assert not duties.exclude(state=Duty.State.PUBLISHED).exists()
    assert not duties.filter(published_at__isnull=True).exists()
    assert "2026" in demo


def test_this_years_rosters_follow_the_plans_rotation(demo):
    receptions = Duty.objects.of_year(2026).filter(kind=Duty.Kind.RECEPTION).order_by("month")

    assert [d.leader.name for d in receptions[:6]] == [
        "厚春华",
        "王晓东",
        "孙守堂",
        "傅博",
        "郭大维",
        "厚春华",
    ]
    assert [d.contact.name for d in receptions[:4]] == ["王贤熙", "于海宁", "李明姬", "王贤熙"]
    assert {d.place.name for d in receptions} == {"市执法队信访室"}


def test_loaddemo_keeps_the_2024_rosters_as_the_plan_prints_them(demo):
    assert Duty.objects.of_year(2024).count() == 24
    assert Duty.objects.get(year=2024, month=5, kind=Duty.Kind.RECEPTION).date == datetime.date(
        2024, 5, 13
    )


def test_loaddemo_leaves_a_year_that_has_a_duty_alone(db, today):
    run("--no-accounts")  # the plan's leaders, no 2026 rosters
    kept = Duty.objects.create(
        kind=Duty.Kind.RECEPTION,
        year=2026,
        month=3,
        date=datetime.date(2026, 3, 12),
        leader=Leader.objects.get(name="傅博"),
    )

    with override_settings(DEBUG=True):
        run()

    assert list(Duty.objects.of_year(2026)) == [kept]
    kept.refresh_from_db()
    assert kept.state == Duty.State.DRAFT


# --- The demo cases ---------------------------------------------------------------------------


def demo_cases():
    """The cases of ``demo_cases.py`` (not the channels' ones, received today)."""
    return Case.objects.filter(title__in=case_demo.DEMO_TITLES)


def test_loaddemo_creates_the_demo_cases(demo):
    assert demo_cases().count() == len(case_demo.DEMO_CASES)
    with translation.override(settings.LANGUAGE_CODE):
        printed = gettext("%(what)s created: %(count)d") % {
            "what": str(Case._meta.verbose_name_plural).capitalize(),
            "count": len(case_demo.DEMO_CASES) + 3,  # and the online and two hotline cases
        }
    assert printed in demo


def test_the_demo_texts_none_of_its_made_up_petitioners(demo):
    from accounts.models import Message

    assert not Message.objects.filter(channel=Message.Channel.SMS).exists()


@pytest.mark.parametrize(
    "state",
    [
        State.REGISTERED,
        State.ACCEPTED,
        State.NOT_ACCEPTED,
        State.ASSIGNED,
        State.IN_PROGRESS,
        State.ANSWER_DRAFTED,
        State.APPROVED,
        State.ANSWERED,
        State.CLOSED,
        State.REVIEW,
        State.TRANSFERRED,
    ],
)
def test_demo_cases_cover_every_state(demo, state):
    assert Case.objects.filter(state=state).exists()


def test_demo_cases_were_received_within_the_last_90_days(demo):
    days = [(TODAY - c.received_at.astimezone(SHANGHAI).date()).days for c in demo_cases()]

    assert min(days) >= 1
    assert max(days) <= 90


def test_demo_cases_are_registered_and_handled_by_the_demo_users(demo):
    assert set(demo_cases().values_list("created_by__username", flat=True)) == {"clerk"}
    closed = case("新华路烧烤店油烟直排扰民")
    actors = set(closed.logs.values_list("to_state", "by__username"))
    assert (State.IN_PROGRESS, "handler") in actors
    assert (State.ANSWER_DRAFTED, "handler") in actors
    assert (State.ANSWERED, "clerk") in actors


def test_the_closed_case_has_satisfied_feedback(demo):
    closed = Case.objects.get(state=State.CLOSED)

    assert closed.satisfaction == Satisfaction.SATISFIED
    assert closed.closed_at is not None


def test_the_not_accepted_case_is_referred_to_the_court(demo):
    refused = Case.objects.get(state=State.NOT_ACCEPTED)

    assert refused.in_litigation
    assert refused.referral_reason.destination == "court"
    assert refused.due_date is None


def test_one_case_is_overdue_in_progress(demo):
    overdue = Case.objects.overdue(TODAY).get()

    assert overdue.state == State.IN_PROGRESS
    assert (TODAY - overdue.received_at.astimezone(SHANGHAI).date()).days > 75


def test_one_case_is_due_within_a_week(demo):
    assert Case.objects.due_soon(TODAY, 7).count() == 1


def test_the_group_petition_has_six_people_and_representatives(demo):
    group = Case.objects.get(is_group=True)

    assert group.people_count == 6
    assert group.representatives == "赵立军、孙凤琴"


def test_the_repeat_petition_repeats_the_unresolved_dust_case(demo):
    repeat = Case.objects.get(is_repeat=True)

    assert repeat.repeat_of == case("凌河街道拆迁工地扬尘污染严重")
    assert repeat.received_at > repeat.repeat_of.received_at


def test_the_accusation_is_handled_by_the_office(demo):
    accusation = Case.objects.get(classification=Classification.ACCUSATION)

    assert accusation.state == State.IN_PROGRESS
    assert accusation.logs.get(to_state=State.IN_PROGRESS).by.username == "clerk"


def test_the_reception_day_case_is_linked_to_this_years_duty_and_supervised(demo):
    taken = Case.objects.get(duty__isnull=False)

    assert taken.duty.kind == Duty.Kind.RECEPTION
    assert taken.duty.year == 2026
    assert taken.duty.date < TODAY
    assert taken.received_at.astimezone(SHANGHAI).date() == taken.duty.date
    assert taken.leader == taken.duty.leader == Leader.objects.get(name="厚春华")
    assert taken.extension_state == ExtensionState.APPROVED
    supervision = taken.logs.get(action=CaseLog.Action.SUPERVISION)
    assert supervision.by.username == "leader"


def test_before_this_years_first_reception_day_the_case_takes_a_2024_one(db, time_machine):
    time_machine.move_to(datetime.datetime(2026, 1, 9, 10, 0, tzinfo=SHANGHAI), tick=False)

    with override_settings(DEBUG=True):
        run()

    taken = Case.objects.get(duty__isnull=False)
    assert taken.duty.year == 2024
    assert taken.year == 2024


def test_demo_petitioners_have_valid_id_numbers_and_phones(demo):
    for found in demo_cases():
        assert validate_id_number(found.petitioner_id_number) == found.petitioner_id_number
        assert found.petitioner_phone.startswith("+86138")
        assert len(found.petitioner_phone) == 14


def test_loaddemo_twice_creates_no_more_cases(demo):
    before = (Case.objects.count(), CaseLog.objects.count(), Duty.objects.count())

    with override_settings(DEBUG=True):
        output = run()

    assert (Case.objects.count(), CaseLog.objects.count(), Duty.objects.count()) == before
    assert "demo-pass-2024" in output


def test_loaddemo_without_accounts_creates_no_cases(db, today):
    with override_settings(DEBUG=True):
        run("--no-accounts")

    assert not Case.objects.exists()
    assert not Duty.objects.of_year(2026).exists()  # no invented roster outside a demo


@override_settings(DEBUG=False)
def test_cases_need_debug_even_when_loaded_directly(db, today):
    case_demo.load(accounts=True)

    assert not Case.objects.exists()


def test_the_answered_cases_were_delivered_and_the_approved_one_waits_for_delivery(demo):
    for answered in Case.objects.filter(state__in=[State.ANSWERED, State.CLOSED]):
        assert answered.letters.get(kind=Letter.Kind.ANSWER).delivered_on == TODAY
        assert answered.review_request_due == TODAY + datetime.timedelta(days=30)
    waiting = Case.objects.get(state=State.APPROVED)
    assert waiting.letters.get().delivered_on is None


def test_the_review_of_the_bureaus_own_answer_was_forwarded_to_the_higher_body(demo):
    under_review = Case.objects.get(state=State.REVIEW)
    review = under_review.reviews.get()
    assert review.body == Review.Body.HIGHER and review.higher_body == "朝阳市人民政府"
    assert under_review.due_date == TODAY + datetime.timedelta(days=30)


def test_the_transferred_case_names_the_authority(demo):
    transferred = Case.objects.get(state=State.TRANSFERRED)
    assert transferred.letters.get().addressee == "朝阳市城市管理综合行政执法局"


def test_the_skipped_level_case_is_assigned_to_its_branch_and_still_counted(demo):
    skipped = Case.objects.get(skipped_level=True)
    assert skipped.state == State.ASSIGNED and skipped.unit.name == "龙城分局"


def test_the_demo_logs_name_people_not_user_names(demo):
    names = {people.full_name(entry.by) for entry in CaseLog.objects.exclude(by=None)}
    assert names <= {"王贤熙", "李建军", "张敏", "厚春华"}


# --- The citizens' channels (petitions/demo_channels.py) ---------------------------------------


def test_the_next_reception_day_is_open_with_bookings_in_several_states(demo):
    day = AppointmentDay.objects.select_related("duty").get()

    assert day.duty.date == datetime.date(2026, 12, 14)  # the 12th is a Saturday
    assert (day.places, day.slots) == (demo_channels.PLACES, demo_channels.SLOTS)
    states = sorted(day.duty.appointments.values_list("state", flat=True))
    assert states == sorted(["confirmed", "requested", "declined"])
    assert day.taken == 2  # the declined booking freed its place


def test_the_office_sees_the_demo_bookings(demo, client):
    client.force_login(get_user_model().objects.get(username="clerk"))
    day = AppointmentDay.objects.get()

    with override_settings(DEBUG=True):  # demo sign-ins work only then
        page = client.get(f"/appointments/office/day/{day.duty_id}/").content.decode()
    assert "韩秀英" in page and "邓志刚" in page


def test_the_public_page_shows_the_places_left(demo, client):
    page = client.get("/?year=2026").content.decode()
    assert f"/appointments/day/{AppointmentDay.objects.get().duty_id}/" in page


def test_the_demo_has_an_online_petition(demo):
    petition = Case.objects.get(submission_token=demo_channels.ONLINE_TOKEN)

    assert petition.channel == Channel.ONLINE
    assert petition.state == State.REGISTERED
    assert petition.created_by is None
    assert petition.title == demo_channels.ONLINE_PETITION["title"]


def test_the_demo_has_a_transfer_from_each_hotline_with_its_work_order(demo):
    orders = {order.platform: order for order in WorkOrder.objects.select_related("case")}

    assert set(orders) == {Channel.HOTLINE_12345, Channel.HOTLINE_12369}
    for platform, order in orders.items():
        assert order.case.channel == platform
        assert order.platform_deadline == TODAY + datetime.timedelta(days=10)
    assert orders[Channel.HOTLINE_12345].source == WorkOrder.Source.EXCEL
    assert orders[Channel.HOTLINE_12369].source == WorkOrder.Source.API


def test_loaddemo_twice_adds_no_booking_petition_or_order(demo):
    before = (Appointment.objects.count(), AppointmentDay.objects.count(), Case.objects.count())

    with override_settings(DEBUG=True):
        run()

    after = (Appointment.objects.count(), AppointmentDay.objects.count(), Case.objects.count())
    assert after == before
    assert WorkOrder.objects.count() == 2


def test_a_later_run_opens_the_next_reception_day_too(demo, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI), tick=False)

    with override_settings(DEBUG=True):
        run()

    # 2026 has no reception day left: nothing new, nothing failed
    assert AppointmentDay.objects.count() == 1
    assert Appointment.objects.count() == 3
