"""Signed, expiring addresses of figure images and DICOM (served by imaging/views/media.py).

Who may see an image is decided when its address is made, never when it is served: addresses
are made only for figures of cases the reader may see (callers hold cases from `visible_to`),
only for processed figures, and for an image held in quarantine only for those who decide on
it. The address then works for whoever holds it, cookies or not (an API token client's
`<img>`, a shared page), until it expires.

Addresses are signed for a time bucket, not for a request: within one bucket every reader gets
the same bytes, so pages holding them stay cacheable (cases/page_cache.py puts `bucket()` in its
keys). A bucket lasts half the expiry and an address expires one expiry after its bucket began,
so an address handed out lives between half an expiry and a whole one.

This lives in `cases` (with the figures) so that the case list's rows can be signed too;
`imaging` serves the files and holds the template tag.
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from . import permissions

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Case, Figure

SALT = "teachingfile.media-url"
EXPIRES = "expires"
SIGNATURE = "signature"
# Not signed: a token of the figure's current pictures, so that a browser does not show the copy
# it cached for an hour once they change (redacted, processed again).
VERSION = "v"
# Image sizes as their addresses name them; "thumb" is the card and list thumbnail.
SIZES = ("thumb", "web", "full")


def now() -> float:
    """The clock of the buckets (tests replace it)."""
    return time.time()


def expiry_seconds() -> int:
    return max(2, int(settings.MEDIA_URL_EXPIRY_SECONDS))


def bucket_seconds() -> int:
    return expiry_seconds() // 2


def bucket(at: float | None = None) -> int:
    """The number of the current time bucket: part of every cache key of a page holding
    signed addresses, so that no cached page outlives its addresses' first half-life."""
    return int(now() if at is None else at) // bucket_seconds()


def expires(at: float | None = None) -> int:
    """When an address made now expires: one expiry after its bucket began."""
    return bucket(at) * bucket_seconds() + expiry_seconds()


def signature(path: str, expires_at: int) -> str:
    return salted_hmac(SALT, f"{path}\n{expires_at}", algorithm="sha256").hexdigest()[:32]


def sign(path: str, expires_at: int | None = None, *, version: str = "") -> str:
    """`path` with `?expires=…&signature=…` for the current bucket (or `expires_at`), and
    `&v=…` when a `version` of the file is given."""
    if expires_at is None:
        expires_at = expires()
    signed = f"{path}?{EXPIRES}={expires_at}&{SIGNATURE}={signature(path, expires_at)}"
    return f"{signed}&{VERSION}={version}" if version else signed


def seconds_left(request: HttpRequest) -> int | None:
    """How long the signed address of this request still lives; None when it is unsigned,
    expired, tampered with or signed for another path."""
    given = request.GET.get(SIGNATURE, "")
    try:
        expires_at = int(request.GET.get(EXPIRES, ""))
    except ValueError:
        return None
    left = expires_at - int(now())
    if not given or left <= 0 or left > expiry_seconds():
        return None
    if not constant_time_compare(given, signature(request.path, expires_at)):
        return None
    return left


# Addresses of a figure's files -------------------------------------------------------------


def pictures_version(figure: Figure) -> str:
    """A short token of the figure's current pictures: derivatives are named by their content,
    so a redaction or a new upload gives new names. Empty when the names were not read."""
    if "thumbnail" in figure.get_deferred_fields() or not figure.thumbnail:
        return ""
    return hashlib.sha256(figure.thumbnail.name.encode()).hexdigest()[:8]


def images_served(figure: Figure, user=None, case: Case | None = None) -> bool:
    """Whether a reader who may see the figure's case gets its images: processed figures for
    everyone, an image held in quarantine only for those who decide on it. Asks nothing of the
    database for a processed figure."""
    if figure.status == figure.ProcessingStatus.READY:
        return True
    if not figure.is_quarantined or user is None or not user.is_authenticated:
        return False
    # Kept on the figure: a stack asks once per slice and window.
    decided = figure.__dict__.setdefault("_quarantine_deciders", {})
    if user.pk not in decided:
        decided[user.pk] = permissions.can_review_quarantine(user, case or figure.study.case)
    return decided[user.pk]


def figure_image_url(
    figure: Figure, size: str = "thumb", user=None, *, case: Case | None = None
) -> str | None:
    """The signed address of one of a figure's pictures ("thumb", "web", "full"), or None
    when this reader gets none. The caller has let the reader see the figure's case."""
    if size not in SIZES or not images_served(figure, user, case):
        return None
    version = pictures_version(figure)
    if size == "thumb":
        return sign(reverse("figure-thumbnail", args=[figure.pk]), version=version)
    return sign(reverse("figure-image", args=[figure.pk, size]), version=version)


def figure_frame_url(
    figure: Figure,
    position: int,
    preset: str = "default",
    user=None,
    *,
    case: Case | None = None,
) -> str | None:
    """The signed address of one slice of a stack in one window, or None."""
    if not images_served(figure, user, case):
        return None
    path = reverse("figure-frame", args=[figure.pk, position, preset])
    return sign(path, version=pictures_version(figure))


def figure_pixels_url(
    figure: Figure, position: int, user=None, *, case: Case | None = None
) -> str | None:
    """The signed address of one slice's values for windowing in the browser, or None."""
    if not images_served(figure, user, case):
        return None
    path = reverse("figure-pixels", args=[figure.pk, position])
    return sign(path, version=pictures_version(figure))


def figure_dicom_url(figure: Figure, user=None, *, case: Case | None = None) -> str | None:
    """The signed address of a figure's de-identified DICOM as a zip, or None. Never while the
    image is held in quarantine: the DICOM may carry the burned-in text."""
    if figure.status != figure.ProcessingStatus.READY:
        return None
    return sign(reverse("figure-dicom", args=[figure.pk]))
