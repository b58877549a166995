"""Background work. Tasks take primary keys, are idempotent and record their outcome on the row."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    autoretry_for=(OSError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=4,
)
def make_figure_derivatives(figure_id: int) -> None:
    """Process an uploaded original: de-identify, render, make the derivatives readers see.

    Storage that is briefly unreachable (OSError, ConnectionError) is retried with backoff;
    an unreadable file is not retried but recorded as failed on the figure.
    """
    from .figures import process_figure

    process_figure(figure_id)


@shared_task
def requeue_stalled_figures() -> int:
    """Queue again figures left pending, e.g. when the broker was down at upload time."""
    from .figures import requeue_stalled_figures as requeue

    return requeue()
