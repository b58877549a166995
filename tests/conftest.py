"""Personas and fixtures shared by the whole suite; plain factories live in factories.py."""

from __future__ import annotations

import importlib
import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from PIL import Image, ImageDraw
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from accounts.models import Institution, User
from cases import media_urls
from cases.filters import body_systems
from cases.models import Case, CaseAuthor, System
from teachingfile.celery import app as celery_app
from tests.browser.accessibility import audited_navigation
from tests.browser.pages import CHROMIUM, CHROMIUM_ARGS
from tests.factories import make_case, make_user
from tests.media import SigningClock
from tests.object_storage import ObjectStorage, closed_port_url, new_object_storage, s3_server


def pytest_configure(config):
    """With a Redis cache (CACHE_URL, as in CI), each xdist worker gets a Redis database of its
    own, so that parallel workers, whose test databases reuse the same ids, never read each
    other's cached pages, and clearing the cache between tests touches only this worker."""
    from django.conf import settings

    cache = settings.CACHES["default"]
    if not cache["BACKEND"].endswith("RedisCache"):
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    location = urlsplit(cache["LOCATION"])
    database = int(location.path.strip("/") or 0)
    number = (database + 1 + int(worker or 0)) % 16
    cache["LOCATION"] = urlunsplit(location._replace(path=f"/{number}"))
    # A worker process started by a test reads the same cache as the test.
    os.environ["CACHE_URL"] = cache["LOCATION"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: no cached page, throttle count or version left
    over from the test before (nor the body systems the filters keep in memory)."""
    cache.clear()
    body_systems.forget()


@pytest.fixture(autouse=True)
def page_versions_bump_at_once(monkeypatch):
    """A test's transaction never commits, so a page version bumped "on commit" would never
    change and a cached page would outlive the change the test just made. Bump at once, as the
    commit of a real request would."""
    from types import SimpleNamespace

    from cases import freshness

    monkeypatch.setattr(
        freshness, "transaction", SimpleNamespace(on_commit=lambda bump, **options: bump())
    )


@pytest.fixture(autouse=True)
def tasks_run_inline(request):
    """Tasks run inline in tests, except those that exercise a real worker and broker."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def _database_url_of_the_test_database() -> str:
    settings_dict = connections["default"].settings_dict
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture
def celery_worker_process(request, settings, tmp_path):
    """A real Celery worker on the broker, reading a queue of its own, over the test database.

    Mark the test `worker` and `django_db(transaction=True)`, so that the worker sees its rows.
    Yields `(process, log)`: the worker's `Popen` and the path of its log. With the
    `object_storage` fixture (asked for first), the worker keeps its files in the same buckets.
    """
    object_storage = (
        request.getfixturevalue("object_storage").environ
        if "object_storage" in request.fixturenames
        else {}
    )
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker or connections["default"].vendor != "postgresql":
        pytest.skip(
            "needs CELERY_BROKER_URL and PostgreSQL; .ci/run runs it on PostgreSQL with Redis"
        )
    queue = f"test-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "teachingfile",
            "worker",
            "--pool=solo",
            "--loglevel=info",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
        ],
        env={
            **os.environ,
            "DATABASE_URL": _database_url_of_the_test_database(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "CELERY_QUEUE": queue,
            **object_storage,
        },
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        yield process, log
    finally:
        process.terminate()
        process.wait(timeout=30)
        celery_app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


# --- Object storage (S3) ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3 server: `S3_TEST_ENDPOINT_URL` (CI's moto_server), else moto started in-process."""
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def object_storage(settings, s3_endpoint) -> Iterator[ObjectStorage]:
    """Both storages on S3, in two fresh buckets, configured as S3_* variables configure them.

    `object_storage.environ` holds those variables, for a server or worker started by the test.
    """
    storage = new_object_storage(s3_endpoint)
    storage.create()
    settings.MEDIA_ACCEL = ""
    settings.STORAGES = {**settings.STORAGES, **storage.storages()}
    try:
        yield storage
    finally:
        storage.remove()


@pytest.fixture
def object_storage_down(settings, object_storage) -> ObjectStorage:
    """The site's storages on an S3 address where nothing answers; the returned buckets (and
    their client) are the real ones, to check that nothing was written."""
    settings.STORAGES = {
        **settings.STORAGES,
        **object_storage.storages(S3_ENDPOINT_URL=closed_port_url()),
    }
    return object_storage


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashers are slow by design; tests need passwords that work, not ones that resist.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock(monkeypatch) -> type[SigningClock]:
    """The clock that signs media addresses, set to START; move it with `clock.now = …`."""
    class Clock(SigningClock):
        pass

    monkeypatch.setattr(media_urls, "now", lambda: Clock.now)
    return Clock


@pytest.fixture
def institution(db) -> Institution:
    return Institution.objects.create(name="St Elsewhere Hospital", slug="st-elsewhere")


@pytest.fixture
def other_institution(db) -> Institution:
    return Institution.objects.create(name="General Infirmary", slug="general-infirmary")


@pytest.fixture
def author(db, institution) -> User:
    return make_user("author", "author", display_name="Dr Ada Author", institution=institution)


@pytest.fixture
def coauthor(db) -> User:
    return make_user("coauthor", "author", display_name="Dr Co Author")


@pytest.fixture
def reviewer(db) -> User:
    return make_user("reviewer", "reviewer", "author", display_name="Dr Rita Reviewer")


@pytest.fixture
def editor(db) -> User:
    return make_user("editor", "editor", display_name="Dr Ed Editor")


@pytest.fixture
def moderator(db) -> User:
    return make_user("moderator", "moderator", display_name="Mo Moderator")


@pytest.fixture
def trainee(db, institution) -> User:
    return make_user("trainee", "trainee", display_name="Tess Trainee", institution=institution)


@pytest.fixture
def outsider(db, other_institution) -> User:
    return make_user("outsider", "trainee", institution=other_institution)


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture
def case_factory(db):
    return make_case


@pytest.fixture
def radiograph(tmp_path) -> Path:
    """A small synthetic radiograph (a bright bar on dark), as a JPEG file to upload."""
    image = Image.new("L", (320, 320), 20)
    ImageDraw.Draw(image).rounded_rectangle((120, 20, 200, 300), radius=30, fill=210)
    path = tmp_path / "hip-radiograph.jpg"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


# --- Browser tests (Playwright with the system Chromium) ---------------------------------------


class SingleThreadedLiveServerThread(LiveServerThread):
    """Serves one request at a time.

    With SQLite in memory the live server shares the test's database connection, and a page
    that loads several figure thumbnails at once would use it from several threads at once.
    """

    def _create_server(self, connections_override=None):
        return WSGIServer(
            (self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False
        )


@pytest.fixture
def live_server(transactional_db):
    # Transactional tests flush the tables, and with them the body systems a data migration
    # wrote; put them back, as `make_user` does for the role groups.
    systems = importlib.import_module("cases.migrations.0002_systems").SYSTEMS
    for code, name in systems:
        System.objects.get_or_create(code=code, defaults={"name": name})
    server = LiveServer("localhost", start=False)
    server.thread = SingleThreadedLiveServerThread(
        "localhost",
        server.thread.static_handler,
        connections_override=server.thread.connections_override,
    )
    server.thread.daemon = True
    server.start()
    yield server
    server.stop()


@pytest.fixture
def browser(request):
    # Every page a journey (tests/browser/) opens is audited with axe-core; the viewer's
    # harness and the API's documentation pages elsewhere are not the site's pages.
    journey = request.node.path.parent.name == "browser"
    with sync_playwright() as playwright, audited_navigation(enabled=journey):
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        # While Playwright's loop runs, the test's own ORM calls get connections of their own
        # (Django keys connections by context there); close them, or PostgreSQL cannot drop
        # the test database at the end.
        connections.close_all()
        chromium.close()


# --- The personas of the API's study and figure tests ------------------------------------------


@pytest.fixture
def another_author(db) -> User:
    return make_user("another", "author", display_name="Dr Another Author")


@pytest.fixture
def api_personas(author, coauthor, another_author, trainee, editor) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "trainee": trainee,
        "author": author,
        "coauthor": coauthor,
        "another_author": another_author,
        "editor": editor,
    }


@pytest.fixture
def two_author_draft(author, coauthor) -> Case:
    """A draft by `author` with `coauthor`."""
    case = make_case(author=author, published=False)
    CaseAuthor.objects.create(case=case, user=coauthor, position=1)
    return case
