"""The register (台账) at /cases/: who sees what, filters, search, paging, sorting, exports."""

from __future__ import annotations

import csv
import datetime
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from petitions.models import AccessLog, Category, Channel, Classification, State
from petitions.register import EXPORT_LIMIT
from schedules.models import District
from tests.factories import ID_NUMBER, make_case, make_leader, make_unit

LIST = "/cases/"
UNMASKED = {"unmasked": "1"}  # the unmasked export: a POST that asks for it
PHONE_DIGITS = "13800138000"


@pytest.fixture(autouse=True)
def _in_english(client):
    """Assertions read the English texts; the default language is Chinese."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def titles(response) -> list[str]:
    """The case titles in the table, in order."""
    found = re.findall(r'<td class="case-title">([^<]*)', response.content.decode())
    return [title.strip() for title in found]


def numbers(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', html)


def link(response, rel: str) -> str | None:
    match = re.search(rf'href="(\?[^"]*)" rel="{rel}"', response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_anonymous_cannot_export(client):
    response = client.get("/cases/export.csv")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_user_without_a_role_is_refused(client_of, stranger):
    assert client_of(stranger).get(LIST).status_code == 403


@pytest.mark.django_db
def test_a_user_without_a_role_cannot_export(client_of, stranger):
    assert client_of(stranger).get("/cases/export.xlsx").status_code == 403


@pytest.mark.django_db
def test_the_office_sees_every_case_including_accusations(client_of, clerk, unit):
    make_case(title="工地噪音", unit=unit)
    make_case(title="举报执法人员", classification=Classification.ACCUSATION)
    assert set(titles(client_of(clerk).get(LIST))) == {"工地噪音", "举报执法人员"}


@pytest.mark.django_db
def test_a_unit_sees_only_its_own_cases(client_of, unit_handler, unit):
    other = make_unit("龙城分局", district=District.LONGCHENG)
    make_case(title="本单位案件", unit=unit)
    make_case(title="他单位案件", unit=other)
    make_case(title="未交办案件")
    assert titles(client_of(unit_handler).get(LIST)) == ["本单位案件"]


@pytest.mark.django_db
def test_a_unit_never_sees_accusations_even_its_own(client_of, unit_handler, unit):
    make_case(title="举报本单位", unit=unit, classification=Classification.ACCUSATION)
    assert titles(client_of(unit_handler).get(LIST)) == []


@pytest.mark.django_db
def test_a_leader_sees_the_cases_of_their_duty_days(client_of, leader_user, leader):
    make_case(title="接访日案件", leader=leader, channel=Channel.RECEPTION_DAY)
    make_case(title="别的领导案件", leader=make_leader("孙守堂", "副局长"))
    make_case(title="普通来访")
    assert titles(client_of(leader_user).get(LIST)) == ["接访日案件"]


@pytest.mark.django_db
def test_the_office_sees_petitioners_family_names_only(client_of, clerk):
    make_case(petitioner_name="张建国")
    page = client_of(clerk).get(LIST).content.decode()
    assert "张**" in page and "张建国" not in page


@pytest.mark.django_db
def test_a_unit_does_not_see_the_petitioner_before_release(client_of, unit_handler, unit):
    make_case(petitioner_name="张建国", unit=unit)
    page = client_of(unit_handler).get(LIST).content.decode()
    assert "张建国" not in page


# --- filters ---------------------------------------------------------------------------------

TODAY = timezone.localdate()
FILTERS = [
    ("state", State.IN_PROGRESS, {"state": State.IN_PROGRESS}),
    ("category", Category.SUGGESTION, {"category": Category.SUGGESTION}),
    ("classification", Classification.SUGGESTION, {"classification": Classification.SUGGESTION}),
    ("channel", Channel.LETTER, {"channel": Channel.LETTER}),
    ("district", District.KAZUO, {"district": District.KAZUO}),
    ("repeat", "on", {"is_repeat": True}),
    ("group", "on", {"is_group": True, "people_count": 6}),
    (
        "deadline",
        "overdue",
        {"state": State.IN_PROGRESS, "due_date": TODAY - datetime.timedelta(days=2)},
    ),
    (
        "deadline",
        "due_soon",
        {"state": State.IN_PROGRESS, "due_date": TODAY + datetime.timedelta(days=3)},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value", "fields"), FILTERS, ids=[f"{f[0]}-{f[1]}" for f in FILTERS]
)
def test_each_filter_narrows_the_list(client_of, clerk, name, value, fields):
    make_case(title="符合条件", **fields)
    decoy = {}
    if name == "deadline":
        decoy = {"state": State.IN_PROGRESS, "due_date": TODAY + datetime.timedelta(days=40)}
    make_case(title="不符合", **decoy)
    shown = titles(client_of(clerk).get(LIST, {name: value}))
    assert shown == ["符合条件"]


def _on(day: str, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day).replace(hour=hour))


@pytest.mark.django_db
def test_received_from_includes_that_whole_day(client_of, clerk):
    make_case(title="当天", received_at=_on("2025-03-01", 0))
    make_case(title="前一天", received_at=_on("2025-02-28", 23))
    assert titles(client_of(clerk).get(LIST, {"received_from": "2025-03-01"})) == ["当天"]


@pytest.mark.django_db
def test_received_until_includes_that_whole_day(client_of, clerk):
    make_case(title="当天", received_at=_on("2025-02-28", 23))
    make_case(title="后一天", received_at=_on("2025-03-01", 0))
    assert titles(client_of(clerk).get(LIST, {"received_to": "2025-02-28"})) == ["当天"]


@pytest.mark.django_db
def test_the_unit_filter_narrows_the_list(client_of, clerk, unit):
    make_case(title="符合条件", unit=unit)
    make_case(title="不符合", unit=make_unit("龙城分局"))
    assert titles(client_of(clerk).get(LIST, {"unit": unit.pk})) == ["符合条件"]


@pytest.mark.django_db
def test_the_leader_filter_narrows_the_list(client_of, clerk, leader):
    make_case(title="符合条件", leader=leader)
    make_case(title="不符合")
    assert titles(client_of(clerk).get(LIST, {"leader": leader.pk})) == ["符合条件"]


@pytest.mark.django_db
def test_a_unit_added_is_in_the_filter_once_committed(
    client_of, clerk, unit, django_capture_on_commit_callbacks
):
    client = client_of(clerk)
    assert "龙城分局" not in client.get(LIST).content.decode()  # the choices are kept from here
    with django_capture_on_commit_callbacks(execute=True):
        make_unit("龙城分局")
    assert "龙城分局" in client.get(LIST).content.decode()


@pytest.mark.django_db
def test_a_bad_filter_value_is_shown_as_an_error_not_a_crash(client_of, clerk):
    make_case(title="工地噪音")
    response = client_of(clerk).get(LIST, {"received_from": "not-a-date"})
    assert response.status_code == 200 and "工地噪音" in titles(response)


# --- search ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_finds_the_term_in_the_title(client_of, clerk):
    make_case(title="工地噪音扰民", content="夜间施工。")
    make_case(title="餐馆油烟", content="油烟直排。")
    assert titles(client_of(clerk).get(LIST, {"q": "噪音"})) == ["工地噪音扰民"]


@pytest.mark.django_db
def test_search_finds_the_term_in_the_text(client_of, clerk):
    make_case(title="夜间施工", content="机器噪音很大。")
    make_case(title="餐馆油烟", content="油烟直排。")
    assert titles(client_of(clerk).get(LIST, {"q": "噪音"})) == ["夜间施工"]


@pytest.mark.django_db
def test_a_one_character_search_is_refused_with_a_message(client_of, clerk):
    response = client_of(clerk).get(LIST, {"q": "噪"})
    assert "Enter at least two characters" in response.content.decode()


# --- paging and sorting ----------------------------------------------------------------------


def _many_cases(count: int = 45) -> list:
    start = timezone.make_aware(datetime.datetime(2025, 1, 1, 9, 0))
    same_time = start + datetime.timedelta(days=10)
    cases = []
    for i in range(count):
        # Some cases share a received time: the cursor must still tell them apart.
        received = same_time if i % 5 == 0 else start + datetime.timedelta(hours=i)
        due = TODAY + datetime.timedelta(days=i % 7) if i % 3 else None
        cases.append(
            make_case(
                title=f"案件{i:02d}",
                received_at=received,
                due_date=due,
                state=State.IN_PROGRESS,
            )
        )
    return cases


def _walk(client, first_url: str, rel: str = "next") -> list[str]:
    seen: list[str] = []
    response = client.get(first_url)
    seen += numbers(response)
    for _ in range(20):
        nxt = link(response, rel)
        if not nxt:
            break
        response = client.get(LIST + nxt)
        seen += numbers(response)
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["-received", "received", "due", "-due", "-number", "number"])
def test_paging_walks_every_case_once(client_of, clerk, sort):
    cases = _many_cases()
    seen = _walk(client_of(clerk), f"{LIST}?per_page=20&sort={sort}")
    assert sorted(seen) == sorted(c.number for c in cases)


@pytest.mark.django_db
def test_paging_back_returns_the_same_pages(client_of, clerk):
    _many_cases()
    client = client_of(clerk)
    first = client.get(f"{LIST}?per_page=20")
    second = client.get(LIST + link(first, "next"))
    back = client.get(LIST + link(second, "prev"))
    assert numbers(back) == numbers(first)


@pytest.mark.django_db
def test_the_last_page_has_no_next_link(client_of, clerk):
    _many_cases(5)
    assert link(client_of(clerk).get(LIST), "next") is None


@pytest.mark.django_db
def test_a_forged_cursor_shows_the_first_page(client_of, clerk):
    _many_cases(5)
    client = client_of(clerk)
    assert numbers(client.get(LIST, {"after": "bm9wZQ"})) == numbers(client.get(LIST))


@pytest.mark.django_db
def test_newest_first_is_the_default_order(client_of, clerk):
    old = make_case(title="旧", received_at=timezone.now() - datetime.timedelta(days=3))
    new = make_case(title="新", received_at=timezone.now() - datetime.timedelta(days=1))
    assert numbers(client_of(clerk).get(LIST)) == [new.number, old.number]


@pytest.mark.django_db
def test_sort_by_due_date_puts_the_earliest_first_and_undated_last(client_of, clerk):
    later = make_case(state=State.IN_PROGRESS, due_date=TODAY + datetime.timedelta(days=9))
    undated = make_case()
    sooner = make_case(state=State.IN_PROGRESS, due_date=TODAY + datetime.timedelta(days=2))
    shown = numbers(client_of(clerk).get(LIST, {"sort": "due"}))
    assert shown == [sooner.number, later.number, undated.number]


@pytest.mark.django_db
def test_sort_by_number_follows_year_and_sequence(client_of, clerk):
    a = make_case(sequence=9, year=2024)
    b = make_case(sequence=10, year=2024)
    c = make_case(sequence=2, year=2025)
    assert numbers(client_of(clerk).get(LIST, {"sort": "number"})) == [a.number, b.number, c.number]


@pytest.mark.django_db
@pytest.mark.parametrize("per_page", [20, 100])
def test_a_page_costs_at_most_three_queries(
    client_of, clerk, unit, leader, per_page, django_assert_max_num_queries, monkeypatch
):
    for i in range(per_page + 5):
        make_case(title=f"案件{i}", unit=unit if i % 2 else None, leader=leader if i % 3 else None)
    client = client_of(clerk)
    # The choices' stamp is read at most twice a second: this test is not about when.
    monkeypatch.setattr("accounts.stamps.LIFETIME", 60)
    client.get(LIST, {"per_page": per_page})  # the filter form's choices are cached from here
    with django_assert_max_num_queries(3):
        response = client.get(LIST, {"per_page": per_page})
    assert len(numbers(response)) == per_page


# --- time limits -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_overdue_case_carries_a_badge_and_words(client_of, clerk):
    make_case(state=State.IN_PROGRESS, due_date=TODAY - datetime.timedelta(days=3))
    page = client_of(clerk).get(LIST).content.decode()
    assert 'badge text-bg-danger">Overdue<' in page and "3 days late" in page


@pytest.mark.django_db
def test_a_case_due_within_a_week_carries_a_badge_and_words(client_of, clerk):
    make_case(state=State.IN_PROGRESS, due_date=TODAY + datetime.timedelta(days=5))
    page = client_of(clerk).get(LIST).content.decode()
    assert 'badge text-bg-warning">Due soon<' in page and "5 days left" in page


@pytest.mark.django_db
def test_a_case_with_time_to_spare_has_no_badge(client_of, clerk):
    make_case(state=State.IN_PROGRESS, due_date=TODAY + datetime.timedelta(days=30))
    page = client_of(clerk).get(LIST).content.decode()
    assert "30 days left" in page and "text-bg-danger" not in page and "text-bg-warning" not in page


# --- exports ---------------------------------------------------------------------------------


def _xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _column(rows: list[list], header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


@pytest.mark.django_db
def test_the_office_exports_unmasked_values_to_xlsx(client_of, clerk):
    make_case(title="工地噪音")
    rows = _xlsx_rows(client_of(clerk).post("/cases/export.xlsx", UNMASKED))
    assert _column(rows, "Resident ID number") == [ID_NUMBER]


@pytest.mark.django_db
def test_an_unmasked_export_is_written_to_the_access_log(client_of, clerk):
    case = make_case()
    client_of(clerk).post("/cases/export.xlsx", UNMASKED)
    log = AccessLog.objects.get()
    assert (log.user, log.case, log.action) == (clerk, case, AccessLog.Action.EXPORT)


@pytest.mark.django_db
def test_the_office_exports_unmasked_values_to_csv(client_of, clerk):
    make_case()
    rows = _csv_rows(client_of(clerk).post("/cases/export.csv", UNMASKED))
    assert _column(rows, "Phone") == ["138 0013 8000"]


@pytest.mark.django_db
def test_a_csv_export_by_the_office_is_logged_per_case(client_of, clerk):
    make_case()
    make_case()
    client_of(clerk).post("/cases/export.csv", UNMASKED)
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() == 2


@pytest.mark.django_db
def test_a_unit_exports_masked_values_once_released(client_of, unit_handler, unit):
    make_case(unit=unit, identity_released=True)
    rows = _xlsx_rows(client_of(unit_handler).get("/cases/export.xlsx"))
    assert _column(rows, "Phone") == ["138****8000"]
    assert _column(rows, "Resident ID number") == [ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]]


@pytest.mark.django_db
def test_a_unit_export_carries_no_identity_before_release(client_of, unit_handler, unit):
    make_case(unit=unit, petitioner_name="张建国")
    rows = _csv_rows(client_of(unit_handler).get("/cases/export.csv"))
    assert "张建国" not in str(rows) and PHONE_DIGITS[-4:] not in str(rows)


@pytest.mark.django_db
def test_a_masked_export_is_not_logged(client_of, unit_handler, unit):
    make_case(unit=unit, identity_released=True)
    client_of(unit_handler).get("/cases/export.csv")
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_a_leader_exports_masked_values(client_of, leader_user, leader):
    make_case(leader=leader)
    rows = _csv_rows(client_of(leader_user).get("/cases/export.csv"))
    assert _column(rows, "Phone") == ["138****8000"]


@pytest.mark.django_db
def test_the_export_follows_the_filters(client_of, clerk):
    make_case(title="工地噪音")
    make_case(title="餐馆油烟")
    rows = _csv_rows(client_of(clerk).get("/cases/export.csv", {"q": "噪音"}))
    assert _column(rows, "Title") == ["工地噪音"]


@pytest.mark.django_db
def test_a_unit_export_holds_only_its_cases(client_of, unit_handler, unit):
    make_case(title="本单位案件", unit=unit)
    make_case(title="他单位案件")
    rows = _csv_rows(client_of(unit_handler).get("/cases/export.csv"))
    assert _column(rows, "Title") == ["本单位案件"]


@pytest.mark.django_db
def test_a_cell_that_looks_like_a_formula_is_defused(client_of, clerk):
    make_case(title="=HYPERLINK(1)")
    rows = _xlsx_rows(client_of(clerk).get("/cases/export.xlsx"))
    assert _column(rows, "Title") == ["'=HYPERLINK(1)"]


@pytest.mark.django_db
def test_an_oversized_export_is_refused_with_a_message(client_of, clerk, monkeypatch):
    monkeypatch.setattr("petitions.register.EXPORT_LIMIT", 1)
    make_case()
    make_case()
    response = client_of(clerk).get("/cases/export.xlsx", follow=True)
    assert "narrow the filter" in response.content.decode() and EXPORT_LIMIT > 1


@pytest.mark.django_db
def test_the_export_link_carries_the_filters(client_of, clerk):
    response = client_of(clerk).get(LIST, {"state": State.CLOSED, "q": "噪音"})
    match = re.search(r'href="/cases/export\.xlsx\?([^"]*)"', response.content.decode())
    query = parse_qs(urlsplit("?" + match.group(1).replace("&amp;", "&")).query)
    assert query == {"state": [State.CLOSED], "q": ["噪音"]}


@pytest.mark.parametrize(
    "query",
    [
        "received_to=9999-12-31",
        # A forged cursor whose id is Infinity: ignored, not a server error.
        "after=WyItcmVjZWl2ZWQiLCIyMDI1LTAxLTAxVDAwOjAwOjAwKzA4OjAwIixJbmZpbml0eV0",
    ],
)
def test_extreme_query_values_give_the_register_not_an_error(client_of, clerk, query):
    make_case(title="扬尘")
    response = client_of(clerk).get(f"/cases/?{query}")
    assert response.status_code == 200
