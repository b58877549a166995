"""Optimistic concurrency for case writes: the case's version is its ETag.

A write names the version it was made from, in `If-Match` (the ETag of the case read) or as
`version` in the body. The services compare it under the row lock and refuse a stale one,
which the API answers with 412, so nobody's work is silently overwritten.

A read's ETag adds a digest of the body to the version, `"case-12-v3.5d41402abc4b"`: some of
what a read shows changes without a new version (a figure uploaded or processed, the quiz's
answers shown to reviewers only), and `If-None-Match` must not answer 304 for it. `If-Match`
takes either form; only the version counts.

`If-Match` follows RFC 9110 (section 13.1.1): it compares strongly, so a weak tag (`W/"…"`)
never matches; a list matches when one of its tags does; `*` matches the case, which exists;
anything else, a malformed value included, is a condition that is false: 412. Only a write
that names no version at all, in neither the header nor the body, gets 428.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Protocol

from rest_framework.response import Response

from .errors import PreconditionFailed, PreconditionRequired


class Versioned(Protocol):
    """A row with a version raised on every change, such as a case."""

    pk: Any
    version: int


# One strong entity tag of ours: "case-12-v3", with or without the read's digest.
ENTITY_TAG = re.compile(r'^"case-(\d+)-v(\d+)(?:\.[0-9a-f]+)?"$')
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
    """The version a write was made from: If-Match first, else `version` in the body.

    Raises PreconditionFailed (412) when If-Match names no current version of this case, and
    PreconditionRequired (428) when neither If-Match nor `version` is sent.
    """
    header = request.headers.get("If-Match")
    if header is not None:
        return _matched_version(header, case)
    data = request.data if hasattr(request.data, "get") else {}
    version = data.get("version")
    if version in (None, ""):
        raise PreconditionRequired()
    try:
        return int(version)
    except (TypeError, ValueError):
        message = f"`version` should be a whole number, not {version!r}."
        raise PreconditionRequired(message) from None


def _matched_version(header: str, case: Versioned) -> int:
    """The version If-Match names for this case (strong comparison); 412 when it names none.

    An older version of this case is returned as it is: the service then refuses it under
    the row lock (StaleEdit, also 412), saying what changed since.
    """
    tags = [tag.strip() for tag in header.split(",")]
    if tags == ["*"]:
        return case.version
    versions = [
        int(match.group(2))
        for match in map(ENTITY_TAG.match, tags)
        if match and int(match.group(1)) == case.pk
    ]
    if case.version in versions:
        return case.version
    if versions:
        return versions[0]
    raise PreconditionFailed(
        f"If-Match {header[:80]!r} does not match the case's current ETag {etag(case)}: "
        'read the case again and send its ETag (a weak tag, W/"…", never matches).'
    )
