"""Fixtures of the API-wide tests: the schemathesis runs ask for them by name."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from api.throttles import ScopedByMethodThrottle
from tests.api import schemathesis_run


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
    """The test's connection stays open through the WSGI requests (see
    schemathesis_run.one_connection)."""
    with schemathesis_run.one_connection():
        yield
