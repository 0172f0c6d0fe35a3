"""The outbox with a real mail server (tests/smtp.py): a change queues its mail in its own
transaction; the worker delivers it once; a refusing or hanging server never slows or breaks
the user's action, and the message is sent when the server is back; after the last try it is
failed, shown to administrators and retried by hand."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from accounts import outbox, tasks
from accounts.models import Message
from schedules.models import Duty, Notification
from tests.queue import job_count

OUTBOX = reverse("accounts:outbox")
NOTIFICATIONS = reverse("schedules:notifications")


def jobs(status: str | None = None) -> int:
    return job_count("accounts.send_message", status)


# --- Queued with the change --------------------------------------------------------------------


def test_a_roster_change_queues_one_message_and_talks_to_no_mail_server(
    smtp_server, replace_leader, published_duty
):
    response = replace_leader()

    assert response.status_code == 302
    assert Duty.objects.get(pk=published_duty[0].pk).leader == published_duty[1]
    message = Message.objects.get()
    assert (message.recipient, message.state) == ("office@example.org", Message.State.QUEUED)
    assert jobs("todo") == 1
    assert smtp_server.conversations == 0


def test_the_worker_delivers_the_message_once(smtp_server, replace_leader, run_jobs):
    replace_leader()

    run_jobs()
    run_jobs()

    assert smtp_server.recipients() == ["office@example.org"]
    assert "王晓东" in smtp_server.received[0]["Subject"]
    message = Message.objects.get()
    assert message.state == Message.State.SENT and message.sent_at is not None


def test_a_rolled_back_change_leaves_neither_message_nor_job(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.queue_mail("someone@example.org", "主题", "正文")
        raise RuntimeError("the change failed")

    assert not Message.objects.exists()
    assert jobs() == 0


def test_one_message_per_address(db):
    messages = outbox.queue_mail(["a@example.org", "b@example.org", "a@example.org", ""], "s", "b")

    assert sorted(m.recipient for m in messages) == ["a@example.org", "b@example.org"]
    assert jobs("todo") == 2


def test_a_dedupe_key_queues_a_message_only_once(queued):
    queued(dedupe_key="reminder:1")
    again = outbox.queue_mail("someone@example.org", "主题", "正文", dedupe_key="reminder:1")

    assert again == []
    assert Message.objects.count() == 1 and jobs() == 1


# --- A server that refuses, hangs, comes back --------------------------------------------------


def test_a_refusing_server_does_not_break_the_action_and_the_message_waits(
    smtp_server, replace_leader, run_jobs, published_duty
):
    smtp_server.mode = smtp_server.REFUSE

    assert replace_leader().status_code == 302
    run_jobs()

    assert Duty.objects.get(pk=published_duty[0].pk).leader == published_duty[1]
    message = Message.objects.get()
    assert message.state == Message.State.QUEUED
    assert message.attempts == 1 and "554" in message.last_error
    assert smtp_server.received == []


def test_a_hanging_server_does_not_hold_up_the_action(
    smtp_server, replace_leader, run_jobs, published_duty
):
    smtp_server.mode = smtp_server.HANG

    assert replace_leader().status_code == 302

    assert Duty.objects.get(pk=published_duty[0].pk).leader == published_duty[1]
    assert Message.objects.get().state == Message.State.QUEUED
    assert smtp_server.conversations == 0


def test_a_hanging_server_is_given_up_after_email_timeout_and_tried_again(
    smtp_server, queued, run_jobs
):
    smtp_server.mode = smtp_server.HANG
    queued()

    run_jobs()

    message = Message.objects.get()
    assert message.state == Message.State.QUEUED
    assert "timed out" in message.last_error.lower()
    assert jobs("todo") == 1  # the retry, planned for later


def test_the_message_goes_out_when_the_server_is_back(smtp_server, replace_leader, run_jobs):
    smtp_server.mode = smtp_server.REFUSE
    replace_leader()
    run_jobs()
    smtp_server.mode = smtp_server.HANG
    run_jobs(later=True)

    smtp_server.mode = smtp_server.ACCEPT
    run_jobs(later=True)

    assert smtp_server.recipients() == ["office@example.org"]
    message = Message.objects.get()
    assert (message.state, message.attempts, message.last_error) == (Message.State.SENT, 3, "")


def test_after_the_last_try_the_message_is_failed_with_the_error(smtp_server, queued, run_jobs):
    smtp_server.mode = smtp_server.REFUSE
    queued()

    for _attempt in range(tasks.MAIL_RETRY.max_attempts + 1):
        run_jobs(later=True)

    message = Message.objects.get()
    assert message.state == Message.State.FAILED and "554" in message.last_error
    assert message.attempts == tasks.MAIL_RETRY.max_attempts + 1
    assert jobs("failed") == 1 and jobs("todo") == 0


# --- What the pages say ------------------------------------------------------------------------


def test_the_notifications_page_says_queued_before_the_worker_ran(
    client_of, clerk, replace_leader, smtp_server
):
    replace_leader()

    page = client_of(clerk).get(NOTIFICATIONS).content.decode()

    assert "排队中" in page and "已发送" not in page


def test_the_notifications_page_shows_the_error_of_a_refused_mail(
    client_of, clerk, replace_leader, smtp_server, run_jobs
):
    smtp_server.mode = smtp_server.REFUSE
    replace_leader()
    run_jobs()

    page = client_of(clerk).get(NOTIFICATIONS).content.decode()

    assert "Refused by the test" in page and "已发送" not in page


def test_the_notifications_page_shows_when_the_mail_was_sent(
    client_of, clerk, replace_leader, smtp_server, run_jobs
):
    replace_leader()
    run_jobs()
    sent_at = Notification.objects.get().message.sent_at

    page = client_of(clerk).get(NOTIFICATIONS).content.decode()

    assert "已发送" in page
    assert sent_at.astimezone().strftime("%Y-%m-%d") in page


def test_a_notification_without_an_author_is_shown(client_of, clerk, office_address):
    Notification.objects.create(subject="旧通知", body="正文", recipient=office_address)

    response = client_of(clerk).get(NOTIFICATIONS)

    assert response.status_code == 200
    assert "发件箱启用之前" in response.content.decode()


def test_the_outbox_lists_failed_messages_with_their_error(
    client_of, administrator, queued, run_jobs
):
    message = queued("gone@example.org")
    Message.objects.filter(pk=message.pk).update(
        state=Message.State.FAILED, last_error="SMTPRecipientsRefused: no such user"
    )

    response = client_of(administrator).get(OUTBOX, {"state": "failed"})

    page = response.content.decode()
    assert "gone@example.org" in page and "no such user" in page
    assert reverse("accounts:retry_message", args=[message.pk]) in page
