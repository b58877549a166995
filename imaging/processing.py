"""Making what readers see from a stored original; runs in the Celery task.

DICOM is de-identified by the one engine in `imaging/deid.py` before anything is rendered from
it. Derivatives are re-encoded pictures, stored under content-derived names in public storage;
de-identified DICOM goes to private storage.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pydicom
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from PIL import Image

from cases.freshness_receivers import figure_changed
from cases.models import Figure, FigureFrame, figure_derivative_path
from cases.storage import private_storage

from .deid import DeidOptions, deidentify_dataset
from .derivatives import UnreadableImage, make_derivatives
from .dicom_render import PRESETS, is_colour, is_ct, iter_frames, order_stack, render
from .inspect import Limits, zip_members
from .memory import memory_ceiling
from .pixels import pixel_frame


class ProcessingError(Exception):
    """The original could not be turned into derivatives (recorded on the figure)."""


def upload_limits() -> Limits:
    return Limits(
        max_bytes=settings.UPLOAD_MAX_BYTES,
        max_pixels=settings.UPLOAD_MAX_PIXELS,
        max_zip_entries=settings.UPLOAD_MAX_ZIP_ENTRIES,
        max_zip_total_bytes=settings.UPLOAD_MAX_ZIP_BYTES,
        max_decoded_bytes=settings.UPLOAD_MAX_DECODED_BYTES,
    )


def deidentification_options() -> DeidOptions:
    secret = settings.DEIDENTIFICATION_SECRET
    return DeidOptions(
        retain_patient_characteristics=True,
        clean_descriptors=True,
        retain_uids=False,
        uid_secret=secret.encode() if isinstance(secret, str) else secret,
    )


OUT_OF_MEMORY = (
    "The image is too large to process: it needs more memory than a worker may use. "
    "Upload a smaller image, or fewer frames."
)


def process_figure(figure_id: int, *, memory_limit_mb: int | None = None) -> None:
    """Make a figure's derivatives from its original. Idempotent; records its outcome.

    The pixels are decoded here, never in the request. `memory_limit_mb` caps how much the
    process may grow meanwhile (`imaging.memory`); running out fails the figure with a reason.
    """
    with transaction.atomic():
        figure = Figure.objects.select_for_update().filter(pk=figure_id).first()
        if figure is None or not figure.original:
            return
        if figure.status in (Figure.ProcessingStatus.READY, Figure.ProcessingStatus.QUARANTINED):
            return  # already done: running twice changes nothing
        figure.status = Figure.ProcessingStatus.PROCESSING
        figure.save(update_fields=["status"])

    failure = ""
    try:
        with memory_ceiling(memory_limit_mb):
            if figure.kind == Figure.Kind.IMAGE:
                reasons = _process_image(figure)
            else:
                reasons = _process_dicom(figure)
    except ProcessingError as error:
        failure = str(error)
    except MemoryError:
        # Recorded once the except block has let go of the traceback and the pixels it holds.
        failure = OUT_OF_MEMORY
    if failure:
        Figure.objects.filter(pk=figure.pk).update(
            status=Figure.ProcessingStatus.FAILED, processing_error=failure
        )
        figure_changed(figure)  # the update above sends no signal; the page shows the failure
        return
    if figure.flagged_burned_in:
        reasons.append("The author flagged it as possibly showing text or a face.")
    figure.quarantine_reasons = reasons
    figure.status = (
        Figure.ProcessingStatus.QUARANTINED if reasons else Figure.ProcessingStatus.READY
    )
    figure.processing_error = ""
    figure.save(
        update_fields=[
            "thumbnail",
            "web",
            "full",
            "width",
            "height",
            "modality",
            "quarantine_reasons",
            "status",
            "processing_error",
        ]
    )


def store_public(name: str, data: bytes) -> str:
    """Store a derivative under a content-derived name; an identical one is reused."""
    path = figure_derivative_path(None, name)
    storage = storages["default"]
    if not storage.exists(path):
        path = storage.save(path, ContentFile(data))
    return path


def set_derivatives(figure: Figure, source: Any, stem: str) -> None:
    """Make the thumbnail, web and full pictures of `source` (a file or a picture)."""
    derivatives = make_derivatives(source)
    figure.thumbnail.name = store_public(f"{stem}-thumb.jpg", derivatives.thumbnail)
    figure.web.name = store_public(f"{stem}-web.jpg", derivatives.web)
    figure.full.name = store_public(f"{stem}-full.jpg", derivatives.full)
    figure.width, figure.height = derivatives.width, derivatives.height


def _process_image(figure: Figure) -> list[str]:
    try:
        with figure.original.open("rb") as source:
            set_derivatives(figure, source, figure.content_hash)
    except UnreadableImage as error:
        raise ProcessingError(f"The image could not be read: {error}") from error
    return []


def _dicom_datasets(figure: Figure) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each DICOM file of the upload: the file itself, or the zip's entries."""
    with figure.original.open("rb") as source:
        data = source.read()
    if figure.kind == Figure.Kind.DICOM:
        yield figure.original.name.rsplit("/", 1)[-1], data
        return
    # The zip was inspected on upload; its entries are read the same safe way again.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in zip_members(archive, upload_limits()):
            yield entry.filename, archive.read(entry)


