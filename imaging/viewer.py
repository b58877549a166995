"""What the image viewer is given about a figure: the data contract of static/js/viewer.js."""

from __future__ import annotations

from typing import Any

from cases.media_urls import (
    figure_dicom_url,
    figure_frame_url,
    figure_image_url,
    figure_pixels_url,
)
from cases.models import Case, Figure

from .dicom_render import PRESETS

PRESET_LABELS = {
    "default": "As acquired",
    "brain": "Brain",
    "soft_tissue": "Soft tissue",
    "lung": "Lung",
    "bone": "Bone",
}


def viewer_data(figure: Figure, user=None, *, case: Case | None = None) -> dict[str, Any]:
    """The figure as the viewer needs it, with signed image addresses (cases/media_urls.py).
    Reads `figure.frames.all()` (prefetch it). The caller has let the reader see the case; a
    figure held in quarantine gets addresses only when `user` decides on it, else None."""
    frames = list(figure.frames.all())

    def frame_url(position: int, preset: str) -> str | None:
        return figure_frame_url(figure, position, preset, user, case=case)

    if frames:
        presets = [name for name in PRESET_LABELS if name in frames[0].renders]
        frame_data = [
            {
                "src": frame_url(frame.position, "default"),
                "presets": {
                    name: frame_url(frame.position, name) for name in presets if name != "default"
                },
                "pixels": pixel_data(figure, frame, user, case),
            }
            for frame in frames
        ]
    else:
        presets = []
        frame_data = [{"src": figure_image_url(figure, "web", user, case=case), "presets": {}}]
    return {
        "id": figure.pk,
        "label": figure.label,
        "caption": figure.caption,
        "alt": figure.alt_text,
        "kind": "stack" if len(frame_data) > 1 else "image",
        "width": figure.width,
        "height": figure.height,
        "frames": frame_data,
        "full": figure_image_url(figure, "full", user, case=case),
        "presets": [[name, PRESET_LABELS[name]] for name in presets] if len(presets) > 1 else [],
        # (center, width) of each named window, for windowing the slices' values in the browser.
        "windows": {name: list(PRESETS[name]) for name in presets if name in PRESETS},
        "modality": figure.modality,
        # Every slice's values are there to window in the browser (static/js/pixels.js).
        "windowed": figure.kind != Figure.Kind.IMAGE
        and bool(frame_data)
        and all(frame.get("pixels") for frame in frame_data),
        "photo": figure.kind == Figure.Kind.IMAGE,
        "annotations": figure.annotations or [],
        "download": figure_dicom_url(figure, user, case=case) if frames else None,
    }


def pixel_data(figure: Figure, frame, user=None, case: Case | None = None) -> dict | None:
    """A slice's values for windowing in the browser: the signed address of its file and its
    header (imaging/pixels.py); None until the file is made or when the reader gets no image."""
    header = frame.pixels or {}
    if not header.get("name"):
        return None
    src = figure_pixels_url(figure, frame.position, user, case=case)
    if src is None:
        return None
    return {"src": src, **{key: value for key, value in header.items() if key != "name"}}
