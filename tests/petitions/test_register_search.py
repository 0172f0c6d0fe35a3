"""The register's search box finds any case: by its number in the forms the lookup reads, by the
petitioner's phone, ID number or name (exact, through the keyed hashes, never by decrypting
rows, and only where the user may know who petitioned), or by words of its text."""

from __future__ import annotations

import re

import pytest

from petitions import crypto
from petitions.finding import Kind, find, read_terms
from petitions.models import Case, Classification
from tests.factories import CHAOYANG_ID, VALID_ID, make_case

LIST = "/cases/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def titles(response) -> list[str]:
    found = re.findall(r'<td class="case-title">([^<]*)', response.content.decode())
    return [title.strip() for title in found]


def search(client, term: str) -> list[str]:
    return titles(client.get(LIST, {"q": term}))


# --- What the box reads ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind", "year", "sequence"),
    [
        ("0014", Kind.NUMBER, None, 14),
        ("2026-14", Kind.NUMBER, 2026, 14),
        ("２０２６－１４", Kind.NUMBER, 2026, 14),
        ("朝环信〔2026〕0014", Kind.NUMBER, 2026, 14),
        ("[2026]0014", Kind.NUMBER, 2026, 14),
    ],
)
def test_a_case_number_is_read_in_every_form_the_lookup_takes(typed, kind, year, sequence):
    (term,) = read_terms(typed)
    assert (term.kind, term.year, term.sequence) == (kind, year, sequence)


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        ("138 0013 8000", Kind.PHONE, "+8613800138000"),
        ("0421-2614858", Kind.PHONE, "+864212614858"),
        ("11010519491231002x", Kind.ID_NUMBER, VALID_ID),
        ("１１０１０５１９４９１２３１００２Ｘ", Kind.ID_NUMBER, VALID_ID),
    ],
)
def test_phones_and_id_numbers_are_read_as_such(typed, kind, value):
    (term,) = read_terms(typed)
    assert (term.kind, term.value) == (kind, value)


def test_a_local_landline_that_could_be_a_number_is_looked_for_as_both():
    assert {term.kind for term in read_terms("2024123")} == {Kind.NUMBER, Kind.PHONE}


@pytest.mark.parametrize("typed", ["张建国", "噪音扰民", "12369", "PM2.5"])
def test_anything_else_is_a_name_or_words_of_the_text(typed):
    assert [term.kind for term in read_terms(typed)] == [Kind.TEXT]


# --- Finding cases -----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["0014", "2026-14", "朝环信〔2026〕0014", "2026 - 0014"])
def test_the_office_finds_a_case_by_its_number(client_of, clerk, typed):
    make_case(year=2026, sequence=14, title="要找的案件")
    make_case(year=2026, sequence=15, title="别的案件")
    make_case(year=2025, sequence=140, title="另一年")
    assert search(client_of(clerk), typed) == ["要找的案件"]


def test_a_bare_sequence_finds_that_number_in_every_year(client_of, clerk):
    make_case(year=2025, sequence=7, title="去年第7号")
    make_case(year=2026, sequence=7, title="今年第7号")
    make_case(year=2026, sequence=8, title="今年第8号")
    assert set(search(client_of(clerk), "7")) == {"去年第7号", "今年第7号"}


def test_the_office_finds_a_case_by_the_petitioners_phone_as_typed(client_of, clerk):
    make_case(title="要找的案件", petitioner_phone="+8613800138000")
    make_case(title="别的案件", petitioner_phone="+8613900139000")
    with_hashes()
    assert search(client_of(clerk), "138-0013-8000") == ["要找的案件"]


def test_the_office_finds_a_case_by_the_petitioners_id_number(client_of, clerk):
    make_case(title="要找的案件", petitioner_id_number=VALID_ID)
    make_case(title="别的案件", petitioner_id_number=CHAOYANG_ID)
    with_hashes()
    assert search(client_of(clerk), VALID_ID.lower()) == ["要找的案件"]


def test_the_office_finds_a_case_by_the_petitioners_whole_name(client_of, clerk):
    make_case(title="要找的案件", petitioner_name="欧阳秀英")
    make_case(title="别的案件", petitioner_name="欧阳秀")
    assert search(client_of(clerk), "欧阳 秀英") == ["要找的案件"]


