"""Writes of figures: uploading, processing, quarantine decisions, annotations.

An upload is inspected before anything is stored (its type decided by its bytes, decoded in
full under the size limits), so a refused file leaves nothing behind. Originals are stored
once per content hash in private storage; what readers see are re-encoded derivatives made by
a Celery task queued on commit. DICOM is de-identified by the one engine in
`cases/imaging/deid.py` before anything is rendered from it.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from . import permissions
from .editing import annotate_figure
from .models import Figure, FigureFrame, QuarantineDecision, Study, figure_derivative_path

if TYPE_CHECKING:
    import pydicom
    from PIL import Image

    from accounts.models import User


class ProcessingError(Exception):
    """The original could not be turned into derivatives (recorded on the figure)."""


def upload_limits():
    from .imaging.inspect import Limits

    return Limits(
        max_bytes=settings.UPLOAD_MAX_BYTES,
        max_pixels=settings.UPLOAD_MAX_PIXELS,
        max_zip_entries=settings.UPLOAD_MAX_ZIP_ENTRIES,
        max_zip_total_bytes=settings.UPLOAD_MAX_ZIP_BYTES,
    )


def _sha256(upload: File) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _private() -> Storage:
    from .storage import private_storage

    return private_storage


def _public() -> Storage:
    return storages["default"]


def inspect(upload: File):
    """What an upload is, from its bytes; a ValidationError with the reason when refused."""
    from .imaging.inspect import RefusedUpload, inspect_upload

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
    leaves no file and no row. Figures are added outside the case's version check: an upload
    in one tab must not make the text typed in another tab stale. Caption, alt text and
    annotations are then edited (and versioned) with the rest of the case.
    """
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
def _removing_new_file_on_error():
    """If saving the figure fails, remove the original stored for it (unless reused)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for path in stored:
            if not Figure.objects.filter(original=path).exists():
                _private().delete(path)
        raise


def _store_original(figure: Figure, upload: File, inspected, stored: list[str]) -> Figure:
    """Store the inspected upload once per content hash and queue its processing on commit."""
    digest = _sha256(upload)
    name = f"{digest}.{inspected.extension}"
    path = figure_upload_path_for(name)
    if _private().exists(path):
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
    _queue_processing(figure)
    return figure


def figure_upload_path_for(name: str) -> str:
    return f"originals/{name[:2]}/{name}"


def _queue_processing(figure: Figure) -> None:
    from . import tasks

    tasks.make_figure_derivatives.delay_on_commit(figure.pk)


def process_figure_again(figure: Figure, *, by: User) -> Figure:
    """Forget a figure's derivatives and queue them anew, e.g. after its original was replaced."""
    if not (by.is_staff or permissions.can_edit(by, figure.study.case)):
        raise PermissionDenied("You cannot change the figures of this case.")
    with transaction.atomic():
        figure = Figure.objects.select_for_update().get(pk=figure.pk)
        figure.thumbnail = figure.web = figure.full = ""
        figure.frames.all().delete()
        figure.status = Figure.ProcessingStatus.PENDING
        figure.processing_error = ""
        figure.quarantine_reasons = []
        figure.queued_at = timezone.now()
        figure.save()
        if figure.original:
            _queue_processing(figure)
    return figure


def requeue_stalled_figures(*, older_than: datetime.timedelta | None = None) -> int:
    """Queue again the figures left pending (e.g. the broker was down when they were added)."""
    older_than = older_than or datetime.timedelta(minutes=settings.FIGURE_REQUEUE_AFTER_MINUTES)
    cutoff = timezone.now() - older_than
    stalled = Figure.objects.filter(
        status__in=[Figure.ProcessingStatus.PENDING, Figure.ProcessingStatus.PROCESSING],
        queued_at__lt=cutoff,
    ).exclude(original="")
    count = 0
    for figure in stalled:
        with transaction.atomic():
            Figure.objects.filter(pk=figure.pk).update(queued_at=timezone.now())
            _queue_processing(figure)
        count += 1
    return count


# --- Processing (runs in the Celery task) -------------------------------------------------------


