"""What the REST API costs per request, against the simplest code that serves the same rows.

Run from the project root:

    .venv/bin/python benchmarks/api_benchmark.py [--cases 120] [--requests 200] [--repeat 3]
    DATABASE_URL=postgres://…/tf_scale .venv/bin/python benchmarks/api_benchmark.py --reuse-database

It builds a throwaway test database (Django's test-database machinery: in memory with SQLite,
a `test_…` database with DATABASE_URL set), fills it with published cases, and sends requests
in-process with `django.test.Client`, through the whole middleware stack, as an anonymous
reader. With --reuse-database it reads the cases already in DATABASE_URL's database instead
(say, the 100,000 of `manage.py synth`), in read-only transactions, and times the list only:
the case page counts its reader, a write. Two comparisons, each timed in the same run,
interleaved:

(a) GET /api/v1/cases/ (one page)  against  a hand-written view: `values()` over the same rows,
    the same page size, `JsonResponse`;
(b) GET /api/v1/cases/{id}/ (the canonical case document)  against  the case's HTML page.

The table shows requests per second (best and median repetition), the queries one request
makes, and the ratio of the two rates.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachingfile.settings")
# The throttle would answer 429 long before the benchmark ends; raise every scope.
for scope in ("ANONYMOUS_READ", "READ", "WRITE", "UPLOAD", "TOKEN"):
    os.environ[f"API_THROTTLE_{scope}"] = "100000000/hour"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

PAGE_SIZE = 20
LIST_FIELDS = (
    "id",
    "title",
    "case_type",
    "status",
    "visibility",
    "version",
    "difficulty",
    "in_unknown_mode",
    "created_at",
    "updated_at",
    "published_at",
)


def hand_written_case_list(request):
    """The floor: the same rows and page size as the API's first page, straight to JSON."""
    from django.contrib.auth.models import AnonymousUser

    from cases.models import Case

    user = getattr(request, "user", None) or AnonymousUser()
    cases = Case.objects.visible_to(user).in_lists_for(user)
    ordered = cases.order_by(F("published_at").desc(nulls_last=True), "-created_at", "-pk")
    rows = list(ordered.values(*LIST_FIELDS)[:PAGE_SIZE])
    return JsonResponse({"count": cases.count(), "results": rows})


# The site's own addresses, plus the hand-written view beside them.
urls = types.ModuleType("api_benchmark_urls")
urls.urlpatterns = [
    path("benchmark/cases/", hand_written_case_list),
    path("", include(settings.ROOT_URLCONF)),
]
sys.modules[urls.__name__] = urls


@dataclass(frozen=True)
class Comparison:
    name: str
    baseline_name: str
    baseline_url: str
    candidate_name: str
    candidate_url: str


def populate(count: int) -> tuple[int, str]:
    """`count` published cases, a few of them full case reports; returns the id and page
    address of the richest one."""
    from django.contrib.auth.models import Group

    from accounts.models import User
    from cases.models import Case, CaseAuthor, Figure, Study, System
    from cases.services import create_case_from_document, publish_imported_case
    from interchange.importer import parse_case_report

    author = User.objects.create_user(username="benchmark-author", display_name="Dr Bench Mark")
    author.groups.add(Group.objects.get_or_create(name="author")[0])
    systems = list(System.objects.all()[:3])
    reports = sorted((ROOT / "cases" / "demo_data").glob("*.txt"))
    richest = None
    for report in reports:
        parsed = parse_case_report(report.read_text(encoding="utf-8"), source_name=report.name)
        document = {**parsed.document, "rights": {**parsed.document["rights"]}}
        document["rights"]["licence"] = document["rights"]["licence"] or "CC-BY-4.0"
        case = publish_imported_case(create_case_from_document(document, author=author))
        if richest is None or len(str(parsed.document)) > richest[1]:
            richest = (case, len(str(parsed.document)))
    for number in range(max(count - len(reports), 0)):
        case = Case.objects.create(
            title=f"Benchmark case {number}: calcific tendinitis",
            final_diagnosis="Calcific tendinitis",
            status=Case.Status.PUBLISHED,
            published_at=timezone.now(),
            licence="CC-BY-4.0",
            created_by=author,
        )
        CaseAuthor.objects.create(case=case, user=author)
        case.systems.set(systems)
        study = Study.objects.create(case=case, modality="CT", label="CT pelvis")
        Figure.objects.create(
            study=study,
            label="Fig 1",
            alt_text="Axial CT",
            status=Figure.ProcessingStatus.READY,
            thumbnail=f"derivatives/benchmark-{number}-thumb.jpg",
        )
    case = richest[0]
    return case.pk, case.get_absolute_url()


