"""Background work of the interchange app. Tasks take primary keys and are safe to run again."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    autoretry_for=(OSError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=4,
)
def run_import_job(job_id: int) -> None:
    """Import the files of an import job still waiting; a finished job is left as it is."""
    from .jobs import run_import_job as run

    run(job_id)


@shared_task
def requeue_stalled_import_jobs() -> int:
    """Queue again import jobs left unfinished, e.g. when their worker stopped."""
    from .jobs import requeue_stalled_import_jobs as requeue

    return requeue()
