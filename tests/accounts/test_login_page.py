"""The log-in page speaks the site's words: "Log in", with labels that say what to type."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_the_login_page_says_log_in_and_labels_its_fields_plainly(client):
    content = client.get(reverse("account_login")).content.decode()
    assert "<title>Log in" in content and "<h1>Log in</h1>" in content
    assert '<label for="id_login">E-mail or username</label>' in content
    assert '<label for="id_password">Password</label>' in content
    assert '<label for="id_remember">Remember me</label>' in content
    assert '<button type="submit">Log in</button>' in content
    for allauth_words in ("Sign In", "Login:", "Remember Me", "Password:"):
        assert allauth_words not in content
    assert 'autocomplete="username"' in content
    assert "placeholder=" not in content.split('class="login-form"', 1)[1]


def test_the_login_page_links_to_the_password_reset_and_sign_up(client):
    content = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("account_reset_password")}"' in content
    assert f'href="{reverse("account_signup")}"' in content


@pytest.mark.parametrize("login", ["ada", "ada@example.org"])
def test_a_member_logs_in_with_an_email_or_a_username(client, login):
    user = make_user("ada", "author")
    response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_shows_an_error_on_the_same_page(client):
    make_user("ada", "author")
    response = client.post(reverse("account_login"), {"login": "ada", "password": "wrong"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="field-errors" role="alert"' in content
    assert "<h1>Log in</h1>" in content
