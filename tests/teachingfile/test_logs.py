"""Structured logs: one JSON line per request and per task, tied together by the request id."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import re
import time

import pytest
from celery import shared_task
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from cases.tasks import fold_case_views
from teachingfile.celery import add_request_id_header
from teachingfile.logs import logging_config, request_id_var

SIGNATURE = "sig-0123456789abcdef"


def ok(request):
    return HttpResponse(f"hello {request.user.is_authenticated}")


def queue_a_task(request):
    fold_case_views.delay()
    return HttpResponse("queued")


def fail(request):
    raise ValueError("the view went wrong")


@shared_task(name="tests.teachingfile.failing_task")
def failing_task():
    raise RuntimeError("the task went wrong")


urlpatterns = [
    path("ok/", ok),
    path("queue/", queue_a_task),
    path("fail/", fail),
]


@pytest.fixture
def json_log(settings):
    """The production handler (JSON lines) on the root logger, writing to a buffer; returns a
    function that gives the records written so far."""
    settings.ROOT_URLCONF = __name__
    config = logging_config(log_format="json", level="INFO")
    configurator = logging.config.DictConfigurator(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configurator.configure_formatter(config["formatters"]["json"]))
    handler.addFilter(configurator.configure_filter(config["filters"]["request_id"]))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def records(logger: str | None = None) -> list[dict]:
        lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
        return [line for line in lines if logger is None or line["logger"] == logger]

    records.text = stream.getvalue
    yield records
    root.removeHandler(handler)
    root.setLevel(level)


def test_a_request_logs_one_json_line_without_its_query_string(client, author, json_log):
    client.force_login(author)

    response = client.get(f"/ok/?signature={SIGNATURE}&page=2", HTTP_X_REQUEST_ID="abcd-1234.ef_")

    [line] = json_log("teachingfile.requests")
    assert line["method"] == "GET"
    assert line["path"] == "/ok/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["user_id"] == author.pk
    assert line["request_id"] == response["X-Request-ID"] == "abcd-1234.ef_"
    assert line["level"] == "INFO"
    assert "timestamp" in line
    assert SIGNATURE not in json_log.text()


def test_an_anonymous_request_logs_no_user(client, db, json_log):
    client.get("/ok/")

    [line] = json_log("teachingfile.requests")
    assert line["user_id"] is None


def test_a_page_not_found_is_one_line_too(client, db, json_log, settings):
    settings.ROOT_URLCONF = "teachingfile.urls"  # the site's 404 page links to its home

    client.get("/no-such-page/?signature=x")

    assert [(line["logger"], line["status"]) for line in json_log()] == [
        ("teachingfile.requests", 404)
    ]


@pytest.mark.parametrize(
    "supplied",
    ["short", "has spaces in it", "x" * 65, "<script>alert(1)</script>", "line\nbreak-12345"],
)
def test_an_unsafe_request_id_is_replaced_by_a_new_one(client, db, json_log, supplied):
    response = client.get("/ok/", HTTP_X_REQUEST_ID=supplied)

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert json_log("teachingfile.requests")[0]["request_id"] == response["X-Request-ID"]


def test_a_request_without_an_id_gets_a_new_one_each_time(client, db, json_log):
    first = client.get("/ok/")["X-Request-ID"]
    second = client.get("/ok/")["X-Request-ID"]

    assert first != second
    assert request_id_var.get() is None  # nothing left behind once the request is answered


def test_a_task_queued_by_a_request_logs_the_same_request_id(client, db, json_log):
    response = client.get("/queue/", HTTP_X_REQUEST_ID="click-to-task-0001")

    [task] = json_log("teachingfile.tasks")
    assert task["task"] == "cases.tasks.fold_case_views"
    assert task["state"] == "SUCCESS"
    assert task["task_id"]
    assert isinstance(task["duration_ms"], float)
    assert task["request_id"] == response["X-Request-ID"] == "click-to-task-0001"
    [request] = json_log("teachingfile.requests")
    assert request["request_id"] == "click-to-task-0001"


def test_a_task_takes_its_request_id_from_the_message_header_and_forgets_it_after(db, json_log):
    fold_case_views.apply(headers={"request_id": "from-a-header-42"})

    [task] = json_log("teachingfile.tasks")
    assert task["request_id"] == "from-a-header-42"
    assert request_id_var.get() is None


def test_a_published_task_carries_the_current_request_id_in_a_header():
    headers = {}
    token = request_id_var.set("published-in-a-request")
    try:
        add_request_id_header(headers=headers)
    finally:
        request_id_var.reset(token)
    add_request_id_header(headers=(outside := {}))

    assert headers == {"request_id": "published-in-a-request"}
    assert outside == {}


def test_a_failing_task_logs_its_traceback(db, json_log):
    with pytest.raises(RuntimeError):
        failing_task.apply()

    [task] = json_log("teachingfile.tasks")
    assert task["state"] == "FAILURE"
    assert task["level"] == "ERROR"
    assert "Traceback" in task["exc_info"]
    assert "RuntimeError: the task went wrong" in task["exc_info"]


def test_an_exception_in_a_view_logs_its_traceback_and_not_the_full_address(db, json_log):
    response = Client(raise_request_exception=False).get(f"/fail/?signature={SIGNATURE}")

    assert response.status_code == 500
    [error] = json_log("django.request")
    assert error["level"] == "ERROR"
    assert "ValueError: the view went wrong" in error["exc_info"]
    assert error["request_id"] == response["X-Request-ID"]
    [request] = json_log("teachingfile.requests")
    assert request["status"] == 500
    assert SIGNATURE not in json_log.text()


@pytest.fixture
def worker_logs_json(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_logs_the_request_id_of_the_request_that_queued_the_task(
    client, settings, worker_logs_json, celery_worker_process
):
    worker, log = celery_worker_process
    settings.ROOT_URLCONF = __name__

    client.get("/queue/", HTTP_X_REQUEST_ID="through-the-broker-7")

    deadline = time.monotonic() + 120
    found = []
    while not found and time.monotonic() < deadline:
        assert worker.poll() is None, log.read_text()
        lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
        found = [
            record
            for record in map(json.loads, lines)
            if record.get("logger") == "teachingfile.tasks"
        ]
        time.sleep(0.3)
    assert found, log.read_text()
    assert found[0]["task"] == "cases.tasks.fold_case_views"
    assert found[0]["state"] == "SUCCESS"
    assert found[0]["request_id"] == "through-the-broker-7"
    # Celery's own outcome line is left out: one line per task.
    assert "succeeded in" not in log.read_text()
