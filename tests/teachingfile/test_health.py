"""/healthz and /readyz: what each touches, and how /readyz reports a dependency that fails."""

from __future__ import annotations

import os
import socket

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connections

CHECKS = {"database", "cache", "broker", "storage"}


class UnreachableStorage(FileSystemStorage):
    def exists(self, name):
        raise OSError("bucket did not answer")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assert_only_failing(response, failing: str) -> dict:
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "failing"
    assert set(body["checks"]) == CHECKS
    assert body["checks"][failing]["status"] == "failing"
    assert body["checks"][failing]["error"]
    assert {name for name, check in body["checks"].items() if check["status"] == "ok"} == (
        CHECKS - {failing}
    )
    return body["checks"][failing]


def test_healthz_answers_ok_without_touching_the_database_or_a_session(client):
    # No `db` fixture: a query would fail the test.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_readyz_answers_ok_with_every_check_and_its_time(client, db):
    response = client.get("/readyz")
    body = response.json()

    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert check["ms"] >= 0
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_readyz_reports_tasks_run_inline_as_ok_without_a_broker(client, db, settings):
    settings.CELERY_BROKER_URL = ""

    broker = client.get("/readyz").json()["checks"]["broker"]

    assert broker["status"] == "ok"
    assert broker["mode"] == "inline"


@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL")
def test_readyz_reaches_a_real_broker(client, db, settings):
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]

    broker = client.get("/readyz").json()["checks"]["broker"]

    assert broker == {"status": "ok", "ms": broker["ms"]}


def test_a_cache_that_is_down_fails_readyz(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "teachingfile.cache.ForgivingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    check = assert_only_failing(client.get("/readyz"), "cache")

    assert "read back" in check["error"]


def test_a_broker_that_is_down_fails_readyz_without_showing_its_password(client, db, settings):
    settings.CELERY_BROKER_URL = f"redis://worker:hunter2-secret@127.0.0.1:{closed_port()}/0"

    response = client.get("/readyz")

    check = assert_only_failing(response, "broker")
    assert check["ms"] < 2500
    assert b"hunter2" not in response.content


@pytest.mark.parametrize("which", ["default", "private"])
def test_a_storage_that_fails_fails_readyz(client, db, settings, which):
    settings.STORAGES = {
        **settings.STORAGES,
        which: {"BACKEND": f"{__name__}.UnreachableStorage", "OPTIONS": {}},
    }

    check = assert_only_failing(client.get("/readyz"), "storage")

    assert check["error"] == "OSError: bucket did not answer"


def test_a_database_that_refuses_connections_fails_readyz(client, db, monkeypatch):
    def refuse(self):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:  # undone before the test database is torn down
        patch.setattr(type(connections["default"]), "ensure_connection", refuse)
        response = client.get("/readyz")

    check = assert_only_failing(response, "database")

    assert check["error"] == "OperationalError: connection refused"


def test_a_check_that_hangs_is_cut_off_after_its_time(client, db, monkeypatch):
    import threading

    from teachingfile import health

    release = threading.Event()
    monkeypatch.setattr(health, "CHECK_SECONDS", 0.3)
    # The others answer at once, so that only the hanging one can miss so short a time.
    for name in CHECKS - {"storage"}:
        monkeypatch.setitem(health.CHECKS, name, lambda: "ok")
    monkeypatch.setitem(health.CHECKS, "storage", lambda: release.wait(5) and "ok")
    try:
        check = assert_only_failing(client.get("/readyz"), "storage")
    finally:
        release.set()

    assert "no answer within 0.3 s" in check["error"]


def test_the_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_errors_never_show_credentials_of_a_url():
    from teachingfile.health import safe_error

    text = safe_error(ConnectionError("cannot reach redis://user:pa55@cache.example.org:6379/0"))

    assert "pa55" not in text
    assert "redis://***@cache.example.org" in text
