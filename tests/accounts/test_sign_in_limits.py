"""Sign-in limits: an over-long user name is a wrong sign-in like any other; guessing from one
address locks that address out (django-axes); guessing spread over many addresses slows the
account down with a growing wait, which a stranger cannot stretch beyond a few minutes and
after which the right password works."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone

from accounts.models import AccountFailures
from accounts.roles import Role
from accounts.signin import delay_after, seconds_to_wait
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
WRONG = "wrong-password-123"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.SIGNIN_ACCOUNT_FREE_FAILURES = 10
    settings.SIGNIN_ACCOUNT_MAX_DELAY_SECONDS = 300
    settings.SIGNIN_ACCOUNT_WINDOW_MINUTES = 60


@pytest.fixture
def colleague(django_user_model):
    return make_user(django_user_model, "wangli", Role.PETITION_OFFICE)


def sign_in(client, password: str, address: str, username: str = "wangli"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(response) -> bool:
    return response.status_code == 302


def guess_from_many_addresses(client, clock, count: int, first: int = 1) -> None:
    """Wrong passwords from as many addresses, each as soon as the account lets it try."""
    for n in range(first, first + count):
        clock.shift(datetime.timedelta(seconds=seconds_to_wait("wangli")))
        assert not signed_in(sign_in(client, WRONG, f"198.51.100.{n}"))


# --- Over-long user names --------------------------------------------------------------------


@pytest.mark.parametrize("length", [151, 256, 5000])
def test_an_overlong_user_name_is_answered_as_wrong_credentials(client, length):
    response = sign_in(client, WRONG, "192.0.2.1", username="a" * length)
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_an_overlong_user_name_at_the_admin_is_answered_as_wrong_credentials(client):
    response = client.post("/admin/login/", {"username": "a" * 300, "password": WRONG})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


def test_axes_records_user_names_cut_to_its_column(client, rf):
    from django.contrib.auth import authenticate

    request = rf.post(LOGIN, REMOTE_ADDR="192.0.2.1")
    assert authenticate(request, username="b" * 300, password=WRONG) is None
    assert AccessAttempt.objects.get().username == "b" * 255


# --- Per address (django-axes) -----------------------------------------------------------------


def test_guessing_from_one_address_locks_that_address_out(client, colleague):
    for _ in range(5):
        sign_in(client, WRONG, "192.0.2.1")
    response = sign_in(client, PASSWORD, "192.0.2.1")
    assert not signed_in(response) and "Sign-in locked" in response.content.decode()


def test_the_lock_out_of_one_address_does_not_stop_the_user_elsewhere(client, colleague):
    for _ in range(5):
        sign_in(client, WRONG, "192.0.2.1")
    assert signed_in(sign_in(client, PASSWORD, "203.0.113.7"))


# --- Per account, from any address -----------------------------------------------------------


def test_ten_failures_from_ten_addresses_do_not_stop_the_user(client, colleague):
    with time_machine.travel(START, tick=False) as clock:
        guess_from_many_addresses(client, clock, 10)
        assert signed_in(sign_in(client, PASSWORD, "203.0.113.7"))


def test_guessing_from_many_addresses_makes_the_account_wait(client, colleague):
    with time_machine.travel(START, tick=False) as clock:
        guess_from_many_addresses(client, clock, 13)
        response = sign_in(client, PASSWORD, "203.0.113.7")
    assert not signed_in(response)
    assert (
        "Too many failed sign-ins for this user name. Wait 8 seconds" in response.content.decode()
    )


def test_the_right_password_works_once_the_wait_is_over(client, colleague):
    with time_machine.travel(START, tick=False) as clock:
        guess_from_many_addresses(client, clock, 13)
        clock.shift(datetime.timedelta(seconds=8))
        assert signed_in(sign_in(client, PASSWORD, "203.0.113.7"))
    assert not AccountFailures.objects.exists()  # a success clears the count


def test_a_try_during_the_wait_is_neither_checked_nor_counted(client, colleague):
    with time_machine.travel(START, tick=False) as clock:
        guess_from_many_addresses(client, clock, 13)
        for n in range(20):
            sign_in(client, WRONG, f"203.0.113.{n}")
        assert AccountFailures.objects.get().failures == 13
        clock.shift(datetime.timedelta(seconds=8))
        assert signed_in(sign_in(client, PASSWORD, "203.0.113.7"))


def test_the_wait_doubles_with_each_failure_up_to_a_few_minutes():
    waits = [delay_after(n).total_seconds() for n in (10, 11, 12, 13, 16, 19, 40, 10_000)]
    assert waits == [0, 2, 4, 8, 64, 300, 300, 300]


def test_a_stranger_cannot_keep_the_user_out_longer_than_the_longest_wait(client, colleague):
    with time_machine.travel(START, tick=False) as clock:
        for n in range(1, 40):  # a guess each time the wait is over, for hours
            sign_in(client, WRONG, f"198.51.100.{n}")
            wait = delay_after(AccountFailures.objects.get().failures)
            assert wait <= datetime.timedelta(minutes=5)
            clock.shift(wait)
        assert signed_in(sign_in(client, PASSWORD, "203.0.113.7"))


def test_an_hour_without_failures_starts_the_count_anew(client, colleague):
    with time_machine.travel(START, tick=False) as clock:
        guess_from_many_addresses(client, clock, 9)
        clock.shift(datetime.timedelta(minutes=61))
        guess_from_many_addresses(client, clock, 9, first=20)
        assert AccountFailures.objects.get().failures == 9
        assert signed_in(sign_in(client, PASSWORD, "203.0.113.7"))


def test_the_count_is_kept_in_the_database_without_the_user_name(client, colleague):
    with time_machine.travel(START, tick=False) as clock:
        guess_from_many_addresses(client, clock, 3)
    record = AccountFailures.objects.get()
    assert record.failures == 3 and "wangli" not in record.key
    assert record.last_failure_at <= timezone.now()


def test_another_user_is_not_slowed_by_guessing_at_a_colleague(
    client, colleague, django_user_model
):
    make_user(django_user_model, "zhaomin", Role.PETITION_OFFICE)
    with time_machine.travel(START, tick=False) as clock:
        guess_from_many_addresses(client, clock, 15)
        assert signed_in(sign_in(client, PASSWORD, "203.0.113.7", username="zhaomin"))


def test_the_admin_sign_in_observes_the_wait(client, colleague):
    colleague.is_staff = True
    colleague.save()
    with time_machine.travel(START, tick=False) as clock:
        guess_from_many_addresses(client, clock, 13)
        response = client.post(
            "/admin/login/", {"username": "wangli", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
        )
    assert response.status_code == 200 and "Wait 8 seconds" in response.content.decode()


def test_made_up_user_names_are_forgotten_after_the_window(client, colleague):
    with time_machine.travel(START, tick=False) as clock:
        for n in range(5):
            sign_in(client, WRONG, f"198.51.100.{n}", username=f"made-up-{n}")
        clock.shift(datetime.timedelta(minutes=61))
        sign_in(client, WRONG, "198.51.100.9")
    assert AccountFailures.objects.count() == 1