def _process_dicom(figure: Figure) -> list[str]:
    options = deidentification_options()
    datasets: list[pydicom.Dataset] = []
    reasons: list[str] = []
    try:
        for _, data in _dicom_datasets(figure):
            ds = pydicom.dcmread(io.BytesIO(data))
            if "PixelData" not in ds:
                continue  # a DICOMDIR or a report beside the slices: nothing to show
            report = deidentify_dataset(ds, options=options)
            for reason in report.quarantine_reasons:
                sentence = f"{reason[:1].upper()}{reason[1:]}: such images often carry text."
                if sentence not in reasons:
                    reasons.append(sentence)
            datasets.append(ds)
        if not datasets:
            raise ProcessingError("The upload holds no DICOM image.")
        datasets = order_stack(datasets)
        figure.modality = str(getattr(datasets[0], "Modality", "") or "")[:16]
        presets = list(PRESETS) if is_ct(datasets[0]) else []

        figure.frames.all().delete()
        frames: list[FigureFrame] = []
        # Only the middle frame's picture is kept (for the derivatives), not one per frame.
        total = sum(_int_or_none(getattr(ds, "NumberOfFrames", 1)) or 1 for ds in datasets)
        middle: Image.Image | None = None
        for index, ds in enumerate(datasets):
            buffer = io.BytesIO()
            ds.save_as(buffer, enforce_file_format=True)
            dicom_name = store_private_dicom(f"{figure.content_hash}-{index:04d}.dcm", buffer)
            for number, array in enumerate(iter_frames(ds)):
                position = len(frames)
                renders = {}
                for preset in [None, *presets]:
                    picture = render(array, ds, preset=preset, frame=number)
                    if preset is None and (position == total // 2 or middle is None):
                        middle = picture
                    renders[preset or "default"] = store_public(
                        f"{figure.content_hash}-f{position:04d}-{preset or 'default'}.jpg",
                        jpeg_bytes(picture),
                    )
                frames.append(
                    FigureFrame(
                        figure=figure,
                        position=position,
                        instance_number=_int_or_none(getattr(ds, "InstanceNumber", None)),
                        slice_location=_float_or_none(getattr(ds, "SliceLocation", None)),
                        dicom=dicom_name,
                        renders=renders,
                        pixels=store_pixels(array, ds, number, f"{figure.content_hash}", position),
                    )
                )
        FigureFrame.objects.bulk_create(frames)
        # The middle slice represents the stack in lists and thumbnails.
        if middle is None:
            raise ProcessingError("The upload holds no DICOM image.")
        set_derivatives(figure, middle, figure.content_hash)
    except (ProcessingError, MemoryError):
        raise
    except Exception as error:  # a decoder's own exceptions vary; the figure records the reason
        raise ProcessingError(f"The DICOM file could not be processed: {error}") from error
    return reasons


def store_pixels(array: Any, ds: pydicom.Dataset, number: int, stem: str, position: int) -> dict:
    """Store one greyscale frame's values for windowing in the browser (imaging/pixels.py) and
    return its header with the stored name; an empty header for colour frames."""
    if is_colour(ds):
        return {}
    data, header = pixel_frame(array, ds, number)
    return {"name": store_public(f"{stem}-f{position:04d}-pixels.gz", data), **header}


def store_private_dicom(name: str, buffer: io.BytesIO) -> str:
    path = f"deidentified/{name[:2]}/{name}"
    storage = private_storage
    if storage.exists(path):
        storage.delete(path)  # de-identification is deterministic; write the fresh copy
    return storage.save(path, ContentFile(buffer.getvalue()))


def jpeg_bytes(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.convert("RGB" if picture.mode not in ("L", "RGB") else picture.mode).save(
        buffer, format="JPEG", quality=90
    )
    return buffer.getvalue()


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float_or_none(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
