"""Speed at scale: the site under gunicorn on N synthetic cases, against baselines in the same run.

Run from the project root (PostgreSQL and Redis on this machine):

    .venv/bin/python benchmarks/scale.py              # 100,000 cases in teachingfile_scale
    .venv/bin/python benchmarks/scale.py --cases 2000 --database tf_bench --quick
    .venv/bin/python benchmarks/scale.py --database tf_scale --json    # reuse a database

It creates the database when missing, migrates it when a migration is missing, tops it up with
`manage.py synth` to N synthetic published cases and runs VACUUM ANALYZE after adding any (a
database that already holds N is reused as it is, about 5 minutes saved at 100,000; `--vacuum`
vacuums it all the same). It collects
the static files into a temporary folder, flushes its own Redis database (the shared cache, as in
production), starts gunicorn with 2 workers on 127.0.0.1 with DEBUG off and
`benchmarks.scale_site.settings` (the product's settings, plus the baseline views under /_bench/
and an X-Query-Count header on every answer), and measures, each target against its baseline in
alternating rounds of the same run:

- requests per second of the anonymous and the signed-in case page, browse, and browse with
  facets, against a bare view through the same middleware; the API case list against a
  hand-written `values()` + `JsonResponse` of the same 20 rows;
- p50/p95 of the search mix on /cases/ against a primary-key lookup, one request at a time;
- queries per request of each (median over the timed requests);
- the gunicorn workers' resident memory after each of 3 rounds of mixed requests.

Only ratios mean anything: the load comes from Python threads sharing the cores with the server.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.scale_load import Batch, Connection, load, percentile  # noqa: E402
from benchmarks.scale_server import (  # noqa: E402
    BARE,
    HOST,
    WORKERS,
    resident_mb,
    start_gunicorn,
    stop,
    worker_ids,
)

SETTINGS = "benchmarks.scale_site.settings"
API_BASELINE = "/_bench/api-baseline/"
READER = "scale-benchmark-reader"
# Case pages requested in turn, each warmed once before the timing, as popular cases are.
CASE_SAMPLE, QUICK_CASE_SAMPLE = 100, 30

# Words from search/synthetic_vocabulary.py, so that every query matches.
SEARCHES: list[tuple[str, dict[str, str]]] = [
    ("search: one word", {"q": "fracture"}),
    ("search: rare word", {"q": "cholesteatoma"}),
    ("search: phrase", {"q": '"periosteal reaction"'}),
    ("search: web syntax", {"q": '"periosteal reaction" OR glioblastoma -ewing'}),
    ("search: typo", {"q": "osteosarcma"}),
    ("search: word + 2 facets", {"q": "fracture", "modality": "CT", "system": "trauma"}),
    ("browse: facets, no query", {"modality": "MR", "age": "child"}),
    ("browse: most viewed", {"sort": "most_viewed"}),
]
BROWSE_FACETS = ["/cases/?modality=MR&age=child", "/cases/?system=musculoskeletal&modality=CT"]
PAGE_RATIO, API_RATIO, MAX_P95_MS, MAX_PK_MULTIPLE = 0.5, 0.6, 50.0, 5.0

FULL = {"requests": 2000, "rounds": 4, "latency_rounds": 40, "memory_requests": 2000}
QUICK = {"requests": 300, "rounds": 2, "latency_rounds": 8, "memory_requests": 300}
FULL_SECONDS, QUICK_SECONDS = 15.0, 3.0


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="synthetic published cases")
    parser.add_argument(
        "--database",
        default="teachingfile_scale",
        help="a PostgreSQL database name on --server, or a whole postgres:// URL",
    )
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/9", help="flushed first")
    parser.add_argument("--requests", type=int, help="timed requests per side of a comparison")
    parser.add_argument("--rounds", type=int, help="alternations of target and baseline")
    parser.add_argument("--latency-rounds", type=int, help="requests per search, one at a time")
    parser.add_argument("--memory-requests", type=int, help="requests in each of 3 rounds")
    parser.add_argument("--concurrency", type=int, default=4, help="connections at once")
    parser.add_argument(
        "--batch-seconds", type=float, help="a batch stops after this long: slow pages end early"
    )
    parser.add_argument(
        "--vacuum", action="store_true", help="VACUUM ANALYZE a reused database before the run"
    )
    parser.add_argument("--quick", action="store_true", help="fewer requests: about 2 minutes")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    arguments = parser.parse_args(argv)
    for name, value in (QUICK if arguments.quick else FULL).items():
        if getattr(arguments, name) is None:
            setattr(arguments, name, value)
    if arguments.batch_seconds is None:
        arguments.batch_seconds = QUICK_SECONDS if arguments.quick else FULL_SECONDS
    if min(arguments.cases, arguments.requests, arguments.rounds, arguments.concurrency) < 1:
        parser.error("--cases, --requests, --rounds and --concurrency must be at least 1")
    return arguments


def database_url(database: str, server: str) -> str:
    return database if "://" in database else f"{server.rstrip('/')}/{database}"


# The table ------------------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    measured: str
    baseline: str
    ratio: str
    queries: str
    target: str
    met: bool | None  # None: reported, no target
    numbers: dict


def verdict(met: bool | None) -> str:
    return "—" if met is None else "MET" if met else "MISSED"


def _queries(target: float | None, baseline: float | None) -> str:
    shown = ["?" if value is None else f"{value:g}" for value in (target, baseline)]
    return " / ".join(shown)


def _rate(per_second: float) -> str:
    return f"{per_second:.0f}" if per_second >= 10 else f"{per_second:.1f}"


def rate_row(
    what: str,
    target: Batch,
    baseline: Batch,
    *,
    baseline_name: str,
    minimum_ratio: float,
) -> Row:
    """Requests per second of a page against its baseline's: met at `minimum_ratio` or more."""
    ratio = target.per_second / baseline.per_second if baseline.per_second else 0.0
    return Row(
        what=what,
        measured=f"{_rate(target.per_second)} req/s",
        baseline=f"{baseline_name} {_rate(baseline.per_second)} req/s",
        ratio=f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.2g}",
        queries=_queries(target.median_queries, baseline.median_queries),
        target=f"≥ {minimum_ratio:.0%} of it",
        met=ratio >= minimum_ratio and not target.failures,
        numbers={
            "per_second": target.per_second,
            "baseline_per_second": baseline.per_second,
            "ratio": ratio,
            "queries": target.median_queries,
            "baseline_queries": baseline.median_queries,
            "failures": target.failures,
        },
    )


