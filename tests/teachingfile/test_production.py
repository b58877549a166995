"""The production stack, as `make serve` runs it: gunicorn, a Celery worker and beat from the
Procfile, with DEBUG off, over PostgreSQL, Redis and an S3 server — and a second gunicorn beside
it over the same services, as when an institution runs several instances.

These start real processes over the suite's own PostgreSQL test database, so they run where CI
runs its PostgreSQL pass (DATABASE_URL and CELERY_BROKER_URL set); the SQLite pass skips them.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connections
from PIL import Image

from accounts.services import create_token
from cases.models import Study
from tests.conftest import _database_url_of_the_test_database
from tests.factories import PASSWORD, make_case, make_user

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def needs_the_real_services():
    if not os.environ.get("CELERY_BROKER_URL") or connections["default"].vendor != "postgresql":
        pytest.skip("needs PostgreSQL and CELERY_BROKER_URL; .ci/run runs it in its second pass")


def production_environment(tmp_path: Path, storage: dict[str, str]) -> dict[str, str]:
    """The documented production environment (README → Deployment), on this machine's services."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "COV_"))
    }
    environ.update(
        {
            "PATH": f"{BIN}{os.pathsep}{environ.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": "teachingfile.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(free_port()),
            "DATABASE_URL": _database_url_of_the_test_database(),
            "CELERY_QUEUE": f"production-{uuid.uuid4().hex[:8]}",
            "STATIC_ROOT": str(tmp_path / "static"),
            "LOG_FORMAT": "json",
            "WEB_CONCURRENCY": "2",
            "CELERY_CONCURRENCY": "1",
            "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"),
            "API_THROTTLE_TOKEN": "3/minute",
            **storage,
        }
    )
    return environ


class Browser:
    """A client that keeps its cookies itself: the site's cookies are `Secure`, and this one
    talks plain HTTP to gunicorn as nginx does, saying `X-Forwarded-Proto: https`."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, **options) -> requests.Response:
        headers = {"X-Forwarded-Proto": "https", **options.pop("headers", {})}
        response = requests.request(
            method,
            url,
            headers=headers,
            cookies=self.cookies,
            allow_redirects=False,
            timeout=30,
            **options,
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, url: str, **options) -> requests.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options) -> requests.Response:
        return self.request("POST", url, **options)

    def sign_in(self, base: str, username: str, password: str) -> None:
        form = self.get(f"{base}/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        answer = self.post(
            f"{base}/accounts/login/",
            data={"login": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Origin": base.replace("http://", "https://")},
        )
        assert answer.status_code == 302, re.findall(
            r"(?s)<ul class=\"errorlist.{0,300}|<div[^>]*alert.{0,300}", answer.text
        )


class Processes:
    """Processes started for one test, each in a group of its own, and their output."""

    def __init__(self, tmp_path: Path, environ: dict[str, str]) -> None:
        self.tmp_path = tmp_path
        self.environ = environ
        self.started: list[tuple[subprocess.Popen, Path]] = []

    def start(self, name: str, command: list[str], **environ: str) -> Path:
        log = self.tmp_path / f"{name}.log"
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.environ, **environ},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append((process, log))
        return log

    def output(self) -> str:
        return "\n".join(log.read_text(errors="replace") for _, log in self.started)

    def stop(self) -> None:
        for process, _ in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, _ in self.started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_until_ready(base: str, processes: Processes, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process, _ in processes.started:
            if process.poll() is not None:
                pytest.fail(f"a process stopped at start:\n{processes.output()[-4000:]}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{base} did not start:\n{processes.output()[-4000:]}")


@pytest.fixture
def production(tmp_path, object_storage):
    """`make serve`'s processes (Procfile: web, worker, beat through honcho) and a second web
    instance on another port, over the same database, Redis, broker and buckets."""
    environ = production_environment(tmp_path, object_storage.environ)
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )
    assert collected.returncode == 0, collected.stderr
    processes = Processes(tmp_path, environ)
    first, second = free_port(), free_port()
    processes.start(
        "honcho", [str(BIN / "honcho"), "start", "--procfile", "Procfile"], PORT=str(first)
    )
    processes.start(
        "second-web",
        [str(BIN / "gunicorn"), "--config", "python:teachingfile.gunicorn", "teachingfile.wsgi"],
        PORT=str(second),
    )
    try:
        bases = f"http://127.0.0.1:{first}", f"http://127.0.0.1:{second}"
        for base in bases:
            wait_until_ready(base, processes)
        yield bases, processes
    finally:
        processes.stop()
        # The processes' connections are closed; the test database can be flushed and dropped.


def png_bytes() -> bytes:
    image = Image.new("L", (96, 64), 30)
    image.paste(200, (30, 10, 60, 50))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def logged_lines(output: str) -> list[dict]:
    """The JSON lines the processes logged (honcho prefixes each with its time and process)."""
    lines = (line.split("| ", 1)[-1].strip() for line in output.splitlines())
    return [json.loads(line) for line in lines if line.startswith("{")]


def through_proxy(url: str) -> str:
    """The site's own absolute URLs say https (it is behind a proxy); the test talks plain HTTP."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="http")) if parts.hostname == "127.0.0.1" else url


