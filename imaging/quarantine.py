"""Images held in quarantine for possible burned-in text or faces: a person attests one is
clean, or blacks out regions of it everywhere it is kept, and it is released to readers."""

from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING, Any

import pydicom
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from cases import permissions
from cases.files import release_unused_files
from cases.frozen import refuse_if_frozen
from cases.models import Figure, QuarantineDecision
from cases.storage import private_storage

from .dicom_render import frames_of, render
from .processing import (
    jpeg_bytes,
    set_derivatives,
    store_pixels,
    store_private_dicom,
    store_public,
)
from .redact import redact_dataset, redact_image

if TYPE_CHECKING:
    from accounts.models import User


NOT_HELD = "This image is not held in quarantine."


def _locked_quarantined(figure: Figure, by: User) -> Figure:
    figure = Figure.objects.select_for_update().select_related("study__case").get(pk=figure.pk)
    if not permissions.can_review_quarantine(by, figure.study.case):
        raise PermissionDenied("Only the case's authors or an editor decide on held images.")
    if not figure.is_quarantined:
        raise ValidationError(NOT_HELD)
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
    regions = clean_regions(regions)
    with transaction.atomic():
        figure = _locked_quarantined(figure, by)
        # Blacking out pixels changes what readers of a published case see: a new revision.
        refuse_if_frozen(figure.study.case)
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
            set_derivatives(figure, redacted, digest)
        else:
            _redact_frames(figure, regions)
        QuarantineDecision.objects.create(
            figure=figure,
            decision=QuarantineDecision.Decision.REDACTED,
            regions=regions,
            note=note.strip(),
            decided_by=by,
        )
        figure.status = Figure.ProcessingStatus.READY
        figure.save()
        if figure.kind == Figure.Kind.IMAGE and old_original != figure.original.name:
            release_unused_files([(private_storage, old_original)], on_commit=True)
    return figure


def _redact_frames(figure: Figure, regions: list[dict[str, float]]) -> None:
    """Redact the de-identified DICOM of every slice and render the slices again."""
    # The upload itself still carries the burned-in text: only the de-identified, redacted
    # copies are kept from now on.
    frames = list(figure.frames.all())
    pictures = []
    done: dict[str, tuple[pydicom.Dataset, str, int]] = {}  # old name → (ds, new name, offset)
    unredacted_pixels: list[str] = []
    stem = hashlib.sha256(f"{figure.content_hash}-redacted-{regions}".encode()).hexdigest()
    for frame in frames:
        name = frame.dicom.name
        if name not in done:
            with frame.dicom.open("rb") as source:
                ds = pydicom.dcmread(source)
            redact_dataset(ds, regions)
            buffer = io.BytesIO()
            ds.save_as(buffer, enforce_file_format=True)
            new_name = store_private_dicom(f"{stem}-{len(done):04d}.dcm", buffer)
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
            renders[preset] = store_public(
                f"{stem}-f{frame.position:04d}-{preset}.jpg", jpeg_bytes(picture)
            )
        frame.renders = renders
        if frame.pixels.get("name"):
            unredacted_pixels.append(frame.pixels["name"])
        frame.pixels = store_pixels(arrays[number], ds, number, stem, frame.position)
        frame.save(update_fields=["dicom", "renders", "pixels"])
    if pictures:
        set_derivatives(figure, pictures[len(pictures) // 2], stem)
    # Forget the unredacted files, unless another figure (the same upload) still uses them.
    unredacted = [name for name in done if name != done[name][1]]
    original = figure.original.name
    figure.original = ""
    release_unused_files(
        [
            *((private_storage, name) for name in [*unredacted, original]),
            *((Figure.thumbnail.field.storage, name) for name in unredacted_pixels),
        ],
        on_commit=True,
    )
