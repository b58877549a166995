"""The moderators' link in the header, with the number of open reports."""

from __future__ import annotations

from django import template

from community.moderation import open_report_count

register = template.Library()


@register.simple_tag
def open_reports() -> int:
    """One COUNT, on pages shown to moderators only."""
    return open_report_count()
