"""An administrator puts the leaders in turn order with the keyboard alone, then generates: the
script moves people in place (focus stays on the pressed button), and the order is the turns'."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from schedules.models import ContactPerson, Duty, Leader, Place, RotationOrder
from tests.browser.conftest import sign_in
from tests.factories import CONTACTS, LEADERS, PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bureau(django_user_model):
    Place.objects.create(name="市执法队信访室", phone="0421-2614858", is_default=True)
    for i, (name, position) in enumerate(LEADERS):
        Leader.objects.create(name=name, position=position, rotation_order=i)
    for i, name in enumerate(CONTACTS):
        ContactPerson.objects.create(name=name, rotation_order=i)
    make_user(django_user_model, "chief", Role.ADMINISTRATOR, is_staff=True)


def order_on(page) -> list[str]:
    labels = page.locator("#id_leaders_list [data-rotation-label]").all_inner_texts()
    return [label.split("（")[0] for label in labels]


def test_the_turn_order_is_set_with_the_keyboard(new_page, screenshot, bureau):
    page = new_page()
    sign_in(page, "chief", PASSWORD)
    page.goto("/roster/2027/generate/")
    assert order_on(page) == ["厚春华", "王晓东", "孙守堂", "傅博", "郭大维"]

    # 郭大维 goes to the top: four presses of Enter on his "up" button.
    up = page.locator('#id_leaders_list button[value$=":up"]').last
    up.focus()
    for _press in range(4):
        page.keyboard.press("Enter")

    assert order_on(page) == ["郭大维", "厚春华", "王晓东", "孙守堂", "傅博"]
    focused = page.evaluate("document.activeElement.value")
    assert focused.startswith("leaders:") and focused.endswith(":down")  # "up" is disabled now
    assert "郭大维" in page.locator("[data-rotation-status]").first.inner_text()
    screenshot(page, "rotation-order")

    page.get_by_role("button", name="生成 2027").click()
    page.wait_for_load_state()

    january = Duty.objects.get(year=2027, month=1, kind=Duty.Kind.RECEPTION)
    assert january.leader.name == "郭大维"
    first = Leader.objects.get(name="郭大维").pk
    assert RotationOrder.objects.get(kind=Duty.Kind.RECEPTION).leaders[0] == first
