"""Health probes for load balancers and orchestrators.

`/healthz` answers as long as the process does, touching nothing. `/readyz` checks what a page
needs — the database, the cache, the broker, the storages — each in a worker thread bounded to
CHECK_SECONDS, and answers 503 when any fails so that traffic goes to another instance.
Neither uses sessions or CSRF, nor is throttled, and both are reachable over plain HTTP
(settings.SECURE_REDIRECT_EXEMPT): probes usually come from inside the network.
"""

from __future__ import annotations

import contextvars
import re
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import kombu
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from cases.storage import private_storage

CHECK_SECONDS = 2.0
PROBE_NAME = "readyz-probe"
# Threads kept for the checks: a dependency that hangs holds at most these, and the probes
# after that report a timeout rather than queue without end.
_executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="readyz")
_CREDENTIALS = re.compile(r"(\w+://)[^@/\s]*@")


def check_database() -> str:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        # The check's thread is reused; it must not keep a connection of its own open.
        connection.close()
    return "ok"


def check_cache() -> str:
    # The shared cache forgives a Redis that is down (teachingfile/cache.py): a failed round
    # trip shows as the value not coming back, not as an exception.
    cache = caches["default"]
    key = f"readyz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    found = cache.get(key)
    cache.delete(key)
    if found != value:
        raise RuntimeError("value written was not read back")
    return "ok"


def check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return "inline"  # no broker: tasks run in the web process
    with kombu.Connection(url, connect_timeout=1) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1.5)
    return "ok"


def check_storage() -> str:
    for storage in (default_storage, private_storage):
        # A stat on disk, a HEAD request on S3; whether the probe exists does not matter.
        storage.exists(PROBE_NAME)
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "storage": check_storage,
}


def safe_error(error: BaseException) -> str:
    """A short description of a failure, without credentials a URL in it may carry."""
    text = f"{type(error).__name__}: {error}".strip().rstrip(":")
    return _CREDENTIALS.sub(r"\1***@", text)[:200]


def _timed(check: Callable[[], str]) -> dict:
    began = time.perf_counter()
    try:
        outcome = check()
        result = {"status": "ok"} if outcome == "ok" else {"status": "ok", "mode": outcome}
    except Exception as error:  # any failure of a dependency is a failed check
        result = {"status": "failing", "error": safe_error(error)}
    result["ms"] = round((time.perf_counter() - began) * 1000, 1)
    return result


def run_checks() -> dict[str, dict]:
    """Every check at once, each given until CHECK_SECONDS after the first started."""
    began = time.perf_counter()
    # Each in a copy of this context, so that what a check logs carries the request id.
    futures = {
        name: _executor.submit(contextvars.copy_context().run, _timed, check)
        for name, check in CHECKS.items()
    }
    results = {}
    for name, future in futures.items():
        try:
            results[name] = future.result(
                timeout=max(0.0, began + CHECK_SECONDS - time.perf_counter())
            )
        except FutureTimeout:
            future.cancel()
            results[name] = {
                "status": "failing",
                "error": f"no answer within {CHECK_SECONDS:g} s",
                "ms": round((time.perf_counter() - began) * 1000, 1),
            }
    return results


@csrf_exempt
@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@csrf_exempt
@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    failing = any(check["status"] != "ok" for check in checks.values())
    return JsonResponse(
        {"status": "failing" if failing else "ok", "checks": checks},
        status=503 if failing else 200,
    )
