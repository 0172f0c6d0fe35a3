"""The text-message backends: a file for development, China Mobile's 云MAS gateway for
production (tested against a fake gateway on a loopback port), and the deployment checks that
keep production off the development backends."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from accounts import checks
from accounts.models import Message
from accounts.outbox import queue_sms
from accounts.sms import FileBackend, is_mobile
from accounts.sms_mas import MasBackend, SmsGatewayError

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("phone", "mobile"),
    [
        ("+8613800138000", True),
        ("13800138000", True),
        ("+864212345678", False),  # a landline in 朝阳
        ("+14155550100", False),  # abroad: the gateway reaches mainland mobiles only
        ("not a phone", False),
    ],
)
def test_only_mainland_mobile_numbers_get_text_messages(phone, mobile):
    assert is_mobile(phone) is mobile


# --- File backend -------------------------------------------------------------------------------


def test_the_file_backend_appends_each_message_to_the_days_file(settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path / "sms"
    with time_machine.travel(MORNING, tick=False):
        FileBackend().send("+8613800138000", "第一条")
        FileBackend().send("+8613900139000", "第二条")
    text = (tmp_path / "sms" / "2026-03-10.txt").read_text(encoding="utf-8")
    assert "to +8613800138000\n第一条" in text
    assert "to +8613900139000\n第二条" in text


# --- The 云MAS gateway --------------------------------------------------------------------------


def test_the_gateway_receives_the_national_number_the_text_and_a_valid_mac(sms_gateway):
    message_id = MasBackend().send("+8613800138000", "您的信访件已受理。")
    assert message_id == "group-1"
    (received,) = sms_gateway.received
    assert received["mobiles"] == "13800138000"
    assert received["content"] == "您的信访件已受理。"
    assert (received["ecName"], received["apId"], received["sign"]) == (
        "朝阳市生态环境局",
        "xinfang",
        "sign-code",
    )
    assert "gateway-secret" not in str(received)  # the key signs, it is never sent


def test_a_refusal_of_the_gateway_raises_with_its_code(sms_gateway):
    sms_gateway.mode = sms_gateway.REFUSE
    with pytest.raises(SmsGatewayError, match="InvalidUsrOrPwd"):
        MasBackend().send("+8613800138000", "text")
    assert sms_gateway.received == []


def test_a_wrong_secret_key_is_refused_by_the_gateway(settings, sms_gateway):
    settings.SMS_MAS = {**settings.SMS_MAS, "SECRET_KEY": "wrong"}
    with pytest.raises(SmsGatewayError, match="IllegalMac") as refused:
        MasBackend().send("+8613800138000", "text")
    assert "wrong" not in str(refused.value)


def test_a_server_error_raises(sms_gateway):
    sms_gateway.mode = sms_gateway.ERROR
    with pytest.raises(SmsGatewayError, match="HTTP 500"):
        MasBackend().send("+8613800138000", "text")


def test_a_gateway_that_hangs_is_given_up_after_the_timeout(sms_gateway):
    sms_gateway.mode = sms_gateway.HANG
    with pytest.raises(SmsGatewayError, match="could not be reached"):
        MasBackend().send("+8613800138000", "text")


def test_a_gateway_that_is_down_raises(settings, sms_gateway):
    sms_gateway.stop()
    with pytest.raises(SmsGatewayError, match="could not be reached"):
        MasBackend().send("+8613800138000", "text")


def test_a_landline_is_not_sent_to_the_gateway(sms_gateway):
    with pytest.raises(SmsGatewayError, match="mobile"):
        MasBackend().send("+864212345678", "text")
    assert sms_gateway.received == []


def test_a_gateway_without_its_account_says_which_variables_are_missing(settings):
    settings.SMS_MAS = {"URL": "https://mas.example.cn/sms/norsubmit", "ADD_SERIAL": ""}
    with pytest.raises(ImproperlyConfigured, match="SMS_MAS_EC_NAME, SMS_MAS_AP_ID"):
        MasBackend().send("+8613800138000", "text")


# --- Through the outbox and the task queue ------------------------------------------------------


@pytest.mark.django_db
def test_the_worker_sends_a_queued_text_through_the_gateway(run_jobs, sms_gateway):
    with time_machine.travel(MORNING, tick=False):
        message = queue_sms("+8613800138000", "您的信访件已登记。", topic="case:1")
        run_jobs()
    message.refresh_from_db()
    assert (message.state, message.last_error) == (Message.State.SENT, "")
    assert [r["content"] for r in sms_gateway.received] == ["您的信访件已登记。"]


@pytest.mark.django_db
def test_a_refused_text_is_retried_then_marked_failed_with_the_gateways_code(run_jobs, sms_gateway):
    sms_gateway.mode = sms_gateway.REFUSE
    with time_machine.travel(MORNING, tick=False):
        message = queue_sms("+8613800138000", "您的信访件已登记。", topic="case:1")
        for _attempt in range(10):  # every retry, made due at once
            run_jobs(later=True)
    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert "InvalidUsrOrPwd" in message.last_error
    assert sms_gateway.received == []


# --- Production must not use a development backend ----------------------------------------------


def check_ids(settings, backend: str) -> list[str]:
    settings.SMS_BACKEND = backend
    return [warning.id for warning in checks.text_message_backend(None)]


@pytest.mark.parametrize(
    "backend",
    ["accounts.sms.ConsoleBackend", "accounts.sms.FileBackend", "accounts.sms.LocmemBackend"],
)
def test_the_deployment_check_refuses_a_backend_that_reaches_no_phone(settings, backend):
    assert check_ids(settings, backend) == ["xinfang.W006"]


def test_the_deployment_check_names_the_gateways_missing_variables(settings):
    settings.SMS_MAS = {"URL": "https://mas.example.cn/sms/norsubmit", "ADD_SERIAL": ""}
    settings.SMS_BACKEND = "accounts.sms_mas.MasBackend"
    (warning,) = checks.text_message_backend(None)
    assert warning.id == "xinfang.W007"
    assert "SMS_MAS_SECRET_KEY" in warning.msg and "SMS_MAS_URL" not in warning.msg


def test_the_deployment_check_passes_a_configured_gateway(settings, sms_gateway):
    assert check_ids(settings, "accounts.sms_mas.MasBackend") == []


def start_django(**variables: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **variables, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("SMS_BACKEND", None)
    code = (
        "import django; django.setup(); from django.conf import settings as s; print(s.SMS_BACKEND)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_defaults_to_the_gateway_and_development_to_the_console():
    assert start_django(DEBUG="0").stdout.strip() == "accounts.sms_mas.MasBackend"
    assert start_django(DEBUG="1").stdout.strip() == "accounts.sms.ConsoleBackend"


def test_a_malformed_gateway_address_stops_start_up():
    started = start_django(SMS_MAS_URL="mas.example.cn/sms")
    assert started.returncode != 0
    assert "SMS_MAS_URL" in started.stderr


# --- What the outbox stores ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_outbox_keeps_a_texts_phone_and_words_encrypted():
    message = queue_sms("+8613800138000", "查询码ABCD2345", dedupe_key="case:1:registered")
    stored = Message.objects.values("recipient", "body", "dedupe_key").get(pk=message.pk)
    assert "13800138000" not in str(stored)
    assert "ABCD2345" not in str(stored)
    assert message.shown_recipient == "138****8000"


@pytest.mark.django_db
def test_a_text_with_a_used_dedupe_key_is_not_queued_again():
    assert queue_sms("+8613800138000", "一", dedupe_key="case:1:registered") is not None
    assert queue_sms("+8613800138000", "一", dedupe_key="case:1:registered") is None
    assert queue_sms("+8613900139000", "一", dedupe_key="case:1:registered") is not None
