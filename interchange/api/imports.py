"""/api/v1/imports/: bulk imports of case reports and bundles, run in the background.

An import job belongs to the person who uploaded it; anyone else's job is a 404. The work is
done by `interchange.jobs` and `interchange.importing`, the same code as `manage.py
import_cases`.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.permissions import NotSuspended
from api.errors import errors
from api.ids import id_or_404
from cases import permissions
from interchange import jobs
from interchange.importing import Result
from interchange.models import ImportJob

IMPORTS = "imports"


class ImportUploadSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        allow_empty=False,
        min_length=1,  # for the schema (minItems); allow_empty says it first
        error_messages={
            "required": "Send at least one file (.txt, .md or .zip) as `files`.",
            "empty": "Send at least one file (.txt, .md or .zip) as `files`.",
        },
        help_text="One or more case reports (.txt or .md, UTF-8) or case bundles (.zip), each "
        "sent as a `files` part.",
    )


RESULT_FIELDS = {
    "name": serializers.CharField(help_text="The file's name as uploaded."),
    "outcome": serializers.ChoiceField(
        choices=[Result.IMPORTED.value, Result.DUPLICATE.value, Result.ATTENTION.value],
        help_text="imported: a new draft case; duplicate: the same source was imported "
        "before (its case is given); attention: not imported, see `reasons`.",
    ),
    "case": serializers.IntegerField(
        allow_null=True,
        help_text="The new or earlier case; null when none, or when it is not yours to see.",
    ),
    "case_url": serializers.URLField(allow_null=True, help_text="The case's page."),
    "case_api_url": serializers.CharField(allow_null=True, help_text="The case in the API."),
    "title": serializers.CharField(allow_null=True),
    "warnings": serializers.ListField(
        child=serializers.CharField(), help_text="Text the importer could not place."
    ),
    "reasons": serializers.ListField(
        child=serializers.CharField(), help_text="Why the file was not imported."
    ),
}

ProgressSerializer = inline_serializer(
    name="ImportProgress",
    fields={"done": serializers.IntegerField(), "total": serializers.IntegerField()},
)

TotalsSerializer = inline_serializer(
    name="ImportTotals",
    fields={
        "imported": serializers.IntegerField(),
        "duplicates": serializers.IntegerField(),
        "attention": serializers.IntegerField(),
    },
)


class ImportJobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="This job: poll it until `status` is done or failed."
    )
    progress = serializers.SerializerMethodField(help_text="Files imported so far, of all.")
    totals = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField(help_text="One entry per file done, in order.")

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "url",
            "status",
            "created_at",
            "started_at",
            "finished_at",
            "progress",
            "totals",
            "results",
            "error",
        ]
        read_only_fields = fields

    # A path on this site (/api/v1/imports/12/), not a whole address.
    @extend_schema_field({"type": "string", "format": "uri-reference"})
    def get_url(self, job: ImportJob) -> str:
        return job.get_api_url()

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, job: ImportJob) -> dict[str, int]:
        return {"done": job.files_done, "total": job.file_count}

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, job: ImportJob) -> dict[str, int]:
        return {"imported": job.imported, "duplicates": job.duplicates, "attention": job.attention}

    @extend_schema_field(inline_serializer(name="ImportResult", fields=RESULT_FIELDS, many=True))
    def get_results(self, job: ImportJob) -> list[dict]:
        return job.results


LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    description="The job's status URL.",
    response=[202],
)


def _job_id(raw) -> int:
    return id_or_404(raw, "No such import job.")


class ImportJobList(generics.GenericAPIView):
    serializer_class = ImportJobSerializer
    permission_classes = [NotSuspended, IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportJob.objects.none()
        return ImportJob.objects.filter(owner=self.request.user).order_by("-created_at", "-pk")

    @extend_schema(
        operation_id="imports_list",
        summary="Your import jobs",
        description="Your bulk imports, newest first, with their status and results.",
        tags=[IMPORTS],
        responses={200: ImportJobSerializer(many=True), **errors(400, 401, 429)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ImportJobSerializer(page, many=True).data)

    @extend_schema(
        operation_id="imports_create",
        summary="Import case reports and bundles in the background",
        description="A multipart upload of one or more files (`files`): case reports (.txt, "
        f".md) and case bundles (.zip), at most {jobs.max_files()} files of "
        f"{jobs.max_file_bytes() // jobs.MB} MB each and {jobs.max_total_bytes() // jobs.MB} "
        "MB in all; a file named otherwise is refused. A refused upload answers 400 and "
        "nothing is kept, and so does storage that "
        "cannot be reached, with 503. An accepted one answers "
        "202 at once with the job; poll its `url` (also in Location) until `status` is done. "
        "Each file becomes a draft case of yours, is skipped as a duplicate of a case imported "
        "before from the same source, or needs attention (with the reasons). Authors only.",
        tags=[IMPORTS],
        parameters=[LOCATION],
        request={"multipart/form-data": ImportUploadSerializer},
        responses={202: ImportJobSerializer, **errors(400, 401, 403, 415, 429, 503)},
    )
    def post(self, request):
        if not permissions.can_create_case(request.user):
            raise PermissionDenied("Only authors can import cases.")
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        job = jobs.create_import_job(owner=request.user, uploads=upload.validated_data["files"])
        job.refresh_from_db()  # on an embedded site the job has already run
        response = Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
        response["Location"] = job.get_api_url()
        return response


class ImportJobDetail(generics.GenericAPIView):
    serializer_class = ImportJobSerializer
    permission_classes = [NotSuspended, IsAuthenticated]

    @extend_schema(
        operation_id="imports_retrieve",
        summary="An import job: its status, progress and results",
        tags=[IMPORTS],
        responses={200: ImportJobSerializer, **errors(401, 404, 429)},
    )
    def get(self, request, pk: str):
        job = ImportJob.objects.filter(owner=request.user, pk=_job_id(pk)).first()
        if job is None:
            raise Http404("No such import job.")
        return Response(ImportJobSerializer(job).data)
