import logging
import os
import sys
import time

from celery import Celery
from celery.signals import before_task_publish, task_failure, task_postrun, task_prerun

from teachingfile.logs import request_id_var

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachingfile.settings")

app = Celery("teachingfile")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id travels in this message header from the request that queued a task to the
# worker that runs it (teachingfile/logs.py).
REQUEST_ID_HEADER = "request_id"

tasks_logger = logging.getLogger("teachingfile.tasks")
# Per running task id: (context token to restore, start time, failure's exc_info or None).
_running: dict[str, list] = {}


@before_task_publish.connect
def add_request_id_header(headers=None, **kwargs) -> None:
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


def _request_id_of(task) -> str | None:
    request = task.request
    found = getattr(request, REQUEST_ID_HEADER, None)
    if not found and isinstance(getattr(request, "headers", None), dict):
        found = request.headers.get(REQUEST_ID_HEADER)
    return found


@task_prerun.connect
def start_task_log(task_id=None, task=None, **kwargs) -> None:
    # Inline (eager) tasks run inside the request and keep its id; worker tasks take the
    # header's, or none: a periodic task was not caused by any request.
    request_id = _request_id_of(task) or request_id_var.get()
    token = request_id_var.set(request_id)
    _running[task_id] = [token, time.perf_counter(), None]


@task_failure.connect
def remember_task_failure(task_id=None, exception=None, traceback=None, **kwargs) -> None:
    if task_id in _running and exception is not None:
        _running[task_id][2] = (type(exception), exception, traceback)


@task_postrun.connect
def log_task(task_id=None, task=None, state=None, **kwargs) -> None:
    running = _running.pop(task_id, None)
    if running is None:
        return
    token, started, exc_info = running
    if state is None and sys.exc_info()[1] is not None:
        # An inline task whose error propagates to its caller ends without a state, nor a
        # task_failure signal: its exception is still on its way out.
        state, exc_info = "FAILURE", sys.exc_info()
    duration = round((time.perf_counter() - started) * 1000, 1)
    tasks_logger.log(
        logging.ERROR if exc_info else logging.INFO,
        "task %s %s %s %.1fms",
        task.name,
        task_id,
        state,
        duration,
        exc_info=exc_info,
        extra={"task": task.name, "task_id": task_id, "state": state, "duration_ms": duration},
    )
    try:
        request_id_var.reset(token)
    except ValueError:  # finished in another context than it started in: just clear it
        request_id_var.set(None)
