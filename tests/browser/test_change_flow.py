"""An administrator publishes a provisional year, moves a published duty, and the public page
shows the change; and follows a calendar correction for every published duty in one step."""

from __future__ import annotations

import datetime

import pytest

from accounts.roles import Role
from schedules import public_cache, rotation, services
from schedules.models import ContactPerson, Duty, Leader, Notification, Place
from tests.browser.conftest import sign_in
from tests.factories import CONTACTS, LEADERS, PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

D = datetime.date


@pytest.fixture
def bureau_2027(django_user_model):
    """The bureau's people, 2027 drafted (a year whose holiday arrangement is not known yet),
    and an administrator who signs in as "chief"."""
    public_cache.MEMO.clear()
    place = Place.objects.create(
        name="市执法队信访室",
        address="朝阳市生态环境保护综合行政执法队",
        phone="0421-2614858",
        is_default=True,
    )
    leaders = [
        Leader.objects.create(name=n, position=p, rotation_order=i)
        for i, (n, p) in enumerate(LEADERS)
    ]
    contacts = [
        ContactPerson.objects.create(name=n, rotation_order=i) for i, n in enumerate(CONTACTS)
    ]
    rotation.generate_year(2027, leaders, contacts, place=place)
    make_user(django_user_model, "chief", Role.ADMINISTRATOR, is_staff=True)
    yield
    public_cache.MEMO.clear()


def april_reception() -> Duty:
    return Duty.objects.current().get(year=2027, month=4, kind=Duty.Kind.RECEPTION)


def test_administrator_moves_a_published_duty_and_the_public_page_shows_it(
    new_page, screenshot, bureau_2027
):
    page = new_page()
    sign_in(page, "chief", PASSWORD)
    page.goto("/roster/2027/")

    # Publishing the provisional year asks first, and says the dates may move.
    page.get_by_role("button", name="发布全年").click()
    page.wait_for_load_state()
    assert "可能需要调整" in page.locator("#provisional-warning").inner_text()
    assert not Duty.objects.published().exists()
    screenshot(page, "publish-provisional-confirm")
    page.get_by_label("我已知悉").check()
    page.get_by_role("button", name="发布", exact=True).click()
    page.wait_for_load_state()
    assert Duty.objects.of_year(2027).published().count() == 24

    # April's reception (傅博, Monday 12 April) moves to Tuesday 13 April.
    april = april_reception()
    page.locator(f"#duty-{april.pk}").get_by_role("link", name="变更", exact=True).click()
    page.wait_for_load_state()
    page.locator("#id_date").fill("2027-04-13")
    page.locator("#id_reason").fill("4月12日全市环保督察迎检")
    screenshot(page, "published-duty-change-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert april_reception().date == D(2027, 4, 13)
    cell = page.locator(f"#duty-{april.pk}").inner_text()
    assert "2027-04-13" in cell and "发布后于" in cell
    assert "4月12日全市环保督察迎检" in Notification.objects.get().body

    # The new date departs from the rule on purpose: the administrator keeps it.
    row = page.locator(f"[data-off-rule='{april.pk}']")
    row.get_by_placeholder("保留该日期的原因").fill("督察迎检，局领导决定")
    row.get_by_role("button", name="保留").click()
    page.wait_for_load_state()
    assert april_reception().kept
    assert page.locator("#off-rule").count() == 0

    # The public page shows the new date, marked as updated.
    visitor = new_page()
    visitor.goto("/?year=2027")
    row = visitor.locator(f"#day-{april.pk}")
    assert "4月13日" in row.inner_text()
    assert "更新" in row.locator(".updated").inner_text()
    row.scroll_into_view_if_needed()
    screenshot(visitor, "public-after-move")


def test_administrator_follows_a_calendar_correction_in_one_confirmed_step(
    new_page, screenshot, bureau_2027
):
    services.publish_year(2027)
    page = new_page()
    sign_in(page, "chief", PASSWORD)

    # The office learns that Monday 12 April 2027 is a day off.
    page.goto("/roster/calendar/2027/")
    assert "将公开显示" in page.locator("form").filter(has=page.locator("#id_c-note")).inner_text()
    page.locator("#id_c-day").fill("2027-04-12")
    page.locator("#id_c-note").fill("地方决定")
    page.locator("form:has(#id_c-note) button[type=submit]").click()
    page.wait_for_load_state()

    page.goto("/roster/2027/")
    listing = page.locator("#off-rule")
    assert "2027-04-13" in listing.inner_text()
    assert "4月12日为地方决定，顺延至4月13日" in listing.inner_text()
    listing.locator("#id_reason").fill("按地方决定顺延")
    listing.get_by_label("我已核对清单").check()
    screenshot(page, "off-rule-listed")
    listing.get_by_role("button", name="调整到按规则的日期").click()
    page.wait_for_load_state()

    assert april_reception().date == D(2027, 4, 13)
    assert page.locator("#off-rule").count() == 0
