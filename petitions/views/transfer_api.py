"""The hotline platforms' API: ``POST /api/transfers/`` one work order as JSON, ``GET
/api/transfers/<number>/`` its reply.

A platform signs each request with its own token (``Authorization: Bearer <token>``,
``settings.TRANSFER_TOKENS``): the token says which platform it is, so a platform sees and
sends only its own orders. No session, no cookie, no CSRF token: nothing a browser holds
opens this API. Every answer is JSON, with a message per field for a bad order; nothing a
platform can send gives a 500.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from petitions import transfers
from petitions.models import WorkOrder
from petitions.transfer_orders import clean_order, heading_field

MAX_BODY_BYTES = 64 * 1024


def _platform(request: HttpRequest) -> str | None:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return transfers.platform_for_token(token.strip())


def _json(body: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _refused(status: int, message: str, **extra) -> JsonResponse:
    return _json({"error": message, **extra}, status)


def _unauthorised() -> JsonResponse:
    response = _refused(401, _("A platform's token is needed: Authorization: Bearer <token>."))
    response["WWW-Authenticate"] = 'Bearer realm="transfers"'
    return response


def _order_data(request: HttpRequest) -> dict | JsonResponse:
    """The posted order's fields by their names, or the answer refusing the body."""
    length = request.headers.get("Content-Length") or "0"
    if not length.isdecimal() or int(length) > MAX_BODY_BYTES:
        return _refused(413, _("An order is at most 64 KB."))
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _refused(400, _("The body is not JSON (UTF-8)."))
    if not isinstance(data, dict):
        return _refused(400, _("The body is one work order: a JSON object."))
    fields = {}
    for key, value in data.items():
        name = heading_field(key)
        if name is not None and not isinstance(value, dict | list):
            fields[name] = value
    return fields


@csrf_exempt
@login_not_required
@never_cache
@require_POST
def post_order(request: HttpRequest) -> JsonResponse:
    """One work order: 201 with the new case, 200 when it was imported before (nothing
    changes), 400 with the messages per field."""
    platform = _platform(request)
    if platform is None:
        return _unauthorised()
    fields = _order_data(request)
    if isinstance(fields, JsonResponse):
        return fields
    order, errors = clean_order(fields, now=timezone.now())
    if order is None:
        return _refused(400, _("The work order was not imported."), fields=errors)
    sender = transfers.PlatformSender(platform)
    try:
        (outcome,) = transfers.import_orders(
            platform, [order], by=sender, source=WorkOrder.Source.API
        )
    except ValidationError as error:
        return _refused(400, " ".join(error.messages))
    body = {
        "created": outcome.created,
        "message": outcome.message(),
        "order_number": order.number,
        "case_number": outcome.case.number,
        "platform_deadline": order.deadline.isoformat() if order.deadline else "",
        "legal_due": outcome.case.due_date.isoformat() if outcome.case.due_date else "",
    }
    return _json(body, 201 if outcome.created else 200)


@csrf_exempt
@login_not_required
@never_cache
@require_GET
def order_reply(request: HttpRequest, number: str) -> JsonResponse:
    """The reply to one of the platform's own orders, in its reply format."""
    platform = _platform(request)
    if platform is None:
        return _unauthorised()
    order = (
        WorkOrder.objects.filter(platform=platform, number=number)
        .select_related("case__referral_reason")
        .first()
    )
    if order is None:
        return _refused(404, _("No work order %(order)s of this platform.") % {"order": number})
    return _json(transfers.reply_of(order))
