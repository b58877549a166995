"""Import jobs: files uploaded through the API or the import page, imported one by one in the
background (`interchange.job_runner`, queued through `interchange.tasks`).

The uploads are kept in private storage until imported and deleted as each is done.
"""

from __future__ import annotations

import contextlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from api.queueing import queue_after_commit
from cases import permissions
from cases.storage import STORAGE_ERRORS, storage_unavailable_on_error

from . import tasks
from .importing import IMPORTABLE_SUFFIXES
from .models import ImportJob, ImportJobFile

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
    """Keep the uploaded files and queue their import; nothing is kept if any is refused, or
    if storage cannot be reached (StorageUnavailable)."""
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
                kept_as = f"job-{job.pk}-{position}{PurePath(name).suffix}"
                with storage_unavailable_on_error():
                    row.stored.save(kept_as, upload, False)
                stored.append(row.stored.name)
                row.save()
            # A broker that is down leaves the job queued for `requeue_stalled_import_jobs`.
            queue_after_commit(tasks.run_import_job, job.pk)
    except BaseException:
        for name in stored:
            _delete_quietly(name)
        raise
    return job


def _delete_quietly(name: str) -> None:
    """Remove a file kept for a job that was rolled back; storage that is down keeps it (an
    orphan costs space, and the error that rolled the job back is the one to report)."""
    with contextlib.suppress(*STORAGE_ERRORS):
        ImportJobFile.stored.field.storage.delete(name)
