"""Serving images. The only way to an image: every request is checked against `visible_to`.

Readers get derivatives of processed figures; an image held in quarantine is shown only to
the people who decide on it. In production the web server can send the file itself
(`MEDIA_ACCEL`): Django still decides who may see it.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from cases import permissions
from cases.models import Case, Figure
from cases.storage import private_storage

SIZES = {"thumb": "thumbnail", "thumbnail": "thumbnail", "web": "web", "full": "full"}


def figure_for(request, pk: int) -> Figure:
    """A figure of a case the reader may see, processed; quarantined only for its deciders."""
    figure = get_object_or_404(
        Figure.objects.select_related("study__case").filter(
            study__case__in=Case.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    if figure.status == Figure.ProcessingStatus.READY:
        return figure
    if figure.is_quarantined and permissions.can_review_quarantine(request.user, figure.study.case):
        return figure
    raise Http404("This image is not available.")


def serve(field: FieldFile, content_type: str) -> HttpResponse:
    if not field:
        raise Http404("This image is not available.")
    return serve_stored(field.storage, field.name, content_type)


def serve_stored(storage, name: str, content_type: str) -> HttpResponse:
    """Stream a stored file, or let the web server send it (`MEDIA_ACCEL`)."""
    if settings.MEDIA_ACCEL == "nginx":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_PREFIX + name
        return response
    if settings.MEDIA_ACCEL == "sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = storage.path(name)
        return response
    try:
        handle = storage.open(name, "rb")
    except OSError as error:  # the row says ready but storage lost the file
        raise Http404("This image is not available.") from error
    return FileResponse(handle, content_type=content_type)


# Private: a published case may be retracted, and then its images must stop being served.
@require_GET
@cache_control(private=True, max_age=300)
def figure_image(request, pk: int, size: str = "thumb") -> HttpResponse:
    if size not in SIZES:
        raise Http404("No such size.")
    figure = figure_for(request, pk)
    return serve(getattr(figure, SIZES[size]), "image/jpeg")


@require_GET
@cache_control(private=True, max_age=300)
def figure_frame(request, pk: int, position: int, preset: str) -> HttpResponse:
    figure = figure_for(request, pk)
    frame = get_object_or_404(figure.frames, position=position)
    name = frame.renders.get(preset)
    if not name:
        raise Http404("No such window for this slice.")
    # Slice renders are derivatives, kept in the same storage as the figure's other pictures.
    return serve_stored(figure.thumbnail.storage, name, "image/jpeg")


@require_GET
def figure_dicom(request, pk: int) -> HttpResponse:
    """The de-identified DICOM of a figure, as a zip of its files in stack order."""
    figure = figure_for(request, pk)
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
            with private_storage.open(name, "rb") as source:
                archive.writestr(f"IM{number:04d}.dcm", source.read())
    buffer.seek(0)
    label = (figure.label or f"figure-{figure.pk}").replace(" ", "-").lower()
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"case-{figure.study.case_id}-{label}-deidentified.zip",
        content_type="application/zip",
    )