def process_figure(figure_id: int) -> None:
    """Make a figure's derivatives from its original. Idempotent; records its outcome."""
    with transaction.atomic():
        figure = Figure.objects.select_for_update().filter(pk=figure_id).first()
        if figure is None or not figure.original:
            return
        if figure.status in (Figure.ProcessingStatus.READY, Figure.ProcessingStatus.QUARANTINED):
            return  # already done: running twice changes nothing
        figure.status = Figure.ProcessingStatus.PROCESSING
        figure.save(update_fields=["status"])

    try:
        if figure.kind == Figure.Kind.IMAGE:
            reasons = _process_image(figure)
        else:
            reasons = _process_dicom(figure)
    except ProcessingError as error:
        Figure.objects.filter(pk=figure.pk).update(
            status=Figure.ProcessingStatus.FAILED, processing_error=str(error)
        )
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


def _store_public(name: str, data: bytes) -> str:
    """Store a derivative under a content-derived name; an identical one is reused."""
    path = figure_derivative_path(None, name)
    storage = _public()
    if not storage.exists(path):
        path = storage.save(path, ContentFile(data))
    return path


def _set_derivatives(figure: Figure, source: Any, stem: str) -> None:
    from .imaging.derivatives import make_derivatives

    derivatives = make_derivatives(source)
    figure.thumbnail.name = _store_public(f"{stem}-thumb.jpg", derivatives.thumbnail)
    figure.web.name = _store_public(f"{stem}-web.jpg", derivatives.web)
    figure.full.name = _store_public(f"{stem}-full.jpg", derivatives.full)
    figure.width, figure.height = derivatives.width, derivatives.height


def _process_image(figure: Figure) -> list[str]:
    from .imaging.derivatives import UnreadableImage

    try:
        with figure.original.open("rb") as source:
            _set_derivatives(figure, source, figure.content_hash)
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
    from .imaging.inspect import zip_members

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in zip_members(archive, upload_limits()):
            yield entry.filename, archive.read(entry)


def deidentification_options():
    from .imaging.deid import DeidOptions

    secret = settings.DEIDENTIFICATION_SECRET
    return DeidOptions(
        retain_patient_characteristics=True,
        clean_descriptors=True,
        retain_uids=False,
        uid_secret=secret.encode() if isinstance(secret, str) else secret,
    )


