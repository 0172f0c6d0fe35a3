"""The outbox tests' things: the office's address, a published duty whose leader an
administrator replaces through the page (the roster change that queues a mail), and a
message queued directly."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import outbox
from tests.factories import make_duty, make_leader

OFFICE = "office@example.org"


@pytest.fixture
def office_address(settings):
    settings.ROSTER_OFFICE_EMAIL = OFFICE
    return OFFICE


@pytest.fixture
def published_duty(db):
    """厚春华's published reception duty, and 王晓东 to put in his place."""
    duty = make_duty(make_leader("厚春华", "局长"))
    return duty, make_leader("王晓东", "副局长")


@pytest.fixture
def replace_leader(client_of, administrator, published_duty, office_address):
    """``replace_leader()``: the administrator replaces the leader through the page (a POST);
    returns the response."""
    duty, other = published_duty

    def post():
        return client_of(administrator).post(
            reverse("schedules:duty_replace", args=[duty.pk]),
            {"leader": other.pk, "reason": "出差", "version": duty.version},
        )

    return post


@pytest.fixture
def queued(db):
    """``queued(to=...)``: one mail in the outbox, with its job deferred."""

    def make(to: str = "someone@example.org", **extra):
        return outbox.queue_mail(to, "主题", "正文", **extra)[0]

    return make
