"""/api/v1/cases/{id}/citation/: a published case's citation in a chosen style or format."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from accounts.api.permissions import NotSuspended
from api.errors import errors
from api.negotiation import FormatNamesAFile
from interchange.citable import citable_case
from interchange.citations import CITATION_FORMATS, FORMATS, TEXT_FORMATS, filename_for

CSL_JSON_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "type"],
        "properties": {
            "id": {"type": "string"},
            "type": {"type": "string"},
            "title": {"type": "string"},
            "author": {"type": "array", "items": {"type": "object"}},
            "issued": {"type": "object"},
            "accessed": {"type": "object"},
            "version": {"type": "string"},
            "URL": {"type": "string"},
            "container-title": {"type": "string"},
            "publisher": {"type": "string"},
        },
    },
}


class CitationQuery(serializers.Serializer):
    format = serializers.ChoiceField(choices=FORMATS, default="vancouver")


def _text(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=OpenApiTypes.STR, description=description)


class CaseCitation(APIView):
    permission_classes = [NotSuspended, AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FormatNamesAFile

    @extend_schema(
        operation_id="cases_citation_retrieve",
        summary="Cite a published case",
        description="The case's citation as Vancouver or APA text (text/plain), or as a "
        "BibTeX, RIS or CSL-JSON file (with a Content-Disposition filename). Only published "
        "cases you may read are citable; others are a 404. The version cited is the published "
        "revision (1 at the first publication, 2 after a new revision is published, …), not "
        "the document's `version`, which counts every save.",
        tags=["cases"],
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=list(FORMATS),
                default="vancouver",
                description="The citation style or file format.",
            )
        ],
        responses={
            (200, "text/plain"): _text(
                "The citation: text for `vancouver` and `apa`, a file for the other formats."
            ),
            (200, "application/x-bibtex"): _text("A BibTeX @misc entry."),
            (200, "application/x-research-info-systems"): _text("An RIS record (ELEC)."),
            (200, "application/vnd.citationstyles.csl+json"): OpenApiResponse(
                response=CSL_JSON_SCHEMA, description="A CSL-JSON array of one item."
            ),
            **errors(400, 404, 429),
        },
        examples=[
            OpenApiExample(
                "Vancouver",
                value="Lopez M, Smith JA. Osteoid osteoma of the femoral neck [Internet]. "
                "Teaching File; 2026 [cited 2026 Nov 22]. Version 3. Available from: "
                "https://teachingfile.example/cases/12/",
                media_type="text/plain",
                response_only=True,
            )
        ],
    )
    def get(self, request, id: int) -> HttpResponse:
        query = CitationQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        chosen = CITATION_FORMATS[query.validated_data["format"]]
        case = citable_case(request.user, id)
        response = HttpResponse(chosen.render(case), content_type=chosen.content_type)
        if chosen.name not in TEXT_FORMATS:
            response["Content-Disposition"] = f'attachment; filename="{filename_for(case, chosen)}"'
        return response
