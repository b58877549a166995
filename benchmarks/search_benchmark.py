"""Search latency over many cases, against a primary-key lookup measured in the same run.

Run from the project root against a database of its own (never the site's):

    createdb -h 127.0.0.1 -U postgres teachingfile_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/teachingfile_bench \\
        .venv/bin/python benchmarks/search_benchmark.py --cases 100000 [--repeat 30]

It migrates that database, tops it up with synthetic published cases (`manage.py synth`) until
it holds --cases of them, then times a set of realistic searches, interleaved round by round so
that drift in machine load hits all alike:

- "search": what GET /api/v1/search/ asks of the database for the first page of 20: the
  filtered and ranked query, its count, the page with its systems, studies and thumbnails, the
  snippets and the facet counts, as a repeated search gets it (the total, the facets and the
  first ranked cases from the cache, kept per catalogue version: cases/facets.py);
- "uncached": the same, with a new catalogue version before each search (what the first reader
  after a change, or with the cache down, pays);
- "HTTP": the whole GET /api/v1/search/ request, in-process, through every middleware;
- the baseline: a primary-key lookup of a random case (`Case.objects.get(pk=…)`).

Then the cost of "Did you mean …?" (search/suggestions.py) for misspelt searches that find
nothing: the correction and the check that the corrected search finds cases, with the
vocabulary of titles, diagnoses and tags cached, and with it rebuilt (a new catalogue version),
each against the same baseline.

It prints p50 and p95 per query, and the ratio of each p50 and p95 to the baseline's p50.
PostgreSQL's JIT compilation is off (`--jit on` to compare), as for the site's connections.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGE_SIZE = 20
QUERIES: list[tuple[str, dict[str, str]]] = [
    ("single word", {"q": "fracture"}),
    ("single rare word", {"q": "cholesteatoma"}),
    ("phrase", {"q": '"periosteal reaction"'}),
    ("web-search syntax", {"q": "sarcoma or glioblastoma -ewing"}),
    ("typo", {"q": "osteosarcma"}),
    ("two words, one typo", {"q": "menigioma convexity"}),
    ("word + two facets", {"q": "fracture", "modality": "CT", "system": "trauma"}),
    ("facets, no query", {"modality": "MR", "age": "child"}),
    ("no query, most viewed", {"sort": "most_viewed"}),
]
# Misspelt searches that find nothing, for "Did you mean …?".
MISSPELT: list[tuple[str, dict[str, str]]] = [
    ("one misspelt word", {"q": "cholesteatomma"}),
    ("two words, both misspelt", {"q": "menignioma convxity"}),
]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the value below which `fraction` of the timings fall."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def top_up(cases: int, report: Callable[[str], None]) -> int:
    """Add synthetic cases until there are `cases` of them; returns how many there are."""
    from search.management.commands.synth import add_synthetic_cases, synthetic_cases

    existing = synthetic_cases().count()
    if existing < cases:
        report(f"Adding {cases - existing} synthetic cases (found {existing})…")
        started = time.perf_counter()
        add_synthetic_cases(cases - existing, seed=existing + 1, log=report)
        report(f"  done in {time.perf_counter() - started:.0f} s\n")
    return synthetic_cases().count()


def search_once(params: dict[str, str]) -> int:
    """What the search endpoint asks of the database for one page; returns the count."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict

    from cases import facets, fulltext
    from cases.filters import CaseFilter
    from cases.models import Case
    from search import snippets

    user = AnonymousUser()
    listed = Case.objects.visible_to(user).listed().with_card_data().defer(*fulltext.SEARCH_COLUMNS)
    query = QueryDict(mutable=True)
    query.update(params)
    results = CaseFilter(query, queryset=listed).qs
    count = results.count()
    page = list(results[:PAGE_SIZE])
    snippets.attach_snippets(page, params.get("q", ""))
    facets.facet_counts(results)
    return count


