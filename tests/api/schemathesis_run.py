"""Schemathesis over the whole API: the checks, the settings and one operation's run, shared by
the schema-wide run and the collections run (their fixtures are in conftest.py)."""

from __future__ import annotations

import hypothesis
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, Phase
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

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