def latency_row(what: str, target: Batch, primary_key: Batch, *, first_ms: float | None) -> Row:
    """p50/p95 of a search: met when p95 ≤ 50 ms and ≤ 5× the primary-key lookup's p95."""
    p50, p95 = percentile(target.milliseconds, 0.5), percentile(target.milliseconds, 0.95)
    pk_p50, pk_p95 = (percentile(primary_key.milliseconds, f) for f in (0.5, 0.95))
    multiple = p95 / pk_p95 if pk_p95 else float("inf")
    return Row(
        what=what,
        measured=f"p50 {p50:.1f} p95 {p95:.1f} ms"
        + ("" if first_ms is None else f" (first {first_ms:.0f})"),
        baseline=f"pk p50 {pk_p50:.1f} p95 {pk_p95:.1f} ms",
        ratio=f"{multiple:.1f}×",
        queries=_queries(target.median_queries, primary_key.median_queries),
        target=f"p95 ≤ {MAX_P95_MS:g} ms, ≤ {MAX_PK_MULTIPLE:g}× pk",
        met=p95 <= MAX_P95_MS and multiple <= MAX_PK_MULTIPLE and not target.failures,
        numbers={
            "p50_ms": p50,
            "p95_ms": p95,
            "first_ms": first_ms,
            "pk_p50_ms": pk_p50,
            "pk_p95_ms": pk_p95,
            "p95_multiple_of_pk": multiple,
            "queries": target.median_queries,
            "failures": target.failures,
        },
    )


