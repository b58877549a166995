"""Accounts: roles from the first migration, sign-up as a trainee, settings that refuse to start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import Role, User
from accounts.validators import validate_orcid

ROOT = Path(__file__).resolve().parents[2]


def test_every_role_of_the_product_exists_as_a_group(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_a_new_account_is_a_trainee(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.trainee@example.org",
            "username": "newtrainee",
            "password1": "a-long-enough-pass-phrase",
            "password2": "a-long-enough-pass-phrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newtrainee")
    assert user.role_names() == {"trainee"}
    assert not user.has_role("author")


def test_sign_up_with_mismatched_passwords_keeps_what_was_typed(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "kept@example.org",
            "username": "keptname",
            "password1": "a-long-enough-pass-phrase",
            "password2": "something-else-entirely",
        },
    )
    assert response.status_code == 200
    assert b"keptname" in response.content
    assert not User.objects.filter(username="keptname").exists()


def test_password_reset_mail_goes_out(client, author):
    response = client.post("/accounts/password/reset/", {"email": author.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert author.email in mail.outbox[0].to


def test_log_in_with_username_and_log_out(client, author):
    response = client.post(
        "/accounts/login/", {"login": "author", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == author
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


def test_a_superuser_holds_every_role(django_user_model, db):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-xyz-123")
    assert all(admin.has_role(role) for role in Role.values)


def test_display_name_falls_back_to_the_username(db):
    assert str(User(username="plain")) == "plain"
    assert str(User(username="x", display_name="Dr X")) == "Dr X"


def _settings_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("debug", ["0", "false"])
def test_production_settings_refuse_to_start_without_a_secret_key(debug):
    result = _settings_check({"DEBUG": debug})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_start_with_a_secret_key():
    result = _settings_check(
        {
            "DEBUG": "0",
            "SECRET_KEY": "a-production-key-of-fifty-or-more-varied-characters-0123",
            "ALLOWED_HOSTS": "teaching.example.org",
            "EMAIL_HOST": "smtp.example.org",
        }
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]
)
def test_valid_orcid_ids_are_accepted(orcid):
    validate_orcid(orcid)


@pytest.mark.parametrize(
    ("orcid", "message"),
    [
        ("0000-0002-1825-0098", "typing error"),
        ("0000-0002-1825", "four groups of four"),
        ("https://example.org/x", "four groups of four"),
    ],
)
def test_invalid_orcid_ids_are_refused_with_a_reason(orcid, message):
    with pytest.raises(ValidationError, match=message):
        validate_orcid(orcid)


def test_the_profile_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_trainee_edits_their_profile(client, trainee, other_institution):
    client.force_login(trainee)
    response = client.post(
        "/accounts/profile/",
        {
            "display_name": "Dr Tess Trainee",
            "first_name": "Tess",
            "last_name": "Trainee",
            "institution": other_institution.pk,
            "orcid": "https://orcid.org/0000-0002-1825-0097",
            "training_level": "fellow",
        },
        follow=True,
    )
    assert b"Your profile is saved." in response.content
    trainee.refresh_from_db()
    assert trainee.display_name == "Dr Tess Trainee"
    assert trainee.institution == other_institution
    assert trainee.orcid == "0000-0002-1825-0097"
    assert trainee.training_level == "fellow"


def test_a_mistyped_orcid_is_refused_and_everything_typed_is_kept(client, trainee):
    client.force_login(trainee)
    response = client.post(
        "/accounts/profile/",
        {"display_name": "Kept Name", "orcid": "0000-0002-1825-0098", "training_level": ""},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "typing error" in content
    assert 'value="Kept Name"' in content
    assert 'value="0000-0002-1825-0098"' in content
    trainee.refresh_from_db()
    assert trainee.display_name == "Tess Trainee"
    assert trainee.orcid == ""


def sign_up(client, email: str, username: str):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "username": username,
            "password1": "a-long-enough-pass-phrase",
            "password2": "a-long-enough-pass-phrase",
        },
    )


def verification_under(*, debug: str) -> str:
    """ACCOUNT_EMAIL_VERIFICATION as the settings make it with DEBUG=`debug` and no override."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"ACCOUNT_EMAIL_VERIFICATION", "DJANGO_SETTINGS_MODULE"}
    }
    environ.update(
        DEBUG=debug,
        SECRET_KEY="a-production-key-of-fifty-or-more-varied-characters-0123",
        ALLOWED_HOSTS="teaching.example.org",
        EMAIL_HOST="smtp.example.org",
    )
    code = "import teachingfile.settings as s; print(s.ACCOUNT_EMAIL_VERIFICATION)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout.strip()


def test_production_makes_e_mail_verification_mandatory_and_development_keeps_it_optional():
    assert verification_under(debug="0") == "mandatory"
    # `make run`'s demo accounts sign in without confirming their made-up addresses.
    assert verification_under(debug="1") == "optional"


def test_sign_up_answers_alike_whether_the_e_mail_is_registered_or_not(client, author, settings):
    """Under production's settings a registered address gets the same answer as a new one, and
    its owner an e-mail saying someone tried to sign up with it."""
    settings.ACCOUNT_EMAIL_VERIFICATION = verification_under(debug="0")

    new = sign_up(client, "someone.new@example.org", "someonenew")
    new_mail = list(mail.outbox)
    mail.outbox.clear()
    registered = sign_up(Client(), author.email.upper(), "someoneelse")

    assert new.status_code == registered.status_code == 302
    assert new["Location"] == registered["Location"]
    page = Client().get(registered["Location"]).text
    assert "already" not in page.lower()
    assert not User.objects.filter(username="someoneelse").exists()
    assert [message.to for message in new_mail] == [["someone.new@example.org"]]
    assert [message.to for message in mail.outbox] == [[author.email]]
    assert "already" in mail.outbox[0].body.lower()