def test_a_name_search_also_finds_the_words_in_titles(client_of, clerk):
    make_case(title="李家庄养殖场异味", petitioner_name="王建国")
    make_case(title="工地噪音", petitioner_name="李家庄")
    assert set(search(client_of(clerk), "李家庄")) == {"李家庄养殖场异味", "工地噪音"}


def test_a_name_stored_before_a_key_rotation_is_still_found(client_of, clerk, settings):
    old_key = crypto.generate_key()
    settings.PETITIONER_DATA_KEY = old_key
    make_case(title="轮换前的案件", petitioner_name="赵桂兰")
    settings.PETITIONER_DATA_KEY = f"{crypto.generate_key()},{old_key}"
    assert search(client_of(clerk), "赵桂兰") == ["轮换前的案件"]


def test_matching_never_decrypts_a_row(clerk, monkeypatch):
    wanted = make_case(petitioner_name="孙守义", petitioner_phone="+8613700137000")
    make_case(petitioner_name="别人")
    with_hashes()

    def refuse(token):
        raise AssertionError("a row was decrypted to match it")

    monkeypatch.setattr(crypto, "decrypt", refuse)
    for typed in ("孙守义", "13700137000"):
        assert list(find(Case.objects.all(), typed, clerk).values_list("pk", flat=True)) == [
            wanted.pk
        ]


@pytest.mark.parametrize("typed", ["张建国", "13800138000", VALID_ID, "2026-14"])
def test_a_search_costs_at_most_three_queries(
    client_of, clerk, typed, django_assert_max_num_queries
):
    make_case(year=2026, sequence=14, petitioner_id_number=VALID_ID)
    with_hashes()
    client = client_of(clerk)
    client.get(LIST, {"q": typed})
    with django_assert_max_num_queries(3):
        assert client.get(LIST, {"q": typed}).status_code == 200


def test_a_one_character_search_is_still_refused_with_a_message(client_of, clerk):
    response = client_of(clerk).get(LIST, {"q": "张"})
    assert "Enter at least two characters" in response.content.decode()


# --- Only where the user may know who petitioned -----------------------------------------------


def test_a_unit_cannot_learn_who_petitioned_by_searching_a_phone(client_of, unit_handler, unit):
    make_case(title="未放开身份", unit=unit, petitioner_phone="+8613800138000")
    with_hashes()
    assert search(client_of(unit_handler), "13800138000") == []


def test_a_unit_cannot_learn_who_petitioned_by_searching_a_name(client_of, unit_handler, unit):
    make_case(title="未放开身份", unit=unit, petitioner_name="张建国")
    assert search(client_of(unit_handler), "张建国") == []


def test_a_unit_finds_a_released_case_by_the_petitioners_name(client_of, unit_handler, unit):
    make_case(title="已放开身份", unit=unit, petitioner_name="张建国", identity_released=True)
    assert search(client_of(unit_handler), "张建国") == ["已放开身份"]


def test_a_unit_still_finds_its_case_by_number(client_of, unit_handler, unit):
    make_case(title="本单位案件", unit=unit, year=2026, sequence=14)
    assert search(client_of(unit_handler), "2026-14") == ["本单位案件"]


def test_a_leader_finds_their_case_by_the_petitioners_name(client_of, leader_user, leader):
    make_case(title="接访日案件", leader=leader, petitioner_name="张建国")
    assert search(client_of(leader_user), "张建国") == ["接访日案件"]


def test_searching_a_number_never_reaches_a_case_the_user_may_not_see(
    client_of, unit_handler, unit
):
    make_case(title="举报", unit=unit, classification=Classification.ACCUSATION, sequence=14)
    make_case(title="别的单位", sequence=15)
    client = client_of(unit_handler)
    assert search(client, "14") == [] and search(client, "15") == []


def with_hashes() -> None:
    """The hashes intake stores for the phone and ID number (``make_case`` saves none)."""
    for case in Case.objects.all():
        Case.objects.filter(pk=case.pk).update(
            petitioner_phone_hash=crypto.lookup_hash(case.petitioner_phone),
            petitioner_id_hash=crypto.lookup_hash(case.petitioner_id_number),
        )


def test_the_bigrams_keep_enough_statistics_for_a_rare_word_to_look_rare():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'petitions_case'::regclass AND attname = 'search_bigrams'"
        )
        assert cursor.fetchone()[0] == 1000