def test_the_production_stack_reports_ready_on_every_service(production):
    (base, _), processes = production
    ready = requests.get(f"{base}/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert {name: check["status"] for name, check in checks.items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "storage": "ok",
    }
    # honcho stops them all when one stops: the web server, the worker and beat are all up.
    assert all(process.poll() is None for process, _ in processes.started)
    assert "beat: Starting" in processes.output()
    assert requests.get(f"{base}/healthz", timeout=5).json() == {"status": "ok"}


def test_the_production_stack_processes_an_upload_and_serves_it_from_the_bucket(
    production, object_storage
):
    (base, other), processes = production
    author = make_user("prod-author", "author")
    case = make_case(author=author, published=False)
    study = Study.objects.create(case=case, modality="CR", label="Radiograph")
    _, key = create_token(author, name="workstation")
    token = {"Authorization": f"Token {key}"}
    client = Browser()

    uploaded = client.post(
        f"{base}/api/v1/cases/{case.pk}/figures/",
        data={"study": study.pk, "label": "Fig 1"},
        files={"file": ("radiograph.png", png_bytes(), "image/png")},
        headers=token,
    )
    assert uploaded.status_code == 202, uploaded.text
    status_url = f"{other}{urlsplit(uploaded.json()['status_url']).path}"

    # The worker processes it; the other instance reports it ready.
    deadline = time.monotonic() + 60
    while (figure := client.get(status_url, headers=token).json())["status"] != "ready":
        assert time.monotonic() < deadline, f"not processed:\n{processes.output()[-4000:]}"
        time.sleep(0.5)

    # A token client, without cookies, follows the signed URL to a presigned one on the bucket.
    thumbnail = Browser().get(through_proxy(figure["images"]["thumbnail"]))
    assert thumbnail.status_code == 302
    presigned = thumbnail.headers["Location"]
    assert presigned.startswith(object_storage.endpoint)
    picture = requests.get(presigned, timeout=10)
    assert picture.status_code == 200
    assert picture.content[:3] == b"\xff\xd8\xff"

    # Every request and task logged one JSON line, with its request id; no signature in full.
    lines = logged_lines(processes.output())
    request_id = uploaded.headers["X-Request-ID"]
    [request] = [line for line in lines if line.get("request_id") == request_id and "path" in line]
    assert (request["method"], request["status"]) == ("POST", 202)
    tasks = [line for line in lines if line.get("request_id") == request_id and "task" in line]
    assert tasks and {task["state"] for task in tasks} == {"SUCCESS"}
    assert "signature=" not in processes.output()
    assert "X-Amz-Signature" not in processes.output()


def test_two_instances_share_sign_in_throttles_and_fresh_pages(production):
    (first, second), _ = production
    reader = make_user("shared-reader", "trainee")
    # The suite hashes passwords quickly (MD5); the servers accept only production's hashers.
    reader.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    reader.save(update_fields=["password"])
    # DEBUG off makes e-mail verification mandatory: a confirmed address signs in.
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)

    browser = Browser()
    browser.sign_in(first, "shared-reader", PASSWORD)
    profile = browser.get(f"{second}/accounts/profile/")
    assert profile.status_code == 200
    assert "shared-reader" in profile.text

    # The token endpoint's throttle (3 a minute here) counts across both instances.
    answers = [
        Browser()
        .post(
            f"{base}/api/v1/auth/token/",
            json={"username": "shared-reader", "password": "wrong", "name": "x"},
        )
        .status_code
        for base in (first, second, first, second)
    ]
    assert answers[:3] == [401, 401, 401]
    assert answers[3] == 429

    # A page cached on one instance is fresh there after a change made through the other.
    case = make_case(author=make_user("page-author", "author"), published=True)
    page = f"{second}{case.get_absolute_url()}"
    assert "the sharpest sign" not in Browser().get(page).text
    assert Browser().get(page).status_code == 200
    commenter = make_user("commenter", "trainee")
    _, key = create_token(commenter, name="phone")
    posted = Browser().post(
        f"{first}/api/v1/cases/{case.pk}/comments/",
        json={"body": "Note the sharpest sign on the lateral view."},
        headers={"Authorization": f"Token {key}"},
    )
    assert posted.status_code == 201, posted.text
    assert "the sharpest sign" in Browser().get(page).text
