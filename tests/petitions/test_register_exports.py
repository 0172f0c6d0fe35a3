"""The register's files: masked by default like a case page, unmasked only as an explicit POST
by the office (and logged), the columns an office reports on, and no cell that runs as a
formula, full-width signs included."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from petitions.exports import safe_cell
from petitions.models import AccessLog, Satisfaction, State
from tests.factories import ID_NUMBER, make_case

pytestmark = pytest.mark.django_db

XLSX, CSV = "/cases/export.xlsx", "/cases/export.csv"
UNMASKED = {"unmasked": "1"}


@pytest.fixture(autouse=True)
def _in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def column(rows: list[list], header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


# --- Masked unless asked for -----------------------------------------------------------------


def test_the_office_gets_a_masked_file_by_default(client_of, clerk):
    make_case(petitioner_name="张建国", representatives="王强、赵敏")
    rows = xlsx_rows(client_of(clerk).get(XLSX))
    assert column(rows, "Petitioner") == ["张**"]
    assert column(rows, "Representatives") == ["王*、赵*"]
    assert column(rows, "Phone") == ["138****8000"]
    assert column(rows, "Resident ID number") == [ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]]


def test_a_masked_file_of_the_office_is_not_logged(client_of, clerk):
    make_case()
    client_of(clerk).get(CSV)
    assert not AccessLog.objects.exists()


def test_the_office_gets_names_and_contact_data_in_full_when_it_asks(client_of, clerk):
    make_case(petitioner_name="张建国", representatives="王强、赵敏")
    rows = csv_rows(client_of(clerk).post(CSV, UNMASKED))
    assert column(rows, "Petitioner") == ["张建国"]
    assert column(rows, "Representatives") == ["王强、赵敏"]
    assert column(rows, "Resident ID number") == [ID_NUMBER]


def test_an_unmasked_file_logs_who_took_which_cases_with_which_filter(client_of, clerk):
    wanted = make_case(title="工地噪音")
    make_case(title="餐馆油烟")
    client_of(clerk).post(f"{XLSX}?q=噪音", UNMASKED)
    log = AccessLog.objects.get()
    assert (log.user, log.case, log.action) == (clerk, wanted, AccessLog.Action.EXPORT)
    assert "xlsx" in log.detail and "q=" in log.detail


def test_asking_by_a_link_gives_no_unmasked_file(client_of, clerk):
    make_case(petitioner_name="张建国")
    rows = csv_rows(client_of(clerk).get(CSV, UNMASKED))
    assert column(rows, "Petitioner") == ["张**"] and not AccessLog.objects.exists()


@pytest.mark.parametrize("person", ["unit_handler", "leader_user"])
def test_a_unit_or_leader_cannot_have_an_unmasked_file(request, client_of, person, unit, leader):
    make_case(unit=unit, leader=leader, identity_released=True)
    response = client_of(request.getfixturevalue(person)).post(CSV, UNMASKED)
    assert response.status_code == 403 and not AccessLog.objects.exists()


def test_a_unit_gets_masked_names_once_released(client_of, unit_handler, unit):
    make_case(unit=unit, identity_released=True, petitioner_name="张建国")
    rows = csv_rows(client_of(unit_handler).get(CSV))
    assert column(rows, "Petitioner") == ["张**"]


def test_a_unit_gets_no_representatives_before_release(client_of, unit_handler, unit):
    make_case(unit=unit, petitioner_name="张建国", representatives="王强、赵敏")
    rows = csv_rows(client_of(unit_handler).get(CSV))
    assert column(rows, "Representatives") == [""] and "王" not in str(rows)


def test_the_register_offers_the_unmasked_files_to_the_office_only(client_of, clerk, unit_handler):
    assert 'id="unmasked-export"' in client_of(clerk).get("/cases/").content.decode()
    assert 'id="unmasked-export"' not in client_of(unit_handler).get("/cases/").content.decode()


def test_the_unmasked_buttons_keep_the_filters(client_of, clerk):
    page = client_of(clerk).get("/cases/", {"state": State.CLOSED}).content.decode()
    actions = re.findall(r'formaction="([^"]+)"', page)
    assert actions and all("state=closed" in action for action in actions)


# --- Columns ---------------------------------------------------------------------------------


def test_the_file_holds_the_text_representatives_referral_flags_closing_and_satisfaction(
    client_of, clerk
):
    closed = timezone.now()
    make_case(
        content="每天夜里施工。",
        representatives="王强",
        skipped_level=True,
        in_litigation=False,
        state=State.CLOSED,
        closed_at=closed,
        satisfaction=Satisfaction.BASICALLY,
    )
    rows = xlsx_rows(client_of(clerk).post(XLSX, UNMASKED))
    assert column(rows, "Full text") == ["每天夜里施工。"]
    assert column(rows, "Representatives") == ["王强"]
    assert (column(rows, "Skipped a level"), column(rows, "In litigation")) == (["yes"], ["no"])
    assert column(rows, "Closed at")[0].strftime("%Y-%m-%d %H:%M") == timezone.localtime(
        closed
    ).strftime("%Y-%m-%d %H:%M")
    assert column(rows, "Satisfaction") == ["Basically satisfied"]


# --- Formulas --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-1", "@SUM(A1)", "＝HYPERLINK(1)", "＋1", "－1", "＠A1", "\t=1", "\r=1"]
)
def test_a_cell_that_could_run_as_a_formula_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["工地噪音", "1+1", "", 5, -3, None])
def test_other_cells_are_left_as_they_are(value):
    assert safe_cell(value) == value


def test_a_full_width_formula_in_a_title_reaches_the_csv_quoted(client_of, clerk):
    make_case(title="＝HYPERLINK(1)")
    rows = csv_rows(client_of(clerk).get(CSV))
    assert column(rows, "Title") == ["'＝HYPERLINK(1)"]


def test_a_formula_in_the_text_reaches_the_workbook_quoted(client_of, clerk):
    make_case(content="＋cmd|' /C calc'!A0")
    rows = xlsx_rows(client_of(clerk).get(XLSX))
    assert column(rows, "Full text") == ["'＋cmd|' /C calc'!A0"]
