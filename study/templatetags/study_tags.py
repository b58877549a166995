"""Template helpers of the study pages."""

from __future__ import annotations

from django import template
from django.urls import reverse

from cases.models import Case

from .. import labels

register = template.Library()


@register.filter
def neutral_label(case: Case) -> str:
    """ "Unknown K7QM2 · 57-year-old man · buttock pain": how an unknown is named before it is
    solved."""
    return labels.neutral_label(case)


@register.filter
def unknown_name(case: Case) -> str:
    """ "Unknown K7QM2": the unknown's name, without the patient or the complaint."""
    return labels.unknown_name(case)


@register.filter
def unknown_url(case: Case) -> str:
    """The unknown's page, addressed by its code: "/unknowns/K7QM2/"."""
    return reverse("unknown", args=[labels.unknown_code(case)])


@register.filter
def duration(seconds: int | None) -> str:
    """ "2 min 5 s", "45 s", "1 h 3 min"; empty when not known."""
    if seconds is None:
        return ""
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"


@register.filter
def option_letter(index: int | None) -> str:
    """0 → "A": how options are named on the page."""
    if index is None:
        return ""
    return chr(ord("A") + int(index)) if 0 <= int(index) < 26 else str(int(index) + 1)
