"""Background work on figures. Tasks take primary keys, are idempotent and record their outcome
on the row.

The tasks keep the names they were registered under when they lived in `cases.tasks`: queued
messages and the beat schedule (`CELERY_BEAT_SCHEDULE`) name them so.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.queueing import queue_after_commit
from cases.models import Figure
from cases.storage import STORAGE_ERRORS

from .processing import process_figure


@shared_task(
    name="cases.tasks.make_figure_derivatives",
    autoretry_for=(ConnectionError, *STORAGE_ERRORS),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=4,
)
def make_figure_derivatives(figure_id: int) -> None:
    """Process an uploaded original: de-identify, render, make the derivatives readers see.

    Storage that is briefly unreachable (OSError, ConnectionError, S3's errors) is retried
    with backoff; an unreadable file is not retried but recorded as failed on the figure, as is
    one that needs more memory than FIGURE_TASK_MEMORY_MB (not when running inline, in the web
    process, where a limit would bind every thread of the process).
    """
    inline = bool(make_figure_derivatives.request.is_eager)
    process_figure(figure_id, memory_limit_mb=None if inline else settings.FIGURE_TASK_MEMORY_MB)


def queue_processing(figure_id: int) -> None:
    """Make the figure's derivatives in the worker, once the current transaction commits; a
    broker that is down leaves the figure pending for `requeue_stalled_figures`."""
    queue_after_commit(make_figure_derivatives, figure_id)


@shared_task(name="cases.tasks.requeue_stalled_figures")
def requeue_stalled_figures(older_than_minutes: int | None = None) -> int:
    """Queue again the figures left pending (e.g. the broker was down when they were added)."""
    minutes = older_than_minutes or settings.FIGURE_REQUEUE_AFTER_MINUTES
    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    stalled = Figure.objects.filter(
        status__in=[Figure.ProcessingStatus.PENDING, Figure.ProcessingStatus.PROCESSING],
        queued_at__lt=cutoff,
    ).exclude(original="")
    count = 0
    for figure in stalled:
        with transaction.atomic():
            Figure.objects.filter(pk=figure.pk).update(queued_at=timezone.now())
            queue_processing(figure.pk)
        count += 1
    return count
