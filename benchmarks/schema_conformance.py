"""Does the API answer as its OpenAPI document says, when asked many more questions than the
suite asks? A deeper schemathesis run than tests/api/test_schemathesis.py, with every
conformance check on.

Run from the project root:

    .venv/bin/python benchmarks/schema_conformance.py           # 100 examples per operation
    .venv/bin/python benchmarks/schema_conformance.py --quick   # 10 examples per operation
    .venv/bin/python benchmarks/schema_conformance.py --max-examples 300 --operation /cases/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_x \
        .venv/bin/python benchmarks/schema_conformance.py

It builds a throwaway test database (Django's test-database machinery: in memory with SQLite, a
`test_…_conformance` database with DATABASE_URL set), seeds it with the rows the suite's
schemathesis test uses (cases in every state, studies, a figure, reviews, revisions,
notifications, tokens), and sends the generated requests to the WSGI application in-process,
each in a transaction rolled back afterwards, so that every request starts from the same rows.
Every operation is run with valid data (positive) and invalid data (negative), as the author
with a token and anonymously. The checks:

- not_a_server_error: no 5xx;
- status_code_conformance: the status is one the operation documents;
- content_type_conformance, response_schema_conformance: the body is as documented;
- negative_data_rejection: a request the schema says is invalid is refused (4xx);
- positive_data_acceptance: a request the schema says is valid is not refused as malformed
  (400, 405, 415, 422 …). 404 (something named that does not exist), 409 (a conflict with
  the state), 412 and 428 (the version a write must carry) count as accepted: state the
  schema's shapes cannot express. So does a 400 for only the rules DOCUMENTED_400 lists, each
  written in its operation's description (a quiz answer within its options, a check digit, a
  username that exists, a file's name or content, an expiry in the future): those are counted
  and reported apart.

The run prints the failures grouped by operation and check, with one request of each group as
a curl command, and exits 1 when there is any. Hypothesis is derandomized: the same requests
on every run of the same depth.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachingfile.settings")

DEFAULT_EXAMPLES = 100
QUICK_EXAMPLES = 10
SEED = 20260521
# Statuses a well-formed request may get for reasons of state the schema cannot describe.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "412", "428", "429"]

# 400s for rules no schema can state, each written in its operation's description: a request
# the schema calls valid that breaks only these is refused as documented, not as malformed.
# Per operation: (the field of `errors`, a regular expression; words of each of its messages).
CASE_DOCUMENT_RULES = [
    # One field against another: the answer is an index into the options.
    (r"questions\.\d+\.answer", "options: choose a number up to that"),
    # A heading or a body, either one.
    (r"(commentaries|sections)\.\d+", "Write a heading or a text"),
    # The last character of an ORCID iD is a check digit.
    (r"authors\.\d+\.orcid", "typing error"),
    # A site user named by username (who exists is the database's to say) or a name, and
    # each site user once.
    (r"authors\.\d+\.username", "No one on this site has the username"),
    (r"authors\.\d+", "Give a site user or the name of an external co-author"),
    ("authors", "is listed twice"),
    # A web address as Django's URL validator reads it.
    (r"references\.\d+\.url", "Enter a valid URL"),
    # An item with something in it needs its main field (an empty one is left out).
    (r"references\.\d+", "Give a citation, a DOI, a PMID or a URL"),
    (r"differential_diagnoses\.\d+\.diagnosis", "This field is required"),
]
DOCUMENTED_400 = {
    "POST /api/v1/cases/": CASE_DOCUMENT_RULES,
    "PATCH /api/v1/cases/{id}/": CASE_DOCUMENT_RULES,
    "PATCH /api/v1/me/": [("orcid", "typing error")],
    # A file's name travels in its part's headers, which the schema does not describe; what
    # kind of image a file holds, in its bytes.
    "POST /api/v1/imports/": [("files", "only .txt, .md and .zip files can be imported")],
    "POST /api/v1/cases/{case_id}/figures/": [("file", "This is not a recognised image")],
    # The schema has no clock.
    "POST /api/v1/tokens/": [("expires_at", "must be in the future")],
}


def documented_refusal(label: str, response) -> bool:
    """Whether `response` is a 400 for only the rules DOCUMENTED_400 lists for `label`."""
    rules = DOCUMENTED_400.get(label)
    if not rules or response.status_code != 400:
        return False
    try:
        errors = response.json().get("errors")
    except ValueError:
        return False
    if not isinstance(errors, dict) or not errors:
        return False
    return all(
        any(
            re.fullmatch(field_pattern, field) and all(words in one for one in messages)
            for field_pattern, words in rules
        )
        for field, messages in errors.items()
    )


@dataclass(frozen=True)
class Failed:
    identity: str
    mode: str
    status: int
    message: str
    curl: str
    answer: str = ""


@dataclass
class Report:
    requests: int = 0
    # Valid-looking requests refused for a rule of DOCUMENTED_400: counted, not failures.
    documented: int = 0
    # (operation, check) → the failed requests
    failures: dict[tuple[str, str], list[Failed]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(len(found) for found in self.failures.values())

    def by_check(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for (_, check), found in self.failures.items():
            counts[check] += len(found)
        return dict(sorted(counts.items()))


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--max-examples",
        type=int,
        default=None,
        help=f"generated requests per operation, mode and caller "
        f"(default {DEFAULT_EXAMPLES}, {QUICK_EXAMPLES} with --quick)",
    )
    parser.add_argument("--quick", action="store_true", help="a shallow run while iterating")
    parser.add_argument(
        "--operation",
        action="append",
        default=[],
        metavar="TEXT",
        help="only operations whose label ('GET /api/v1/cases/') contains TEXT; repeatable",
    )
    parser.add_argument(
        "--as",
        dest="identities",
        choices=["token", "anonymous"],
        action="append",
        help="the caller: the author with a token, anonymous, or both (the default)",
    )
    parser.add_argument(
        "--show", type=int, default=1, help="requests shown as curl for each failing group"
    )
    arguments = parser.parse_args(argv)
    if arguments.max_examples is None:
        arguments.max_examples = QUICK_EXAMPLES if arguments.quick else DEFAULT_EXAMPLES
    if arguments.max_examples < 1:
        parser.error("--max-examples must be at least 1")
    arguments.identities = arguments.identities or ["token", "anonymous"]
    return arguments


def checks() -> list[Callable]:
    import schemathesis
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        negative_data_rejection,
        positive_data_acceptance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        schemathesis.checks.not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        negative_data_rejection,
        positive_data_acceptance,
    ]


def load_schema(ids: dict | None):
    """The live schema over the WSGI application. With `ids`, path ids are drawn half the time
    from the seeded rows so that operations answer about real objects and not only with 404;
    invalid data is generated without them, since a seeded id would replace an invalid one."""
    import schemathesis
    from schemathesis.config import SchemathesisConfig

    from teachingfile.wsgi import application
    from tests.api.schemathesis_run import draw_seeded_ids
    from tests.api.test_schemathesis import kind_of_id

    config = SchemathesisConfig.from_dict(
        {"seed": SEED, "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}}}
    )
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=config)
    if ids is None:
        return schema
    return draw_seeded_ids(schema, ids, kind_of_id)


def exercise(
    operation, mode, identity: str, headers: dict[str, str], max_examples: int, report: Report
) -> None:
    """Hypothesis over one operation; every failure of every request is recorded, none stops
    the run."""
    import hypothesis
    from django.db import transaction
    from hypothesis import HealthCheck, Phase
    from schemathesis.core.failures import Failure, FailureGroup

    every_check = checks()

    @hypothesis.settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def call(case):
        if case.headers:
            # A generated Authorization header would only ever get a 401.
            case.headers.pop("Authorization", None)
        with transaction.atomic():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        report.requests += 1
        for check in every_check:
            if check.__name__ == "positive_data_acceptance" and documented_refusal(
                operation.label, response
            ):
                if mode.value == "positive":  # the check looks at valid data only
                    report.documented += 1
                continue
            try:
                case.validate_response(response, checks=[check], headers=headers)
            except (Failure, FailureGroup) as failure:
                found = failure.exceptions if isinstance(failure, FailureGroup) else [failure]
                message = "; ".join(f"{one.title}: {one.message}" for one in found)
                report.failures[(operation.label, check.__name__)].append(
                    Failed(
                        identity=identity,
                        mode=mode.value,
                        status=response.status_code,
                        message=message[:600],
                        curl=case.as_curl_command(headers=headers),
                        answer=response.text[:600],
                    )
                )

    try:
        call()
    except hypothesis.errors.Unsatisfiable:
        pass  # no invalid request exists: every value a parameter can hold is valid
    except Exception as error:  # reported with the failures, the run goes on
        report.errors.append(f"{operation.label} ({identity}, {mode.value}): {error!r}"[:2000])


def conformance(
    ids: dict,
    *,
    max_examples: int,
    operations: Iterable[str] = (),
    identities: Iterable[str] = ("token", "anonymous"),
    progress: Callable[[str], None] = lambda line: None,
) -> Report:
    """Run every selected operation against the current database (seeded with `seed`)."""
    from schemathesis.generation import GenerationMode

    from api.throttles import ScopedByMethodThrottle
    from tests.api.schemathesis_run import one_connection

    callers = {"token": {"Authorization": f"Token {ids['key']}"}, "anonymous": {}}
    wanted = list(operations)
    report = Report()
    # Rates high enough that no answer is a 429 hiding what the endpoint does; the throttle
    # reads them from a class attribute bound when DRF's settings were first read.
    rates = ScopedByMethodThrottle.THROTTLE_RATES
    ScopedByMethodThrottle.THROTTLE_RATES = dict.fromkeys(rates, "100000000/minute")
    try:
        # From the schema's own request on: the WSGI handler would otherwise close the
        # connection after each request, ending the transaction it is rolled back in (or, in
        # a test, the test's).
        with one_connection():
            schemas = {
                GenerationMode.POSITIVE: load_schema(ids),
                GenerationMode.NEGATIVE: load_schema(None),
            }
            for mode, schema in schemas.items():
                for result in schema.get_all_operations():
                    operation = result.ok()
                    if wanted and not any(text in operation.label for text in wanted):
                        continue
                    progress(f"{operation.label} ({mode.value})")
                    for identity in identities:
                        exercise(operation, mode, identity, callers[identity], max_examples, report)
    finally:
        ScopedByMethodThrottle.THROTTLE_RATES = rates
    return report


def summary(report: Report, show: int = 1) -> str:
    lines = [
        f"{report.requests} requests, {report.failed} failures "
        f"({report.documented} refusals for documented rules the schema cannot state)"
    ]
    for check, count in report.by_check().items():
        lines.append(f"  {check}: {count}")
    for (operation, check), found in sorted(report.failures.items()):
        statuses = sorted({one.status for one in found})
        callers = sorted({f"{one.identity}/{one.mode}" for one in found})
        lines.append("")
        lines.append(
            f"{operation} — {check}: {len(found)} "
            f"(statuses {', '.join(map(str, statuses))}; {', '.join(callers)})"
        )
        for one in found[:show]:
            lines.append(f"    {one.message}")
            lines.append(f"    {one.curl}")
            lines.append(f"    answered: {one.answer}")
    for error in report.errors:
        lines.append("")
        lines.append(f"error: {error}")
    return "\n".join(lines)


def seeded_ids() -> dict:
    from tests.api.test_schemathesis import seed
    from tests.factories import make_user

    return seed(
        make_user("author", "author", display_name="Dr Ada Author"),
        make_user("coauthor", "author", display_name="Dr Co Author"),
        make_user("reviewer", "reviewer", "author", display_name="Dr Rita Reviewer"),
        make_user("editor", "editor", display_name="Dr Ed Editor"),
    )


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    # Uploaded and derived images go to a folder of the run's own, removed at its end.
    media = tempfile.TemporaryDirectory(prefix="conformance-media-")
    os.environ["MEDIA_ROOT"] = f"{media.name}/media"
    os.environ["PRIVATE_MEDIA_ROOT"] = f"{media.name}/private"
    import django

    django.setup()
    logging.disable(logging.INFO)  # one line per request would bury the summary
    from django.db import connection
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
        teardown_test_environment,
    )

    setup_test_environment(debug=False)
    if connection.vendor != "sqlite":
        # A name of its own: never the test database of a test run going on beside it.
        test = connection.settings_dict.setdefault("TEST", {})
        test["NAME"] = f"test_{connection.settings_dict['NAME']}_conformance"
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        report = conformance(
            seeded_ids(),
            max_examples=arguments.max_examples,
            operations=arguments.operation,
            identities=arguments.identities,
            progress=lambda label: print(label, file=sys.stderr, flush=True),
        )
    finally:
        teardown_databases(databases, verbosity=0)
        teardown_test_environment()
        media.cleanup()
    print(summary(report, arguments.show))
    return 1 if report.failed or report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
