"""Queueing background work once a transaction commits, without ever failing the request.

The rows a write stores say what work is still owed (a figure `pending`, an import job
`queued`, a notification not yet e-mailed). If the broker cannot take the message, the write
has still happened: the failure is logged with the task's name and a sweeper queues the work
again later (`manage.py requeue_stalled`, and beat's `requeue-*` entries). Answering 500 here
would only make the client send the write again, and store it twice.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# A publish that cannot reach the broker fails at once rather than retrying for minutes; the
# connection itself is bounded by CELERY_BROKER_CONNECTION_TIMEOUT (settings.py).
PUBLISH_OPTIONS: dict[str, Any] = {"retry": False}


def queue_now(task: Any, *args: Any) -> bool:
    """Send `task(*args)` to the broker (or run it, inline); False, logged, if that failed."""
    try:
        task.apply_async(args, **PUBLISH_OPTIONS)
    except Exception:  # the broker's errors vary by transport; none may reach the caller
        logger.exception(
            "Could not queue task %s%r; it stays pending until a sweeper queues it again",
            task.name,
            args,
            extra={"task": task.name},
        )
        return False
    return True


def queue_after_commit(task: Any, *args: Any) -> None:
    """Queue `task(*args)` once the current transaction commits (at once outside one).

    Use it instead of `task.delay_on_commit`: a broker that is down is logged, never raised.
    """
    transaction.on_commit(lambda: queue_now(task, *args))
