"""Running an import job in the worker: its files imported one per transaction, each outcome
recorded. A job can be run again at any time: files already imported are gone from it, so a job
whose worker died carries on where it stopped, and a finished job is left as it is.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from cases.storage import STORAGE_ERRORS

from .importing import Outcome, attention, describe, import_file
from .models import ImportJob, ImportJobFile

logger = logging.getLogger(__name__)


def run_import_job(job_id: int) -> None:
    """Import the files of a job still waiting, one per transaction, and record each outcome."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return
        job.status = ImportJob.Status.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.save(update_fields=["status", "started_at", "updated_at"])
    try:
        while _import_next_file(job_id):
            pass
    except Exception as error:
        logger.exception("Import job %s failed", job_id)
        _finish(job_id, ImportJob.Status.FAILED, error=f"The import stopped: {error}")
        return
    _finish(job_id, ImportJob.Status.DONE)


def _import_next_file(job_id: int) -> bool:
    """Import the job's next file; false when none is left (or the job finished meanwhile)."""
    with transaction.atomic():
        # The lock keeps two workers running the same job from importing a file twice.
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return False
        upload = job.files.order_by("position").first()
        if upload is None:
            return False
        outcome = _import_stored(upload, owner=job.owner)
        record = describe(outcome, show_case=_visible(outcome, job.owner))
        job.results = [*job.results, record]
        job.files_done += 1
        job.imported += outcome.imported
        job.duplicates += outcome.duplicate
        job.attention += outcome.needs_attention
        job.save(update_fields=["results", "files_done", "imported", "duplicates", "attention"])
        stored_name = upload.stored.name
        upload.delete()
        transaction.on_commit(lambda: _forget(stored_name))
    return True


def _import_stored(upload: ImportJobFile, *, owner: User) -> Outcome:
    try:
        with upload.stored.open("rb") as handle:
            data = handle.read()
    except OSError:
        return attention(upload.name, "the uploaded file is no longer stored; upload it again")
    return import_file(upload.name, data, author=owner)


def _visible(outcome: Outcome, owner: User) -> bool:
    if outcome.case is None:
        return False
    return Case.objects.visible_to(owner).filter(pk=outcome.case.pk).exists()


def _forget(name: str) -> None:
    try:
        ImportJobFile.stored.field.storage.delete(name)
    except STORAGE_ERRORS:
        logger.warning("Could not delete the stored upload %s", name, exc_info=True)


def _finish(job_id: int, status: str, *, error: str = "") -> None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return
        leftover = list(job.files.values_list("stored", flat=True))
        job.files.all().delete()
        job.status = status
        job.error = error
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at", "updated_at"])
        for name in leftover:
            transaction.on_commit(lambda name=name: _forget(name))
