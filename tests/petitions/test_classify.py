"""The office classifies a case for the reports later: who may, what is stored and logged."""

from __future__ import annotations

import pytest

from petitions.matters import Industry, PollutionSubtype, PollutionType
from petitions.models import Case, CaseLog
from tests.factories import make_case, make_leader, make_unit


def classify_form(case, **fields):
    return {f"matters-{name}": value for name, value in {"version": case.version, **fields}.items()}


@pytest.mark.parametrize("who", ["clerk", "administrator"])
def test_the_office_classifies_a_case_and_the_log_says_so(db, client_of, request, who):
    case = make_case()
    odour = PollutionSubtype.objects.get(name="恶臭/异味")
    building = Industry.objects.get(code="E")
    response = client_of(request.getfixturevalue(who)).post(
        f"/cases/{case.pk}/classify/",
        classify_form(case, pollution_subtypes=[odour.pk], industry=building.pk),
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert [t.code for t in case.pollution_types.all()] == ["air"]
    assert list(case.pollution_subtypes.all()) == [odour] and case.industry == building
    entry = case.logs.get(action=CaseLog.Action.NOTE)
    assert (
        "恶臭/异味" in entry.comment and entry.by.username == request.getfixturevalue(who).username
    )


def test_the_case_page_shows_the_classification_and_the_office_form(client_of, clerk):
    case = make_case()
    case.pollution_types.add(PollutionType.objects.get(code="noise"))
    page = client_of(clerk).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="matters-types">噪声<' in page
    assert f'action="/cases/{case.pk}/classify/"' in page


def test_a_leader_sees_the_classification_but_no_form(client_of, leader_user):
    case = make_case(leader=make_leader(user=leader_user))
    page = client_of(leader_user).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="matters-types">未分类<' in page
    assert "/classify/" not in page


def test_a_unit_may_not_classify(client_of, unit_handler):
    case = make_case(unit=make_unit("双塔分局", unit_handler))
    air = PollutionType.objects.get(code="air")
    response = client_of(unit_handler).post(
        f"/cases/{case.pk}/classify/", classify_form(case, pollution_types=[air.pk])
    )
    assert response.status_code == 403
    assert not case.pollution_types.exists()
    assert "/classify/" not in client_of(unit_handler).get(f"/cases/{case.pk}/").content.decode()


def test_a_leader_may_not_classify(client_of, leader_user):
    case = make_case(leader=make_leader(user=leader_user))
    air = PollutionType.objects.get(code="air")
    response = client_of(leader_user).post(
        f"/cases/{case.pk}/classify/", classify_form(case, pollution_types=[air.pk])
    )
    assert response.status_code == 403
    assert not case.pollution_types.exists()


def test_a_stale_classification_is_refused_and_nothing_is_saved(client_of, clerk):
    case = make_case()
    stale = classify_form(case, pollution_types=[PollutionType.objects.get(code="air").pk])
    Case.objects.filter(pk=case.pk).update(version=case.version + 1)
    response = client_of(clerk).post(f"/cases/{case.pk}/classify/", stale)
    assert response.status_code == 409
    assert "其他人已修改此信访件" in response.content.decode()
    assert not case.pollution_types.exists()
    assert not case.logs.filter(action=CaseLog.Action.NOTE).exists()


def test_an_unknown_type_is_refused_with_a_message(client_of, clerk):
    case = make_case()
    response = client_of(clerk).post(
        f"/cases/{case.pk}/classify/", classify_form(case, pollution_types=["999999"])
    )
    assert response.status_code == 400
    assert 'id="refused"' in response.content.decode()
    assert not case.pollution_types.exists()


def test_classifying_is_post_only(client_of, clerk):
    case = make_case()
    assert client_of(clerk).get(f"/cases/{case.pk}/classify/").status_code == 405
