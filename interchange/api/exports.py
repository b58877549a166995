"""/api/v1/cases/{id}/export/: a case as its canonical document, a bundle or a MIRC zip."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import NotSuspended
from api.concurrency import set_etag
from api.errors import errors
from api.negotiation import FormatNamesAFile
from cases.api.cases import CASE_ID, document_for
from cases.api.document_schema import CaseDocumentSerializer
from cases.document import DOCUMENT_PREFETCH
from cases.lookups import readable_case_or_404
from cases.models import Case

from ..exports import FORMATS, export_case


class CaseExport(APIView):
    permission_classes = [NotSuspended, AllowAny]
    content_negotiation_class = FormatNamesAFile

    @extend_schema(
        operation_id="cases_export_retrieve",
        summary="Export a case as a file",
        description="`format=json` (the default): the canonical case document, the same JSON "
        "as the case's detail. `format=bundle`: a zip with `case.json`, the images of the "
        "figures that are ready (de-identified), `LICENCE.txt` and `README.txt`, to import "
        "on another site. `format=mirc`: a MIRC document and its images in a zip.",
        tags=["cases"],
        parameters=[
            CASE_ID,
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                enum=["json", "bundle", "mirc"],
                description="What to download; default `json`.",
            ),
        ],
        responses={
            (200, "application/json"): CaseDocumentSerializer,
            (200, "application/zip"): OpenApiTypes.BINARY,
            **errors(400, 404, 429, 503),
        },
    )
    def get(self, request, id):
        case = readable_case_or_404(
            request.user, id, queryset=Case.objects.prefetch_related(*DOCUMENT_PREFETCH)
        )
        # Left out is the default; given empty is no format, as the citation's is.
        format = request.query_params.get("format", "json")
        if format not in FORMATS:
            raise ValidationError(
                f"“{format[:40]}” is not an export format: use one of {', '.join(FORMATS)}."
            )
        if format == "json":
            response = set_etag(Response(document_for(request.user, case)), case)
            response["Content-Disposition"] = f'attachment; filename="case-{case.pk}.json"'
            return response
        export = export_case(case, user=request.user, format=format)
        response = HttpResponse(export.content, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        return response
