"""Pages served from the shared cache: whole pages for anonymous readers (the case page, home,
browse) and the reader-independent body of a case page for everyone else.

Every key holds the version the page was built from (cases/freshness.py), taken before the
database is read, so a change makes new pages at once and nothing cached is ever stale. When
the cache is down there is no version, and pages are built as if there were no cache.

Only what every reader of the page would see may be cached:
- whole pages only for anonymous readers, and only for published cases (a draft never reaches
  the cache: readers of drafts are signed in, and the case body is cached only once published);
- never a response carrying something made for this request: a flash message, a CSRF token,
  a CSP nonce, a cookie;
- a case body only after `readable_case_or_404` has let the reader in; it is built without the
  request, so it cannot hold anything about the reader.

Pages hold signed image addresses that expire (cases/media_urls.py). They are signed per time
bucket, and every key holds the bucket: a cached page is never served after its bucket, so its
addresses always have at least half their life left when it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import quote_etag
from django.utils.safestring import SafeString, mark_safe

from . import freshness, media_urls

if TYPE_CHECKING:
    from .models import Case

# Entries are never deleted (a change makes a new key); they expire once nobody asks for them.
PAGE_TIMEOUT = 60 * 60 * 24


def page_timeout() -> int:
    """How long to keep a page: no longer than the time bucket in its key is current."""
    return min(PAGE_TIMEOUT, media_urls.bucket_seconds())


# The parts of the case page that are the same for every reader (cases/_case_body.html), by
# the name the page template gives them.
BODY_TEMPLATE = "cases/_case_body.html"
BODY_PARTS = {
    "case_header": "case-header",
    "case_contents": "case-contents",
    "case_article": "case-article",
}


@dataclass(frozen=True)
class CachedPage:
    """A whole page as an anonymous reader gets it, with the address it was built for."""

    path: str
    content: bytes
    content_type: str
    etag: str
    # The version of the case the page was built from (case pages; lists hold it in the key).
    version: str = ""

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, content_type=self.content_type)
        # Stored with the page, so that ConditionalGetMiddleware answers 304 without hashing.
        response["ETag"] = self.etag
        patch_vary_headers(response, ["Cookie"])
        return response


def may_share(request: HttpRequest) -> bool:
    """Whether this request may be answered with, and build, a page shared by every anonymous
    reader: a plain GET by someone not signed in, with no flash message waiting for them."""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    # Counting the messages reads them without marking them shown, so the page still shows them.
    return len(messages.get_messages(request)) == 0


def _query_digest(request: HttpRequest) -> str:
    """The query string in a canonical order, so that the same search shares one entry."""
    pairs = sorted((name, value) for name in request.GET for value in request.GET.getlist(name))
    # Encoded, so that no crafted value ("1&b=2") can name another search's entry.
    return hashlib.sha256(f"{request.path}?{urlencode(pairs)}".encode()).hexdigest()[:32]


def _made_for_this_request(request: HttpRequest, response: HttpResponse) -> bool:
    return bool(
        response.status_code != 200
        or response.streaming
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or get_nonce(request)
    )


def _keep(key: str, request: HttpRequest, response: HttpResponse, version: str = "") -> None:
    if _made_for_this_request(request, response):
        return
    content = response.content
    etag = quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())
    page = CachedPage(request.path, content, response["Content-Type"], etag, version)
    cache.set(key, page, page_timeout())
    response["ETag"] = etag


def shared_list_page(
    request: HttpRequest, name: str, build: Callable[[], HttpResponse]
) -> HttpResponse:
    """A page listing cases (home, browse) from cache for anonymous readers, built by `build`
    otherwise. Signed-in readers may see institution and unlisted cases: theirs is built."""
    if not may_share(request):
        return build()
    version = freshness.catalogue_version()
    if version is None:
        return build()
    key = f"page:{name}:{version}:{media_urls.bucket()}:{_query_digest(request)}"
    cached = cache.get(key)
    if cached is not None:
        return cached.response()
    response = build()
    _keep(key, request, response)
    return response


# The case page ----------------------------------------------------------------------------


def _case_page_key(case_id: int) -> str:
    # The day is in the key: the citation says when the case was accessed (today); so is the
    # bucket of its image addresses. The version is in the page, so that the version and the
    # page come in one round trip.
    day = timezone.localdate().isoformat()
    return f"page:case:{case_id}:{day}:{media_urls.bucket()}"


def shared_case_page(request: HttpRequest, case_id: int) -> tuple[str | None, CachedPage | None]:
    """For an anonymous reader: the version to cache the case page under, taken before the
    page is read, and the page kept for that version if there is one. (None, None) when the
    page is not to be shared (signed in, a message, a query, no cache)."""
    # A query string shows in the page (the search box), so only the plain address is shared.
    if request.GET or not may_share(request):
        return None, None
    key = _case_page_key(case_id)
    # Kept under this key, of the bucket before the page is built: its addresses are signed
    # for this bucket or a later one, never an earlier.
    request.shared_case_page_key = key
    version, found = freshness.case_version_and(case_id, [key])
    page = found.get(key)
    if version is None or page is None or page.version != version:
        return version, None
    return version, page


def keep_case_page(
    request: HttpRequest, case: Case, version: str | None, response: HttpResponse
) -> None:
    """Share this anonymous reader's page of a published case with the next ones."""
    key = getattr(request, "shared_case_page_key", None)
    if version is not None and key is not None and case.is_published:
        _keep(key, request, response, version)


def case_body(
    case: Case, *, version: str | None, prefetch: Callable[[], None]
) -> dict[str, SafeString]:
    """The parts of the case page every reader sees alike, from cache for a published case.

    `case` has passed the visibility rule for this reader; `version` is the case's version,
    taken before the case was read. `prefetch` loads the case's parts, called only when the
    body is built."""
    if not case.is_published:
        version = None
    day = timezone.localdate().isoformat()
    key = f"case-body:{case.pk}:{version}:{day}:{media_urls.bucket()}"
    if version is not None:
        cached = cache.get(key)
        if cached is not None:
            return {name: mark_safe(html) for name, html in cached.items()}  # noqa: S308
    prefetch()
    # Rendered without the request: nothing about the reader can get into it.
    body = {
        name: render_to_string(f"{BODY_TEMPLATE}#{partial}", {"case": case})
        for name, partial in BODY_PARTS.items()
    }
    if version is not None:
        cache.set(key, {name: str(html) for name, html in body.items()}, page_timeout())
    return body
