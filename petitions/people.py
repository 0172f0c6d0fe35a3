"""How a signed-in person is named in a case's log, its letters and receipts: by their full
name, never by the user name they sign in with.

A Chinese name is written family name first, without a space (王贤熙); a user without a name of
their own is named by the leader or contact person they sign in as; only a sign-in with no
name anywhere falls back to its user name.
"""

from __future__ import annotations

import unicodedata


def _is_cjk(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CJK UNIFIED") for ch in text)


def full_name(user) -> str:
    """The name to print for ``user`` ("" for nobody: a petitioner online, a deleted user)."""
    if user is None or not getattr(user, "pk", None):
        return ""
    family, given = user.last_name.strip(), user.first_name.strip()
    if family or given:
        return family + given if _is_cjk(family + given) else f"{given} {family}".strip()
    for link in ("leader", "contact_person"):
        person = getattr(user, link, None)  # reverse one-to-one: None when there is none
        if person is not None and person.name:
            return person.name
    return user.username
