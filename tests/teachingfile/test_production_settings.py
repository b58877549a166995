"""Production settings (DEBUG off): Django's deploy check passes with the documented
environment, and a missing or insecure variable stops the site at start, naming it."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

# The variables the README's configuration table asks production to set.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "teaching.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://teaching.example.org",
    "SITE_URL": "https://teaching.example.org",
    "EMAIL_HOST": "smtp.example.org",
}
# Inherited variables that would change what is checked.
UNSET = {
    *PRODUCTION,
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SENTRY_DSN",
    "LOG_FORMAT",
    # Set by the browser tests in this process; production never has it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run(arguments: list[str], **changes: str | None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in UNSET}
    for key, value in {**PRODUCTION, **changes}.items():
        if value is not None:
            environment[key] = value
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def check(*options: str, **changes: str | None) -> subprocess.CompletedProcess:
    return run(["manage.py", "check", *options], **changes)


def production_settings(*names: str, **changes: str | None) -> dict:
    script = (
        "import django, json, os; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {list(names)!r}}}))"
    )
    result = run(["-c", script], DJANGO_SETTINGS_MODULE="teachingfile.settings", **changes)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_the_deploy_check_finds_nothing_with_the_documented_production_environment():
    result = check("--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_opting_in_to_hsts_preload_keeps_the_deploy_check_clean():
    result = check("--deploy", "--fail-level", "WARNING", SECURE_HSTS_PRELOAD="1")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-but-varied-key-1234"}, "SECRET_KEY"),
        ({"SECRET_KEY": "ab" * 30}, "SECRET_KEY"),  # long, but only two characters
        ({"SECRET_KEY": "django-insecure-" + secrets.token_urlsafe(50)}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
        ({"EMAIL_HOST": None}, "EMAIL_HOST"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ],
    ids=[
        "no-secret-key",
        "short-secret-key",
        "two-character-secret-key",
        "django-insecure-secret-key",
        "no-allowed-hosts",
        "blank-allowed-hosts",
        "no-email-host",
        "unknown-log-format",
    ],
)
def test_a_missing_or_insecure_variable_stops_the_site_naming_it(changes, named):
    result = check(**changes)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.strip().splitlines()[-1]


def test_with_debug_on_none_of_them_is_needed():
    result = check(DEBUG="1", SECRET_KEY=None, ALLOWED_HOSTS=None, EMAIL_HOST=None)

    assert result.returncode == 0, result.stderr


def test_production_defaults_to_https_with_a_year_of_hsts_and_json_logs():
    found = production_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SILENCED_SYSTEM_CHECKS",
        "LOGGING",
    )

    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_HSTS_SECONDS"] == 31536000
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert found["SECURE_HSTS_PRELOAD"] is False
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert found["SESSION_COOKIE_SECURE"] and found["CSRF_COOKIE_SECURE"]
    assert found["SILENCED_SYSTEM_CHECKS"] == ["security.W021"]
    assert found["LOGGING"]["handlers"]["console"]["formatter"] == "json"


def test_the_https_settings_can_be_chosen():
    found = production_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SILENCED_SYSTEM_CHECKS",
        "LOGGING",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        SECURE_HSTS_PRELOAD="1",
        LOG_FORMAT="text",
    )

    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SECURE_HSTS_SECONDS"] == 3600
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert found["SECURE_HSTS_PRELOAD"] is True
    assert found["SILENCED_SYSTEM_CHECKS"] == []
    assert found["LOGGING"]["handlers"]["console"]["formatter"] == "text"


def test_in_production_pages_redirect_to_https_but_the_probes_answer_over_http():
    script = (
        "import django; django.setup(); from django.test import Client; "
        "c = Client(HTTP_HOST='teaching.example.org'); "
        "r = c.get('/cases/'); print(r.status_code, r['Location']); "
        "r = c.get('/healthz'); print(r.status_code, r['Strict-Transport-Security'] "
        "if r.has_header('Strict-Transport-Security') else '-'); "
        "r = c.get('/healthz', secure=True); print(r['Strict-Transport-Security'])"
    )
    result = run(["-c", script], DJANGO_SETTINGS_MODULE="teachingfile.settings")

    assert result.returncode == 0, result.stderr
    redirect, probe, hsts = result.stdout.splitlines()[-3:]
    assert redirect == "301 https://teaching.example.org/cases/"
    assert probe == "200 -"  # HSTS is sent over HTTPS only
    assert hsts == "max-age=31536000; includeSubDomains"


def test_the_probes_are_exempt_from_the_https_redirect_and_nothing_else_is():
    import re

    found = production_settings("SECURE_REDIRECT_EXEMPT")["SECURE_REDIRECT_EXEMPT"]

    def exempt(path: str) -> bool:
        return any(re.search(pattern, path.lstrip("/")) for pattern in found)

    assert exempt("/healthz") and exempt("/readyz")
    assert not any(exempt(path) for path in ["/", "/healthz/x", "/cases/healthz", "/readyzz"])
