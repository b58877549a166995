"""Import jobs: files uploaded through the API, imported one by one in the background.

The uploads are kept in private storage until imported and deleted as each is done. A job can
be run again at any time: files already imported are gone from it, so a job whose worker died
carries on where it stopped, and a finished job is left as it is.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases import permissions
from cases.models import Case

from .importing import IMPORTABLE_SUFFIXES, Outcome, attention, describe, import_file
from .models import ImportJob, ImportJobFile

logger = logging.getLogger(__name__)

MB = 1024 * 1024


def max_files() -> int:
    # Below Django's DATA_UPLOAD_MAX_NUMBER_FILES (100), so the limit answers in our words.
    return getattr(settings, "IMPORT_MAX_FILES", 50)


def max_file_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_FILE_BYTES", 50 * MB)


def max_total_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_TOTAL_BYTES", 200 * MB)


def _megabytes(size: int) -> str:
    return f"{size / MB:.0f} MB"


def check_uploads(uploads: list[UploadedFile]) -> None:
    """Refuse the whole upload, before anything is stored, if any file breaks a limit."""
    if not uploads:
        raise ValidationError({"files": ["Send at least one file (.txt, .md or .zip)."]})
    if len(uploads) > max_files():
        raise ValidationError(
            {"files": [f"Send at most {max_files()} files at once; you sent {len(uploads)}."]}
        )
    problems: list[str] = []
    for upload in uploads:
        name = PurePath(upload.name or "").name or "(no name)"
        if PurePath(name).suffix.lower() not in IMPORTABLE_SUFFIXES:
            problems.append(f"{name}: only .txt, .md and .zip files can be imported.")
        elif upload.size > max_file_bytes():
            problems.append(f"{name}: larger than {_megabytes(max_file_bytes())}.")
    if problems:
        raise ValidationError({"files": problems})
    total = sum(upload.size for upload in uploads)
    if total > max_total_bytes():
        raise ValidationError(
            {"files": [f"The files add up to more than {_megabytes(max_total_bytes())}."]}
        )


def create_import_job(*, owner: User, uploads: list[UploadedFile]) -> ImportJob:
    """Keep the uploaded files and queue their import; nothing is kept if any is refused."""
    if not permissions.can_create_case(owner):
        raise PermissionDenied("Only authors can import cases.")
    check_uploads(uploads)
    stored: list[str] = []
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(owner=owner, file_count=len(uploads))
            for position, upload in enumerate(uploads):
                name = PurePath(upload.name).name[:255]
                row = ImportJobFile(job=job, position=position, name=name)
                row.stored.save(f"job-{job.pk}-{position}{PurePath(name).suffix}", upload, False)
                stored.append(row.stored.name)
                row.save()
            from . import tasks

            tasks.run_import_job.delay_on_commit(job.pk)
    except BaseException:
        for name in stored:
            ImportJobFile.stored.field.storage.delete(name)
        raise
    return job


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
    except OSError:
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


def requeue_stalled_import_jobs(*, older_than: datetime.timedelta | None = None) -> int:
    """Queue again the jobs nobody has worked on for a while (a lost message, a dead worker)."""
    older_than = older_than or datetime.timedelta(
        minutes=getattr(settings, "IMPORT_REQUEUE_AFTER_MINUTES", 30)
    )
    from . import tasks

    stalled = ImportJob.objects.filter(
        status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING],
        updated_at__lt=timezone.now() - older_than,
    ).values_list("pk", flat=True)
    count = 0
    for job_id in stalled:
        with transaction.atomic():
            ImportJob.objects.filter(pk=job_id).update(updated_at=timezone.now())
            tasks.run_import_job.delay_on_commit(job_id)
        count += 1
    return count