def rate(client: Client, url: str, requests: int) -> float:
    start = time.perf_counter()
    for _ in range(requests):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
    return requests / (time.perf_counter() - start)


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def run(comparison: Comparison, client: Client, requests: int, repeat: int) -> dict:
    for url in (comparison.baseline_url, comparison.candidate_url):
        rate(client, url, 5)  # warm caches, templates and imports outside the timings
    baseline, candidate = [], []
    for _ in range(repeat):  # interleaved, so drift in machine load hits both alike
        baseline.append(rate(client, comparison.baseline_url, requests))
        candidate.append(rate(client, comparison.candidate_url, requests))
    return {
        "baseline": (max(baseline), statistics.median(baseline)),
        "candidate": (max(candidate), statistics.median(candidate)),
        "baseline_queries": queries(client, comparison.baseline_url),
        "candidate_queries": queries(client, comparison.candidate_url),
    }


def benchmark(cases: int, requests: int, repeat: int, report: Callable[[str], None] = print):
    """Build the database, time both comparisons, print the table; returns the ratios."""
    setup_test_environment(debug=False)
    if connection.vendor != "sqlite":
        # A name of its own: never the test database of a test run going on beside it.
        test = connection.settings_dict.setdefault("TEST", {})
        test["NAME"] = f"test_{connection.settings_dict['NAME']}_api_benchmark"
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        with override_settings(ROOT_URLCONF=urls.__name__):
            case_id, page = populate(cases)
            comparisons = [
                LIST_COMPARISON,
                Comparison(
                    name="one case",
                    baseline_name="case page (HTML)",
                    baseline_url=page,
                    candidate_name="GET /api/v1/cases/{id}/",
                    candidate_url=f"/api/v1/cases/{case_id}/",
                ),
            ]
            return print_table(comparisons, Client(), cases, requests, repeat, report)
    finally:
        teardown_databases(databases, verbosity=0)
        teardown_test_environment()


LIST_COMPARISON = Comparison(
    name=f"case list, {PAGE_SIZE} rows",
    baseline_name="values() + JsonResponse",
    baseline_url="/benchmark/cases/",
    candidate_name="GET /api/v1/cases/",
    candidate_url=f"/api/v1/cases/?page_size={PAGE_SIZE}",
)


def read_only(sender, connection, **kwargs) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")


def benchmark_existing(requests: int, repeat: int, report: Callable[[str], None] = print):
    """Time the list against the cases already in the database, changing nothing in it."""
    from django.db.backends.signals import connection_created

    from cases.models import Case

    if connection.vendor != "postgresql":
        raise SystemExit("--reuse-database reads a PostgreSQL database: set DATABASE_URL.")
    connection.close()
    connection_created.connect(read_only)
    setup_test_environment(debug=False)
    try:
        with override_settings(ROOT_URLCONF=urls.__name__):
            cases = Case.objects.filter(status=Case.Status.PUBLISHED).count()
            return print_table([LIST_COMPARISON], Client(), cases, requests, repeat, report)
    finally:
        teardown_test_environment()
        connection_created.disconnect(read_only)


def print_table(comparisons, client, cases, requests, repeat, report) -> dict[str, float]:
    report(
        f"{connection.vendor}, {cases} published cases, {requests} requests x {repeat} "
        "repetitions, anonymous reader, in-process client\n"
    )
    header = f"{'':<38} {'requests/s (best/median)':>26} {'queries':>8}"
    report(header)
    report("-" * len(header))
    ratios = {}
    for comparison in comparisons:
        result = run(comparison, client, requests, repeat)
        for name, key in ((comparison.baseline_name, "baseline"),
                          (comparison.candidate_name, "candidate")):  # fmt: skip
            best, median = result[key]
            report(f"{name:<38} {best:>12.0f}/{median:<13.0f} {result[key + '_queries']:>8}")
        ratio = result["candidate"][0] / result["baseline"][0]
        ratios[comparison.name] = ratio
        report(f"{'  ratio, ' + comparison.name:<38} {ratio:>12.2f}  (API / baseline)\n")
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=120, help="published cases in the list")
    parser.add_argument("--requests", type=int, default=200, help="requests per repetition")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="read the published cases already in DATABASE_URL's database (the list only)",
    )
    arguments = parser.parse_args()
    if arguments.reuse_database:
        benchmark_existing(arguments.requests, arguments.repeat)
    else:
        benchmark(arguments.cases, arguments.requests, arguments.repeat)
    print("ratio = API requests/s / baseline requests/s, best runs; above 1 the API is faster.")


if __name__ == "__main__":
    main()
