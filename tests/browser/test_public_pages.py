"""A visitor reads the reception and visit days on a phone and a desktop, in both languages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from schedules import public_cache, rotation, services
from schedules.models import ContactPerson, Duty, Leader, Place
from tests.factories import CONTACTS, LEADERS

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.fixture
def published_days():
    """This year's and next year's rosters, published; returns the next reception day."""
    public_cache.MEMO.clear()
    Place.objects.create(
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
        ContactPerson.objects.create(name=name, rotation_order=i, phone="13800138000")
        for i, name in enumerate(CONTACTS)
    ]
    year = timezone.localdate().year
    for y in (year, year + 1):
        rotation.generate_year(y, leaders, contacts)
        services.publish_year(y)
    services.clear_public_cache()
    yield (
        Duty.objects.published()
        .filter(kind=Duty.Kind.RECEPTION, date__gte=timezone.localdate())
        .select_related("leader")
        .order_by("date")
        .first()
    )
    public_cache.MEMO.clear()


@pytest.mark.parametrize("size", SIZES)
def test_a_visitor_reads_the_days_in_chinese_and_switches_to_english(
    new_page, screenshot, published_days, size
):
    width, height = SIZES[size]
    page = new_page(locale="zh-CN", width=width, height=height)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    box = page.locator("section.next-day")
    assert box.is_visible()
    assert published_days.leader.name in box.inner_text()
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert "13800138000" not in page.content()
    screenshot(page, f"public-{size}-zh")

    # The keyboard user's first stop is the skip link.
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert "skip-link" in focused.get_attribute("class")
    assert focused.is_visible()

    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    box = page.locator("section.next-day")
    assert "Next leaders' reception day" in box.inner_text()
    assert published_days.leader.name in box.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"public-{size}-en")


def test_a_visitor_looks_at_an_earlier_year_with_the_year_switcher(new_page, published_days):
    Duty.objects.filter(year=timezone.localdate().year - 1).delete()
    earlier = timezone.localdate().year - 1
    leaders = list(Leader.objects.all())
    rotation.generate_year(earlier, leaders, [])
    services.publish_year(earlier)
    services.clear_public_cache()

    page = new_page(locale="en-US")
    page.goto("/")
    page.get_by_label("Year").select_option(str(earlier))
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/?year={earlier}")
    assert page.get_by_role("heading", level=1).inner_text().endswith(str(earlier))
