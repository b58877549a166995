"""Template helpers for figures: `{% load imaging_tags %}`."""

from __future__ import annotations

from django import template

from cases.models import Case, Figure
from cases.templatetags.case_tags import markdown_inline

from ..viewer import viewer_data as figure_viewer_data

register = template.Library()


@register.filter
def viewer_data(figure: Figure, case: Case | None = None) -> dict:
    """What the image viewer needs about a figure (imaging/viewer.py), its caption rendered."""
    result = figure_viewer_data(figure)
    if figure.caption:
        result["caption_html"] = markdown_inline(figure.caption, case)
    return result
