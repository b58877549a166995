"""Guessing passwords through the API: the token exchange counts failures with the login page,
per username and per client address, and the address is one a client cannot make up."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from rest_framework.test import APIClient

from accounts.api.tokens import LOCKED_OUT, WRONG_CREDENTIALS
from accounts.models import ApiToken
from api.throttles import ScopedByMethodThrottle
from tests.factories import PASSWORD, make_user

OBTAIN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"
PROXY = "10.0.0.2"


def obtain(api: APIClient, username: str, password: str, **extra):
    return api.post(OBTAIN, {"username": username, "password": password}, format="json", **extra)


def log_in(client: Client, login: str, password: str, **extra):
    return client.post(LOGIN, {"login": login, "password": password}, **extra)


def made_up_address(n: int) -> str:
    return f"198.51.100.{n + 1}"


def assert_locked_out(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    body = response.json()
    assert body["detail"].startswith(LOCKED_OUT)
    assert body["errors"] == {}


def test_made_up_forwarded_addresses_do_not_escape_the_lockout(author):
    api = APIClient()
    answers = [
        obtain(api, "author", f"guess-{n}", HTTP_X_FORWARDED_FOR=made_up_address(n))
        for n in range(40)
    ]

    statuses = [answer.status_code for answer in answers]
    # The login page's lockout (5 failures per username) holds from the sixth attempt.
    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}
    assert answers[0].json()["detail"] == WRONG_CREDENTIALS

    right = obtain(api, "author", PASSWORD, HTTP_X_FORWARDED_FOR=made_up_address(41))
    assert right.status_code == 429
    assert "Retry-After" in right
    assert not ApiToken.objects.exists()


def test_the_right_password_is_refused_while_the_account_is_locked_out(author):
    api = APIClient()
    for n in range(5):
        assert obtain(api, "author", f"guess-{n}").status_code == 401

    assert_locked_out(obtain(api, "author", PASSWORD))
    assert not ApiToken.objects.exists()


def test_the_lockout_is_per_username_and_the_e_mail_of_another_account_still_signs_in(author):
    make_user("someone")
    api = APIClient()
    for n in range(5):
        obtain(api, "author", f"guess-{n}")

    assert obtain(api, "someone", PASSWORD).status_code == 201


def test_failures_on_the_login_page_lock_the_token_exchange(client, author):
    for n in range(5):
        page = log_in(client, "author", f"guess-{n}")
        assert page.status_code == 200

    assert_locked_out(obtain(APIClient(), "author", PASSWORD))


def test_failures_on_the_token_exchange_lock_the_login_page(client, author):
    api = APIClient()
    for n in range(5):
        assert obtain(api, "author", f"guess-{n}").status_code == 401

    page = log_in(client, "author", PASSWORD)

    assert page.status_code == 200
    assert "Too many failed login attempts" in page.text
    assert "_auth_user_id" not in client.session


def test_failures_on_both_add_up(client, author):
    api = APIClient()
    for n in range(3):
        obtain(api, "author", f"api-guess-{n}")
    for n in range(2):
        log_in(client, "author", f"page-guess-{n}")

    assert_locked_out(obtain(api, "author", PASSWORD))


def test_a_success_does_not_reset_the_count(author):
    api = APIClient()
    for n in range(4):
        obtain(api, "author", f"guess-{n}")
    assert obtain(api, "author", PASSWORD).status_code == 201

    obtain(api, "author", "guess-5")
    assert_locked_out(obtain(api, "author", PASSWORD))


# Behind a trusted proxy


@pytest.fixture
def behind_a_proxy(settings, monkeypatch):
    settings.TRUSTED_PROXIES = [PROXY]
    # The API's own throttle (10 a minute per address) would answer first: these tests are
    # about the sign-in lockout.
    monkeypatch.setitem(ScopedByMethodThrottle.THROTTLE_RATES, "token", "100/minute")


def from_behind_the_proxy(forwarded: str) -> dict[str, str]:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def test_failures_from_one_address_lock_that_address_out_for_every_username(behind_a_proxy, author):
    """allauth's per-address limit (10 failures a minute) counts by the forwarded address."""
    api = APIClient()
    for n in range(10):
        answer = obtain(api, f"nobody-{n}", "guess", **from_behind_the_proxy("203.0.113.9"))
        assert answer.status_code == 401

    assert_locked_out(obtain(api, "author", PASSWORD, **from_behind_the_proxy("203.0.113.9")))
    # Someone else behind the same proxy is not locked out.
    assert obtain(api, "author", PASSWORD, **from_behind_the_proxy("203.0.113.10")).status_code == (
        201
    )


def test_a_made_up_left_most_entry_does_not_change_the_address_counted(behind_a_proxy, author):
    api = APIClient()
    for n in range(10):
        spoofed = f"{made_up_address(n)}, 203.0.113.9"
        assert obtain(
            api, f"nobody-{n}", "guess", **from_behind_the_proxy(spoofed)
        ).status_code == (401)

    assert_locked_out(
        obtain(api, "author", PASSWORD, **from_behind_the_proxy("192.0.2.1, 203.0.113.9"))
    )


def test_an_account_with_no_confirmed_address_gets_no_token_where_confirmation_is_required(
    settings, author
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    refused = obtain(APIClient(), "author", PASSWORD)
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Confirm your e-mail address first")
    assert not ApiToken.objects.filter(user=author).exists()

    EmailAddress.objects.create(user=author, email=author.email, primary=True, verified=True)
    assert obtain(APIClient(), "author", PASSWORD).status_code == 201
