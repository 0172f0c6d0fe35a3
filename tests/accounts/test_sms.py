"""Text messages go through the outbox and the task queue, and never in the quiet hours."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from accounts.models import Message
from accounts.outbox import queue_sms
from accounts.sms import next_sending_time

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def test_a_message_in_the_day_goes_at_once():
    assert next_sending_time(at(8, 0)) is None
    assert next_sending_time(at(20, 59)) is None


def test_a_message_in_the_evening_waits_for_the_next_morning():
    assert next_sending_time(at(21, 0)) == at(8, 0, day=11)
    assert next_sending_time(at(23, 30)) == at(8, 0, day=11)


def test_a_message_after_midnight_waits_for_the_same_morning():
    assert next_sending_time(at(0, 5)) == at(8, 0)
    assert next_sending_time(at(7, 59)) == at(8, 0)


@pytest.mark.django_db
def test_a_queued_text_message_is_sent_by_the_worker(run_jobs, text_messages):
    with time_machine.travel(at(10), tick=False):
        message = queue_sms("13800138000", "您的信访件已登记。", about="case 1", topic="case:1")
        run_jobs()
    assert [(sent.phone, sent.text) for sent in text_messages] == [
        ("13800138000", "您的信访件已登记。")
    ]
    message.refresh_from_db()
    assert (message.channel, message.state, message.topic) == ("sms", "sent", "case:1")


@pytest.mark.django_db
def test_a_text_message_queued_at_night_is_held_until_eight():
    # (The database's clock is not travelled: the job's planned time is what is asserted.)
    with time_machine.travel(at(22), tick=False):
        message = queue_sms("13800138000", "您的信访件已登记。")
    with connection.cursor() as cursor:
        cursor.execute("SELECT scheduled_at FROM procrastinate_jobs WHERE status = 'todo'")
        (scheduled,) = cursor.fetchone()
    assert scheduled == at(8, day=11)
    assert Message.objects.get(pk=message.pk).state == Message.State.QUEUED


@pytest.mark.django_db
def test_no_phone_queues_nothing():
    assert queue_sms("", "text") is None
    assert not Message.objects.exists()


# A year the database's clock (not travelled) has not reached: a job planned for the morning is
# not due yet when the worker runs at night.
LATER = 2099


def later(hour: int, minute: int = 0, day: int = 10) -> dt.datetime:
    return dt.datetime(LATER, 3, day, hour, minute, tzinfo=SHANGHAI)


def planned_jobs() -> list[dt.datetime]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT scheduled_at FROM procrastinate_jobs WHERE status = 'todo'")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_text_message_whose_job_runs_late_at_night_waits_for_the_morning(run_jobs, text_messages):
    """Queued at 20:59, its job run at 23:30 (a retry's backoff, a backlog, a worker back from
    a restart): nothing is sent that night, it goes at eight, and the wait is no attempt."""
    with time_machine.travel(later(20, 59), tick=False):
        message = queue_sms("13800138000", "您的信访件已登记。", topic="case:1")
    with time_machine.travel(later(23, 30), tick=False):
        run_jobs()
    assert text_messages == []
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Message.State.QUEUED, 0)
    assert planned_jobs() == [later(8, day=11)]
    with time_machine.travel(later(8, 0, day=11), tick=False):
        run_jobs(later=True)
    assert [sent.text for sent in text_messages] == ["您的信访件已登记。"]
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Message.State.SENT, 1)


@pytest.mark.django_db
def test_a_mail_is_not_held_by_the_quiet_hours(run_jobs, mailoutbox):
    from accounts.outbox import queue_mail

    with time_machine.travel(later(23, 30), tick=False):
        (message,) = queue_mail("zhang@example.com", "Reminder", "Body")
        run_jobs()
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert len(mailoutbox) == 1
