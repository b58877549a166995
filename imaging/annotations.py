"""Arrows, ellipses and text drawn on a figure: checked, then saved as an edit of the case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from cases.editing import annotate_figure
from cases.models import Figure

if TYPE_CHECKING:
    from accounts.models import User

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
