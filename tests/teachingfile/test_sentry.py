"""Error reports go to the Sentry server SENTRY_DSN names, only when it is set, and without
query strings."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

from teachingfile.sentry import init_sentry, strip_breadcrumb_query, strip_query_strings


@pytest.fixture
def sentry_server():
    """A stand-in for Sentry on 127.0.0.1 that keeps the body of every POST it receives."""
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            encoding = self.headers.get("Content-Encoding", "")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "deflate":
                body = zlib.decompress(body)
            received.append(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


SCRIPT = """
import logging
import django
django.setup()
import sentry_sdk
from django.conf import settings
assert settings.SENTRY_ENABLED
logging.getLogger("teachingfile.example").error("sentry-probe: the figure could not be made")
sentry_sdk.flush(timeout=10)
"""


def test_an_error_logged_with_a_dsn_reaches_the_sentry_server(sentry_server):
    port, received = sentry_server
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")}
    environment.update(
        SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/42",
        SENTRY_ENVIRONMENT="staging-test",
        DJANGO_SETTINGS_MODULE="teachingfile.settings",
    )

    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    envelopes = b"\n".join(received)
    assert b"sentry-probe: the figure could not be made" in envelopes
    assert b"staging-test" in envelopes


def test_without_a_dsn_sentry_stays_off():
    assert init_sentry({}) is False
    assert init_sentry({"SENTRY_DSN": ""}) is False
    assert settings.SENTRY_ENABLED is (bool(os.environ.get("SENTRY_DSN")))


def test_query_strings_are_cut_from_reports_and_breadcrumbs():
    event = {
        "request": {
            "url": "https://teaching.example.org/media/x.jpg?signature=abc",
            "query_string": "signature=abc",
        }
    }
    crumb = {
        "data": {
            "url": "https://bucket.s3.example.org/x.jpg?X-Amz-Signature=abc",
            "http.query": "X-Amz-Signature=abc",
        }
    }

    assert strip_query_strings(event) == {
        "request": {"url": "https://teaching.example.org/media/x.jpg"}
    }
    assert strip_breadcrumb_query(crumb) == {"data": {"url": "https://bucket.s3.example.org/x.jpg"}}
