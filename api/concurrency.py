"""Optimistic concurrency for case writes: the case's version is its ETag.

A write names the version it was made from, in `If-Match` (the ETag of the case read) or as
`version` in the body. The services compare it under the row lock and refuse a stale one,
which the API answers with 412, so nobody's work is silently overwritten.

A read's ETag adds a digest of the body to the version, `"case-12-v3.5d41402abc4b"`: some of
what a read shows changes without a new version (a figure uploaded or processed, the quiz's
answers shown to reviewers only), and `If-None-Match` must not answer 304 for it. `If-Match`
takes either form; only the version counts.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Protocol

from rest_framework.response import Response

from .errors import PreconditionRequired


class Versioned(Protocol):
    """A row with a version raised on every change, such as a case."""

    pk: Any
    version: int


ETAG = re.compile(r'^\s*(?:W/)?"?(?:case-\d+-v)?(\d+)(?:\.[0-9a-f]+)?"?\s*$')
READS = ("GET", "HEAD")


def etag(case: Versioned) -> str:
    return f'"case-{case.pk}-v{case.version}"'


def set_etag(response: Response, case: Versioned) -> Response:
    response["ETag"] = etag(case)
    response.add_post_render_callback(_digest_of_read)
    return response


def _digest_of_read(response: Response) -> None:
    # After rendering, when the body exists; ConditionalGetMiddleware then compares it.
    request = (getattr(response, "renderer_context", None) or {}).get("request")
    if request is None or request.method not in READS or response.status_code != 200:
        return
    digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()[:12]
    response["ETag"] = f'{response["ETag"][:-1]}.{digest}"'


def base_version(request, case: Versioned) -> int:
    """The version a write was made from: If-Match first, else `version` in the body."""
    header = request.headers.get("If-Match")
    if header:
        match = ETAG.match(header)
        if match is None:
            raise PreconditionRequired(
                f"If-Match should be the case's ETag, like {etag(case)}; got {header[:60]!r}."
            )
        return int(match.group(1))
    data = request.data if hasattr(request.data, "get") else {}
    version = data.get("version")
    if version in (None, ""):
        raise PreconditionRequired()
    try:
        return int(version)
    except (TypeError, ValueError):
        message = f"`version` should be a whole number, not {version!r}."
        raise PreconditionRequired(message) from None
