"""Adding a figure's image: an upload is inspected, stored once, and queued for processing.

An upload is inspected before anything is stored (its type decided by its bytes, its size by
its header, within the size and decoding-memory limits; no pixel is decoded in the request), so
a refused file leaves nothing behind. Originals are stored
once per content hash in private storage; what readers see are re-encoded derivatives made by
a Celery task queued on commit (`imaging.processing`).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from cases import permissions
from cases.files import release_unused_files
from cases.frozen import refuse_if_frozen
from cases.models import Figure, Study
from cases.storage import private_storage, storage_unavailable_on_error

from .inspect import Inspected, RefusedUpload, inspect_upload
from .processing import upload_limits
from .tasks import queue_processing

if TYPE_CHECKING:
    from accounts.models import User


def _sha256(upload: File) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def inspect(upload: File) -> Inspected:
    """What an upload is, from its bytes; a ValidationError with the reason when refused."""
    try:
        return inspect_upload(upload, limits=upload_limits())
    except RefusedUpload as error:
        raise ValidationError(error.reason, code="refused_upload") from None


def add_figure(
    study: Study,
    *,
    upload: UploadedFile,
    by: User,
    label: str = "",
    flagged_burned_in: bool = False,
) -> Figure:
    """Add a figure to a study from an uploaded file, after the end of the study's figures.

    The file is inspected first: a refused one raises ValidationError with the reason and
    leaves no file and no row. Storage that cannot be reached raises StorageUnavailable, and
    leaves nothing either. Figures are added outside the case's version check: an upload
    in one tab must not make the text typed in another tab stale. Caption, alt text and
    annotations are then edited (and versioned) with the rest of the case.
    """
    refuse_if_frozen(study.case)
    if not permissions.can_edit(by, study.case):
        raise PermissionDenied("You cannot change the figures of this case.")
    inspected = inspect(upload)
    with _removing_new_file_on_error() as stored, transaction.atomic():
        position = study.figures.count()
        figure = Figure.objects.create(
            study=study,
            position=position,
            label=label or f"Fig {position + 1}",
            flagged_burned_in=flagged_burned_in,
        )
        return _store_original(figure, upload, inspected, stored)


def attach_figure_image(figure: Figure, *, upload: UploadedFile, by: User) -> Figure:
    """Give an existing figure (e.g. one the importer described) its image, or a new one."""
    refuse_if_frozen(figure.study.case)
    if not (by.is_staff or permissions.can_edit(by, figure.study.case)):
        raise PermissionDenied("You cannot change the figures of this case.")
    inspected = inspect(upload)
    with _removing_new_file_on_error() as stored, transaction.atomic():
        figure = Figure.objects.select_for_update().get(pk=figure.pk)
        figure.frames.all().delete()
        figure.thumbnail = figure.web = figure.full = ""
        figure.quarantine_reasons = []
        return _store_original(figure, upload, inspected, stored)


@contextlib.contextmanager
def _removing_new_file_on_error() -> Iterator[list[str]]:
    """If saving the figure fails, remove the original stored for it (unless reused)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        release_unused_files([(private_storage, path) for path in stored], on_commit=False)
        raise


def _store_original(
    figure: Figure, upload: File, inspected: Inspected, stored: list[str]
) -> Figure:
    """Store the inspected upload once per content hash and queue its processing on commit."""
    digest = _sha256(upload)
    name = f"{digest}.{inspected.extension}"
    path = figure_upload_path_for(name)
    with storage_unavailable_on_error():
        if private_storage.exists(path):
            figure.original.name = path  # the same bytes were uploaded before: reuse them
        else:
            figure.original.save(name, upload, save=False)
            stored.append(figure.original.name)
    figure.kind = inspected.kind
    figure.content_hash = digest
    figure.width = inspected.width or None
    figure.height = inspected.height or None
    figure.modality = inspected.modality or ""
    figure.status = Figure.ProcessingStatus.PENDING
    figure.processing_error = ""
    figure.queued_at = timezone.now()
    figure.save()
    queue_processing(figure.pk)
    return figure


def figure_upload_path_for(name: str) -> str:
    return f"originals/{name[:2]}/{name}"


def process_figure_again(figure: Figure, *, by: User) -> Figure:
    """Forget a figure's derivatives and queue them anew, e.g. after its original was replaced."""
    if not (by.is_staff or permissions.can_edit(by, figure.study.case)):
        raise PermissionDenied("You cannot change the figures of this case.")
    with transaction.atomic():
        figure = Figure.objects.select_for_update().get(pk=figure.pk)
        figure.thumbnail = figure.web = figure.full = ""
        figure.frames.all().delete()
        figure.status = (
            Figure.ProcessingStatus.PENDING
            if figure.original
            else Figure.ProcessingStatus.NOT_SUPPLIED
        )
        figure.processing_error = ""
        figure.quarantine_reasons = []
        figure.queued_at = timezone.now()
        figure.save()
        if figure.original:
            queue_processing(figure.pk)
    return figure
