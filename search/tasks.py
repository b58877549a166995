"""Saved-search digests, run by Celery beat every hour (or `manage.py send_search_digests`)."""

from __future__ import annotations

from celery import shared_task

from api.queueing import queue_after_commit

from . import services


@shared_task
def send_saved_search_digests() -> int:
    """Queue one e-mail task per saved search whose digest is due; returns how many."""
    due = list(services.due_for_digest().values_list("pk", flat=True))
    for saved_search_id in due:
        # One not queued stays due, and the next hourly run queues it.
        queue_after_commit(send_saved_search_digest, saved_search_id)
    return len(due)


@shared_task
def send_saved_search_digest(saved_search_id: int) -> int:
    """E-mail one saved search's new cases (idempotent: does nothing unless it is due)."""
    return services.send_saved_search_digest(saved_search_id)
