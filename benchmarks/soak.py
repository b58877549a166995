"""Soak: a bounded mixed load for many minutes on the production stack, watching for errors,
latency drift and memory growth.

Run from the project root (PostgreSQL and Redis on this machine):

    .venv/bin/python benchmarks/soak.py                       # 30 minutes at half the peak
    .venv/bin/python benchmarks/soak.py --minutes 2           # the CI run
    .venv/bin/python benchmarks/soak.py --rate 12 --s3-endpoint http://127.0.0.1:9311 --json

It creates its database when missing (`--database`, default tf_soak), migrates it and tops it up
with `manage.py synth` to `--cases` synthetic published cases, collects the static files into a
temporary folder, clears its own Redis cache database (`--cache-url`), creates two fresh buckets
on an S3 server (moto started here on 127.0.0.1, unless `--s3-endpoint` names one), and starts the
Procfile's three processes — web (gunicorn), worker and beat — with DEBUG off, over a Celery queue
of its own on `--broker-url`. gunicorn does not recycle its workers here (WEB_MAX_REQUESTS=0), so
that a leak shows in their memory.

The load, from threads sharing the cores with the server:

- readers: anonymous case pages, browse (with and without facets), the API case list;
- searches: the search mix of benchmarks/scale.py;
- a few authors, each on a draft of their own: edits (API PATCH with If-Match, the version read)
  and small image uploads (API figure upload, processed by the Celery worker).

First the peak: as many requests as `--threads` threads finish in `--peak-seconds`; then the
soak at `--fraction` of it (or `--rate` requests per second) for `--minutes`. Reported: errors
(any 5xx, connection error or unexpected answer; the first few printed), p95 per minute, the
resident memory of the gunicorn workers and of the Celery worker after a warm-up minute and at
the end, and the uploads processed against those sent. The exit status is 1 when there was any
error (an upload whose processing failed included), whatever the latency and memory figures,
which depend on what else runs on the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.scale import (  # noqa: E402
    BROWSE_FACETS,
    SEARCHES,
    database_url,
    ensure_database,
    prepare_database,
    sample_cases,
)
from benchmarks.scale_load import percentile  # noqa: E402
from benchmarks.scale_server import free_port, resident_mb  # noqa: E402

HOST = "127.0.0.1"
BIN = Path(sys.executable).parent
AUTHOR = "soak-author-{}"
MAX_GROWTH = 0.10  # resident memory, warm-up minute to the end
MAX_P95_DRIFT = 2.0  # a minute's p95 against the first minute after the warm-up
SHOWN_ERRORS = 5

# What each request is, by share of the load.
MIX = [
    ("case page", 0.40),
    ("browse", 0.12),
    ("API list", 0.12),
    ("search", 0.26),
    ("edit", 0.07),
    ("upload", 0.03),
]


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30, help="how long the soak runs")
    parser.add_argument("--fraction", type=float, default=0.5, help="of the measured peak")
    parser.add_argument("--rate", type=float, help="requests per second: no peak measured")
    parser.add_argument("--peak-seconds", type=float, default=20, help="the peak's measurement")
    parser.add_argument("--threads", type=int, default=6, help="client threads")
    parser.add_argument("--authors", type=int, default=3, help="authors editing and uploading")
    parser.add_argument("--cases", type=int, default=500, help="synthetic published cases")
    parser.add_argument(
        "--database",
        default="tf_soak",
        help="a PostgreSQL database name on --server, or a whole postgres:// URL",
    )
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/13", help="cleared first")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--s3-endpoint", help="an S3 server; otherwise moto is started here")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--upload-wait", type=float, default=120, help="seconds to wait for the last uploads"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    arguments = parser.parse_args(argv)
    if arguments.minutes < 2:
        parser.error("--minutes must be at least 2: one to warm up, one to compare with")
    if min(arguments.threads, arguments.authors, arguments.cases) < 1:
        parser.error("--threads, --authors and --cases must be at least 1")
    return arguments


# The processes --------------------------------------------------------------------------------


def procfile_commands() -> dict[str, str]:
    """The Procfile's commands by process name: the soak runs exactly what production runs."""
    commands = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if line.strip() and not line.startswith("#") and command:
            commands[name.strip()] = command.strip()
    return commands


