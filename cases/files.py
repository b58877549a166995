"""Deleting stored figure files once no figure uses them.

Files are shared: originals and derivatives are stored once per content hash, so two uploads of
the same bytes name the same file, and a new revision of a published case names the files of
the case it revises. A file is deleted only when no figure and no slice names it any more.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Q

from .models import Figure, FigureFrame
from .storage import STORAGE_ERRORS, private_storage

logger = logging.getLogger(__name__)

StoredFile = tuple[Storage, str]


def is_file_in_use(name: str) -> bool:
    """Whether a figure (its original or a derivative) or a slice still names the file."""
    named_by_figure = Figure.objects.filter(
        Q(original=name) | Q(thumbnail=name) | Q(web=name) | Q(full=name)
    ).exists()
    return (
        named_by_figure
        or FigureFrame.objects.filter(dicom=name).exists()
        or _is_render_in_use(name)
    )


def _is_render_in_use(name: str) -> bool:
    """Whether a slice still names the render. Renders are named after their figure's content
    hash (or a hash derived from it when redacted), so only slices of figures sharing that
    stem can name one; their renders are read rather than searched in JSON, which SQLite
    cannot do by value."""
    basename = name.rsplit("/", 1)[-1]
    stem = basename.split("-f", 1)[0]
    if not stem or stem == basename:  # not `<stem>-f<position>-<preset>.jpg` (or -pixels.gz)
        return False
    frames = FigureFrame.objects.filter(
        Q(renders__icontains=stem) | Q(pixels__icontains=stem)
    ).values_list("renders", "pixels")
    return any(
        name in renders.values() or (pixels or {}).get("name") == name
        for renders, pixels in frames.iterator()
    )


def release_unused_files(files: Iterable[StoredFile], *, on_commit: bool) -> None:
    """Delete each (storage, name) that no figure uses.

    With `on_commit`, once the current transaction commits (a rolled-back removal keeps its
    files); without, at once (the rows that named them are already gone or were never saved).
    """
    files = [(storage, name) for storage, name in files if name]
    if not files:
        return

    def delete_unused() -> None:
        for storage, name in dict.fromkeys(files):
            if is_file_in_use(name):
                continue
            try:
                storage.delete(name)
            except STORAGE_ERRORS:
                # A file left behind costs space, not correctness: the rows are already gone.
                logger.warning("Could not delete the stored file %s", name, exc_info=True)

    if on_commit:
        transaction.on_commit(delete_unused)
    else:
        delete_unused()


def files_of(figures: Iterable[Figure]) -> list[StoredFile]:
    """Every stored file of these figures: original, derivatives, and each slice's
    de-identified DICOM, renders and pixel files."""
    figures = list(figures)
    files: list[StoredFile] = [
        (field.storage, field.name)
        for figure in figures
        for field in (figure.original, figure.thumbnail, figure.web, figure.full)
        if field
    ]
    frames = FigureFrame.objects.filter(figure__in=[figure.pk for figure in figures if figure.pk])
    for dicom, renders, pixels in frames.values_list("dicom", "renders", "pixels"):
        if dicom:
            files.append((private_storage, dicom))
        # Renders and pixel files are derivatives, kept in the same storage as the figure's
        # other pictures.
        files.extend((Figure.thumbnail.field.storage, name) for name in renders.values())
        if pixels and pixels.get("name"):
            files.append((Figure.thumbnail.field.storage, pixels["name"]))
    return files


def release_files_of(figures: Iterable[Figure]) -> None:
    """Once the removal of these figures is committed, delete all their files (`files_of`)
    unless another figure (e.g. of a revision of the same case) still uses them."""
    release_unused_files(files_of(figures), on_commit=True)