def memory_row(rounds: list[list[float]], completed: list[int]) -> Row:
    """The workers' resident memory (MB) after each round of requests: reported, no target.
    `completed` is how many requests each round finished (fewer than asked when time ran out)."""
    largest = [max(workers) if workers else 0.0 for workers in rounds]
    return Row(
        what=f"worker memory, {len(rounds)} rounds",
        measured=" → ".join(f"{mb:.0f}" for mb in largest) + " MB",
        baseline="largest worker, rounds of " + " / ".join(f"{n:,}" for n in completed),
        ratio="",
        queries="",
        target="steady (no target)",
        met=None,
        numbers={"rss_mb_by_round": rounds, "requests_by_round": completed},
    )


def format_table(rows: list[Row], heading: str) -> str:
    columns = ["what", "measured", "baseline (same run)", "ratio", "queries", "target", "verdict"]
    cells = [
        [r.what, r.measured, r.baseline, r.ratio, r.queries, r.target, verdict(r.met)] for r in rows
    ]
    widths = [max(len(line[i]) for line in [columns, *cells]) for i in range(len(columns))]
    lines = [heading, ""]
    for number, line in enumerate([columns, *cells]):
        padded = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        lines.append("  ".join(padded).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    judged = [row for row in rows if row.met is not None]
    met = sum(1 for row in judged if row.met)
    lines += [
        "",
        f"{met} of {len(judged)} targets met. ratio: requests/s of the target over its baseline's;"
        " for searches, p95 over the primary-key lookup's p95. queries: median per request,"
        " target / baseline. The load generator shares the cores with gunicorn, so only the"
        " ratios and the comparison with baselines of this run count, never the absolute rates.",
    ]
    return "\n".join(lines)


def as_json(rows: list[Row], context: dict) -> str:
    return json.dumps(
        {**context, "results": [{**asdict(row), "verdict": verdict(row.met)} for row in rows]},
        indent=2,
        default=str,
    )


# The database ---------------------------------------------------------------------------------


def ensure_database(url: str) -> bool:
    """Create the database when it does not exist; True when it was created."""
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def prepare_database(
    cases: int, report: Callable[[str], None], *, vacuum: bool = False, out=sys.stdout
) -> int:
    """Migrate if needed and top up to `cases` synthetic cases, then VACUUM ANALYZE when cases
    were added or `vacuum` asks for it; returns how many synthetic cases there are."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        report("Migrating…")
        call_command("migrate", verbosity=0)
    from search.management.commands.synth import synthetic_cases

    existing = synthetic_cases().count()
    if existing < cases:
        report(f"Adding {cases - existing:,} synthetic cases to the {existing:,} there…")
        call_command("synth", cases=cases - existing, seed=existing + 1, stdout=out)
    if existing < cases or vacuum:
        # Without it the rows synth rewrote stay dead and every facet filter reads them.
        report("VACUUM ANALYZE…")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return synthetic_cases().count()


def reader_cookie() -> dict[str, str]:
    """A session of the benchmark's reader (a trainee), made in the database: the Cookie header."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group

    from accounts.models import User

    reader, created = User.objects.get_or_create(
        username=READER, defaults={"display_name": "Benchmark reader", "email": ""}
    )
    if created:
        reader.set_unusable_password()
        reader.save(update_fields=["password"])
        reader.groups.add(Group.objects.get_or_create(name="trainee")[0])
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(reader.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = reader.get_session_auth_hash()
    session.save()
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}


def sample_cases(size: int) -> list[tuple[int, str]]:
    """(id, page address) of `size` listed published cases, the same ones run after run."""
    from django.contrib.auth.models import AnonymousUser

    from cases.models import Case

    listed = Case.objects.visible_to(AnonymousUser()).listed().order_by("pk")
    rows = list(listed.values_list("pk", "slug"))
    if not rows:
        raise SystemExit("No listed published case to read.")
    chosen = random.Random(7).sample(rows, min(size, len(rows)))
    return [(pk, Case(pk=pk, slug=slug).get_absolute_url()) for pk, slug in chosen]


# The measurements -----------------------------------------------------------------------------


def benchmark_environment(url: str, arguments: argparse.Namespace, static_root: str) -> dict:
    environment = {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": url,
        "CACHE_URL": arguments.cache_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        # Production refuses to start without a mail server; nothing in the run sends mail.
        "EMAIL_HOST": "localhost",
        # Plain HTTP on 127.0.0.1: no proxy in front to terminate TLS.
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": static_root,
        "CELERY_BROKER_URL": "",  # tasks inline: nothing in this run queues any
        # As in production with a worker and beat: views are recorded, and folded into the
        # cases' totals by the periodic task rather than on each first view.
        "VIEW_COUNTS_AT_ONCE": "0",
        "LOG_LEVEL": "WARNING",
    }
    # The throttles would answer 429 long before the run ends.
    for scope in ("ANONYMOUS_READ", "READ", "WRITE", "UPLOAD", "TOKEN"):
        environment[f"API_THROTTLE_{scope}"] = "100000000/hour"
    return environment


def measure_searches(port: int, rounds: int, pk_paths: list[str]) -> list[Row]:
    """The search mix one request at a time, each followed by a primary-key lookup."""
    search_paths = {name: f"/cases/?{urlencode(params)}" for name, params in SEARCHES}
    connection = Connection(HOST, port)
    first = {name: connection.get(path) for name, path in search_paths.items()}
    for name, answer in first.items():
        if answer.status != 200:
            raise SystemExit(f"{search_paths[name]} answered {answer.status}")
    timed = {name: Batch() for name in search_paths}
    primary_key = Batch()
    rng = random.Random(11)
    for _ in range(rounds):
        for name, path in search_paths.items():
            pk_path = rng.choice(pk_paths)
            primary_key.add(pk_path, connection.get(pk_path))
            timed[name].add(path, connection.get(path))
    connection.close()
    return [
        latency_row(name, timed[name], primary_key, first_ms=first[name].milliseconds)
        for name in search_paths
    ]


def measure_rate(
    port: int,
    arguments: argparse.Namespace,
    paths: list[str],
    baseline_path: str,
    headers: dict[str, str],
) -> tuple[Batch, Batch]:
    """Requests per second of `paths` and of the baseline, in alternating rounds."""
    every = [*paths, baseline_path]
    warmed = load(
        HOST, port, every, requests=len(every), concurrency=WORKERS, seconds=300, headers=headers
    )
    if warmed.failures or warmed.completed < len(every):
        raise SystemExit(f"Warming up {paths[0]}: {warmed.failures or 'requests failed'}")
    target, baseline = Batch(), Batch()
    per_round = max(1, arguments.requests // arguments.rounds)
    for number in range(arguments.rounds):
        # A B B A: drift in the machine's load falls on both sides alike.
        sides = [(target, paths), (baseline, [baseline_path])]
        for batch, side_paths in sides if number % 2 == 0 else sides[::-1]:
            batch.extend(
                load(
                    HOST,
                    port,
                    side_paths,
                    requests=per_round,
                    concurrency=arguments.concurrency,
                    seconds=arguments.batch_seconds,
                    headers=headers,
                )
            )
    return target, baseline


def measure(
    port: int,
    arguments: argparse.Namespace,
    cases: list[tuple[int, str]],
    cookie: dict[str, str],
    server: subprocess.Popen,
    report: Callable[[str], None],
) -> list[Row]:
    case_paths = [path for _, path in cases]
    # Both workers load their templates and code on something else, so that each search's
    # first answer is what a cache miss costs, not what a fresh worker costs.
    warm_up = [BARE, "/cases/?q=pneumothorax", case_paths[-1], "/api/v1/cases/?page=2"]
    load(HOST, port, warm_up, requests=4 * len(warm_up), concurrency=WORKERS, seconds=60)
    report("Search mix, one request at a time…")
    searches = measure_searches(
        port, arguments.latency_rounds, [f"/_bench/pk/{pk}/" for pk, _ in cases]
    )

    comparisons = [
        ("anonymous case page", case_paths, BARE, "bare view", {}, PAGE_RATIO),
        ("signed-in case page", case_paths, BARE, "bare view", cookie, PAGE_RATIO),
        ("browse /cases/", ["/cases/"], BARE, "bare view", {}, PAGE_RATIO),
        ("browse with facets", BROWSE_FACETS, BARE, "bare view", {}, PAGE_RATIO),
        ("API list /api/v1/cases/", ["/api/v1/cases/"], API_BASELINE, "values()", {}, API_RATIO),
    ]
    rates = []
    for what, paths, baseline_path, baseline_name, headers, minimum in comparisons:
        report(f"{what} against the {baseline_name}…")
        target, baseline = measure_rate(port, arguments, paths, baseline_path, headers)
        rates.append(
            rate_row(what, target, baseline, baseline_name=baseline_name, minimum_ratio=minimum)
        )

    report("Worker memory…")
    search_paths = [f"/cases/?{urlencode(params)}" for _, params in SEARCHES]
    mixed = [*case_paths[:20], *search_paths, "/cases/", "/api/v1/cases/"]
    memory, completed = [], []
    for _ in range(3):
        sent = load(
            HOST,
            port,
            mixed,
            requests=arguments.memory_requests,
            concurrency=arguments.concurrency,
            seconds=arguments.batch_seconds * 4,
        )
        memory.append([round(resident_mb(pid), 1) for pid in worker_ids(server)])
        completed.append(sent.completed)
    return [*rates, *searches, memory_row(memory, completed)]


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    started = time.monotonic()

    def report(message: str) -> None:
        # With --json, stdout carries the JSON alone.
        stamp = f"[{time.monotonic() - started:4.0f} s] "
        print(stamp + message, file=sys.stderr if arguments.json else sys.stdout, flush=True)

    url = database_url(arguments.database, arguments.server)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmark runs on PostgreSQL: give a postgres:// database.")
    if ensure_database(url):
        report(f"Created the database {urlsplit(url).path.lstrip('/')}.")
    static_root = tempfile.mkdtemp(prefix="scale-benchmark-static-")
    environment = {**os.environ, **benchmark_environment(url, arguments, static_root)}
    os.environ.update(environment)

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    try:
        progress = sys.stderr if arguments.json else sys.stdout
        total = prepare_database(arguments.cases, report, vacuum=arguments.vacuum, out=progress)
        if total < arguments.cases:
            raise SystemExit(f"Only {total:,} synthetic cases; asked for {arguments.cases:,}.")
        report("Collecting static files…")
        call_command("collectstatic", interactive=False, verbosity=0)
        cases = sample_cases(QUICK_CASE_SAMPLE if arguments.quick else CASE_SAMPLE)
        cookie = reader_cookie()
        cache.clear()
        cache.set("scale-benchmark-probe", 1)
        if cache.get("scale-benchmark-probe") != 1:
            report(f"Warning: no cache at {arguments.cache_url}: the site runs uncached.")
        connection.close()
        log = Path(static_root) / "gunicorn.log"
        report("Starting gunicorn…")
        server, port = start_gunicorn(environment, log)
        try:
            rows = measure(port, arguments, cases, cookie, server, report)
        finally:
            stop(server)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)

    name = urlsplit(url).path.lstrip("/")
    context = {
        "database": name,
        "synthetic_cases": total,
        "workers": WORKERS,
        "concurrency": arguments.concurrency,
        "requests_per_side": arguments.requests,
        "rounds": arguments.rounds,
        "latency_rounds": arguments.latency_rounds,
        "quick": arguments.quick,
        "note": "The load generator shares the cores with gunicorn: only ratios count.",
    }
    if arguments.json:
        print(as_json(rows, context))
    else:
        heading = (
            f"PostgreSQL {name}, {total:,} synthetic cases, gunicorn {WORKERS} sync workers, "
            f"cache {arguments.cache_url}, DEBUG off; {arguments.concurrency} connections, "
            f"{arguments.requests:,} requests per side in {arguments.rounds} alternating rounds; "
            f"searches one at a time, {arguments.latency_rounds} each."
        )
        print("\n" + format_table(rows, heading))
    return 0


if __name__ == "__main__":
    sys.exit(main())
