"""Background work. Tasks take primary keys, are idempotent and record their outcome on the row."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction

from .imaging.derivatives import UnreadableImage, make_thumbnail

logger = logging.getLogger(__name__)


@shared_task
def make_figure_derivatives(figure_id: int) -> None:
    from .models import Figure

    with transaction.atomic():
        figure = Figure.objects.select_for_update().filter(pk=figure_id).first()
        if figure is None or not figure.original:
            return
        if figure.status == Figure.ProcessingStatus.READY and figure.thumbnail:
            return  # already done: running twice changes nothing
        figure.status = Figure.ProcessingStatus.PROCESSING
        figure.save(update_fields=["status"])

    try:
        with figure.original.open("rb") as source:
            thumbnail = make_thumbnail(source)
    except UnreadableImage as error:
        figure.status = Figure.ProcessingStatus.FAILED
        figure.processing_error = f"The image could not be read: {error}"
        figure.save(update_fields=["status", "processing_error"])
        logger.info("Figure %s failed: %s", figure_id, error)
        return

    stem = figure.original.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    figure.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(thumbnail), save=False)
    figure.status = Figure.ProcessingStatus.READY
    figure.processing_error = ""
    figure.save(update_fields=["thumbnail", "status", "processing_error"])
