"""`make serve` refuses an insecure configuration before anything starts, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from teachingfile.preflight import problems_with, warnings_for

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "teaching.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def test_the_documented_production_environment_has_no_problem():
    assert problems_with(PRODUCTION) == []


@pytest.mark.parametrize(
    ("change", "variable"),
    [
        ({"DEBUG": None}, "DEBUG"),
        ({"DEBUG": "1"}, "DEBUG"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"EMAIL_HOST": None}, "EMAIL_HOST"),
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL"),
        ({"CACHE_URL": None}, "CACHE_URL"),
    ],
)
def test_each_missing_or_insecure_variable_is_named(change, variable):
    environ = {**PRODUCTION, **change}
    environ = {key: value for key, value in environ.items() if value is not None}
    assert [name for name, _ in problems_with(environ)] == [variable]


def test_make_serve_refuses_to_start_in_debug_and_says_what_to_set():
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "EMAIL_HOST", "DATABASE_URL"}
    }
    environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environ.get('PATH', '')}"
    refused = subprocess.run(
        ["make", "--no-print-directory", "serve", f"PYTHON={sys.executable}"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert "DEBUG: set DEBUG=0" in refused.stderr
    assert "SECRET_KEY: set SECRET_KEY" in refused.stderr
    assert "EMAIL_HOST" in refused.stderr
    # Nothing was started or changed: the refusal comes before migrations and the processes.
    assert "honcho" not in refused.stdout + refused.stderr
    assert "Applying" not in refused.stdout


def test_the_procfile_runs_a_web_server_a_worker_and_beat():
    entries = dict(
        line.split(":", 1)
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(entries) == {"web", "worker", "beat"}
    assert "gunicorn" in entries["web"] and "teachingfile.gunicorn" in entries["web"]
    assert "celery -A teachingfile worker" in entries["worker"]
    assert "celery -A teachingfile beat" in entries["beat"]


def test_gunicorn_reads_its_bind_and_workers_from_the_environment(monkeypatch):
    import importlib

    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    import teachingfile.gunicorn as config

    config = importlib.reload(config)
    assert config.bind == "127.0.0.1:8123"
    assert config.workers == 3
    assert config.accesslog is None


def test_serving_without_a_trusted_proxy_is_warned_of_but_not_refused():
    assert [name for name, _ in warnings_for(PRODUCTION)] == ["TRUSTED_PROXIES"]
    assert warnings_for({**PRODUCTION, "TRUSTED_PROXIES": "127.0.0.1"}) == []
    assert problems_with(PRODUCTION) == []
