"""Template helpers for figures: `{% load imaging_tags %}`."""

from __future__ import annotations

from django import template

from cases import media_urls
from cases.models import Case, Figure
from cases.templatetags.case_tags import markdown_inline

from ..viewer import viewer_data as figure_viewer_data

register = template.Library()


@register.filter
def viewer_data(figure: Figure, case: Case | None = None) -> dict:
    """What the image viewer needs about a figure (imaging/viewer.py), its caption rendered.
    Made without the reader (the case body is shared): a processed figure's addresses only."""
    result = figure_viewer_data(figure, case=case)
    if figure.caption:
        result["caption_html"] = markdown_inline(figure.caption, case)
    return result


@register.simple_tag(takes_context=True)
def figure_url(context, figure: Figure | None, size: str = "thumb") -> str:
    """The signed address of a figure's picture, "" when this reader gets none:
    `{% figure_url figure "thumb" as src %}{% if src %}<img src="{{ src }}" …>{% endif %}`.
    Use it only for a figure of a case the reader may see (cases/media_urls.py)."""
    if figure is None:
        return ""
    request = context.get("request")
    user = getattr(request, "user", None)
    return media_urls.figure_image_url(figure, size, user) or ""
