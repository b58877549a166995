"""`make serve` runs this first: it refuses an insecure or incomplete production configuration
and names the variable to set, before any process starts.

    python -m teachingfile.preflight
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

import django
from django.core.exceptions import ImproperlyConfigured

# A variable to set, and why.
Problem = tuple[str, str]


def problems_with(environ: Mapping[str, str]) -> list[Problem]:
    """What a production start needs beyond what the settings themselves refuse."""
    found: list[Problem] = []
    debug = environ.get("DEBUG", "").strip().lower()
    if debug not in {"0", "false", "no", "off"}:
        found.append(("DEBUG", "set DEBUG=0: debug pages show settings and code to anyone"))
    if not environ.get("SECRET_KEY"):
        found.append(
            (
                "SECRET_KEY",
                "set SECRET_KEY to 50 or more random characters, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'",
            )
        )
    if not environ.get("EMAIL_HOST"):
        found.append(
            (
                "EMAIL_HOST",
                "set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, …): without it "
                "e-mail is only printed to the console",
            )
        )
    if not environ.get("CELERY_BROKER_URL"):
        found.append(
            (
                "CELERY_BROKER_URL",
                "set CELERY_BROKER_URL (e.g. redis://…/0): the worker and "
                "beat processes need a broker",
            )
        )
    if not (environ.get("CACHE_URL") or environ.get("REDIS_URL")):
        found.append(
            (
                "CACHE_URL",
                "set CACHE_URL (e.g. redis://…/1): several web workers must share "
                "one cache, or a page changed in one is served stale by another",
            )
        )
    return found


def warnings_for(environ: Mapping[str, str]) -> list[Problem]:
    """What may be right on some sites and wrong on most: said, but not refused."""
    found: list[Problem] = []
    if not environ.get("TRUSTED_PROXIES"):
        found.append(
            (
                "TRUSTED_PROXIES",
                "not set: every client's address is the connecting one. Behind nginx or a load "
                "balancer, set it to the proxy's address (e.g. 127.0.0.1), or every reader "
                "shares one address and one sign-in lockout",
            )
        )
    return found


def main(environ: Mapping[str, str] = os.environ) -> int:
    for variable, advice in warnings_for(environ):
        print(f"Warning: {variable}: {advice}", file=sys.stderr)
    problems = problems_with(environ)
    if not problems:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachingfile.settings")
        try:
            django.setup()
        except ImproperlyConfigured as error:
            problems.append(("settings", str(error)))
    if problems:
        print(
            "Teaching File will not start in production with this configuration:", file=sys.stderr
        )
        for variable, advice in problems:
            print(f"  {variable}: {advice}", file=sys.stderr)
        print("README → Deployment lists every variable.", file=sys.stderr)
        return 1
    from django.core.management import call_command

    try:
        call_command("check", deploy=True, fail_level="WARNING")
    except Exception as error:  # SystemCheckError: the checks printed themselves
        print(f"Teaching File will not start: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
