"""The answers of transferred cases go back in the platform's Excel reply format: the office
downloads a platform's replies or one case's, nobody else does."""

from __future__ import annotations

import io

import pytest
import time_machine
from openpyxl import load_workbook

from petitions import workflow
from petitions.models import Case, State
from tests.factories import at, make_unit, referral_reason, register, walk
from tests.petitions.transfer_helpers import order_row, workbook

REPLIES = "/cases/transfers/replies.xlsx"


@pytest.fixture(autouse=True)
def march_12():
    with time_machine.travel(at(2025, 3, 12, 14)):
        yield


@pytest.fixture
def office(client_of, clerk):
    client = client_of(clerk)
    client.post(
        "/cases/transfers/",
        {"platform": "12345", "file": workbook(order_row("GD001"), order_row("GD002"))},
    )
    return client


def rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def case_of(number: str) -> Case:
    return Case.objects.get(work_order__number=number)


def test_the_replies_hold_the_issued_answers_only(office, clerk, unit_handler):
    unit = make_unit("双塔分局", unit_handler)
    walk(case_of("GD001"), State.APPROVED, office=clerk, unit_user=unit_handler, unit=unit)

    response = office.get(REPLIES, {"platform": "12345", "replied_only": "on"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="reply-12345-')
    heading, *lines = rows(response)
    assert heading[:4] == ("工单编号", "信访件编号", "办理结果", "答复内容")
    assert [line[:4] for line in lines] == [
        ("GD001", case_of("GD001").number, "已办结", "经现场核查，工地已停止夜间施工。")
    ]


def test_every_order_of_the_period_with_pending_ones_marked(office):
    response = office.get(REPLIES, {"platform": "12345"})

    assert [(line[0], line[2]) for line in rows(response)[1:]] == [
        ("GD001", "办理中"),
        ("GD002", "办理中"),
    ]


def test_a_refused_order_replies_with_where_to_go(office, clerk):
    reason = referral_reason()
    workflow.refuse_case(case_of("GD002"), by=clerk, referral_reason=reason)

    line = rows(office.get(REPLIES, {"platform": "12345", "replied_only": "on"}))[1]

    assert line[2] == "不予受理"
    assert reason.notice_text in line[3]


def test_an_answer_that_looks_like_a_formula_stays_text(office, clerk, unit_handler):
    unit = make_unit("双塔分局", unit_handler)
    case = walk(
        case_of("GD001"), State.ANSWER_DRAFTED, office=clerk, unit_user=unit_handler, unit=unit
    )
    workflow.approve_answer(case, by=clerk, answer='=HYPERLINK("http://x")')

    line = rows(office.get(f"/cases/{case.pk}/reply.xlsx"))[1]

    assert line[3] == '\'=HYPERLINK("http://x")'


def test_the_other_platforms_replies_are_not_in_the_file(office):
    assert rows(office.get(REPLIES, {"platform": "12369"})) == [
        rows(office.get(REPLIES, {"platform": "12345"}))[0]
    ]


def test_a_period_that_ends_before_it_starts_is_refused(office):
    response = office.get(
        REPLIES, {"platform": "12345", "imported_from": "2025-03-12", "imported_to": "2025-03-01"}
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_a_case_that_was_not_transferred_has_no_reply(client_of, clerk):
    case = register(clerk)

    assert client_of(clerk).get(f"/cases/{case.pk}/reply.xlsx").status_code == 404


@pytest.mark.parametrize("who", ["unit_handler", "leader_user", "stranger"])
def test_only_the_office_exports_replies(office, request, client_of, who):
    case = case_of("GD001")
    client = client_of(request.getfixturevalue(who))

    assert client.get(REPLIES, {"platform": "12345"}).status_code == 403
    assert client.get(f"/cases/{case.pk}/reply.xlsx").status_code == 403


def test_the_case_page_offers_the_reply_to_the_office_only(office, client_of, clerk, unit_handler):
    unit = make_unit("双塔分局", unit_handler)
    case = walk(case_of("GD001"), State.ASSIGNED, office=clerk, unit_user=unit_handler, unit=unit)

    assert 'id="work-order-reply"' in office.get(f"/cases/{case.pk}/").content.decode()
    unit_page = client_of(unit_handler).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="work-order-number">GD001' in unit_page
    assert 'id="work-order-reply"' not in unit_page
