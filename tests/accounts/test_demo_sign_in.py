"""The demo sign-ins (``accounts/demo.py``, loaded by ``loaddemo``) work only while DEBUG is on;
a real account that happens to carry a demo name is not affected (``accounts/auth.py``)."""

from __future__ import annotations

from django.contrib.auth import authenticate, get_user_model
from django.test import RequestFactory, override_settings

from accounts import demo
from accounts.auth import StaffBackend
from tests.factories import PASSWORD

GUARDED_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.auth.StaffBackend"]


def sign_in(username: str, password: str):
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=password)


@override_settings(AUTHENTICATION_BACKENDS=GUARDED_BACKENDS, DEBUG=True)
def test_demo_account_signs_in_when_debug_is_on(demo_with_accounts):
    assert sign_in("clerk", demo.DEMO_PASSWORD).username == "clerk"


@override_settings(AUTHENTICATION_BACKENDS=GUARDED_BACKENDS, DEBUG=False)
def test_demo_account_cannot_sign_in_when_debug_is_off(demo_with_accounts):
    assert sign_in("clerk", demo.DEMO_PASSWORD) is None


@override_settings(DEBUG=False)
def test_demo_account_session_ends_when_debug_is_off(demo_with_accounts):
    user = get_user_model().objects.get(username="admin")

    assert StaffBackend().get_user(user.pk) is None


@override_settings(AUTHENTICATION_BACKENDS=GUARDED_BACKENDS, DEBUG=False)
def test_real_account_with_a_demo_name_still_signs_in(clerk):
    assert sign_in("clerk", PASSWORD) == clerk
