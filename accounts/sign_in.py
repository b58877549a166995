"""Signing in with a password outside the login page (the API's token exchange), under the login
page's own lockout.

allauth counts failed sign-ins in the shared cache, per login (the username or e-mail as typed)
and per client address (ACCOUNT_RATE_LIMITS["login_failed"]), and refuses every attempt, the
right password included, while either is over its limit. Signing in through its adapter here
uses those same counters: a failure on either the page or the API counts for both, and a
lockout on one holds on the other.
"""

from __future__ import annotations

import math
import time

from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest

from .models import User

LOCKED_OUT_CODE = "too_many_login_attempts"


class LockedOut(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def authenticate(request: HttpRequest, *, login: str, password: str) -> User | None:
    """The account `login` and `password` sign in to, or None; LockedOut while locked out."""
    adapter = get_adapter(request)
    credentials = _credentials(login, password)
    try:
        return adapter.authenticate(request, **credentials)
    except ValidationError as error:
        if error.code != LOCKED_OUT_CODE:
            raise
        key = adapter._get_login_attempts_cache_key(request, **credentials)
        raise LockedOut(retry_after(request, key=key)) from None


def _credentials(login: str, password: str) -> dict[str, str]:
    # As the login form builds them (ACCOUNT_LOGIN_METHODS: username and e-mail), so that
    # allauth keys the attempt alike.
    credentials = {"username": login, "password": password}
    try:
        validate_email(login)
    except ValidationError:
        return credentials
    return {"email": login, **credentials}


def retry_after(request: HttpRequest, *, key: str) -> int:
    """Seconds until the lockout of `key` (and of the client's address) lets one attempt in."""
    rates = allauth_ratelimit.get_rates(app="allauth.account", action="login_failed")
    now = time.time()
    waits = []
    for rate in rates:
        cache_key = allauth_ratelimit.get_cache_key(
            request, app="allauth.account", action="login_failed", rate=rate, key=key
        )
        recent = sorted(
            (moment for moment in cache.get(cache_key, []) if moment > now - rate.duration),
            reverse=True,
        )
        if len(recent) >= rate.amount:
            waits.append(recent[rate.amount - 1] + rate.duration - now)
    if not waits:  # the counts have gone (or the cache is down): the longest period
        waits = [max((rate.duration for rate in rates), default=60)]
    return max(1, math.ceil(max(waits)))
