"""Deleting stored figure files once no figure uses them.

Files are shared: originals and derivatives are stored once per content hash, so two uploads of
the same bytes name the same file, and a new revision of a published case names the files of
the case it revises. A file is deleted only when no figure and no slice names it any more.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Q

from .models import Figure, FigureFrame

StoredFile = tuple[Storage, str]


def is_file_in_use(name: str) -> bool:
    """Whether a figure (its original or a derivative) or a slice still names the file."""
    named_by_figure = Figure.objects.filter(
        Q(original=name) | Q(thumbnail=name) | Q(web=name) | Q(full=name)
    ).exists()
    return named_by_figure or FigureFrame.objects.filter(dicom=name).exists()


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
            if not is_file_in_use(name):
                storage.delete(name)

    if on_commit:
        transaction.on_commit(delete_unused)
    else:
        delete_unused()


def release_files_of(figures: Iterable[Figure]) -> None:
    """Once the removal of these figures is committed, delete their original and thumbnail
    unless another figure (e.g. of a revision of the same case) still uses them."""
    release_unused_files(
        [
            (field.storage, field.name)
            for figure in figures
            for field in (figure.original, figure.thumbnail)
            if field
        ],
        on_commit=True,
    )
