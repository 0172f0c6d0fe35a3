"""The outbox page (/accounts/messages/): administrators only, both ways; retry is a POST, for a
failed message only, and recorded with the administrator's name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Message
from tests.queue import job_count

OUTBOX = reverse("accounts:outbox")


def retry_url(message: Message) -> str:
    return reverse("accounts:retry_message", args=[message.pk])


def failed(message: Message) -> Message:
    Message.objects.filter(pk=message.pk).update(
        state=Message.State.FAILED, last_error="SMTPRecipientsRefused: no such user"
    )
    return Message.objects.get(pk=message.pk)


def test_an_administrator_sees_the_outbox(client_of, administrator, queued):
    queued("someone@example.org")

    response = client_of(administrator).get(OUTBOX)

    assert response.status_code == 200
    assert "someone@example.org" in response.content.decode()


@pytest.mark.parametrize("person", ["clerk", "unit_handler", "leader_user", "stranger"])
def test_nobody_else_sees_the_outbox(db, client_of, person, request):
    response = client_of(request.getfixturevalue(person)).get(OUTBOX)

    assert response.status_code == 403


def test_the_outbox_shows_one_state_when_asked(client_of, administrator, queued):
    failed(queued("gone@example.org"))
    queued("waiting@example.org")

    page = client_of(administrator).get(OUTBOX, {"state": "failed"}).content.decode()

    assert "gone@example.org" in page and "waiting@example.org" not in page


def test_an_unknown_state_shows_everything(client_of, administrator, queued):
    queued("waiting@example.org")

    response = client_of(administrator).get(OUTBOX, {"state": "<nonsense>"})

    assert response.status_code == 200 and "waiting@example.org" in response.content.decode()


def test_a_retry_queues_the_failed_message_again(client_of, administrator, queued):
    message = failed(queued())

    client_of(administrator).post(retry_url(message))

    assert Message.objects.get(pk=message.pk).state == Message.State.QUEUED
    assert job_count("accounts.send_message", "todo") == 2  # the first, and the retry


def test_a_retry_is_recorded_with_the_administrators_name(client_of, administrator, queued):
    message = failed(queued())

    client_of(administrator).post(retry_url(message))

    event = Message.pgh_event_model.objects.filter(pgh_obj=message.pk).order_by("pgh_id").last()
    assert event.state == Message.State.QUEUED
    assert event.pgh_context.metadata["user"] == administrator.pk


def test_a_retry_must_be_a_post(client_of, administrator, queued):
    message = failed(queued())

    response = client_of(administrator).get(retry_url(message))

    assert response.status_code == 405
    assert Message.objects.get(pk=message.pk).state == Message.State.FAILED


def test_an_office_clerk_cannot_retry(client_of, clerk, queued):
    message = failed(queued())

    response = client_of(clerk).post(retry_url(message))

    assert response.status_code == 403
    assert Message.objects.get(pk=message.pk).state == Message.State.FAILED


def test_a_message_still_being_tried_is_not_queued_twice(client_of, administrator, queued):
    message = queued()

    response = client_of(administrator).post(retry_url(message), follow=True)

    assert "只有发送失败的消息才能重新发送" in response.content.decode()
    assert job_count("accounts.send_message") == 1


def test_a_retry_of_a_message_that_does_not_exist_is_a_404(client_of, administrator, db):
    response = client_of(administrator).post(reverse("accounts:retry_message", args=[999999]))

    assert response.status_code == 404
