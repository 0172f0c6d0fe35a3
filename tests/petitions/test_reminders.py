"""The daily reminders as the task queue runs them (petitions/reminders.py, petitions/tasks.py):
each day once however often and on however many workers it runs, a missed day caught up (with
what is still worth sending), the backlog bounded, and no reminder queued twice."""

from __future__ import annotations

import datetime
import io
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from accounts.models import Message, ReminderRun
from petitions import reminders, tasks
from petitions.models import State
from schedules.models import Duty
from tests.factories import at, make_contact, make_duty, make_leader, register

D = datetime.date(2024, 4, 9)  # "today" in these tests; duties are reminded 3 days ahead


def day(offset: int) -> datetime.date:
    return D + datetime.timedelta(days=offset)


@pytest.fixture(autouse=True)
def three_days_ahead_from_eight(settings):
    settings.REMINDER_DAYS_BEFORE = 3
    settings.REMINDER_HOUR = 8


@pytest.fixture
def duty_on(db):
    """``duty_on(date)``: 傅博 and 李明姬, both with an address, on a published duty."""
    leader = make_leader("傅博", "副局长", email="fubo@example.org")
    contact = make_contact("李明姬", email="limingji@example.org")

    def make(date: datetime.date, state: str = Duty.State.PUBLISHED) -> Duty:
        return make_duty(leader, date, contact=contact, state=state)

    return make


def last_run(offset: int) -> None:
    ReminderRun.objects.create(day=day(offset))


def reminded() -> list[str]:
    return sorted(Message.objects.values_list("recipient", flat=True))


# --- Once a day ---------------------------------------------------------------------------------


def test_the_hourly_run_queues_the_days_reminders(duty_on):
    duty_on(day(3))

    reminders.catch_up(at(2024, 4, 9, 9))

    assert reminded() == ["fubo@example.org", "limingji@example.org"]
    assert ReminderRun.objects.get().day == D


def test_running_twice_the_same_day_queues_nothing_new(duty_on):
    duty_on(day(3))
    reminders.catch_up(at(2024, 4, 9, 9))

    again = reminders.catch_up(at(2024, 4, 9, 10))

    assert again == []
    assert Message.objects.count() == 2


def test_the_command_twice_the_same_day_queues_nothing_new(duty_on):
    duty_on(day(3))
    call_command("sendreminders", "--date", D.isoformat(), stdout=io.StringIO())
    out = io.StringIO()

    call_command("sendreminders", "--date", D.isoformat(), stdout=out)

    assert Message.objects.count() == 2
    assert "已排队发送0条排班提醒" in out.getvalue()


def test_the_command_and_the_hourly_run_do_not_both_remind(duty_on):
    duty_on(day(3))
    call_command("sendreminders", "--date", D.isoformat(), stdout=io.StringIO())

    reminders.catch_up(at(2024, 4, 9, 9))

    assert Message.objects.count() == 2


def test_before_the_reminder_hour_today_waits(duty_on):
    duty_on(day(3))
    last_run(-1)

    assert reminders.catch_up(at(2024, 4, 9, 7)) == []
    assert not Message.objects.exists()


def test_a_new_install_starts_with_today_and_no_backlog(duty_on):
    duty_on(day(2))  # would have been reminded yesterday

    runs = reminders.catch_up(at(2024, 4, 9, 9))

    assert [r.day for r in runs] == [D]
    assert not Message.objects.exists()


# --- Catching up ------------------------------------------------------------------------------


def test_a_missed_day_is_caught_up(duty_on):
    last_run(-2)
    duty_on(day(2))  # reminded on the day that was missed

    runs = reminders.catch_up(at(2024, 4, 9, 9))

    assert [r.day for r in runs] == [day(-1), D]
    assert reminded() == ["fubo@example.org", "limingji@example.org"]


def test_a_caught_up_day_does_not_remind_of_a_duty_already_past(duty_on):
    last_run(-6)
    duty_on(day(-1))  # its reminder was due four days ago

    reminders.catch_up(at(2024, 4, 9, 9))

    assert not Message.objects.exists()


def test_catching_up_goes_back_a_week_at_most(db):
    last_run(-30)

    runs = reminders.catch_up(at(2024, 4, 9, 9))

    assert [r.day for r in runs] == [day(n) for n in range(-6, 1)]


def test_a_caught_up_day_sends_no_stale_case_list(clerk, walker):
    with time_machine.travel(at(2024, 1, 8), tick=False):
        walker(register(clerk), State.ASSIGNED)  # overdue by April
    Message.objects.all().delete()  # the assignment's own mail
    last_run(-3)

    runs = reminders.catch_up(at(2024, 4, 9, 9))

    assert [(r.day, r.case) for r in runs] == [(day(-2), 0), (day(-1), 0), (D, 1)]
    assert reminded() == ["shuangta@example.org"]


# --- Many workers ------------------------------------------------------------------------------


def test_two_concurrent_runs_queue_each_reminder_once(transactional_db, duty_on):
    duty_on(day(3))
    start = threading.Barrier(2)
    results = []

    def worker():
        try:
            start.wait()
            results.extend(reminders.catch_up(at(2024, 4, 9, 9)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.day for r in results] == [D]
    assert reminded() == ["fubo@example.org", "limingji@example.org"]
    assert ReminderRun.objects.count() == 1


def test_the_periodic_task_queues_and_the_worker_sends(duty_on, run_jobs, mailoutbox):
    duty_on(day(3))

    tasks.send_reminders.defer(timestamp=int(at(2024, 4, 9, 9).timestamp()))
    run_jobs()

    assert sorted(m.to[0] for m in mailoutbox) == ["fubo@example.org", "limingji@example.org"]
    assert ReminderRun.objects.get().day == D


def test_a_day_run_ahead_by_hand_does_not_stop_the_days_before_it(duty_on):
    last_run(-1)
    call_command("sendreminders", "--date", day(20).isoformat(), stdout=io.StringIO())
    duty_on(day(3))

    reminders.catch_up(at(2024, 4, 9, 9))

    assert reminded() == ["fubo@example.org", "limingji@example.org"]