def benchmark(cases: int, repeat: int, report: Callable[[str], None] = print) -> dict[str, float]:
    """Top up the cases, time every query and the baseline, print the table; returns the
    ratio of each query's search p50 to the baseline's p50."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from cases.freshness import CATALOGUE_KEY
    from cases.models import Case

    total = top_up(cases, report)
    listed = Case.objects.listed().count()
    ids = list(Case.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    client = Client()

    def timed(action: Callable[[], object]) -> float:
        started = time.perf_counter()
        action()
        return (time.perf_counter() - started) * 1000

    def http(params: dict[str, str]) -> None:
        response = client.get("/api/v1/search/", {**params, "page_size": str(PAGE_SIZE)})
        if response.status_code != 200:
            raise SystemExit(f"GET /api/v1/search/ {params} answered {response.status_code}")

    counts = {name: search_once(params) for name, params in QUERIES}  # warm caches and plans
    for _name, params in QUERIES:
        http(params)
    baseline: list[float] = []
    searched: dict[str, list[float]] = {name: [] for name, _ in QUERIES}
    uncached: dict[str, list[float]] = {name: [] for name, _ in QUERIES}
    requested: dict[str, list[float]] = {name: [] for name, _ in QUERIES}
    for _ in range(repeat):
        for name, params in QUERIES:
            baseline.append(timed(lambda: Case.objects.get(pk=rng.choice(ids))))
            cache.delete(CATALOGUE_KEY)  # as after a change: nothing counted yet
            uncached[name].append(timed(lambda params=params: search_once(params)))
            # Again, as the next reader of the same search (or the next page) gets it.
            searched[name].append(timed(lambda params=params: search_once(params)))
            requested[name].append(timed(lambda params=params: http(params)))

    base_p50, base_p95 = percentile(baseline, 0.5), percentile(baseline, 0.95)
    jit = "-"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            jit = cursor.fetchone()[0]
    report(
        f"{connection.vendor}, {total} synthetic cases ({listed} listed), {repeat} rounds, "
        f"anonymous reader, jit {jit}, times in milliseconds\n"
    )
    header = (
        f"{'query':<24} {'matches':>8} {'search p50':>11} {'p95':>8} {'ratio p95':>10} "
        f"{'uncached p50':>13} {'p95':>8} {'HTTP p50':>9} {'p95':>8}"
    )
    report(header)
    report("-" * len(header))
    report(
        f"{'primary-key lookup':<24} {1:>8} {base_p50:>11.2f} {base_p95:>8.2f} {1:>10.1f} "
        f"{'':>13} {'':>8} {'':>9} {'':>8}"
    )
    ratios = {}
    for name, _ in QUERIES:
        p50, p95 = percentile(searched[name], 0.5), percentile(searched[name], 0.95)
        cold50, cold95 = percentile(uncached[name], 0.5), percentile(uncached[name], 0.95)
        http50, http95 = percentile(requested[name], 0.5), percentile(requested[name], 0.95)
        ratios[name] = p50 / base_p50
        report(
            f"{name:<24} {counts[name]:>8} {p50:>11.2f} {p95:>8.2f} {p95 / base_p50:>10.1f} "
            f"{cold50:>13.2f} {cold95:>8.2f} {http50:>9.2f} {http95:>8.2f}"
        )
    report(
        "\nratio p95 = search p95 / primary-key lookup p50 (same run). The search column is the "
        "database work of one page (count, page, snippets, facets), repeated; uncached starts "
        "each search from a new catalogue version; HTTP adds serialisation and middleware. "
        f"Median p50 ratio of all searches: {statistics.median(ratios.values()):.1f}x."
    )
    suggestion_costs(repeat, baseline, report)
    return ratios


def suggestion_costs(
    repeat: int, baseline: list[float], report: Callable[[str], None] = print
) -> dict[str, float]:
    """Time "Did you mean …?" for misspelt searches, cached and rebuilt; returns the ratio of
    each cached p50 to the baseline's p50."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache
    from django.http import QueryDict

    from cases import fulltext
    from cases.freshness import CATALOGUE_KEY, CONTENTS_KEY
    from cases.models import Case
    from search import suggestions

    user = AnonymousUser()
    listed = Case.objects.visible_to(user).listed().defer(*fulltext.SEARCH_COLUMNS)

    def suggest(params: dict[str, str]) -> dict | None:
        query = QueryDict(mutable=True)
        query.update(params)
        return suggestions.suggestion_for(user, query, listed)

    def timed(action: Callable[[], object]) -> float:
        started = time.perf_counter()
        action()
        return (time.perf_counter() - started) * 1000

    offered = {name: suggest(params) for name, params in MISSPELT}
    cached: dict[str, list[float]] = {name: [] for name, _ in MISSPELT}
    rebuilt: dict[str, list[float]] = {name: [] for name, _ in MISSPELT}
    for _ in range(repeat):
        for name, params in MISSPELT:
            cache.delete_many([CATALOGUE_KEY, CONTENTS_KEY])  # as after a change of a case
            rebuilt[name].append(timed(lambda params=params: suggest(params)))
            cached[name].append(timed(lambda params=params: suggest(params)))
    base_p50 = percentile(baseline, 0.5)
    header = (
        f"{'Did you mean':<26} {'suggested':<22} {'cached p50':>11} {'p95':>8} "
        f"{'ratio p50':>10} {'rebuilt p50':>12} {'p95':>8} {'ratio p50':>10}"
    )
    report("\n" + header)
    report("-" * len(header))
    ratios = {}
    for name, _ in MISSPELT:
        p50, p95 = percentile(cached[name], 0.5), percentile(cached[name], 0.95)
        cold50, cold95 = percentile(rebuilt[name], 0.5), percentile(rebuilt[name], 0.95)
        ratios[name] = p50 / base_p50
        shown = (offered[name] or {}).get("q", "(none)")[:22]
        report(
            f"{name:<26} {shown:<22} {p50:>11.2f} {p95:>8.2f} {p50 / base_p50:>10.1f} "
            f"{cold50:>12.2f} {cold95:>8.2f} {cold50 / base_p50:>10.1f}"
        )
    report(
        "\nratio p50 = p50 / primary-key lookup p50 (same run). Cached: the vocabulary kept for "
        "this version of the listed cases; rebuilt: read again from every listed case first, as "
        "the first misspelt search after a change pays. Paid only by searches that find nothing."
    )
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="synthetic cases to search")
    parser.add_argument("--repeat", type=int, default=30, help="rounds of every query")
    parser.add_argument(
        "--jit", choices=["on", "off"], default="off", help="PostgreSQL's JIT compilation"
    )
    arguments = parser.parse_args()
    # libpq reads PGOPTIONS: the setting for every connection the benchmark opens.
    options = os.environ.get("PGOPTIONS", "")
    os.environ["PGOPTIONS"] = f"{options} -c jit={arguments.jit}".strip()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachingfile.settings")
    # The throttle would answer 429 long before the benchmark ends; raise every scope.
    for scope in ("ANONYMOUS_READ", "READ", "WRITE", "UPLOAD", "TOKEN"):
        os.environ[f"API_THROTTLE_{scope}"] = "100000000/hour"
    # Production settings: no query log kept in memory, no debug toolbar of any kind.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("EMAIL_HOST", "localhost")  # required with DEBUG off; never used
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client speaks plain HTTP

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("Note: not PostgreSQL: the numbers are those of the simple fallback search.")
    call_command("migrate", verbosity=0)
    benchmark(arguments.cases, arguments.repeat)


if __name__ == "__main__":
    main()
