"""A petitioner's own case at /lookup/: number and query code, nothing else to see or guess."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.utils import timezone

from petitions import access
from petitions.models import Case, CaseLog, ReferralReason, Satisfaction, State
from petitions.numbers import normalize_code, parse_number
from tests.factories import DEFAULT_QUERY_CODE, make_case, make_unit

LOOKUP = "/lookup/"
CASE_PAGE = "/lookup/case/"
RATE = "/lookup/case/rate/"
ANSWER = "经调查核实，您反映的问题属实，已责令施工单位夜间停工。"


@pytest.fixture(autouse=True)
def _fresh_attempts(monkeypatch):
    """Attempts are counted in the (shared) cache: each test counts under its own keys."""
    prefix = f"test-lookup-attempts:{uuid.uuid4().hex}"
    monkeypatch.setattr("petitions.ratelimit.ATTEMPTS_KEY_PREFIX", prefix)


@pytest.fixture(autouse=True)
def _in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def answered(**fields) -> Case:
    now = timezone.now()
    defaults = {
        "state": State.ANSWERED,
        "accepted_at": now - datetime.timedelta(days=20),
        "answered_at": now - datetime.timedelta(days=1),
        "answer": ANSWER,
    }
    return make_case(**(defaults | fields))


def look_up(client, number: str, code: str = DEFAULT_QUERY_CODE, **extra):
    return client.post(LOOKUP, {"number": number, "code": code}, follow=True, **extra)


def visible_text(response) -> str:
    """The page without the per-request CSRF token and the number the visitor typed."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return re.sub(r'name="number" value="[^"]*"', "", page)


# --- finding the case ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_has_labelled_fields(client):
    page = client.get(LOOKUP).content.decode()
    assert re.search(r'<label\s+for="id_number"', page) and re.search(
        r'<label\s+for="id_code"', page
    )


@pytest.mark.django_db
def test_the_right_code_shows_the_state(client):
    case = make_case(state=State.IN_PROGRESS, accepted_at=timezone.now())
    page = look_up(client, case.number).content.decode()
    assert case.number in page and "Being handled" in page


@pytest.mark.django_db
def test_the_right_code_shows_the_received_date(client):
    case = make_case(received_at=timezone.make_aware(datetime.datetime(2025, 4, 3, 10, 0)))
    assert "2025-04-03" in look_up(client, case.number).content.decode()


@pytest.mark.django_db
def test_the_answer_is_not_shown_before_it_is_sent(client):
    case = make_case(state=State.ANSWER_DRAFTED, answer=ANSWER, accepted_at=timezone.now())
    assert ANSWER not in look_up(client, case.number).content.decode()


@pytest.mark.django_db
def test_the_answer_is_shown_once_it_is_sent(client):
    case = answered()
    assert ANSWER in look_up(client, case.number).content.decode()


@pytest.mark.django_db
def test_the_code_may_be_typed_in_lower_case_with_spaces(client):
    case = make_case()
    response = look_up(client, case.number, "k7p3 q9m2")
    assert response.redirect_chain[-1][0] == CASE_PAGE


@pytest.mark.django_db
def test_the_number_may_be_typed_without_the_brackets(client):
    case = make_case(year=2025, sequence=907)
    response = look_up(client, "2025-0907")
    assert response.redirect_chain[-1][0] == CASE_PAGE and case.number in visible_text(response)


@pytest.mark.django_db
def test_a_wrong_code_is_not_echoed_back(client):
    case = make_case()
    assert "WRONG234" not in look_up(client, case.number, "WRONG234").content.decode()


@pytest.mark.django_db
def test_a_wrong_code_is_refused(client):
    case = make_case()
    response = look_up(client, case.number, "WRONG234")
    assert response.redirect_chain == [] and "No case matches" in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_code_and_an_unknown_number_get_the_same_page(client):
    case = make_case(year=2025, sequence=907)
    wrong_code = visible_text(look_up(client, case.number, "WRONG234"))
    unknown = visible_text(look_up(client, "朝环信〔2025〕0908", "WRONG234"))
    assert wrong_code == unknown


@pytest.mark.django_db
def test_a_malformed_number_gets_the_same_page_as_a_wrong_code(client):
    case = make_case()
    wrong_code = visible_text(look_up(client, case.number, "WRONG234"))
    malformed = visible_text(look_up(client, "not a number", "WRONG234"))
    assert wrong_code == malformed


@pytest.mark.django_db
def test_the_case_page_needs_a_lookup_first(client):
    make_case()
    response = client.get(CASE_PAGE)
    assert response.status_code == 302 and response["Location"] == LOOKUP


@pytest.mark.django_db
def test_lookup_pages_are_never_cached(client):
    case = make_case()
    response = look_up(client, case.number)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_forgetting_removes_the_case_from_the_session(client):
    case = make_case()
    look_up(client, case.number)
    client.post("/lookup/forget/")
    assert client.get(CASE_PAGE).status_code == 302


# --- nothing else ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_no_names_notes_or_unit(client, clerk):
    unit = make_unit("双塔分局")
    case = answered(
        petitioner_name="张建国",
        unit=unit,
        instructions="请双塔分局核查施工许可",
        location="双塔区凌河街道友谊小区",
    )
    CaseLog.objects.create(
        case=case, action=CaseLog.Action.NOTE, comment="内部备注：已约谈", by=clerk
    )
    page = look_up(client, case.number).content.decode()
    for secret in ("张建国", "双塔分局", "请双塔分局核查", "内部备注", "友谊小区", "clerk", "0013"):
        assert secret not in page


# --- rating ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_petitioner_rates_the_answer(client):
    case = answered()
    look_up(client, case.number)
    client.post(RATE, {"satisfaction": Satisfaction.BASICALLY})
    case.refresh_from_db()
    assert case.satisfaction == Satisfaction.BASICALLY


@pytest.mark.django_db
def test_the_rating_is_written_to_the_case_history(client):
    case = answered()
    look_up(client, case.number)
    client.post(RATE, {"satisfaction": Satisfaction.SATISFIED})
    log = CaseLog.objects.get(case=case)
    assert log.action == CaseLog.Action.RATING and log.by is None


@pytest.mark.django_db
def test_a_second_rating_is_refused(client):
    case = answered()
    look_up(client, case.number)
    client.post(RATE, {"satisfaction": Satisfaction.SATISFIED})
    response = client.post(RATE, {"satisfaction": Satisfaction.NOT_SATISFIED}, follow=True)
    case.refresh_from_db()
    assert case.satisfaction == Satisfaction.SATISFIED
    assert "only once" in response.content.decode()


@pytest.mark.django_db
def test_a_case_is_not_rated_before_the_answer_is_sent(client):
    case = make_case(state=State.IN_PROGRESS, accepted_at=timezone.now())
    look_up(client, case.number)
    client.post(RATE, {"satisfaction": Satisfaction.NOT_SATISFIED})
    case.refresh_from_db()
    assert case.satisfaction == ""


@pytest.mark.django_db
def test_feedback_the_office_recorded_does_not_block_the_petitioners_own_rating(client):
    case = answered(satisfaction=Satisfaction.NOT_SATISFIED)
    look_up(client, case.number)
    client.post(RATE, {"satisfaction": Satisfaction.SATISFIED})
    case.refresh_from_db()
    assert case.satisfaction == Satisfaction.SATISFIED
    assert case.logs.get().action == CaseLog.Action.RATING


@pytest.mark.django_db
def test_rating_needs_a_lookup_first(client):
    case = answered()
    client.post(RATE, {"satisfaction": Satisfaction.SATISFIED})
    case.refresh_from_db()
    assert case.satisfaction == ""


@pytest.mark.django_db
def test_rating_changes_the_case_version_so_a_stale_staff_form_is_refused(client):
    case = answered()
    look_up(client, case.number)
    client.post(RATE, {"satisfaction": Satisfaction.SATISFIED})
    assert Case.objects.get(pk=case.pk).version == case.version + 1


# --- attempts --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_eleventh_attempt_in_an_hour_is_refused_even_with_the_right_code(client):
    case = make_case()
    for _ in range(10):
        look_up(client, case.number, "WRONG234")
    response = look_up(client, case.number)
    assert response.status_code == 429 and response.redirect_chain == []


@pytest.mark.django_db
def test_the_attempt_limit_is_per_address(client):
    case = make_case()
    for _ in range(10):
        look_up(client, case.number, "WRONG234", REMOTE_ADDR="203.0.113.7")
    response = look_up(client, case.number, REMOTE_ADDR="203.0.113.8")
    assert response.redirect_chain[-1][0] == CASE_PAGE


@pytest.mark.django_db
def test_a_forwarded_for_header_does_not_reset_the_limit(client):
    case = make_case()
    for i in range(10):
        look_up(client, case.number, "WRONG234", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    response = look_up(client, case.number, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


@pytest.mark.django_db
def test_successful_lookups_count_too(client):
    case = make_case()
    for _ in range(10):
        look_up(client, case.number)
    assert look_up(client, case.number).status_code == 429


# --- parsing ---------------------------------------------------------------------------------


def test_a_receipt_number_is_read_as_year_and_sequence():
    assert parse_number("朝环信〔2025〕0007") == (2025, 7)


def test_a_number_typed_with_full_width_digits_is_read():
    assert parse_number("朝环信［２０２５］７") == (2025, 7)


def test_a_number_without_a_year_is_not_read():
    assert parse_number("0007") is None


def test_codes_compare_without_spaces_dashes_or_case():
    assert normalize_code(" k7p3-q9ｍ2 ") == "K7P3Q9M2"


@pytest.mark.django_db
def test_a_case_not_accepted_shows_where_to_go(client):
    reason = ReferralReason.objects.create(
        title="测试：属于诉讼途径的事项",
        destination=ReferralReason.Destination.COURT,
        notice_text="请您向人民法院提出。",
    )
    case = make_case(state=State.NOT_ACCEPTED, referral_reason=reason)
    page = look_up(client, case.number).content.decode()
    assert "Not accepted" in page and "请您向人民法院提出。" in page


@pytest.mark.django_db
def test_an_unknown_number_still_decrypts_and_compares_a_code(monkeypatch):
    """The same work as a wrong code, so the answer's timing tells nothing."""
    calls = []
    real = access.decrypt
    monkeypatch.setattr(access, "decrypt", lambda token: calls.append(1) or real(token))
    assert access.find_case("朝环信〔2025〕0999", "WRONG234") is None
    assert calls == [1]


@pytest.mark.django_db
def test_a_draft_answer_under_review_is_not_shown_to_the_petitioner(client):
    case = answered(
        state=State.REVIEW, review_level=1, answer_draft="内部草稿：尚未审定的复查意见。"
    )
    page = visible_text(look_up(client, case.number))
    assert ANSWER in page  # the answer that was approved and sent
    assert "内部草稿" not in page


@pytest.mark.django_db
def test_the_answer_cannot_be_rated_while_a_review_runs(client):
    case = answered(state=State.REVIEW, review_level=1)
    look_up(client, case.number)
    client.post(RATE, {"satisfaction": Satisfaction.SATISFIED})
    case.refresh_from_db()
    assert case.satisfaction == ""
