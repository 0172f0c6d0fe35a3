"""The demo sign-ins: one account per role with a published password.

Kept here because the sign-in backend must recognise them (and refuse them with DEBUG off)
without knowing anything of the demo data that the other apps load.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.roles import Role

DEMO_PASSWORD = "demo-pass-2024"

# Demo accounts get an address under this reserved domain (RFC 2606: never delivered). The
# guard below refuses a demo user name only together with this mark, so that a real account
# (or a test's account) that happens to be called "admin" is not locked out in production.
DEMO_EMAIL_DOMAIN = "demo.invalid"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    is_staff: bool = False
    leader: str = ""  # name of the Leader the account signs in as
    contact: str = ""  # name of the ContactPerson the account signs in as
    units: list[str] = field(default_factory=list)  # units the account is a member of

    @property
    def email(self) -> str:
        return f"{self.username}@{DEMO_EMAIL_DOMAIN}"


DEMO_ACCOUNTS = [
    DemoAccount("admin", Role.ADMINISTRATOR, is_staff=True),
    DemoAccount("clerk", Role.PETITION_OFFICE, contact="王贤熙"),
    DemoAccount("handler", Role.HANDLING_UNIT, units=["双塔分局"]),
    DemoAccount("leader", Role.LEADER, leader="厚春华"),
]

DEMO_USERNAMES = frozenset(account.username for account in DEMO_ACCOUNTS)


def is_demo_account(user) -> bool:
    """A user the demo loader made: demo user name and the demo address mark."""
    return user.username in DEMO_USERNAMES and (user.email or "").lower().endswith(
        "@" + DEMO_EMAIL_DOMAIN
    )
