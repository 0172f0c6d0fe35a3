"""Never twice (accounts/delivery.py): a message is marked ``sending`` and committed before the
mail server is spoken to; an attempt that finds it still ``sending`` (its worker died) marks it
failed instead of sending it again; a sent message is never sent again; a person retries."""

from __future__ import annotations

import threading

from asgiref.sync import async_to_sync
from django.db import connection
from django.urls import reverse
from procrastinate import manager

from accounts import tasks
from accounts.models import INTERRUPTED, Message
from tests.queue import WorkerConnectorForTests


def left_sending(message: Message) -> None:
    """What a worker that died after marking the message leaves behind."""
    Message.objects.filter(pk=message.pk).update(state=Message.State.SENDING, attempts=1)


def test_a_message_left_sending_is_marked_failed_and_not_sent_again(smtp_server, queued, run_jobs):
    message = queued()
    left_sending(message)

    run_jobs()

    message.refresh_from_db()
    assert message.state == Message.State.FAILED and message.last_error == INTERRUPTED
    assert smtp_server.conversations == 0


def test_an_interrupted_message_says_it_may_have_been_delivered(
    client_of, administrator, queued, run_jobs, smtp_server
):
    left_sending(queued())
    run_jobs()

    page = client_of(administrator).get(reverse("accounts:outbox")).content.decode()

    assert "可能已送达" in page


def test_a_retry_by_hand_sends_an_interrupted_message_once(
    client_of, administrator, smtp_server, queued, run_jobs
):
    message = queued()
    left_sending(message)
    run_jobs()

    response = client_of(administrator).post(reverse("accounts:retry_message", args=[message.pk]))
    run_jobs()
    run_jobs()

    assert response.status_code == 302
    assert smtp_server.recipients() == ["someone@example.org"]
    assert Message.objects.get(pk=message.pk).state == Message.State.SENT


def test_a_sent_message_is_not_sent_again_by_another_job_for_it(smtp_server, queued, run_jobs):
    message = queued()
    run_jobs()

    tasks.send_message.defer(message_id=message.pk)  # a retried or repeated job
    run_jobs()

    assert len(smtp_server.received) == 1


def test_a_dead_workers_job_is_run_again_and_fails_its_message_without_sending(
    smtp_server, queued, run_jobs
):
    message = queued()
    jobs = manager.JobManager(connector=WorkerConnectorForTests())
    dead = async_to_sync(jobs.register_worker)()
    assert async_to_sync(jobs.fetch_job)(queues=None, worker_id=dead) is not None
    left_sending(message)
    with connection.cursor() as cursor:  # it stopped sending heartbeats an hour ago
        cursor.execute(
            "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour' "
            "WHERE id = %s",
            [dead],
        )

    tasks.retry_stalled_jobs.defer(timestamp=0)  # the periodic check, as the worker defers it
    run_jobs()
    run_jobs(later=True)

    message.refresh_from_db()
    assert message.state == Message.State.FAILED and message.last_error == INTERRUPTED
    assert smtp_server.conversations == 0


def test_the_message_is_committed_as_sending_before_the_server_is_spoken_to(
    transactional_db, smtp_server, queued, run_jobs
):
    message = queued()
    seen = []

    def look_from_another_connection():
        def read():
            seen.append(Message.objects.get(pk=message.pk).state)
            connection.close()

        reader = threading.Thread(target=read)
        reader.start()
        reader.join()

    smtp_server.on_data = look_from_another_connection
    run_jobs()

    assert seen == [Message.State.SENDING]
    assert Message.objects.get(pk=message.pk).state == Message.State.SENT
