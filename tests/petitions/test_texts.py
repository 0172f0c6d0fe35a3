"""The petitioner hears of their case by text message (petitions/texts.py): at registration,
acceptance or refusal and when the answer is delivered, whatever the channel; the case page
lists those messages for the office; the petitioner's documents print the lookup address with
its QR code."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from accounts.models import Message
from petitions import delivery, workflow
from petitions.models import Category, DeliveryMethod, State
from tests.factories import at, referral_reason, register

SITE = "https://xinfang.example.gov.cn"
LOOKUP = f"{SITE}/lookup/"
MOBILE = "+8613800138000"
EN = {"headers": {"accept-language": "en"}}


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.PUBLIC_SITE_URL = SITE


def sent(text_messages) -> list[str]:
    return [text.text for text in text_messages]


def registered_text(case) -> str:
    return (
        f"您的信访事项已登记，编号{case.number}，查询码{case.query_code}。"
        f"可凭编号和查询码在 {LOOKUP} 查询办理进展。请勿将查询码告诉他人。"
    )


# --- Registration ---------------------------------------------------------------------------------


def test_registration_texts_the_number_the_query_code_and_the_lookup_address(
    clerk, run_jobs, text_messages
):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = register(clerk)
        run_jobs()
    assert [(text.phone, text.text) for text in text_messages] == [(MOBILE, registered_text(case))]
    message = Message.objects.get()
    assert (message.topic, message.state) == (f"case:{case.pk}", Message.State.SENT)
    assert message.about == f"{case.number} · 登记告知"


def test_the_text_is_in_chinese_whatever_language_the_clerk_uses(clerk, run_jobs, text_messages):
    with time_machine.travel(at(2025, 3, 3), tick=False), translation.override("en"):
        case = register(clerk)
        run_jobs()
    assert sent(text_messages) == [registered_text(case)]


def test_the_same_form_sent_twice_texts_once(clerk, run_jobs, text_messages):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        first = register(clerk, submission_token="6f1c2b1e-1111-4a7e-9d7a-000000000001")
        again = register(clerk, submission_token="6f1c2b1e-1111-4a7e-9d7a-000000000001")
        run_jobs()
    assert first.pk == again.pk
    assert sent(text_messages) == [registered_text(first)]


@pytest.mark.parametrize("phone", ["", "+864212345678"], ids=["no phone", "landline"])
def test_no_text_without_a_mobile_number(clerk, run_jobs, text_messages, phone):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        register(clerk, petitioner_phone=phone)
        run_jobs()
    assert text_messages == []
    assert not Message.objects.exists()


def test_registered_late_in_the_evening_the_text_waits_for_the_morning(clerk):
    # (The database's clock is not travelled: the job's planned time is what is asserted.)
    with time_machine.travel(at(2025, 3, 3, hour=22), tick=False):
        register(clerk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT scheduled_at FROM procrastinate_jobs WHERE status = 'todo'")
        (scheduled,) = cursor.fetchone()
    assert scheduled == at(2025, 3, 4, hour=8)
    assert Message.objects.get().state == Message.State.QUEUED


# --- Acceptance and refusal -----------------------------------------------------------------------


def test_acceptance_texts_the_date_the_answer_is_due(clerk, run_jobs, text_messages):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = register(clerk)
        case = workflow.accept_case(case, by=clerk)
        run_jobs()
    assert case.due_date.isoformat() == "2025-05-02"
    assert sent(text_messages) == [
        registered_text(case),
        f"您的信访事项{case.number}已受理，将于2025年5月2日前书面答复。办理进展：{LOOKUP}",
    ]


def test_accepted_on_the_spot_the_petitioner_gets_both_texts(clerk, run_jobs, text_messages):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = register(clerk, accept_now=True)
        run_jobs()
    assert sent(text_messages) == [
        registered_text(case),
        f"您的信访事项{case.number}已受理，将于2025年5月2日前书面答复。办理进展：{LOOKUP}",
    ]


def test_refusal_texts_the_reason(clerk, run_jobs, text_messages):
    reason = referral_reason()
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = register(clerk)
        workflow.refuse_case(case, by=clerk, referral_reason=reason)
        run_jobs()
    assert sent(text_messages)[1] == (
        f"您的信访事项{case.number}不予受理：{reason.title}。应向何处反映，请见不予受理告知书。"
        f"详情：{LOOKUP}"
    )


def test_a_matter_referred_at_registration_is_texted_as_not_accepted(
    clerk, run_jobs, text_messages
):
    reason = referral_reason()
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = register(clerk, category=Category.NOT_ACCEPTED, referral_reason=reason)
        run_jobs()
    assert case.state == State.NOT_ACCEPTED
    assert [text.split("：")[0] for text in sent(text_messages)] == [
        registered_text(case).split("：")[0],
        f"您的信访事项{case.number}不予受理",
    ]


def test_a_step_that_is_refused_texts_nothing(clerk, run_jobs, text_messages):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = register(clerk)
        with pytest.raises(ValidationError):
            workflow.accept_case(case, by=clerk, version=case.version - 1)  # a stale form
        run_jobs()
    assert sent(text_messages) == [registered_text(case)]


# --- The answer delivered ---------------------------------------------------------------------


def test_delivery_of_the_answer_texts_the_rating_link(clerk, walker, run_jobs, text_messages):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = walker(register(clerk), State.APPROVED)
        delivery.deliver_answer(
            case, by=clerk, delivered_on=at(2025, 3, 3).date(), method=DeliveryMethod.POST
        )
        run_jobs()
    link = f"{LOOKUP}?number={case.year}-{case.sequence:04d}"
    assert sent(text_messages)[-1] == (
        f"您的信访事项{case.number}的书面答复意见已送达。请凭编号和查询码在 {link} "
        "查询并评价您是否满意。"
    )
    assert len(text_messages) == 3  # registered, accepted, answer delivered


def test_the_rating_link_opens_the_lookup_with_the_number_filled_in_but_never_the_code(
    client, clerk
):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = register(clerk)
    page = client.get(reverse("lookup:form"), {"number": case.number})
    html = page.content.decode()
    assert re.search(rf'<input [^>]*name="number"[^>]*value="{case.number}"', html)
    code_input = re.search(r'<input [^>]*name="code"[^>]*>', html).group(0)
    assert "value=" not in code_input


# --- The case page lists the texts ------------------------------------------------------------


def test_the_office_sees_each_text_and_its_state_on_the_case_page(
    clerk, client_of, run_jobs, text_messages, settings
):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = register(clerk)
        run_jobs()
        settings.SMS_BACKEND = "accounts.sms_mas.MasBackend"  # no gateway configured: it fails
        case = workflow.accept_case(case, by=clerk)
        for _attempt in range(10):
            run_jobs(later=True)
    page = client_of(clerk).get(reverse("petitions:detail", args=[case.pk]), **EN)
    html = page.content.decode()
    assert "Text messages to the petitioner" in html
    assert html.count('data-text-state="sent"') == 1
    assert html.count('data-text-state="failed"') == 1
    assert "SMS_MAS_URL" in html  # why it failed
    assert "138****8000" in html
    assert "13800138000" not in html
    assert case.query_code not in html  # the message itself is not shown: it holds the code
    assert Message.objects.filter(topic=f"case:{case.pk}").count() == 2


def test_a_case_without_a_mobile_says_no_text_goes_out(clerk, client_of):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = register(clerk, petitioner_phone="")
    page = client_of(clerk).get(reverse("petitions:detail", args=[case.pk]), **EN)
    assert "None: the petitioner gave no mobile phone number." in page.content.decode()


def test_the_handling_unit_does_not_see_the_texts(clerk, unit_handler, walker, client_of):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = walker(register(clerk), State.ASSIGNED)
    page = client_of(unit_handler).get(reverse("petitions:detail", args=[case.pk]), **EN)
    assert page.status_code == 200
    assert "Text messages to the petitioner" not in page.content.decode()


# --- The lookup address and its QR code on the documents -------------------------------------


@pytest.mark.parametrize("document", ["receipt", "acceptance"])
def test_the_petitioners_documents_print_the_lookup_address_and_its_qr_code(
    clerk, client_of, document
):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = register(clerk, accept_now=True)
    page = client_of(clerk).get(reverse("petitions:print", args=[case.pk, document]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="lookup-qr"' in html and '<svg width="' in html
    assert f"{LOOKUP}?number=" in html
    assert "扫描二维码" in html


def test_the_answer_letter_prints_the_qr_code(clerk, walker, client_of):
    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = walker(register(clerk), State.APPROVED)
    letter = case.letters.get()
    page = client_of(clerk).get(reverse("petitions:letter", args=[case.pk, letter.pk]))
    assert 'id="lookup-qr"' in page.content.decode()


def test_the_qr_code_reads_as_the_lookup_address(clerk):
    from petitions.templatetags.lookup_qr import lookup_qr

    with time_machine.travel(at(2025, 3, 3), tick=False):
        case = register(clerk)
    qr = lookup_qr(case)
    assert qr["address"] == f"{LOOKUP}?number={case.year}-{case.sequence:04d}"
    assert str(qr["svg"]).startswith("<svg") and "<script" not in str(qr["svg"])
