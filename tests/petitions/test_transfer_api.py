"""The platforms post work orders to /api/transfers/ with their own tokens and read the
replies there: a token opens its platform's orders only, nothing else opens the API."""

from __future__ import annotations

import json

import pytest
import time_machine

from petitions.models import Case, CaseLog, State, WorkOrder
from tests.factories import at, make_unit, walk
from tests.petitions.transfer_helpers import json_order

API = "/api/transfers/"
TOKEN_12345 = "t" * 40
TOKEN_12369 = "e" * 40


@pytest.fixture(autouse=True)
def tokens(settings):
    settings.TRANSFER_TOKENS = {"12345": TOKEN_12345, "12369": TOKEN_12369}


@pytest.fixture(autouse=True)
def march_12():
    with time_machine.travel(at(2025, 3, 12, 14)):
        yield


def post(client, body, token=TOKEN_12369):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(
        API, data, content_type="application/json", headers=headers, HTTP_ACCEPT_LANGUAGE="en"
    )


def reply(client, number, token=TOKEN_12369):
    headers = {"Authorization": f"Bearer {token}"}
    return client.get(f"{API}{number}/", headers=headers, HTTP_ACCEPT_LANGUAGE="en")


def test_a_platform_posts_an_order_and_gets_its_case(client, db):
    response = post(client, json_order("HX-1"))

    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get()
    assert body["created"] is True
    assert body["case_number"] == case.number
    assert body["platform_deadline"] == "2025-03-22"
    assert body["legal_due"] == "2025-03-27"
    assert case.channel == "12369"
    assert case.state == State.REGISTERED
    assert case.created_by is None
    order = WorkOrder.objects.get()
    assert (order.platform, order.number, order.source) == ("12369", "HX-1", "api")


def test_the_log_says_which_platform_sent_it(client, db):
    post(client, json_order("HX-1"))

    note = CaseLog.objects.get(action=CaseLog.Action.NOTE)
    assert note.by is None
    assert "12369 environmental hotline transfer" in note.comment
    assert "HX-1" in note.comment


def test_the_same_order_posted_again_changes_nothing_and_says_so(client, db):
    post(client, json_order("HX-1"))

    response = post(client, json_order("HX-1", content="另一段内容"))

    assert response.status_code == 200
    body = response.json()
    assert body["created"] is False
    assert "nothing was changed" in body["message"]
    assert Case.objects.count() == 1
    assert Case.objects.get().content == "砖厂夜间排放黑烟，气味刺鼻。"


def test_the_same_number_on_the_other_platform_is_another_order(client, db):
    post(client, json_order("N-1"))
    post(client, json_order("N-1"), token=TOKEN_12345)

    assert sorted(Case.objects.values_list("channel", flat=True)) == ["12345", "12369"]


@pytest.mark.parametrize("token", ["", "wrong-token-" + "x" * 30, TOKEN_12345[:-1]])
def test_without_the_platforms_token_nothing_is_imported(client, db, token):
    response = post(client, json_order(), token=token)

    assert response.status_code == 401
    assert "token" in response.json()["error"]
    assert Case.objects.count() == 0


def test_a_platform_without_a_configured_token_is_closed(client, db, settings):
    settings.TRANSFER_TOKENS = {"12345": "", "12369": TOKEN_12369}

    assert post(client, json_order(), token="").status_code == 401
    assert Case.objects.count() == 0


def test_a_malformed_order_gets_a_message_per_field(client, db):
    response = post(client, json_order(phone="123", ordered_at="明天", address=""))

    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"phone", "ordered_at", "address"}
    assert fields["address"] == ["This field is required."]
    assert Case.objects.count() == 0


YEAR = "The year must be between 2000 and 2100."
NULL = "Null characters are not allowed."


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ordered_at": "0001-01-01T00:00:00+14:00"}, "ordered_at", YEAR),
        ({"ordered_at": "0001-01-01 00:00"}, "ordered_at", YEAR),
        ({"deadline": "9999-12-31T23:59:59-12:00"}, "deadline", YEAR),
        ({"deadline": "9999-12-31"}, "deadline", YEAR),
        ({"deadline": "0001-01-01T00:00:00+14:00"}, "deadline", YEAR),
        ({"content": "\x00abc"}, "content", NULL),
        ({"caller": "\x00"}, "caller", NULL),
        ({"address": "双塔\x00"}, "address", NULL),
        ({"order_number": "HX\x001"}, "number", NULL),
    ],
)
def test_dates_out_of_range_and_null_characters_are_refused_per_field(
    client, db, overrides, field, message
):
    response = post(client, json_order("HX-1", **overrides))

    assert response.status_code == 400
    assert response.json()["fields"][field] == [message]
    assert Case.objects.count() == 0
    assert WorkOrder.objects.count() == 0


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", b"\xff\xfe", '"text"'])
def test_a_body_that_is_not_an_order_is_refused(client, db, body):
    response = post(client, body)

    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_an_order_too_big_is_refused(client, db):
    response = post(client, json_order(content="很" * 40_000))

    assert response.status_code == 413
    assert Case.objects.count() == 0


def test_an_order_from_the_future_is_refused(client, db):
    response = post(client, json_order(ordered_at="2025-03-13 09:00"))

    assert response.status_code == 400
    assert response.json()["fields"]["ordered_at"] == ["The time of the order is in the future."]


def test_the_reply_of_an_order_in_progress_says_pending(client, db):
    post(client, json_order("HX-1"))

    body = reply(client, "HX-1").json()

    assert body["status"] == "pending"
    assert body["reply"] == ""
    assert body["legal_due"] == "2025-03-27"
    assert body["platform_deadline"] == "2025-03-22"


def test_the_reply_carries_the_issued_answer(client, clerk, unit_handler):
    post(client, json_order("HX-1"))
    unit = make_unit("龙城分局", unit_handler)
    walk(Case.objects.get(), State.APPROVED, office=clerk, unit_user=unit_handler, unit=unit)

    body = reply(client, "HX-1").json()

    assert body["status"] == "answered"
    assert body["reply"] == "经现场核查，工地已停止夜间施工。"
    assert body["replied_at"].startswith("2025-03-12T14:00")
    assert body["order_number"] == "HX-1"


def test_a_platform_reads_only_its_own_orders(client, db):
    post(client, json_order("HX-1"))

    assert reply(client, "HX-1", token=TOKEN_12345).status_code == 404
    assert reply(client, "HX-1", token="nope").status_code == 401


def test_a_signed_in_browser_cannot_post_without_a_token(client_of, clerk):
    client = client_of(clerk)

    response = post(client, json_order(), token="")

    assert response.status_code == 401
    assert Case.objects.count() == 0
