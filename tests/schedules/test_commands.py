"""Management commands: rosterdates, rostercheck, sendreminders, loaddemo and the demo guard."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory, override_settings

from accounts import demo
from accounts.auth import StaffBackend
from schedules.models import (
    ContactPerson,
    Duty,
    Leader,
    Place,
    SiteSettings,
    Unit,
)
from schedules.workdays import library_confirmed_years

PROVISIONAL_YEAR = max(library_confirmed_years()) + 1
GUARDED_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.auth.StaffBackend"]


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def csv_lines(*args) -> list[list[str]]:
    return list(csv.reader(io.StringIO(run(*args))))


@pytest.fixture
def plan_2024(db):
    run("loaddemo", "--no-accounts")


@pytest.fixture
def makeup_days_allowed(db):
    site = SiteSettings.load()
    site.makeup_days_carry_duty = True
    site.save()


# --- rosterdates ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rosterdates_header():
    assert run("rosterdates", "2024").splitlines()[0] == "kind,nominal_date,date,status,reason"


@pytest.mark.django_db
def test_rosterdates_moves_february_reception_past_spring_festival():
    february = csv_lines("rosterdates", "2024")[2]

    assert february[:4] == ["reception", "2024-02-12", "2024-02-19", "confirmed"]
    assert "春节" in february[4] and "2月19日" in february[4]


@pytest.mark.django_db
def test_rosterdates_lists_reception_then_visit_rows():
    kinds = [row[0] for row in csv_lines("rosterdates", "2024")[1:]]

    assert kinds == ["reception"] * 12 + ["visit"] * 12


@pytest.mark.django_db
def test_rosterdates_leaves_reason_empty_when_not_moved():
    january = csv_lines("rosterdates", "2024")[1]

    assert january == ["reception", "2024-01-12", "2024-01-12", "confirmed", ""]


@pytest.mark.django_db
def test_rosterdates_skips_makeup_days_by_default():
    october = csv_lines("rosterdates", "2024", "--kind", "reception")[10]

    assert october[1:3] == ["2024-10-12", "2024-10-14"]


@pytest.mark.django_db
def test_rosterdates_use_makeup_days_keeps_saturday_12_october():
    october = csv_lines("rosterdates", "2024", "--kind", "reception", "--makeup-days", "use")[10]

    assert october[1:4] == ["2024-10-12", "2024-10-12", "confirmed"]


def test_rosterdates_default_follows_the_site_setting(makeup_days_allowed):
    october = csv_lines("rosterdates", "2024", "--kind", "reception")[10]

    assert october[2] == "2024-10-12"


def test_rosterdates_skip_overrides_the_site_setting(makeup_days_allowed):
    october = csv_lines("rosterdates", "2024", "--kind", "reception", "--makeup-days", "skip")[10]

    assert october[2] == "2024-10-14"


@pytest.mark.django_db
def test_rosterdates_marks_an_unconfirmed_year_provisional():
    rows = csv_lines("rosterdates", str(PROVISIONAL_YEAR))[1:]

    assert {row[3] for row in rows} == {"provisional"}


@pytest.mark.django_db
def test_rosterdates_kind_visit_prints_only_visit_rows():
    lines = run("rosterdates", "2024", "--kind", "visit").splitlines()

    assert len(lines) == 13
    assert all(line.startswith("visit,") for line in lines[1:])


@pytest.mark.django_db
def test_rosterdates_refuses_an_implausible_year():
    with pytest.raises(CommandError):
        run("rosterdates", "224")


# --- rostercheck ------------------------------------------------------------------------------


def checked(*options) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in csv_lines("rostercheck", "2024", *options)[1:]]


def test_rostercheck_header(plan_2024):
    assert run("rostercheck", "2024").splitlines()[0] == "kind,date,leader,rule_date,reason"


def test_rostercheck_lists_the_three_duties_the_plan_keeps_on_days_off(plan_2024):
    assert checked() == [
        ("reception", "2024-02-12"),
        ("visit", "2024-02-15"),
        ("visit", "2024-09-16"),
    ]


def test_rostercheck_with_makeup_days_adds_14_october(plan_2024):
    assert checked("--makeup-days", "use") == [
        ("reception", "2024-02-12"),
        ("visit", "2024-02-15"),
        ("visit", "2024-09-16"),
        ("reception", "2024-10-14"),
    ]


def test_rostercheck_default_follows_the_site_setting(plan_2024, makeup_days_allowed):
    assert ("reception", "2024-10-14") in checked()


def test_rostercheck_gives_leader_rule_date_and_every_reason(plan_2024):
    february = csv_lines("rostercheck", "2024")[1]

    assert february[2:4] == ["王晓东", "2024-02-19"]
    assert "; " in february[4]  # a day off, and not the rule's date
    assert "春节" in february[4]


def test_rostercheck_ignores_cancelled_duties(plan_2024):
    Duty.objects.filter(year=2024, month=9, kind=Duty.Kind.VISIT).update(state=Duty.State.CANCELLED)

    assert ("visit", "2024-09-16") not in checked()


# --- sendreminders ----------------------------------------------------------------------------


@pytest.fixture
def people(db):
    leader = Leader.objects.create(name="傅博", position="副局长", email="fubo@example.org")
    contact = ContactPerson.objects.create(name="李明姬", email="limingji@example.org")
    return leader, contact


def make_duty(people, day: datetime.date, state: str = Duty.State.PUBLISHED) -> Duty:
    leader, contact = people
    return Duty.objects.create(
        kind=Duty.Kind.RECEPTION,
        year=day.year,
        month=day.month,
        date=day,
        leader=leader,
        contact=contact,
        state=state,
    )


TODAY = datetime.date(2024, 4, 9)


def test_sendreminders_mails_leader_and_contact_three_days_ahead(people, mailoutbox, settings):
    settings.REMINDER_DAYS_BEFORE = 3
    make_duty(people, datetime.date(2024, 4, 12))

    run("sendreminders", "--date", TODAY.isoformat())

    assert sorted(m.to[0] for m in mailoutbox) == ["fubo@example.org", "limingji@example.org"]


def test_sendreminders_reports_how_many_were_sent(people, mailoutbox, settings):
    settings.REMINDER_DAYS_BEFORE = 3
    make_duty(people, datetime.date(2024, 4, 12))

    output = run("sendreminders", "--date", TODAY.isoformat())

    assert re.search(r"(?<!\d)2(?!\d)", output)


def test_sendreminders_skips_a_draft_duty(people, mailoutbox, settings):
    settings.REMINDER_DAYS_BEFORE = 3
    make_duty(people, datetime.date(2024, 4, 12), state=Duty.State.DRAFT)

    run("sendreminders", "--date", TODAY.isoformat())

    assert mailoutbox == []


def test_sendreminders_skips_a_duty_two_days_ahead(people, mailoutbox, settings):
    settings.REMINDER_DAYS_BEFORE = 3
    make_duty(people, datetime.date(2024, 4, 11))

    run("sendreminders", "--date", TODAY.isoformat())

    assert mailoutbox == []


def test_sendreminders_days_option_changes_the_distance(people, mailoutbox):
    make_duty(people, datetime.date(2024, 4, 11))

    run("sendreminders", "--date", TODAY.isoformat(), "--days", "2")

    assert len(mailoutbox) == 2


def test_sendreminders_uses_today_without_date(people, mailoutbox, settings, time_machine):
    settings.REMINDER_DAYS_BEFORE = 3
    time_machine.move_to(datetime.datetime(2024, 4, 9, 8, 0), tick=False)
    make_duty(people, datetime.date(2024, 4, 12))

    run("sendreminders")

    assert len(mailoutbox) == 2


def test_sendreminders_calls_the_cases_due_reminders(db, monkeypatch):
    from petitions import notifications

    calls = []
    monkeypatch.setattr(notifications, "send_due_reminders", lambda today: calls.append(today) or 0)

    run("sendreminders", "--date", TODAY.isoformat())

    assert calls == [TODAY]


# --- loaddemo ---------------------------------------------------------------------------------

DEMO_MODELS = (Place, Unit, Leader, ContactPerson, Duty)


def counts() -> dict[str, int]:
    found = {model.__name__: model.objects.count() for model in DEMO_MODELS}
    found["User"] = get_user_model().objects.count()
    return found


@pytest.fixture
def demo_with_accounts(db):
    with override_settings(DEBUG=True):
        run("loaddemo")


def test_loaddemo_twice_creates_nothing_more(demo_with_accounts):
    before = counts()

    with override_settings(DEBUG=True):
        output = run("loaddemo")

    assert counts() == before
    assert "demo-pass-2024" in output  # the sign-ins are printed again


def test_loaddemo_loads_both_2024_rosters_published(plan_2024):
    duties = Duty.objects.of_year(2024)

    assert duties.count() == 24
    assert not duties.exclude(state=Duty.State.PUBLISHED).exists()
    assert not duties.filter(published_at__isnull=True).exists()


def test_loaddemo_puts_reception_duties_in_the_petition_room(plan_2024):
    receptions = Duty.objects.filter(kind=Duty.Kind.RECEPTION)

    assert set(receptions.values_list("place__name", flat=True)) == {"市执法队信访室"}
    assert Place.objects.get(is_default=True).phone == "0421-2614858"


def test_loaddemo_keeps_the_leaders_rotation_order(plan_2024):
    assert list(Leader.objects.values_list("name", "position")) == [
        ("厚春华", "局长"),
        ("王晓东", "副局长"),
        ("孙守堂", "副局长"),
        ("傅博", "副局长"),
        ("郭大维", "执法队队长"),
    ]


def test_loaddemo_gives_every_leader_supervised_sections(plan_2024):
    for leader in Leader.objects.all():
        assert 1 <= leader.sections.count() <= 2
        assert set(leader.sections.values_list("kind", flat=True)) == {Unit.Kind.SECTION}


def test_loaddemo_creates_a_branch_office_per_district(plan_2024):
    branches = Unit.objects.filter(kind=Unit.Kind.BRANCH_OFFICE)

    assert branches.count() == 7
    assert branches.get(name="双塔分局").district == "shuangta"


def test_loaddemo_does_not_undo_a_change_made_in_the_app(plan_2024):
    duty = Duty.objects.get(year=2024, month=1, kind=Duty.Kind.RECEPTION)
    duty.leader = Leader.objects.get(name="傅博")
    duty.save()

    run("loaddemo", "--no-accounts")

    duty.refresh_from_db()
    assert duty.leader.name == "傅博"


@override_settings(DEBUG=False)
@pytest.mark.django_db
def test_loaddemo_refuses_accounts_when_debug_is_off():
    with pytest.raises(CommandError, match="--no-accounts"):
        run("loaddemo")

    assert not get_user_model().objects.exists()
    assert not Duty.objects.exists()


@override_settings(DEBUG=False)
@pytest.mark.django_db
def test_loaddemo_no_accounts_works_when_debug_is_off():
    run("loaddemo", "--no-accounts")

    assert Duty.objects.of_year(2024).count() == 24
    assert not get_user_model().objects.exists()


def test_loaddemo_links_the_demo_accounts(demo_with_accounts):
    User = get_user_model()

    assert ContactPerson.objects.get(name="王贤熙").user.username == "clerk"
    assert Leader.objects.get(name="厚春华").user.username == "leader"
    assert Unit.objects.get(name="双塔分局").members.get().username == "handler"
    assert User.objects.get(username="admin").is_staff


def test_loaddemo_puts_each_account_in_its_role(demo_with_accounts):
    groups = {
        user.username: set(user.groups.values_list("name", flat=True))
        for user in get_user_model().objects.all()
    }

    assert groups == {
        "admin": {"administrator"},
        "clerk": {"petition_office"},
        "handler": {"handling_unit"},
        "leader": {"leader"},
    }


# --- The demo account guard -------------------------------------------------------------------


def sign_in(username: str, password: str):
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=password)


@override_settings(AUTHENTICATION_BACKENDS=GUARDED_BACKENDS, DEBUG=True)
def test_demo_account_signs_in_when_debug_is_on(demo_with_accounts):
    assert sign_in("clerk", demo.DEMO_PASSWORD).username == "clerk"


@override_settings(AUTHENTICATION_BACKENDS=GUARDED_BACKENDS, DEBUG=False)
def test_demo_account_cannot_sign_in_when_debug_is_off(demo_with_accounts):
    assert sign_in("clerk", demo.DEMO_PASSWORD) is None


@override_settings(DEBUG=False)
def test_demo_account_session_ends_when_debug_is_off(demo_with_accounts):
    user = get_user_model().objects.get(username="admin")

    assert StaffBackend().get_user(user.pk) is None


@override_settings(AUTHENTICATION_BACKENDS=GUARDED_BACKENDS, DEBUG=False)
def test_real_account_with_a_demo_name_still_signs_in(clerk):
    from tests.conftest import PASSWORD

    assert sign_in("clerk", PASSWORD) == clerk
