"""Fixtures of the API-wide tests: the schemathesis runs ask for them by name."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from api.throttles import ScopedByMethodThrottle


@pytest.fixture
def no_throttling(monkeypatch):
    """Rates high enough that no answer is a 429 that would hide what the endpoint does.

    The throttle reads its rates from a class attribute bound when DRF's settings were first
    read, so overriding the setting would not reach it.
    """
    rates = dict.fromkeys(ScopedByMethodThrottle.THROTTLE_RATES, "100000/minute")
    monkeypatch.setattr(ScopedByMethodThrottle, "THROTTLE_RATES", rates)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def one_connection():
    """The WSGI handler closes the database connection at the end of every request, which would
    end the test's transaction; Django's test client stops it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