class Stack:
    """web, worker and beat from the Procfile, each in a process group of its own."""

    def __init__(self, environment: dict[str, str], folder: Path) -> None:
        self.environment = environment
        self.folder = folder
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self) -> None:
        for name, command in procfile_commands().items():
            log = (self.folder / f"{name}.log").open("w")
            # `exec`: the shell becomes the process, so its id is gunicorn's or Celery's.
            self.processes[name] = subprocess.Popen(
                ["/bin/sh", "-c", f"exec {command}"],
                cwd=ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def check(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise SystemExit(f"{name} stopped:\n{self.output(name)[-3000:]}")

    def output(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def web_workers(self) -> list[int]:
        return children(self.processes["web"].pid)

    def celery_worker(self) -> list[int]:
        """The Celery worker: its main process and its pool's processes."""
        main = self.processes["worker"].pid
        return [main, *children(main)]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return sorted(found)


def memory_of(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):  # gone between the listing and the reading
            total += resident_mb(pid)
    return total


class MotoServer:
    """An S3 server on 127.0.0.1 for the run, unless one was given."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(BIN / "moto_server"), "-H", HOST, "-p", str(self.port)],
            stdout=(folder / "moto.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.endpoint = f"http://{HOST}:{self.port}"

    def wait(self) -> None:
        import requests

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("moto_server stopped at start")
            try:
                requests.get(f"{self.endpoint}/", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.3)
        raise SystemExit("moto_server did not answer within 30 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@dataclass
class Buckets:
    endpoint: str
    media: str
    private: str

    @property
    def environ(self) -> dict[str, str]:
        return {
            "S3_BUCKET": self.media,
            "S3_PRIVATE_BUCKET": self.private,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": "us-east-1",
            "S3_ADDRESSING_STYLE": "path",
            "S3_ACCESS_KEY_ID": os.environ.get("S3_TEST_ACCESS_KEY_ID", "testing"),
            "S3_SECRET_ACCESS_KEY": os.environ.get("S3_TEST_SECRET_ACCESS_KEY", "testing"),
        }

    def client(self):
        import boto3

        environ = self.environ
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=environ["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=environ["S3_SECRET_ACCESS_KEY"],
            region_name=environ["S3_REGION"],
        )

    def create(self) -> None:
        client = self.client()
        for bucket in (self.media, self.private):
            client.create_bucket(Bucket=bucket)

    def remove(self) -> None:
        client = self.client()
        for bucket in (self.media, self.private):
            pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for page in pages:
                for item in page.get("Contents", ()):
                    client.delete_object(Bucket=bucket, Key=item["Key"])
            client.delete_bucket(Bucket=bucket)


def soak_environment(
    url: str, arguments: argparse.Namespace, folder: Path, buckets: Buckets, port: int
) -> dict[str, str]:
    """The documented production environment (README → Deployment) on this machine's services."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "S3_", "CELERY_"))
    }
    environment.update(
        {
            "PATH": f"{BIN}{os.pathsep}{environment.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": "teachingfile.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": f"{HOST},localhost",
            # Production refuses to start without a mail server; nothing here sends mail.
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(free_port()),
            "DATABASE_URL": url,
            "CACHE_URL": arguments.cache_url,
            "CELERY_BROKER_URL": arguments.broker_url,
            # A queue of its own: another worker on the same broker never takes its tasks.
            "CELERY_QUEUE": f"soak-{uuid.uuid4().hex[:8]}",
            "CELERY_CONCURRENCY": "1",
            "CELERY_BEAT_SCHEDULE_FILE": str(folder / "beat-schedule"),
            "STATIC_ROOT": str(folder / "static"),
            "PORT": str(port),
            "HOST": HOST,
            "WEB_CONCURRENCY": str(arguments.web_workers),
            # No recycling, so that a leak in the workers shows in their memory.
            "WEB_MAX_REQUESTS": "0",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "WARNING",
            "VIEW_COUNTS_AT_ONCE": "0",
            **buckets.environ,
        }
    )
    # The throttles would answer 429 long before the run ends.
    for scope in ("ANONYMOUS_READ", "READ", "WRITE", "UPLOAD", "TOKEN"):
        environment[f"API_THROTTLE_{scope}"] = "100000000/hour"
    return environment


# The load -------------------------------------------------------------------------------------


@dataclass
class Sent:
    """One request: when it started (seconds into the phase), what it was, how it went."""

    at: float
    kind: str
    milliseconds: float
    status: int  # 0: no answer (a connection error)
    error: str = ""


@dataclass
class Author:
    username: str
    token: str
    case: int = 0
    study: int = 0
    version: int = 0
    edits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


def tiny_png(seed: int) -> bytes:
    from PIL import Image

    rng = random.Random(seed)
    image = Image.new("L", (96, 64), rng.randrange(10, 60))
    left, top = rng.randrange(0, 50), rng.randrange(0, 30)
    image.paste(rng.randrange(150, 250), (left, top, left + 40, top + 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class Load:
    """The mixed requests, from threads, with what they did."""

    def __init__(self, base: str, case_paths: list[str], authors: list[Author]) -> None:
        self.base = base
        self.case_paths = case_paths
        self.authors = authors
        self.reads = {
            "browse": ["/cases/", *BROWSE_FACETS],
            "API list": ["/api/v1/cases/", "/api/v1/cases/?page=2"],
            "search": [f"/cases/?{urlencode(params)}" for _, params in SEARCHES],
        }
        self.lock = threading.Lock()
        self.sent: list[Sent] = []
        self.uploads: list[tuple[Author, str]] = []  # (author, status URL)
        self.conflicts = 0

    # One request of each kind -----------------------------------------------------------------

    def request(self, session, method: str, path: str, **options):
        headers = {"X-Forwarded-Proto": "https", **options.pop("headers", {})}
        return session.request(
            method,
            f"{self.base}{path}",
            headers=headers,
            timeout=60,
            allow_redirects=False,
            **options,
        )

    def one(self, session, kind: str, rng: random.Random, started: float) -> None:
        import requests

        at = time.perf_counter()
        expected = {200}
        try:
            if kind == "case page":
                answer = self.request(session, "GET", rng.choice(self.case_paths))
            elif kind in self.reads:
                answer = self.request(session, "GET", rng.choice(self.reads[kind]))
            else:
                author = self.free_author(rng)
                if author is None:  # every author busy: read a case page instead
                    kind = "case page"
                    answer = self.request(session, "GET", rng.choice(self.case_paths))
                else:
                    try:
                        if kind == "edit":
                            answer = self.edit(session, author)
                        else:
                            expected = {202}
                            answer = self.upload(session, author, rng)
                    finally:
                        author.lock.release()
            status, error = answer.status_code, ""
            if status not in expected:
                error = f"{status} {answer.request.method} {urlsplit(answer.url).path}: "
                error += answer.text[:200].replace("\n", " ")
        except requests.RequestException as failure:
            status, error = 0, f"{kind}: {type(failure).__name__}: {failure}"[:300]
        milliseconds = (time.perf_counter() - at) * 1000
        with self.lock:
            self.sent.append(Sent(at - started, kind, milliseconds, status, error))

    def free_author(self, rng: random.Random) -> Author | None:
        for author in rng.sample(self.authors, len(self.authors)):
            if author.lock.acquire(blocking=False):
                return author
        return None

    def edit(self, session, author: Author):
        author.edits += 1
        path = f"/api/v1/cases/{author.case}/"
        headers = {"Authorization": f"Token {author.token}"}
        body = {"clinical_history": f"Soak edit {author.edits} by {author.username}."}
        answer = self.request(
            session,
            "PATCH",
            path,
            json=body,
            headers={**headers, "If-Match": f'"case-{author.case}-v{author.version}"'},
        )
        if answer.status_code == 412:
            # Someone changed it since (the worker, when a figure is ready): read it, once more.
            with self.lock:
                self.conflicts += 1
            read = self.request(session, "GET", path, headers=headers)
            if read.status_code != 200:
                return read
            author.version = read.json()["version"]
            answer = self.request(
                session,
                "PATCH",
                path,
                json=body,
                headers={**headers, "If-Match": f'"case-{author.case}-v{author.version}"'},
            )
        if answer.status_code == 200:
            author.version = answer.json()["version"]
        return answer

    def upload(self, session, author: Author, rng: random.Random):
        answer = self.request(
            session,
            "POST",
            f"/api/v1/cases/{author.case}/figures/",
            data={"study": author.study, "label": "Soak figure"},
            files={"file": ("soak.png", tiny_png(rng.randrange(1 << 30)), "image/png")},
            headers={"Authorization": f"Token {author.token}"},
        )
        if answer.status_code == 202:
            with self.lock:
                self.uploads.append((author, urlsplit(answer.json()["status_url"]).path))
        return answer

    # Phases -----------------------------------------------------------------------------------

    def run(
        self, threads: int, seconds: float, rate: float | None, seed: int
    ) -> tuple[list[Sent], float]:
        """Requests from `threads` threads for `seconds`: as fast as they answer, or paced at
        `rate` a second; the requests and the seconds it took."""
        import requests

        kinds, weights = zip(*MIX, strict=True)
        first = len(self.sent)
        issued = 0
        counter = threading.Lock()
        started = time.perf_counter()
        deadline = started + seconds

        def send(number: int) -> None:
            nonlocal issued
            rng = random.Random(seed * 1000 + number)
            with requests.Session() as session:
                while True:
                    with counter:
                        slot = started + issued / rate if rate else time.perf_counter()
                        issued += 1
                    if slot >= deadline:
                        return
                    pause = slot - time.perf_counter()
                    if pause > 0:
                        time.sleep(pause)
                    self.one(session, rng.choices(kinds, weights)[0], rng, started)

        workers = [threading.Thread(target=send, args=(n,), daemon=True) for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        with self.lock:
            return self.sent[first:], time.perf_counter() - started


def processed_uploads(
    base: str, uploads: list[tuple[Author, str]], wait: float
) -> tuple[dict[str, int], list[str]]:
    """How the uploads ended, polling until none is pending or `wait` seconds have passed."""
    import requests

    states: dict[str, str] = {}
    failures: list[str] = []
    deadline = time.monotonic() + wait
    with requests.Session() as session:
        while True:
            for author, path in uploads:
                if states.get(path) in (None, "pending", "processing"):
                    answer = session.get(
                        f"{base}{path}",
                        headers={
                            "Authorization": f"Token {author.token}",
                            "X-Forwarded-Proto": "https",
                        },
                        timeout=30,
                    )
                    if answer.status_code != 200:
                        states[path] = f"HTTP {answer.status_code}"
                    else:
                        states[path] = answer.json()["status"]
            waiting = [p for p, s in states.items() if s in ("pending", "processing")]
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(1)
    counts: dict[str, int] = {}
    for path, state in states.items():
        counts[state] = counts.get(state, 0) + 1
        if state not in ("ready", "pending", "processing"):
            failures.append(f"upload {path}: {state}")
    return counts, failures


# Setting up -----------------------------------------------------------------------------------


def make_authors(count: int) -> list[Author]:
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.services import create_token

    authors = []
    for number in range(1, count + 1):
        user, created = User.objects.get_or_create(
            username=AUTHOR.format(number),
            defaults={"display_name": f"Soak author {number}", "email": ""},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name="author")[0])
        _, key = create_token(user, name=f"soak {uuid.uuid4().hex[:6]}")
        authors.append(Author(username=user.username, token=key))
    return authors


def give_drafts(base: str, authors: list[Author]) -> None:
    """A draft with one study for each author, made through the API as a client would."""
    import requests

    for author in authors:
        headers = {"Authorization": f"Token {author.token}", "X-Forwarded-Proto": "https"}
        made = requests.post(
            f"{base}/api/v1/cases/",
            json={"title": f"Soak draft of {author.username}"},
            headers=headers,
            timeout=60,
        )
        if made.status_code != 201:
            raise SystemExit(f"Creating a draft: {made.status_code} {made.text[:300]}")
        author.case, author.version = made.json()["id"], made.json()["version"]
        study = requests.post(
            f"{base}/api/v1/cases/{author.case}/studies/",
            json={"modality": "XR", "label": "Radiograph"},
            headers={**headers, "If-Match": f'"case-{author.case}-v{author.version}"'},
            timeout=60,
        )
        if study.status_code != 201:
            raise SystemExit(f"Adding a study: {study.status_code} {study.text[:300]}")
        author.study = study.json()["id"]
        author.version = int(study.headers["ETag"].split("-v")[1].split(".")[0].rstrip('"'))


def wait_until_ready(base: str, stack: Stack) -> None:
    import requests

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        stack.check()
        try:
            ready = requests.get(f"{base}/readyz", timeout=5)
            if ready.status_code == 200 and len(stack.web_workers()) >= 1:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"The site did not get ready:\n{stack.output('web')[-3000:]}")


# The report -----------------------------------------------------------------------------------


@dataclass
class Minute:
    minute: int
    requests: int
    per_second: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    errors: int
    web_mb: float
    worker_mb: float


def minutes_of(sent: list[Sent], memory: list[tuple[float, float]]) -> list[Minute]:
    rows = []
    for number, (web, worker) in enumerate(memory):
        inside = [s for s in sent if number * 60 <= s.at < (number + 1) * 60]
        answered = [s.milliseconds for s in inside if s.status]
        rows.append(
            Minute(
                minute=number + 1,
                requests=len(inside),
                per_second=len(inside) / 60,
                p50_ms=percentile(answered, 0.5),
                p95_ms=percentile(answered, 0.95),
                max_ms=max(answered, default=float("nan")),
                errors=sum(1 for s in inside if s.error),
                web_mb=web,
                worker_mb=worker,
            )
        )
    return rows


def format_minutes(rows: list[Minute]) -> str:
    columns = ["minute", "requests", "req/s", "p50 ms", "p95 ms", "max ms", "errors", "web MB"]
    columns.append("worker MB")
    cells = [
        [
            str(r.minute),
            str(r.requests),
            f"{r.per_second:.1f}",
            f"{r.p50_ms:.0f}",
            f"{r.p95_ms:.0f}",
            f"{r.max_ms:.0f}",
            str(r.errors),
            f"{r.web_mb:.0f}",
            f"{r.worker_mb:.0f}",
        ]
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [columns, *cells]) for i in range(len(columns))]
    lines = []
    for number, line in enumerate([columns, *cells]):
        lines.append("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


@dataclass
class Verdict:
    what: str
    measured: str
    target: str
    met: bool


def verdicts(
    sent: list[Sent],
    rows: list[Minute],
    upload_counts: dict[str, int],
    uploads_sent: int,
    upload_failures: list[str],
) -> list[Verdict]:
    errors = sum(1 for s in sent if s.error) + len(upload_failures)
    # The first minute warms the workers up (templates, caches, connections): it is the base.
    base, last = rows[0], rows[-1]
    compared = rows[1:]
    first_p95 = compared[0].p95_ms
    worst = max(compared, key=lambda r: r.p95_ms)
    ready = upload_counts.get("ready", 0)

    def growth(start: float, end: float) -> float:
        return (end - start) / start if start else 0.0

    web_growth = growth(base.web_mb, last.web_mb)
    worker_growth = growth(base.worker_mb, last.worker_mb)
    return [
        Verdict("errors", f"{errors} of {len(sent):,} requests", "0", errors == 0),
        Verdict(
            "p95 drift",
            f"worst minute {worst.minute}: {worst.p95_ms:.0f} ms against {first_p95:.0f} ms",
            f"≤ {MAX_P95_DRIFT:g}× minute 2's",
            worst.p95_ms <= MAX_P95_DRIFT * first_p95,
        ),
        Verdict(
            "gunicorn workers' memory",
            f"{base.web_mb:.0f} → {last.web_mb:.0f} MB ({web_growth:+.1%})",
            f"< {MAX_GROWTH:.0%} after minute 1",
            web_growth < MAX_GROWTH,
        ),
        Verdict(
            "Celery worker's memory",
            f"{base.worker_mb:.0f} → {last.worker_mb:.0f} MB ({worker_growth:+.1%})",
            f"< {MAX_GROWTH:.0%} after minute 1",
            worker_growth < MAX_GROWTH,
        ),
        Verdict(
            "uploads processed",
            f"{ready} of {uploads_sent} sent (peak and soak) ready"
            + "".join(f", {n} {state}" for state, n in upload_counts.items() if state != "ready"),
            "all",
            ready == uploads_sent,
        ),
    ]


def format_verdicts(lines: list[Verdict]) -> str:
    width = max(len(line.what) for line in lines)
    measured = max(len(line.measured) for line in lines)
    return "\n".join(
        f"{line.what.ljust(width)}  {line.measured.ljust(measured)}  target {line.target}: "
        f"{'MET' if line.met else 'MISSED'}"
        for line in lines
    )


def as_json(
    context: dict, errors: list[str], rows: list[Minute], uploads: dict, lines: list[Verdict]
) -> str:
    document = {
        **context,
        "errors": errors,
        "minutes_table": [asdict(row) for row in rows],
        "uploads": uploads,
        "verdicts": [
            {**asdict(line), "verdict": "MET" if line.met else "MISSED"} for line in lines
        ],
    }
    return json.dumps(document, indent=2, default=str)


# The run --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    started = time.monotonic()
    out = sys.stderr if arguments.json else sys.stdout

    def report(message: str) -> None:
        print(f"[{time.monotonic() - started:5.0f} s] {message}", file=out, flush=True)

    url = database_url(arguments.database, arguments.server)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The soak runs on PostgreSQL: give a postgres:// database.")
    if ensure_database(url):
        report(f"Created the database {urlsplit(url).path.lstrip('/')}.")
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    moto = None
    if arguments.s3_endpoint:
        endpoint = arguments.s3_endpoint.rstrip("/")
    else:
        moto = MotoServer(folder)
        moto.wait()
        endpoint = moto.endpoint
    token = uuid.uuid4().hex[:10]
    buckets = Buckets(endpoint, f"tf-soak-media-{token}", f"tf-soak-private-{token}")
    buckets.create()
    port = free_port()
    base = f"http://{HOST}:{port}"
    environment = soak_environment(url, arguments, folder, buckets, port)
    os.environ.update(environment)

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    stack = Stack(environment, folder)
    failed = True
    try:
        total = prepare_database(arguments.cases, report, out=out)
        call_command("collectstatic", interactive=False, verbosity=0)
        case_paths = [path for _, path in sample_cases(200)]
        authors = make_authors(arguments.authors)
        cache.clear()
        connection.close()
        report(f"Starting web, worker and beat (Procfile) on {base}; logs in {folder}…")
        stack.start()
        wait_until_ready(base, stack)
        give_drafts(base, authors)
        load = Load(base, case_paths, authors)

        rate = arguments.rate
        peak = None
        if rate is None:
            report(f"Peak: {arguments.threads} threads for {arguments.peak_seconds:g} s…")
            burst, seconds = load.run(arguments.threads, arguments.peak_seconds, None, seed=1)
            peak = sum(1 for s in burst if s.status) / seconds
            rate = arguments.fraction * peak
            report(f"Peak {peak:.1f} req/s; the soak runs at {rate:.1f} req/s.")
            load.sent.clear()

        memory: list[tuple[float, float]] = []
        report(f"Soak: {arguments.minutes:g} minutes at {rate:.1f} req/s…")
        sampler_stop = threading.Event()

        def sample_memory() -> None:
            # At the end of each minute of the soak.
            for number in range(1, int(arguments.minutes) + 1):
                if sampler_stop.wait(max(0.0, soak_started + number * 60 - time.monotonic())):
                    return
                memory.append((memory_of(stack.web_workers()), memory_of(stack.celery_worker())))
                done = [s for s in load.sent if s.at < number * 60]
                report(
                    f"minute {number}: {len(done):,} requests, "
                    f"{sum(1 for s in done if s.error)} errors, web {memory[-1][0]:.0f} MB, "
                    f"worker {memory[-1][1]:.0f} MB"
                )

        soak_started = time.monotonic()
        sampler = threading.Thread(target=sample_memory, daemon=True)
        sampler.start()
        sent, seconds = load.run(arguments.threads, int(arguments.minutes) * 60, rate, seed=2)
        sampler.join(timeout=30)
        sampler_stop.set()
        stack.check()

        report(f"Waiting for the worker to process {len(load.uploads)} uploads…")
        upload_counts, upload_failures = processed_uploads(
            base, load.uploads, arguments.upload_wait
        )
        rows = minutes_of(sent, memory)
        lines = verdicts(sent, rows, upload_counts, len(load.uploads), upload_failures)
        errors = [s.error for s in sent if s.error] + upload_failures
        failed = bool(errors)
    finally:
        stack.stop()
        connection.close()
        try:
            buckets.remove()
        finally:
            if moto:
                moto.stop()

    context = {
        "database": urlsplit(url).path.lstrip("/"),
        "synthetic_cases": total,
        "web_workers": arguments.web_workers,
        "threads": arguments.threads,
        "authors": arguments.authors,
        "peak_per_second": peak,
        "rate": rate,
        "achieved_per_second": len(sent) / seconds if seconds else 0.0,
        "minutes": int(arguments.minutes),
        "edit_conflicts_retried": load.conflicts,
        "by_kind": {kind: sum(1 for s in sent if s.kind == kind) for kind, _ in MIX},
    }
    if arguments.json:
        uploads = {"sent": len(load.uploads), **upload_counts}
        print(as_json(context, errors, rows, uploads, lines))
    else:
        print(
            f"\nPostgreSQL {context['database']}, {total:,} synthetic cases; gunicorn "
            f"{arguments.web_workers} sync workers (not recycled), Celery worker concurrency 1, "
            f"beat; Redis cache {arguments.cache_url}, broker {arguments.broker_url}; S3 at "
            f"{endpoint}. {arguments.threads} client threads on the same cores."
        )
        if peak is not None:
            print(f"Peak {peak:.1f} req/s over {arguments.peak_seconds:g} s; ", end="")
        print(
            f"soak at {rate:.1f} req/s for {int(arguments.minutes)} minutes, achieved "
            f"{context['achieved_per_second']:.1f} req/s: "
            + ", ".join(f"{n:,} {kind}" for kind, n in context["by_kind"].items())
            + f"; {load.conflicts} edits retried after a 412.\n"
        )
        print(format_minutes(rows))
        print()
        if errors:
            print(f"First errors ({len(errors)} in all):")
            for error in errors[:SHOWN_ERRORS]:
                print(f"  {error}")
            print(f"Process logs: {folder}\n")
        print(format_verdicts(lines))
        print(
            "\nOnly the errors decide the exit status: latency and memory depend on what else"
            " runs on the machine. Memory: resident MB summed over gunicorn's workers and over the"
            " Celery worker's processes, from the end of minute 1 to the end."
        )
    if not failed:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
