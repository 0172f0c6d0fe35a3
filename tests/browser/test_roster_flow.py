"""An administrator generates 2025, sees the warnings, publishes January, swaps, reads history."""

from __future__ import annotations

import datetime

import pytest

from schedules.models import Absence, ContactPerson, Duty, Leader, Place
from tests.browser.conftest import sign_in
from tests.factories import CONTACTS, LEADERS, PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bureau():
    Place.objects.create(name="市执法队信访室", phone="0421-2614858", is_default=True)
    leaders = [
        Leader.objects.create(name=n, position=p, rotation_order=i)
        for i, (n, p) in enumerate(LEADERS)
    ]
    for i, name in enumerate(CONTACTS):
        ContactPerson.objects.create(name=name, rotation_order=i)
    # 孙守堂 (March) is away on the March reception day: the roster must warn.
    Absence.objects.create(
        leader=leaders[2],
        kind="travel",
        start=datetime.date(2025, 3, 10),
        end=datetime.date(2025, 3, 14),
    )
    return leaders


def test_administrator_generates_publishes_swaps_and_reads_history(
    new_page, screenshot, bureau, django_user_model
):
    from accounts.roles import Role

    make_user(django_user_model, "chief", Role.ADMINISTRATOR, is_staff=True)
    page = new_page()
    sign_in(page, "chief", PASSWORD)
    page.goto("/roster/2025/")

    # Generate: every active leader and contact person in rotation order.
    if not page.locator("input[name=leaders]").first.is_visible():
        page.locator("details summary").first.click()
    for box in page.locator("input[name=leaders]").all():
        box.check()
    for box in page.locator("input[name=contacts]").all():
        box.check()
    page.get_by_role("button", name="生成 2025").click()
    page.wait_for_load_state()
    assert Duty.objects.of_year(2025).drafts().count() == 24

    warning = page.locator("#warnings")
    assert "孙守堂" in warning.inner_text()
    screenshot(page, "roster-generated")

    # Publish January.
    page.locator("tr[data-month='1'] form button").click()
    page.wait_for_load_state()
    assert set(Duty.objects.published().values_list("month", flat=True)) == {1}

    # Swap January's reception (厚春华) with March's (孙守堂, away).
    march = Duty.objects.get(year=2025, month=3, kind="reception")
    page.goto(f"/roster/duty/{march.pk}/swap/")
    january = Duty.objects.get(year=2025, month=1, kind="reception")
    page.locator("select[name=other]").select_option(f"{january.pk}@{january.version}")
    page.locator("textarea[name=reason]").fill("孙守堂3月出差，与厚春华对调")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    march.refresh_from_db()
    assert march.leader.name == "厚春华"
    assert (
        "#warnings" not in page.content() or "孙守堂" not in page.locator("#warnings").inner_text()
    )
    screenshot(page, "roster-swapped")

    page.goto("/roster/history/")
    history = page.locator("#history").inner_text()
    assert "孙守堂3月出差，与厚春华对调" in history
    assert "chief" in history
    screenshot(page, "roster-history")
