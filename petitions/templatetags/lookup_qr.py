"""The lookup address of a case and its QR code, for the documents the petitioner keeps."""

from __future__ import annotations

import segno
from django import template
from django.utils.safestring import mark_safe

from petitions import texts

register = template.Library()


@register.simple_tag
def lookup_qr(case) -> dict:
    """``{% lookup_qr case as qr %}``: ``qr.address`` (the lookup page, the case's number filled
    in) and ``qr.svg``, its QR code as inline SVG (no image request, nothing for the CSP)."""
    address = texts.lookup_address(case)
    code = segno.make(address, error="m", micro=False)
    # segno writes only the code's geometry: no text of ours inside, safe to embed.
    return {"address": address, "svg": mark_safe(code.svg_inline(scale=3, border=2))}
