"""The case page's downloads: the case as a bundle, its JSON document or a MIRC document."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from cases.lookups import readable_case_or_404
from cases.storage import StorageUnavailable

from .exports import FORMATS, export_case


@require_GET
@cache_control(private=True, no_store=True)
def case_export(request: HttpRequest, pk: int, format: str) -> HttpResponse:
    if format not in FORMATS:
        raise Http404("No such export format.")
    case = readable_case_or_404(request.user, pk)
    try:
        export = export_case(case, user=request.user, format=format)
    except StorageUnavailable:
        return render(request, "interchange/storage_unavailable.html", status=503)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
