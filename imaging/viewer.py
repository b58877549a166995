"""What the image viewer is given about a figure: the data contract of static/js/viewer.js."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cases.models import Figure

PRESET_LABELS = {
    "default": "As acquired",
    "brain": "Brain",
    "soft_tissue": "Soft tissue",
    "lung": "Lung",
    "bone": "Bone",
}


def viewer_data(figure: Figure) -> dict[str, Any]:
    """The figure as the viewer needs it. Reads `figure.frames.all()` (prefetch it)."""
    frames = list(figure.frames.all())
    if frames:
        presets = [name for name in PRESET_LABELS if name in frames[0].renders]
        frame_data = [
            {
                "src": reverse("figure-frame", args=[figure.pk, frame.position, "default"]),
                "presets": {
                    name: reverse("figure-frame", args=[figure.pk, frame.position, name])
                    for name in presets
                    if name != "default"
                },
            }
            for frame in frames
        ]
    else:
        presets = []
        frame_data = [{"src": reverse("figure-image", args=[figure.pk, "web"]), "presets": {}}]
    return {
        "id": figure.pk,
        "label": figure.label,
        "caption": figure.caption,
        "alt": figure.alt_text,
        "kind": "stack" if len(frame_data) > 1 else "image",
        "width": figure.width,
        "height": figure.height,
        "frames": frame_data,
        "full": reverse("figure-image", args=[figure.pk, "full"]),
        "presets": [[name, PRESET_LABELS[name]] for name in presets] if len(presets) > 1 else [],
        "photo": figure.kind == Figure.Kind.IMAGE,
        "annotations": figure.annotations or [],
        "download": reverse("figure-dicom", args=[figure.pk]) if frames else None,
    }
