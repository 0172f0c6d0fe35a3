"""China Mobile's 云MAS text-message gateway over HTTP (普通短信): the production backend.

The request is a JSON object, base64-encoded, POSTed to ``SMS_MAS_URL``: the company's name
(``ecName``), the interface account (``apId``), the phones, the text, the signature's code
(``sign``), the extension code (``addSerial``) and ``mac``, the MD5 of these with the account's
secret key between (``ecName apId secretKey mobiles content sign addSerial``, nothing between
them). The gateway answers ``{"rspcod": "success", "msgGroup": "...", "success": true}`` or an
error code (``IllegalMac``, ``IllegalSignId``, ``InvalidUsrOrPwd``...).

Only the worker calls it (accounts/delivery.py); every failure raises, so that the task queue
retries and, in the end, the message shows as failed with the reason. ``SMS_TIMEOUT`` bounds the
wait. The secret key never appears in an error.
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.request

import phonenumbers
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.sms import BaseBackend, is_mobile

# The variables the gateway needs (SMS_MAS_ADD_SERIAL may stay empty).
REQUIRED = ("URL", "EC_NAME", "AP_ID", "SECRET_KEY", "SIGN")


class SmsGatewayError(Exception):
    """The gateway refused the message or could not be reached."""


def missing_settings() -> list[str]:
    """The ``SMS_MAS_*`` variables that are not set (for ``check --deploy`` and ``send``)."""
    config = settings.SMS_MAS
    return [f"SMS_MAS_{name}" for name in REQUIRED if not config.get(name)]


def national_mobile(phone: str) -> str:
    """The 11-digit mainland mobile number the gateway expects, from E.164 or national form."""
    if not is_mobile(phone):
        raise SmsGatewayError("Not a mainland mobile number.")
    return phonenumbers.national_significant_number(phonenumbers.parse(phone, "CN"))


def submission(phone: str, text: str) -> bytes:
    """The request body: the fields and their ``mac``, as base64 of the JSON."""
    config = settings.SMS_MAS
    fields = {
        "ecName": config["EC_NAME"],
        "apId": config["AP_ID"],
        "mobiles": national_mobile(phone),
        "content": text,
        "sign": config["SIGN"],
        "addSerial": config.get("ADD_SERIAL", ""),
    }
    signed = "".join(
        [fields["ecName"], fields["apId"], config["SECRET_KEY"], fields["mobiles"]]
        + [fields["content"], fields["sign"], fields["addSerial"]]
    )
    fields["mac"] = hashlib.md5(signed.encode("utf-8"), usedforsecurity=False).hexdigest()
    return base64.b64encode(json.dumps(fields, ensure_ascii=False).encode("utf-8"))


class MasBackend(BaseBackend):
    def send(self, phone: str, text: str) -> str:
        missing = missing_settings()
        if missing:
            raise ImproperlyConfigured(f"Text messages need {', '.join(missing)}.")
        request = urllib.request.Request(
            settings.SMS_MAS["URL"],
            data=submission(phone, text),
            headers={"Content-Type": "application/json;charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT) as response:
                raw = response.read(65536)
        except urllib.error.HTTPError as error:
            raise SmsGatewayError(f"The gateway answered HTTP {error.code}.") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SmsGatewayError(f"The gateway could not be reached: {reason}") from None
        return _message_id(raw)


def _message_id(raw: bytes) -> str:
    """The gateway's batch id (``msgGroup``) from its answer; an error code raises."""
    try:
        answer = json.loads(raw)
    except ValueError:
        raise SmsGatewayError(f"The gateway's answer is not JSON: {raw[:200]!r}") from None
    if not isinstance(answer, dict) or answer.get("rspcod") != "success":
        code = answer.get("rspcod") if isinstance(answer, dict) else None
        raise SmsGatewayError(f"The gateway refused the message: {code or raw[:200]!r}")
    return str(answer.get("msgGroup", ""))
