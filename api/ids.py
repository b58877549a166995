"""Ids in API paths and bodies: what can name a row, and reading one from a path segment."""

from __future__ import annotations

from typing import Any

from django.http import Http404

# Ids beyond a 64-bit integer cannot name a row; looking them up would fail in the database.
MAX_ID = 2**63 - 1


def parse_id(raw: Any) -> int | None:
    """The id in `raw` (a path segment or a number), or None if it cannot name a row."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_ID else None


def id_or_404(raw: Any, message: str = "Not found.") -> int:
    """The id in a path segment; anything that cannot name a row is a 404."""
    value = parse_id(raw)
    if value is None:
        raise Http404(message)
    return value
