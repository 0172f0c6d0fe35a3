"""The commands that orchestrate both apps (``petitions/management/commands/``): sendreminders
(the duty reminders and the cases' due reminders) and loaddemo (the roster app's demo data; the
demo cases are in ``test_demo.py``)."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from petitions import notifications
from petitions.models import State
from schedules.models import ContactPerson, Duty, Leader, Place, Unit
from tests.factories import at, make_contact, make_duty, make_leader, register


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- sendreminders ----------------------------------------------------------------------------


@pytest.fixture
def on_duty(db):
    """``on_duty(day, state=published)``: 傅博 and 李明姬, both with an address, on a reception
    day."""
    leader = make_leader("傅博", "副局长", email="fubo@example.org")
    contact = make_contact("李明姬", email="limingji@example.org")

    def duty(day: datetime.date, state: str = Duty.State.PUBLISHED) -> Duty:
        return make_duty(leader, day, contact=contact, state=state)

    return duty


TODAY = datetime.date(2024, 4, 9)


def test_sendreminders_mails_leader_and_contact_three_days_ahead(
    on_duty, mailoutbox, settings, run_jobs
):
    settings.REMINDER_DAYS_BEFORE = 3
    on_duty(datetime.date(2024, 4, 12))

    run("sendreminders", "--date", TODAY.isoformat())
    run_jobs()

    assert sorted(m.to[0] for m in mailoutbox) == ["fubo@example.org", "limingji@example.org"]


def test_sendreminders_reports_how_many_were_sent(on_duty, mailoutbox, settings):
    settings.REMINDER_DAYS_BEFORE = 3
    on_duty(datetime.date(2024, 4, 12))

    output = run("sendreminders", "--date", TODAY.isoformat())

    assert re.search(r"(?<!\d)2(?!\d)", output)


def test_sendreminders_skips_a_draft_duty(on_duty, mailoutbox, settings, run_jobs):
    settings.REMINDER_DAYS_BEFORE = 3
    on_duty(datetime.date(2024, 4, 12), state=Duty.State.DRAFT)

    run("sendreminders", "--date", TODAY.isoformat())
    run_jobs()

    assert mailoutbox == []


def test_sendreminders_skips_a_duty_two_days_ahead(on_duty, mailoutbox, settings, run_jobs):
    settings.REMINDER_DAYS_BEFORE = 3
    on_duty(datetime.date(2024, 4, 11))

    run("sendreminders", "--date", TODAY.isoformat())
    run_jobs()

    assert mailoutbox == []


def test_sendreminders_days_option_changes_the_distance(on_duty, mailoutbox, run_jobs):
    on_duty(datetime.date(2024, 4, 11))

    run("sendreminders", "--date", TODAY.isoformat(), "--days", "2")
    run_jobs()

    assert len(mailoutbox) == 2


def test_sendreminders_uses_today_without_date(
    on_duty, mailoutbox, settings, time_machine, run_jobs
):
    settings.REMINDER_DAYS_BEFORE = 3
    time_machine.move_to(datetime.datetime(2024, 4, 9, 8, 0), tick=False)
    on_duty(datetime.date(2024, 4, 12))

    run("sendreminders")
    run_jobs()

    assert len(mailoutbox) == 2


def test_sendreminders_calls_the_cases_due_reminders(db, monkeypatch):
    calls = []
    monkeypatch.setattr(notifications, "send_due_reminders", lambda today: calls.append(today) or 0)

    run("sendreminders", "--date", TODAY.isoformat())

    assert calls == [TODAY]


def test_the_daily_command_sends_the_case_reminders(clerk, walker, run_jobs):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        walker(register(clerk), State.ASSIGNED)
    run_jobs()  # the assignment's own mail
    mail.outbox.clear()
    out = io.StringIO()
    call_command("sendreminders", "--date", "2025-05-01", stdout=out)
    run_jobs()
    assert "1" in out.getvalue().splitlines()[-1]
    assert any("shuangta@example.org" in m.to for m in mail.outbox)


# --- loaddemo ---------------------------------------------------------------------------------

DEMO_MODELS = (Place, Unit, Leader, ContactPerson, Duty)


def counts() -> dict[str, int]:
    found = {model.__name__: model.objects.count() for model in DEMO_MODELS}
    found["User"] = get_user_model().objects.count()
    return found


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
