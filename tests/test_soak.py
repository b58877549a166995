"""benchmarks/soak.py: its options, what it counts as an error, its table and verdicts on
made-up numbers. No gunicorn here: CI runs the soak itself after the PostgreSQL suite."""

from __future__ import annotations

import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from benchmarks import soak
from tests.object_storage import closed_port_url


def test_a_default_run_soaks_for_30_minutes_at_half_the_peak():
    arguments = soak.parse_arguments([])

    assert arguments.minutes == 30
    assert arguments.fraction == 0.5
    assert arguments.rate is None
    assert arguments.database == "tf_soak"


def test_a_soak_shorter_than_two_minutes_is_refused():
    with pytest.raises(SystemExit):
        soak.parse_arguments(["--minutes", "1"])


def test_the_soak_runs_the_procfile_s_three_processes():
    commands = soak.procfile_commands()

    assert set(commands) == {"web", "worker", "beat"}
    assert commands["web"].startswith("gunicorn --config python:teachingfile.gunicorn")


class TinySite(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        status = 500 if self.path.startswith("/broken") else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), TinySite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server_close()


def test_a_5xx_or_no_answer_is_an_error_and_a_200_is_not(tiny_site):
    load = soak.Load(tiny_site, ["/cases/1/fine/", "/broken/"], authors=[])
    rng = random.Random(1)
    with requests.Session() as session:
        for _ in range(20):
            load.one(session, "case page", rng, started=0.0)
        nowhere = soak.Load(closed_port_url(), ["/"], authors=[])
        nowhere.one(session, "case page", rng, started=0.0)

    broken = [sent for sent in load.sent if sent.error]
    assert broken and all(sent.status == 500 for sent in broken)
    assert all(sent.error.startswith("500 GET /broken/") for sent in broken)
    assert [sent.status for sent in load.sent if not sent.error] == [200] * (20 - len(broken))
    [refused] = nowhere.sent
    assert refused.status == 0
    assert "ConnectionError" in refused.error


def sent(at: float, milliseconds: float, status: int = 200) -> soak.Sent:
    return soak.Sent(at, "case page", milliseconds, status, "" if status == 200 else "boom")


def test_minutes_show_each_minute_s_requests_latency_errors_and_memory():
    requests_sent = [sent(second, 10.0) for second in range(60)]
    requests_sent += [sent(60 + second, 30.0) for second in range(30)]
    requests_sent.append(sent(100, 5.0, status=502))

    rows = soak.minutes_of(requests_sent, [(300.0, 200.0), (310.0, 205.0)])

    assert [(row.minute, row.requests, row.errors) for row in rows] == [(1, 60, 0), (2, 31, 1)]
    assert rows[0].p95_ms == 10.0
    assert rows[1].p95_ms == 30.0
    assert rows[1].web_mb == 310.0
    table = soak.format_minutes(rows)
    assert "p95 ms" in table
    assert table.splitlines()[-1].split() == ["2", "31", "0.5", "30", "30", "30", "1", "310", "205"]


def test_verdicts_judge_errors_drift_memory_and_uploads():
    quiet = [sent(second * 2, 10.0) for second in range(90)]
    rows = soak.minutes_of(quiet, [(300.0, 200.0), (305.0, 210.0), (320.0, 260.0)])

    lines = soak.verdicts(quiet, rows, {"ready": 4, "failed": 1}, 5, ["upload x: failed"])

    verdict = {line.what: line.met for line in lines}
    assert verdict == {
        "errors": False,  # the failed upload
        "p95 drift": True,
        "gunicorn workers' memory": True,  # +6.7%
        "Celery worker's memory": False,  # +30%
        "uploads processed": False,
    }
    assert "1 of 90 requests" in lines[0].measured
    text = soak.format_verdicts(lines)
    assert [line.rsplit(": ", 1)[1] for line in text.splitlines()] == [
        "MISSED",
        "MET",
        "MET",
        "MISSED",
        "MISSED",
    ]


def test_json_carries_the_context_the_minutes_the_uploads_and_the_verdicts():
    quiet = [sent(second, 10.0) for second in range(120)]
    rows = soak.minutes_of(quiet, [(300.0, 200.0), (301.0, 201.0)])
    lines = soak.verdicts(quiet, rows, {"ready": 2}, 2, [])

    document = json.loads(soak.as_json({"rate": 2.0}, [], rows, {"sent": 2, "ready": 2}, lines))

    assert document["rate"] == 2.0
    assert [row["minute"] for row in document["minutes_table"]] == [1, 2]
    assert document["uploads"] == {"sent": 2, "ready": 2}
    assert {line["verdict"] for line in document["verdicts"]} == {"MET"}
