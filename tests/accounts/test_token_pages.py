"""The API tokens page of the account: create a token (key shown once), list, revoke."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, hash_key
from accounts.services import MAX_ACTIVE_TOKENS, create_token

PAGE = "/accounts/tokens/"


@pytest.fixture
def signed_in(client, author):
    client.force_login(author)
    return client


def key_on(response) -> str:
    match = re.search(r'<pre class="token-key"[^>]*><code>([^<]+)</code></pre>', response.text)
    assert match, "the new key is not on the page"
    return match.group(1)


def test_anonymous_people_are_sent_to_log_in(client, db):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_without_tokens_the_page_says_so(signed_in):
    response = signed_in.get(PAGE)

    assert response.status_code == 200
    assert "No tokens yet" in response.text
    assert 'name="name"' in response.text and 'name="expires_in_days"' in response.text


def test_creating_a_token_shows_its_key_once(signed_in, author):
    response = signed_in.post(PAGE, {"name": "PACS export", "expires_in_days": "90"})

    assert response.status_code == 200
    key = key_on(response)
    assert "shown only this once" in response.text
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=author)
    assert token.name == "PACS export"
    assert token.key_hash == hash_key(key)
    assert abs(token.expires_at - (timezone.now() + datetime.timedelta(days=90))) < (
        datetime.timedelta(minutes=1)
    )
    # The next visit lists the token but no longer shows the key.
    again = signed_in.get(PAGE)
    assert "PACS export" in again.text and token.prefix in again.text
    assert key not in again.text


def test_a_key_created_on_the_page_works_with_the_api(signed_in, author):
    key = key_on(signed_in.post(PAGE, {"name": "Laptop script"}))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api.get("/api/v1/tokens/")

    assert response.status_code == 200
    assert response.data["results"][0]["name"] == "Laptop script"
    assert ApiToken.objects.get(user=author).expires_at is None
    assert all(key not in str(value) for value in ApiToken.objects.values().get().values())


@pytest.mark.parametrize(
    "form, field",
    [({"name": ""}, "name"), ({"name": "Ok", "expires_in_days": "400"}, "expires_in_days")],
)
def test_an_invalid_form_creates_nothing_and_says_why(signed_in, form, field):
    response = signed_in.post(PAGE, form)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'class="token-key"' not in response.text
    assert not ApiToken.objects.exists()


def test_too_many_active_tokens_is_explained(signed_in, author):
    for number in range(MAX_ACTIVE_TOKENS):
        create_token(author, name=f"Script {number}")

    response = signed_in.post(PAGE, {"name": "One more"})

    assert "revoke one first" in response.text
    assert ApiToken.objects.filter(user=author).count() == MAX_ACTIVE_TOKENS


def test_the_list_shows_each_tokens_state(signed_in, author):
    create_token(author, name="Current")
    revoked, _ = create_token(author, name="Retired")
    revoked.revoked_at = timezone.now()
    revoked.save(update_fields=["revoked_at"])
    expired, _ = create_token(author, name="Lapsed")
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )

    response = signed_in.get(PAGE)

    text = response.text
    assert "Active" in text and "Revoked" in text and "Expired" in text
    # Only the active token can be revoked.
    assert text.count("Revoke…") == 1


def test_the_page_shows_only_your_own_tokens(signed_in, trainee):
    create_token(trainee, name="Trainee's script")

    response = signed_in.get(PAGE)

    assert "Trainee's script" not in response.text
    assert "No tokens yet" in response.text


def test_revoking_a_token_on_the_page(signed_in, author):
    token, key = create_token(author, name="Old laptop")

    response = signed_in.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    assert "“Old laptop” is revoked" in response.text
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/tokens/").status_code == 401


def test_someone_elses_token_cannot_be_revoked(signed_in, trainee):
    theirs, _ = create_token(trainee, name="Trainee's script")

    response = signed_in.post(f"/accounts/tokens/{theirs.pk}/revoke/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_revoking_needs_a_post(signed_in, author):
    token, _ = create_token(author, name="Script")

    assert signed_in.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_profile_page_and_account_menu_link_to_the_tokens(signed_in):
    response = signed_in.get("/accounts/profile/")

    assert response.text.count(f'href="{PAGE}"') == 2
