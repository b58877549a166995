"""Pixel files (imaging/pixels.py) for slices processed before the viewer windowed in the
browser, made from each slice's de-identified DICOM: `manage.py make_pixel_frames`."""

from __future__ import annotations

import logging

import numpy as np
import pydicom
from django.db.models import Q
from pydicom.dataset import Dataset

from cases.models import Figure, FigureFrame

from .dicom_render import frames_of, is_colour
from .processing import store_pixels

logger = logging.getLogger(__name__)


def make_missing_pixel_frames(figure_ids: list[int] | None = None) -> tuple[int, int]:
    """Pixel files for the greyscale slices of processed figures that have none, from each
    slice's de-identified DICOM. Returns (slices made, figures that failed)."""
    frames = (
        FigureFrame.objects.filter(
            figure__status__in=[Figure.ProcessingStatus.READY, Figure.ProcessingStatus.QUARANTINED]
        )
        .filter(Q(pixels={}) | Q(pixels__isnull=True))
        .exclude(dicom="")
        .select_related("figure")
        .order_by("figure_id", "position")
    )
    if figure_ids:
        frames = frames.filter(figure_id__in=figure_ids)
    by_figure: dict[int, list[FigureFrame]] = {}
    for frame in frames:
        by_figure.setdefault(frame.figure_id, []).append(frame)
    made = failed = 0
    for figure_frames in by_figure.values():
        figure = figure_frames[0].figure
        # Slices of one multi-frame file are consecutive: a slice's frame in its file is its
        # position less that of the file's first slice.
        firsts = dict(figure.frames.order_by("-position").values_list("dicom", "position"))
        datasets: dict[str, tuple[Dataset, list[np.ndarray]]] = {}
        try:
            for frame in figure_frames:
                name = frame.dicom.name
                if name not in datasets:
                    with frame.dicom.open("rb") as source:
                        ds = pydicom.dcmread(source)
                    datasets = {name: (ds, frames_of(ds))}  # one file in memory at a time
                ds, arrays = datasets[name]
                if is_colour(ds):
                    continue
                number = min(frame.position - firsts.get(name, frame.position), len(arrays) - 1)
                stem = frame.dicom.name.rsplit("/", 1)[-1].rsplit("-", 1)[0]
                frame.pixels = store_pixels(arrays[number], ds, number, stem, frame.position)
                frame.save(update_fields=["pixels"])
                made += 1
        except Exception:  # a lost or unreadable file: that figure keeps its renders
            logger.warning("Could not make the pixel files of figure %s", figure.pk, exc_info=True)
            failed += 1
    return made, failed