def _process_dicom(figure: Figure) -> list[str]:
    import pydicom

    from .imaging.deid import deidentify_dataset
    from .imaging.dicom_render import PRESETS, is_ct, iter_frames, order_stack, render

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
        pictures: list[Image.Image] = []
        for index, ds in enumerate(datasets):
            buffer = io.BytesIO()
            ds.save_as(buffer, enforce_file_format=True)
            dicom_name = _store_private_dicom(f"{figure.content_hash}-{index:04d}.dcm", buffer)
            for number, array in enumerate(iter_frames(ds)):
                position = len(frames)
                renders = {}
                for preset in [None, *presets]:
                    picture = render(array, ds, preset=preset, frame=number)
                    if preset is None:
                        pictures.append(picture)
                    renders[preset or "default"] = _store_public(
                        f"{figure.content_hash}-f{position:04d}-{preset or 'default'}.jpg",
                        _jpeg(picture),
                    )
                frames.append(
                    FigureFrame(
                        figure=figure,
                        position=position,
                        instance_number=_int_or_none(getattr(ds, "InstanceNumber", None)),
                        slice_location=_float_or_none(getattr(ds, "SliceLocation", None)),
                        dicom=dicom_name,
                        renders=renders,
                    )
                )
        FigureFrame.objects.bulk_create(frames)
        # The middle slice represents the stack in lists and thumbnails.
        _set_derivatives(figure, pictures[len(pictures) // 2], figure.content_hash)
    except ProcessingError:
        raise
    except Exception as error:  # a decoder's own exceptions vary; the figure records the reason
        raise ProcessingError(f"The DICOM file could not be processed: {error}") from error
    return reasons


def _store_private_dicom(name: str, buffer: io.BytesIO) -> str:
    path = f"deidentified/{name[:2]}/{name}"
    storage = _private()
    if storage.exists(path):
        storage.delete(path)  # de-identification is deterministic; write the fresh copy
    return storage.save(path, ContentFile(buffer.getvalue()))


def _jpeg(picture: Image.Image) -> bytes:
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


# --- Quarantine -----------------------------------------------------------------------------------


def _locked_quarantined(figure: Figure, by: User) -> Figure:
    figure = Figure.objects.select_for_update().select_related("study__case").get(pk=figure.pk)
    if not permissions.can_review_quarantine(by, figure.study.case):
        raise PermissionDenied("Only the case's authors or an editor decide on held images.")
    if not figure.is_quarantined:
        raise ValidationError("This image is not held in quarantine.")
    return figure


def attest_clean(figure: Figure, *, by: User, note: str = "") -> Figure:
    """A person looked at a held image and attests it shows nothing identifying."""
    with transaction.atomic():
        figure = _locked_quarantined(figure, by)
        QuarantineDecision.objects.create(
            figure=figure,
            decision=QuarantineDecision.Decision.ATTESTED_CLEAN,
            note=note.strip(),
            decided_by=by,
        )
        figure.status = Figure.ProcessingStatus.READY
        figure.save(update_fields=["status"])
    return figure


def clean_regions(regions: Any) -> list[dict[str, float]]:
    """Rectangles as fractions of the image, checked; anything else is a ValidationError."""
    if not isinstance(regions, list) or not regions:
        raise ValidationError("Draw at least one region to black out.")
    if len(regions) > 50:
        raise ValidationError("At most 50 regions can be blacked out at once.")
    cleaned = []
    for region in regions:
        try:
            x, y = float(region["x"]), float(region["y"])
            width, height = float(region["width"]), float(region["height"])
        except (KeyError, TypeError, ValueError):
            raise ValidationError("A region needs x, y, width and height.") from None
        values = (x, y, width, height)
        if any(value != value for value in values):  # NaN
            raise ValidationError("A region needs x, y, width and height.")
        x, y = min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0)
        width, height = min(max(width, 0.0), 1.0 - x), min(max(height, 0.0), 1.0 - y)
        if width <= 0 or height <= 0:
            raise ValidationError("A region must have a width and a height.")
        cleaned.append({"x": x, "y": y, "width": width, "height": height})
    return cleaned


def redact_figure(figure: Figure, *, by: User, regions: Any, note: str = "") -> Figure:
    """Black out regions of a held image everywhere it is kept, then release it to readers.

    The original is replaced by the redacted version too, so the text exists nowhere.
    """
    from PIL import Image

    from .imaging.redact import redact_dataset, redact_image

    regions = clean_regions(regions)
    with transaction.atomic():
        figure = _locked_quarantined(figure, by)
        old_original = figure.original.name
        if figure.kind == Figure.Kind.IMAGE:
            with figure.original.open("rb") as source, Image.open(source) as image:
                image.load()
                redacted = redact_image(image.convert("RGB"), regions)
            buffer = io.BytesIO()
            redacted.save(buffer, format="PNG")
            data = buffer.getvalue()
            digest = hashlib.sha256(data).hexdigest()
            figure.original.save(f"{digest}.png", ContentFile(data), save=False)
            figure.content_hash = digest
            _set_derivatives(figure, redacted, digest)
        else:
            _redact_frames(figure, regions, redact_dataset)
        QuarantineDecision.objects.create(
            figure=figure,
            decision=QuarantineDecision.Decision.REDACTED,
            regions=regions,
            note=note.strip(),
            decided_by=by,
        )
        figure.status = Figure.ProcessingStatus.READY
        figure.save()
        if (
            figure.kind == Figure.Kind.IMAGE
            and old_original != figure.original.name
            and not Figure.objects.filter(original=old_original).exists()
        ):
            transaction.on_commit(lambda: _private().delete(old_original))
    return figure


def _redact_frames(figure: Figure, regions: list[dict[str, float]], redact_dataset) -> None:
    """Redact the de-identified DICOM of every slice and render the slices again."""
    import pydicom

    from .imaging.dicom_render import frames_of, render

    # The upload itself still carries the burned-in text: only the de-identified, redacted
    # copies are kept from now on.
    frames = list(figure.frames.all())
    pictures = []
    done: dict[str, tuple[pydicom.Dataset, str, int]] = {}  # old name → (ds, new name, offset)
    stem = hashlib.sha256(f"{figure.content_hash}-redacted-{regions}".encode()).hexdigest()
    for frame in frames:
        name = frame.dicom.name
        if name not in done:
            with frame.dicom.open("rb") as source:
                ds = pydicom.dcmread(source)
            redact_dataset(ds, regions)
            buffer = io.BytesIO()
            ds.save_as(buffer, enforce_file_format=True)
            new_name = _store_private_dicom(f"{stem}-{len(done):04d}.dcm", buffer)
            done[name] = (ds, new_name, frame.position)
        ds, new_name, offset = done[name]
        frame.dicom.name = new_name
        arrays = frames_of(ds)
        number = min(frame.position - offset, len(arrays) - 1)
        renders = {}
        for preset in frame.renders:
            picture = render(
                arrays[number], ds, preset=None if preset == "default" else preset, frame=number
            )
            if preset == "default":
                pictures.append(picture)
            renders[preset] = _store_public(
                f"{stem}-f{frame.position:04d}-{preset}.jpg", _jpeg(picture)
            )
        frame.renders = renders
        frame.save(update_fields=["dicom", "renders"])
    if pictures:
        _set_derivatives(figure, pictures[len(pictures) // 2], stem)
    # Forget the unredacted files, unless another figure (the same upload) still uses them.
    unredacted = [name for name in done if name != done[name][1]]
    original = figure.original.name
    figure.original = ""

    def forget() -> None:
        for name in unredacted:
            if not FigureFrame.objects.filter(dicom=name).exists():
                _private().delete(name)
        if original and not Figure.objects.filter(original=original).exists():
            _private().delete(original)

    transaction.on_commit(forget)


# --- Annotations -------------------------------------------------------------------------------

ANNOTATION_FIELDS = {
    "arrow": ("x1", "y1", "x2", "y2"),
    "ellipse": ("cx", "cy", "rx", "ry"),
    "text": ("x", "y"),
}


def clean_annotations(annotations: Any, *, frames: int) -> list[dict[str, Any]]:
    """Arrows, ellipses and text in fractions of the image; anything else is refused."""
    if not isinstance(annotations, list):
        raise ValidationError("Annotations must be a list.")
    if len(annotations) > 200:
        raise ValidationError("At most 200 annotations per figure.")
    cleaned = []
    for item in annotations:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind not in ANNOTATION_FIELDS:
            raise ValidationError("An annotation is an arrow, an ellipse or a text.")
        shape: dict[str, Any] = {"type": kind}
        for name in ANNOTATION_FIELDS[kind]:
            try:
                value = float(item[name])
            except (KeyError, TypeError, ValueError):
                raise ValidationError(f"The {kind} needs a number for {name}.") from None
            if not 0.0 <= value <= 1.0:
                raise ValidationError(f"The {kind} lies outside the image.")
            shape[name] = round(value, 5)
        frame = item.get("frame")
        if frame is not None and (not isinstance(frame, int) or not 0 <= frame < max(frames, 1)):
            raise ValidationError("An annotation is on a slice the figure does not have.")
        shape["frame"] = frame
        text = str(item.get("text" if kind == "text" else "label") or "")[:200]
        if kind == "text" and not text.strip():
            raise ValidationError("A text annotation needs its text.")
        shape["text" if kind == "text" else "label"] = text
        cleaned.append(shape)
    return cleaned


def save_annotations(figure: Figure, *, by: User, base_version: int, annotations: Any) -> Figure:
    """Save the shapes drawn on a figure: an edit of the case, versioned like any other."""
    cleaned = clean_annotations(annotations, frames=figure.frames.count())
    annotate_figure(figure, by=by, base_version=base_version, annotations=cleaned)
    figure.refresh_from_db()
    return figure
