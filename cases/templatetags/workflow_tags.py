from __future__ import annotations

from django import template

register = template.Library()

EVENT_WORDS = {
    "start_revision": "opened a new revision",
}


@register.filter
def get_item(mapping: dict, key):
    """`mapping|get_item:key` — a dict lookup by a variable key."""
    return mapping.get(key) if mapping else None


@register.filter
def readable_action(action: str) -> str:
    return EVENT_WORDS.get(action, action.replace("_", " "))
