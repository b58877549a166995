"""Structured logs: a request id on every record, and one line per request.

The request id comes from the client's `X-Request-ID` when it looks like one (a proxy or load
balancer in front usually sets it), or is made here; it is sent back in the response's
`X-Request-ID`, kept in a context variable for the length of the request, and carried into the
Celery tasks the request queues (teachingfile/celery.py), so that one id ties together every line
a reader's click caused.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

requests_logger = logging.getLogger("teachingfile.requests")


def new_request_id() -> str:
    return uuid.uuid4().hex


def safe_request_id(supplied: str | None) -> str:
    """The client's id when it is one we can log and echo as it is, else a new one."""
    if supplied and _SAFE_REQUEST_ID.match(supplied):
        return supplied
    return new_request_id()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get() or "-"
        return True


class CeleryTaskOutcomeFilter(logging.Filter):
    """Drops Celery's own "Task … succeeded / failed / retry" lines: teachingfile.celery logs
    one line per task with the same facts, the request id and any traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        data = getattr(record, "data", None)
        return not (isinstance(data, dict) and "id" in data and "name" in data)


class StructuredFormatter(JsonFormatter):
    """JSON, one object a line. Leaves out the `request` object Django attaches to its request
    records: its text is the full address, query string (and so any URL signature) included."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "data"])
        kwargs.setdefault("timestamp", True)
        super().__init__(*args, **kwargs)


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in reader's id, when something in the request already looked them up: the
    log line never costs a session read of its own (health probes have no session at all)."""
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class RequestLogMiddleware:
    """Outermost middleware: sets the request id and logs one line when the answer leaves.

    The line names the path without its query string: query strings carry URL signatures.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = safe_request_id(request.headers.get(HEADER))
        token = request_id_var.set(request_id)
        request.request_id = request_id
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[HEADER] = request_id
            return response
        finally:
            duration = round((time.perf_counter() - started) * 1000, 1)
            requests_logger.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                status,
                duration,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": duration,
                    "user_id": _user_id(request),
                },
            )
            request_id_var.reset(token)


def logging_config(*, log_format: str, level: str) -> dict:
    """Settings' LOGGING: JSON lines (`json`) or readable text (`text`) on standard error."""
    if log_format not in {"json", "text"}:
        raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {log_format!r}.")
    formatters = {
        "json": {
            "()": "teachingfile.logs.StructuredFormatter",
            "format": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    }
    quiet = {"level": "WARNING"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "teachingfile.logs.RequestIdFilter"},
            "celery_task_outcome": {"()": "teachingfile.logs.CeleryTaskOutcomeFilter"},
        },
        "formatters": {log_format: formatters[log_format]},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # Its "Not Found: /path" warnings would make a second line for every 4xx request;
            # ours has the status. Server errors still come with their traceback.
            "django.request": {"level": "ERROR"},
            # Their debug lines hold whole presigned URLs, signature included.
            "botocore": quiet,
            "boto3": quiet,
            "s3transfer": quiet,
            "urllib3": quiet,
            "celery.app.trace": {"filters": ["celery_task_outcome"]},
        },
    }
