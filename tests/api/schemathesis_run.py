"""Schemathesis over the whole API: the checks, the settings and one operation's run, shared by
the schema-wide run and the collections run."""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.throttles import ScopedByMethodThrottle

EXAMPLES_PER_OPERATION = 15
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = SchemathesisConfig.from_dict({"seed": 20260521})
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    # A failure is reported as found: shrinking it could take minutes.
    phases=[Phase.explicit, Phase.generate],
)


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


def run(operation, mode: GenerationMode, headers: dict[str, str], answered: set[int]) -> None:
    """Hypothesis over one operation: every generated request is sent, answered and checked."""

    @SETTINGS
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def call(case):
        if case.headers:
            # A generated Authorization header would only ever get a 401.
            case.headers.pop("Authorization", None)
        # Each request starts from the seeded rows: nothing one request deletes or moves on
        # is missing for the next.
        with transaction.atomic():
            response = case.call(headers=headers)
            answered.add(response.status_code)
            case.validate_response(response, checks=CHECKS, headers=headers)
            transaction.set_rollback(True)

    call()
