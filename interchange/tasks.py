"""Background work of the interchange app. Tasks take primary keys and are safe to run again."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.queueing import queue_after_commit

from . import job_runner
from .models import ImportJob


@shared_task(
    autoretry_for=(OSError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=4,
)
def run_import_job(job_id: int) -> None:
    """Import the files of an import job still waiting; a finished job is left as it is."""
    job_runner.run_import_job(job_id)


@shared_task
def requeue_stalled_import_jobs() -> int:
    """Queue again the jobs nobody has worked on for a while (a lost message, a dead worker)."""
    older_than = datetime.timedelta(minutes=getattr(settings, "IMPORT_REQUEUE_AFTER_MINUTES", 30))
    stalled = ImportJob.objects.filter(
        status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING],
        updated_at__lt=timezone.now() - older_than,
    ).values_list("pk", flat=True)
    count = 0
    for job_id in stalled:
        with transaction.atomic():
            ImportJob.objects.filter(pk=job_id).update(updated_at=timezone.now())
            queue_after_commit(run_import_job, job_id)
        count += 1
    return count
