"""Serving images and DICOM at signed, expiring addresses (cases/media_urls.py).

Who may see an image was decided when its address was made; here the signature and its expiry
are checked, then that the figure and the file still exist. No session is read, so an address
works for whoever was given it: a page's `<img>`, an API token client, a shared cached page.

Local files are streamed, or sent by the web server (`MEDIA_ACCEL`). A storage with no local
path (object storage) is answered with a redirect to its own short-lived address.
"""

from __future__ import annotations

import io
import zipfile

from botocore.exceptions import ClientError
from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from cases import media_urls
from cases.models import Figure
from cases.storage import STORAGE_ERRORS, UNAVAILABLE_MESSAGE, private_storage

SIZES = {"thumb": "thumbnail", "thumbnail": "thumbnail", "web": "web", "full": "full"}
# The shortest life of an object storage's own address we redirect to.
MIN_REDIRECT_SECONDS = 60


def signed_for(request: HttpRequest) -> int:
    """The seconds the request's signed address still lives; 404 when it is not valid."""
    left = media_urls.seconds_left(request)
    if left is None:
        raise Http404("This address is not valid, or has expired.")
    return left


def figure_or_404(pk: int) -> Figure:
    return get_object_or_404(Figure.objects.only("pk", "status", *SIZES.values()), pk=pk)


def local_path(storage, name: str) -> str | None:
    """The file's path on this machine; None for a storage that has none (object storage)."""
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


def serve(field: FieldFile, content_type: str, left: int) -> HttpResponse:
    if not field:
        raise Http404("This image is not available.")
    return serve_stored(field.storage, field.name, content_type, left)


def storage_unavailable() -> HttpResponse:
    response = HttpResponse(UNAVAILABLE_MESSAGE, status=503, content_type="text/plain")
    response["Retry-After"] = "60"
    return response


def serve_stored(
    storage, name: str, content_type: str, left: int, *, same_origin: bool = False
) -> HttpResponse:
    """Send a stored file, cacheable privately no longer than its signed address lives.

    `same_origin` streams an object storage's file through the site instead of redirecting,
    for what a script fetches: the page's policy (`connect-src 'self'`) lets no script read
    another origin, and a bucket would need CORS rules besides."""
    response = _stored_response(storage, name, content_type, left, same_origin=same_origin)
    patch_cache_control(response, private=True, max_age=left)
    return response


def _stored_response(
    storage, name: str, content_type: str, left: int, *, same_origin: bool = False
) -> HttpResponse:
    path = local_path(storage, name)
    if path is None and same_origin:
        try:
            handle = storage.open(name, "rb")
        except FileNotFoundError as error:
            raise Http404("This image is not available.") from error
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise Http404("This image is not available.") from error
            return storage_unavailable()
        except STORAGE_ERRORS:
            return storage_unavailable()
        return FileResponse(handle, content_type=content_type)
    if path is None:
        # Object storage: its own signed address, alive at least as long as ours. Asking it
        # whether the file exists would cost a round trip; a missing file is its 404.
        return HttpResponseRedirect(storage.url(name, expire=max(left, MIN_REDIRECT_SECONDS)))
    if settings.MEDIA_ACCEL in ("nginx", "sendfile"):
        if not storage.exists(name):  # the row says ready but storage lost the file
            raise Http404("This image is not available.")
        response = HttpResponse(content_type=content_type)
        if settings.MEDIA_ACCEL == "nginx":
            response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_PREFIX + name
        else:
            response["X-Sendfile"] = path
        return response
    try:
        handle = storage.open(name, "rb")
    except OSError as error:
        raise Http404("This image is not available.") from error
    return FileResponse(handle, content_type=content_type)


@require_GET
def figure_image(request: HttpRequest, pk: int, size: str = "thumb") -> HttpResponse:
    left = signed_for(request)
    if size not in SIZES:
        raise Http404("No such size.")
    figure = figure_or_404(pk)
    return serve(getattr(figure, SIZES[size]), "image/jpeg", left)


@require_GET
def figure_frame(request: HttpRequest, pk: int, position: int, preset: str) -> HttpResponse:
    left = signed_for(request)
    figure = figure_or_404(pk)
    frame = get_object_or_404(figure.frames.only("renders"), position=position)
    name = frame.renders.get(preset)
    if not name:
        raise Http404("No such window for this slice.")
    # Slice renders are derivatives, kept in the same storage as the figure's other pictures.
    return serve_stored(figure.thumbnail.storage, name, "image/jpeg", left)


@require_GET
def figure_pixels(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """One slice's modality values for windowing in the browser (imaging/pixels.py): a gzip
    stream the viewer decompresses itself, so it is sent as bytes, not as an encoding."""
    left = signed_for(request)
    figure = figure_or_404(pk)
    frame = get_object_or_404(figure.frames.only("pixels"), position=position)
    name = (frame.pixels or {}).get("name")
    if not name:
        raise Http404("This slice has no pixel data yet.")
    return serve_stored(
        figure.thumbnail.storage, name, "application/octet-stream", left, same_origin=True
    )


@require_GET
def figure_dicom(request: HttpRequest, pk: int) -> HttpResponse:
    """The de-identified DICOM of a figure, as a zip of its files in stack order."""
    signed_for(request)
    figure = get_object_or_404(Figure.objects.select_related("study"), pk=pk)
    if figure.is_quarantined:
        raise Http404("This image is held for review.")
    names = list(
        figure.frames.exclude(dicom="").order_by("position").values_list("dicom", flat=True)
    )
    if not names:
        raise Http404("This figure has no DICOM.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, name in enumerate(dict.fromkeys(names), start=1):
            try:
                with private_storage.open(name, "rb") as source:
                    archive.writestr(f"IM{number:04d}.dcm", source.read())
            except OSError as error:
                raise Http404("This figure's DICOM is not available.") from error
    buffer.seek(0)
    label = (figure.label or f"figure-{figure.pk}").replace(" ", "-").lower()
    response = FileResponse(
        buffer,
        as_attachment=True,
        filename=f"case-{figure.study.case_id}-{label}-deidentified.zip",
        content_type="application/zip",
    )
    # Built from the case's private files for one address: no shared or later copy.
    patch_cache_control(response, private=True, no_store=True)
    return response
