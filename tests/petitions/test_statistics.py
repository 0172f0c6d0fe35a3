"""The statistics: each definition on hand-made cases, the command, the page, its files."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from petitions import statistics as st
from petitions.matters import Industry, PollutionType
from petitions.models import ExtensionState, Satisfaction, State
from petitions.stats_report import build_report
from tests.factories import at, make_case

JANUARY = st.Period.month(2025, 1)
TODAY = datetime.date(2025, 6, 30)


def figures(period=JANUARY, today=TODAY):
    return build_report(period, today).figures.cases


def refused(received, decided):
    return make_case(received_at=received, state=State.NOT_ACCEPTED, closed_at=decided)


def answered(days, *, extension=0, approved=True, satisfaction=""):
    received = at(2025, 1, 2)
    return make_case(
        received_at=received,
        state=State.ANSWERED,
        accepted_at=received,
        answered_at=received + datetime.timedelta(days=days),
        extension_days=extension,
        extension_state=(ExtensionState.APPROVED if approved else ExtensionState.REQUESTED)
        if extension
        else "",
        satisfaction=satisfaction,
    )


def test_a_case_received_at_2359_on_the_last_day_of_a_month_belongs_to_that_month(db):
    make_case(received_at=datetime.datetime(2025, 1, 31, 23, 59, tzinfo=at(2025, 1, 1).tzinfo))
    assert figures(JANUARY)["total"] == 1
    assert figures(st.Period.month(2025, 2))["total"] == 0


def test_a_refusal_on_day_15_is_on_time_and_on_day_16_late(db):
    refused(at(2025, 1, 2), at(2025, 1, 17))
    refused(at(2025, 1, 2), at(2025, 1, 18))
    counted = figures()
    assert counted["accepted_on_time"] == 1
    assert counted["acceptance_counted"] == 2
    assert counted["closing_counted"] == 0  # not accepted: no closing rate


def test_an_undecided_case_counts_as_late_only_after_its_limit(db):
    make_case(received_at=at(2025, 1, 2))
    assert figures(today=datetime.date(2025, 1, 17))["acceptance_counted"] == 0
    assert figures(today=datetime.date(2025, 1, 18))["acceptance_counted"] == 1


def test_an_approved_extension_moves_the_closing_limit(db):
    answered(80, extension=30)
    answered(80, extension=30, approved=False)
    answered(60)
    counted = figures()
    assert counted["closing_counted"] == 3
    assert counted["closed_on_time"] == 2


def test_a_review_keeps_the_first_answers_result(db):
    case = answered(30)
    case.answered_at = case.received_at + datetime.timedelta(days=150)
    case.review_level = 1
    case.save()
    assert figures()["closed_on_time"] == 1


def test_a_group_of_exactly_the_group_size_is_a_group(db, settings):
    settings.GROUP_PETITION_SIZE = 5
    make_case(received_at=at(2025, 1, 3), people_count=5)
    make_case(received_at=at(2025, 1, 3), people_count=4)
    assert figures()["group_petitions"] == 1


def test_satisfaction_counts_rated_answers_only(db):
    answered(10, satisfaction=Satisfaction.BASICALLY)
    answered(10, satisfaction=Satisfaction.NOT_SATISFIED)
    answered(10)
    rates = build_report(JANUARY, TODAY).rates
    assert rates["satisfaction"] == (1, 2)
    assert rates["rating"] == (2, 3)


def test_the_previous_period_and_the_year_earlier():
    assert st.Period.month(2025, 1).previous() == st.Period.month(2024, 12)
    assert st.Period.quarter(2025, 1).previous() == st.Period.quarter(2024, 4)
    leap = st.Period("range", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    assert leap.year_earlier().end == datetime.date(2023, 2, 28)


def test_cases_without_a_pollution_type_show_as_not_classified(db):
    air = PollutionType.objects.get(code="air")
    noise = PollutionType.objects.get(code="noise")
    make_case(received_at=at(2025, 1, 3)).pollution_types.add(air, noise)
    make_case(received_at=at(2025, 1, 3))
    with translation.override("zh-hans"):
        rows = {r.label: r for r in build_report(JANUARY, TODAY).breakdowns["pollution"]}
    assert rows["大气"].cases == 1 and rows["噪声"].share == 50.0
    assert rows["未分类"].cases == 1


def run(*args):
    out = io.StringIO()
    call_command("petitionstats", *args, stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_the_command_prints_the_figures_and_a_breakdown(db):
    make_case(received_at=at(2025, 1, 3), industry=Industry.objects.get(code="E"))
    rows = run("--from", "2025-01-01", "--to", "2025-01-31")
    assert rows[0] == ["name", "value"] and ["total", "1"] in rows
    with translation.override("zh-hans"):
        by = run("--from", "2025-01-01", "--to", "2025-01-31", "--by", "industry")
    assert by == [["group", "cases", "people"], ["E 建筑业", "1", "1"]]


@pytest.mark.parametrize(
    "args",
    [
        ("--from", "2025-13-01", "--to", "2025-01-31"),
        ("--from", "2025-02-01", "--to", "2025-01-31"),
    ],
)
def test_the_command_refuses_bad_dates_with_a_message(db, args):
    with pytest.raises(CommandError):
        run(*args)


def test_handling_units_may_not_see_the_statistics(client_of, unit_handler):
    assert client_of(unit_handler).get("/stats/").status_code == 403


@pytest.mark.parametrize("who", ["clerk", "leader_user", "administrator"])
def test_the_leading_group_sees_the_statistics_within_20_queries(
    db, client_of, request, who, monkeypatch
):
    make_case(received_at=at(2025, 1, 3), people_count=6, representatives="甲")
    client = client_of(request.getfixturevalue(who))
    # The navigation bar's counts are kept per user from the first page on (worklists).
    monkeypatch.setattr("accounts.stamps.LIFETIME", 60)
    client.get("/stats/?kind=month&year=2025&month=1")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/stats/?kind=month&year=2025&month=1")
    assert response.status_code == 200
    assert len(queries) <= 20
    assert "figure=group_petitions" in response.content.decode()


def test_a_chart_is_an_svg_image_without_script(client_of, clerk):
    response = client_of(clerk).get("/stats/chart/trend.svg?kind=year&year=2025")
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<script" not in response.content and b"<?xml" not in response.content


def test_a_figures_link_lists_exactly_its_cases(client_of, clerk):
    refused(at(2025, 1, 2), at(2025, 1, 17))
    refused(at(2025, 1, 2), at(2025, 1, 18))
    response = client_of(clerk).get(
        "/cases/?received_from=2025-01-01&received_to=2025-01-31&figure=accepted_on_time"
    )
    assert len(response.context["rows"]) == figures()["accepted_on_time"] == 1


def test_page_workbook_document_and_command_agree(client_of, clerk):
    for people in (1, 6):
        make_case(received_at=at(2025, 1, 3), people_count=people, representatives="甲")
    client = client_of(clerk)
    query = "?kind=range&start=2025-01-01&end=2025-01-31"
    page = client.get("/stats/" + query).context["report"].figures.cases
    book = load_workbook(io.BytesIO(client.get("/stats/report.xlsx" + query).content))
    sheet_values = [row[1] for row in book.worksheets[0].iter_rows(values_only=True)]
    document = Document(io.BytesIO(client.get("/stats/report.docx" + query).content))
    doc_values = [row.cells[1].text for row in document.tables[0].rows[1:]]
    command = dict(run("--from", "2025-01-01", "--to", "2025-01-31")[1:])
    assert page["total"] == sheet_values[1] == int(doc_values[0]) == int(command["total"]) == 2
    assert page["group_petitions"] == sheet_values[3] == int(doc_values[2]) == 1


def test_intake_records_the_pollution_types_of_the_chosen_sub_types(client_of, clerk):
    import uuid

    from petitions.matters import PollutionSubtype
    from petitions.models import Case
    from tests.factories import INTAKE_DEFAULTS

    odour = PollutionSubtype.objects.get(name="恶臭/异味")
    form = {
        **{k: v for k, v in INTAKE_DEFAULTS.items() if v not in (None, False)},
        "received_at_0": "2025-01-03",
        "received_at_1": "09:30",
        "submission_token": str(uuid.uuid4()),
        "pollution_subtypes": [odour.pk],
        "industry": Industry.objects.get(code="C").pk,
    }
    response = client_of(clerk).post("/cases/new/", form)
    assert response.status_code == 302
    case = Case.objects.get()
    assert [t.code for t in case.pollution_types.all()] == ["air"]
    assert case.industry.code == "C"


def test_a_case_transferred_after_acceptance_counts_in_no_closing_rate(db):
    make_case(
        received_at=at(2025, 1, 2),
        state=State.TRANSFERRED,
        accepted_at=at(2025, 1, 3),
        closed_at=at(2025, 1, 4),
    )
    counted = figures()
    assert (counted["acceptance_counted"], counted["closing_counted"]) == (1, 0)
