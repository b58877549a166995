"""API tokens: exchanging a password for one, signing in with it, listing and revoking."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api.tokens import DISABLED_ACCOUNT, NAME_NEEDED, WRONG_CREDENTIALS
from accounts.models import ApiToken, hash_key
from accounts.services import MAX_ACTIVE_TOKENS, create_token, revoke_token
from api.throttles import ScopedByMethodThrottle
from tests.factories import PASSWORD

OBTAIN = "/api/v1/auth/token/"
TOKENS = "/api/v1/tokens/"


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    # Throttles count requests in the default cache: every test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def obtain(api: APIClient, **body):
    return api.post(OBTAIN, body, format="json")


# Exchanging a username and password for a token


def test_a_password_exchange_answers_a_key_shown_once(api, author):
    response = obtain(api, username="author", password=PASSWORD, name="PACS export")

    assert response.status_code == 201
    key = response.data["key"]
    token = response.data["token"]
    assert key.startswith("tf_") and len(key) > 40
    assert token["name"] == "PACS export"
    assert token["prefix"] == key[:10]
    assert token["state"] == "active"
    assert token["expires_at"] is None and token["last_used_at"] is None
    assert set(token) == {
        "id",
        "name",
        "prefix",
        "state",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    }
    assert ApiToken.objects.get(pk=token["id"]).user == author


def test_only_the_hash_of_the_key_is_stored(api, author):
    key = obtain(api, username="author", password=PASSWORD).data["key"]

    row = ApiToken.objects.filter(user=author).values().get()
    assert row["key_hash"] == hash_key(key)
    assert all(key not in str(value) for value in row.values())


def test_a_token_without_a_name_is_called_api_token(api, author):
    response = obtain(api, username="author", password=PASSWORD)
    assert response.status_code == 201
    assert response.data["token"]["name"] == "API token"


def test_expires_in_days_sets_the_expiry(api, author):
    response = obtain(api, username="author", password=PASSWORD, expires_in_days=30)

    assert response.status_code == 201
    token = ApiToken.objects.get(pk=response.data["token"]["id"])
    expected = timezone.now() + datetime.timedelta(days=30)
    assert abs(token.expires_at - expected) < datetime.timedelta(minutes=1)


@pytest.mark.parametrize("days", [0, 366, -1, "soon"])
def test_an_expiry_outside_one_to_365_days_is_refused(api, author, days):
    response = obtain(api, username="author", password=PASSWORD, expires_in_days=days)

    assert response.status_code == 400
    assert "expires_in_days" in response.data["errors"]
    assert not ApiToken.objects.exists()


def test_an_e_mail_address_works_as_the_username(api, author):
    response = obtain(api, username=author.email, password=PASSWORD)
    assert response.status_code == 201


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(api, author):
    wrong_password = obtain(api, username="author", password="not-the-password")
    unknown_user = obtain(api, username="nobody", password=PASSWORD)

    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password["WWW-Authenticate"] == "Token"
    assert wrong_password.data == unknown_user.data
    assert wrong_password.data["detail"] == WRONG_CREDENTIALS
    assert not ApiToken.objects.exists()


def test_a_disabled_account_gets_no_token(api, author):
    author.is_active = False
    author.save(update_fields=["is_active"])

    right_password = obtain(api, username="author", password=PASSWORD)
    wrong_password = obtain(api, username="author", password="not-the-password")

    assert right_password.status_code == 403
    assert right_password.data["detail"] == DISABLED_ACCOUNT
    # Without the password, nobody learns the account exists.
    assert wrong_password.data["detail"] == WRONG_CREDENTIALS
    assert not ApiToken.objects.exists()


def test_missing_credentials_say_which_field(api, db):
    response = obtain(api, username="author")

    assert response.status_code == 400
    assert set(response.data["errors"]) == {"password"}


def test_exchanging_a_password_needs_no_csrf_token(author):
    api = APIClient(enforce_csrf_checks=True)
    api.login(username="author", password=PASSWORD)

    response = obtain(api, username="author", password=PASSWORD)

    assert response.status_code == 201


def test_exchanging_passwords_is_throttled(api, author, monkeypatch):
    monkeypatch.setitem(ScopedByMethodThrottle.THROTTLE_RATES, "token", "3/minute")

    answers = [obtain(api, username="author", password="guess").status_code for _ in range(3)]
    throttled = obtain(api, username="author", password=PASSWORD)

    assert answers == [401, 401, 401]
    assert throttled.status_code == 429
    assert "Retry-After" in throttled
    assert set(throttled.data) == {"detail", "errors"}
    assert ApiToken.objects.count() == 0


# Signing in with a token


def test_the_key_signs_in_as_its_owner(author):
    token, key = create_token(author, name="Script")

    response = with_token(key).get(TOKENS)

    assert response.status_code == 200
    assert [item["id"] for item in response.data["results"]] == [token.pk]


def test_signing_in_records_when_the_token_was_last_used(author):
    token, key = create_token(author, name="Script")

    with_token(key).get(TOKENS)

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < datetime.timedelta(minutes=1)


def test_a_revoked_token_no_longer_signs_in(author):
    token, key = create_token(author, name="Script")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])

    response = with_token(key).get(TOKENS)

    assert response.status_code == 401
    assert response.data["detail"] == "Unknown or revoked token."


def test_an_expired_token_no_longer_signs_in(author):
    token, key = create_token(author, name="Script")
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(hours=1)
    )

    response = with_token(key).get(TOKENS)

    assert response.status_code == 401
    assert response.data["detail"].startswith("This token expired on ")


def test_an_unknown_key_does_not_sign_in(db):
    response = with_token("tf_made-up").get(TOKENS)

    assert response.status_code == 401
    assert response.data["detail"] == "Unknown or revoked token."


def test_anonymous_people_are_asked_to_sign_in(api, db):
    response = api.get(TOKENS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.data) == {"detail", "errors"}


# Listing, reading, creating and revoking your tokens


def test_the_list_shows_only_your_own_tokens_never_their_keys(author, trainee):
    _, key = create_token(author, name="Script")
    revoked, _ = create_token(author, name="Old laptop")
    revoked.revoked_at = timezone.now()
    revoked.save(update_fields=["revoked_at"])
    create_token(trainee, name="Trainee's")

    response = with_token(key).get(TOKENS)

    assert response.data["count"] == 2
    states = {item["name"]: item["state"] for item in response.data["results"]}
    assert states == {"Script": "active", "Old laptop": "revoked"}
    assert key not in response.content.decode()
    assert all("key" not in item and "key_hash" not in item for item in response.data["results"])


def test_listing_tokens_takes_the_same_queries_for_one_or_fifty(api, author):
    api.force_authenticate(author)
    create_token(author, name="First")
    with CaptureQueriesContext(connection) as one:
        response = api.get(f"{TOKENS}?page_size=1")
    assert response.status_code == 200
    assert len(response.data["results"]) == 1
    for number in range(55):
        token, _ = create_token(author, name=f"Script {number}")
        revoke_token(token, by=author)  # only 20 may be active at once
    with CaptureQueriesContext(connection) as many:
        response = api.get(f"{TOKENS}?page_size=50")
    assert response.status_code == 200
    assert len(response.data["results"]) == 50

    assert len(one) == len(many)


def test_reading_your_token(author):
    token, key = create_token(author, name="Script")

    response = with_token(key).get(f"{TOKENS}{token.pk}/")

    assert response.status_code == 200
    assert response.data["name"] == "Script"
    assert response.data["prefix"] == key[:10]


def test_someone_elses_token_is_not_found(author, trainee):
    theirs, _ = create_token(trainee, name="Trainee's")
    _, key = create_token(author, name="Script")
    client = with_token(key)

    assert client.get(f"{TOKENS}{theirs.pk}/").status_code == 404
    assert client.delete(f"{TOKENS}{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize("token_id", [str(10**30), "-1", "abc"])
def test_a_malformed_id_is_not_found(author, token_id):
    _, key = create_token(author, name="Script")

    response = with_token(key).get(f"{TOKENS}{token_id}/")

    assert response.status_code == 404
    assert set(response.data) == {"detail", "errors"}


def test_creating_a_token_with_a_token(author):
    _, key = create_token(author, name="Script")
    expires_at = timezone.now() + datetime.timedelta(days=7)

    response = with_token(key).post(
        TOKENS, {"name": "Nightly export", "expires_at": expires_at.isoformat()}, format="json"
    )

    assert response.status_code == 201
    new_key = response.data["key"]
    assert new_key != key
    assert response.data["token"]["name"] == "Nightly export"
    assert with_token(new_key).get(TOKENS).status_code == 200


def test_a_token_cannot_expire_in_the_past(author):
    _, key = create_token(author, name="Script")
    yesterday = timezone.now() - datetime.timedelta(days=1)

    response = with_token(key).post(
        TOKENS, {"name": "Late", "expires_at": yesterday.isoformat()}, format="json"
    )

    assert response.status_code == 400
    assert response.data["errors"] == {"expires_at": ["The expiry must be in the future."]}


@pytest.mark.parametrize("name", ["   ", "\x1d", ""])
def test_a_token_needs_a_name(author, name):
    _, key = create_token(author, name="Script")

    response = with_token(key).post(TOKENS, {"name": name}, format="json")

    assert response.status_code == 400
    assert response.data["errors"] == {"name": [NAME_NEEDED]}


def test_a_token_past_the_most_allowed_is_a_409(author):
    for number in range(MAX_ACTIVE_TOKENS):
        _, key = create_token(author, name=f"Script {number}")

    response = with_token(key).post(TOKENS, {"name": "One more"}, format="json")
    exchanged = obtain(APIClient(), username="author", password=PASSWORD)

    assert response.status_code == exchanged.status_code == 409
    assert "revoke one first" in response.data["detail"]
    assert ApiToken.objects.filter(user=author).count() == MAX_ACTIVE_TOKENS


def test_a_token_is_created_from_json_only(author):
    _, key = create_token(author, name="Script")

    response = with_token(key).post(TOKENS, {"name": "Form"}, format="multipart")

    assert response.status_code == 415
    assert ApiToken.objects.filter(user=author).count() == 1


def test_a_session_without_the_csrf_token_cannot_create_a_token(author):
    api = APIClient(enforce_csrf_checks=True)
    api.login(username="author", password=PASSWORD)

    response = api.post(TOKENS, {"name": "Forged"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.data["detail"]
    assert not ApiToken.objects.exists()


def test_a_session_with_the_csrf_token_can_create_a_token(author):
    api = APIClient(enforce_csrf_checks=True)
    api.login(username="author", password=PASSWORD)
    api.get("/accounts/tokens/")  # any page with a form sets the CSRF cookie

    response = api.post(
        TOKENS,
        {"name": "From the browser"},
        format="json",
        HTTP_X_CSRFTOKEN=api.cookies["csrftoken"].value,
    )

    assert response.status_code == 201


def test_revoking_your_token_stops_it_at_once(author):
    token, key = create_token(author, name="Script")
    other, other_key = create_token(author, name="Other")

    response = with_token(other_key).delete(f"{TOKENS}{token.pk}/")

    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert with_token(key).get(TOKENS).status_code == 401
    listed = with_token(other_key).get(f"{TOKENS}{token.pk}/")
    assert listed.data["state"] == "revoked"


def test_a_token_can_revoke_itself(author):
    token, key = create_token(author, name="Script")
    client = with_token(key)

    assert client.delete(f"{TOKENS}{token.pk}/").status_code == 204
    assert client.get(TOKENS).status_code == 401
