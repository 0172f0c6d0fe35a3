"""A citizen sends an online petition from a phone, in Chromium, and looks it up."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from petitions.models import Case, Channel, State

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}  # a common phone screen, in CSS pixels
TEXT = "砖厂生产时粉尘很大，附近村民晾晒的衣物和庄稼都落满灰尘，晚上也不停工。"


def test_a_citizen_sends_an_online_petition_on_a_phone(new_page, screenshot):
    # English: the assertions read the msgids (the Chinese catalogue is kept elsewhere).
    page = new_page(locale="en", **PHONE)
    page.goto("/")
    page.get_by_role("link", name="Petition online").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Petition online")

    page.get_by_label("Your name").fill("李秀英")
    page.get_by_label("Your mobile phone").fill("13800138000")
    page.get_by_label("District or county").select_option("longcheng")
    page.get_by_label("Where the problem is").fill("七道泉子镇砖厂")
    page.get_by_label("The problem in a few words").fill("砖厂粉尘污染")
    page.get_by_label("Describe the problem").fill(TEXT)
    page.get_by_label("Environmental pollution affecting people's life or production").check()
    page.get_by_label("I ask for something to be done").check()
    # Sent without the consent: refused next to the box, what was typed is kept.
    page.get_by_role("button", name="Send the petition").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.get_by_text("Without your agreement")).to_be_visible()
    expect(page.get_by_label("Describe the problem")).to_have_value(TEXT)
    assert not Case.objects.exists()

    page.get_by_label("I agree that the petition office processes").check()
    # The content is no wider than the phone: no sideways scrolling.
    assert page.evaluate("document.querySelector('main').scrollWidth") <= PHONE["width"]
    screenshot(page, "online-petition-phone")
    page.get_by_role("button", name="Send the petition").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your petition was received")
    case = Case.objects.get()
    expect(page.locator("#case-number")).to_have_text(case.number)
    expect(page.locator("#query-code")).to_have_text(case.query_code)
    assert (case.channel, case.state, case.content) == (Channel.ONLINE, State.REGISTERED, TEXT)
    screenshot(page, "online-petition-sent")

    # With the number and code on the screen, the citizen looks the case up.
    page.get_by_role("link", name="Look up your case").last.click()
    page.get_by_label("Case number").fill(case.number)
    page.get_by_label("Query code").fill(case.query_code)
    page.get_by_label("Query code").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
