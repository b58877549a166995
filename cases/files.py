"""Image files of figures: deleted once the removal of their last figure is committed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from .models import Figure


def forget_files_of(figures: list[Figure]) -> None:
    """Delete the stored images of removed figures once the removal is committed.

    A new revision of a published case shares its image files with it, so a file still named
    by another figure is kept.
    """
    files = [
        (field.storage, field.name)
        for figure in figures
        for field in (figure.original, figure.thumbnail)
        if field
    ]
    if not files:
        return

    def delete_unused() -> None:
        for storage, name in files:
            if not Figure.objects.filter(Q(original=name) | Q(thumbnail=name)).exists():
                storage.delete(name)

    transaction.on_commit(delete_unused)
