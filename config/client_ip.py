"""The visitor's address, for the sign-in lock-out, the lookup attempt limit and the access log.

Behind a reverse proxy every request comes from the proxy. Each of ``PROXY_COUNT`` trusted
proxies appends the address it saw to X-Forwarded-For, so the client is the entry that many
places from the right; anything further left was written by the client and cannot be trusted.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    count = settings.PROXY_COUNT
    if count:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
