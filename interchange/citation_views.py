"""Citation downloads of a published case: BibTeX, RIS and CSL-JSON files."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from .citable import citable_case
from .citations import CITATION_FORMATS, DOWNLOAD_FORMATS, filename_for


@require_GET
def case_citation(request, pk: int, citation_format: str) -> HttpResponse:
    if citation_format not in DOWNLOAD_FORMATS:
        raise Http404("No such citation format.")
    case = citable_case(request.user, pk)
    chosen = CITATION_FORMATS[citation_format]
    response = HttpResponse(chosen.render(case), content_type=chosen.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename_for(case, chosen)}"'
    return response
