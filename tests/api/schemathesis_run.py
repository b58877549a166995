"""Schemathesis over the whole API: the checks, the settings, the seeded path ids and one
operation's run, shared by the schema-wide run, the collections run (their fixtures are in
conftest.py) and benchmarks/schema_conformance.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import hypothesis
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
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


@contextmanager
def one_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection at the end of every request when it is
    inside a transaction, which would end the test's (or the run's) transaction; Django's test
    client stops it the same way. Loading the schema is a request too, so it belongs inside."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def draw_seeded_ids(schema, ids: dict, kind_of: Callable[[str, str], str | None]):
    """Half the time a path parameter takes the id of a seeded row, so that operations answer
    about real objects and not only with 404. `kind_of(path, name)` says which of `ids`' lists
    the parameter `name` of the operation at `path` is drawn from (None: left generated)."""

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        if not path_parameters:
            return st.just(path_parameters)
        real = {}
        for name in path_parameters:
            kind = kind_of(context.operation.path, name)
            if kind and ids.get(kind):
                real[name] = st.sampled_from(ids[kind])
        if not real:
            return st.just(path_parameters)
        return st.one_of(
            st.just(path_parameters),
            st.fixed_dictionaries(real).map(lambda chosen: {**path_parameters, **chosen}),
        )

    return schema


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
