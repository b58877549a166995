"""The figures of a case: upload, processing status, derivatives, captions, annotations,
and the decisions on images held in quarantine.

Who sees what follows the pages. Every figure of a case you can read is listed, as the case
page shows a placeholder for one not ready. Its images are linked only when
`imaging/views/media.py` would serve them to you (processed; a held image only to those who
decide on it), and the reasons an image is held or failed only to the people who follow the
case's workflow, as the editor's status polling does.

Uploads, like the editor's, are not edits of the case text: they need no version and do not
raise it (an upload in one tab must not make the text typed in another stale). Label, caption,
alt text, annotations and removal are edits of the case (`services.change_figure`,
`services.remove_figure`), one version each.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.concurrency import base_version, set_etag
from api.errors import Conflict, errors
from api.ids import MAX_ID
from cases import permissions, services
from cases.api.studies import (
    IF_MATCH,
    checked_with_form,
    ensure_editable,
    etag_header,
    valid_body,
)
from cases.frozen import refuse_if_frozen
from cases.lookups import readable_case_or_404
from cases.models import Case, Figure, QuarantineDecision
from cases.row_forms import FigureForm

from ..annotations import clean_annotations
from ..quarantine import NOT_HELD, attest_clean, clean_regions, redact_figure
from ..uploads import add_figure
from .serializers import (
    AttestCleanSerializer,
    FigureAccess,
    FigureChangesSerializer,
    FigureSerializer,
    FigureUploadSerializer,
    RedactionSerializer,
)

TEXT_FIELDS = ("label", "caption", "alt_text")
DECIDERS_ONLY = "Only the case's authors or an editor decide on held images."


def figures_of(case: Case, access: FigureAccess) -> QuerySet[Figure]:
    """The figures of a case in reading order, with what their representation reads."""
    found = (
        Figure.objects.filter(study__case=case)
        .select_related("study")
        .prefetch_related("frames")
        .order_by("study__position", "study_id", "position", "pk")
    )
    if access.decides_quarantine:
        found = found.prefetch_related(
            Prefetch("decisions", queryset=QuarantineDecision.objects.select_related("decided_by"))
        )
    return found


def figure_in(case: Case, figure_id: int, access: FigureAccess) -> Figure:
    found = figures_of(case, access).filter(pk=figure_id) if 0 < figure_id <= MAX_ID else None
    figure = found.first() if found is not None else None
    if figure is None:
        raise Http404("This case has no such figure.")
    figure.study.case = case  # the services check permissions on it: no need to read it again
    return figure


def _figure_answer(request, case: Case, figure_id: int, *, code: int = 200) -> Response:
    access = FigureAccess(request.user, case)
    figure = figure_in(case, figure_id, access)
    data = FigureSerializer(figure, context={"request": request, "access": access}).data
    return set_etag(Response(data, status=code), case)


# --- Requests --------------------------------------------------------------------------------


STUDY_FILTER = OpenApiParameter(
    "study", OpenApiTypes.INT, description="Only the figures of this study (its id)."
)
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    description="The figure's status URL.",
    response=[202],
)


def _of_study(found: QuerySet[Figure], raw: str) -> QuerySet[Figure]:
    try:
        study_id = int(raw)
    except ValueError:
        raise serializers.ValidationError({"study": ["Give a study's id."]}) from None
    if not 0 < study_id <= MAX_ID:
        return found.none()  # no study has such an id
    return found.filter(study_id=study_id)


class FigureList(generics.GenericAPIView):
    queryset = Figure.objects.none()  # for the schema
    serializer_class = FigureSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="cases_figures_list",
        summary="List the figures of a case",
        description="Every figure of the case in reading order (study by study), with its "
        "processing status and, once you may see them, the URLs of its images.",
        tags=["figures"],
        parameters=[STUDY_FILTER, etag_header(200)],
        responses={200: FigureSerializer(many=True), **errors(400, 404, 429)},
    )
    def get(self, request, case_id: int):
        case = readable_case_or_404(request.user, case_id)
        access = FigureAccess(request.user, case)
        found = figures_of(case, access)
        study = request.query_params.get("study")
        if study is not None:
            found = _of_study(found, study)
        page = self.paginate_queryset(found)
        context = {"request": request, "access": access}
        response = self.get_paginated_response(
            FigureSerializer(page, many=True, context=context).data
        )
        return set_etag(response, case)

    @extend_schema(
        operation_id="cases_figures_create",
        summary="Upload a figure to a study of a case",
        description="A multipart upload of one file. The file is checked before anything is "
        "stored: a refused one answers 400 with the reason and nothing is kept. An accepted "
        "one answers 202 at once; derivatives are made in the background: poll `status_url` "
        "(also in Location). A `study` the case does not have is a 404. Storage that cannot "
        "be reached answers 503 and keeps nothing. "
        "Only the case's authors, while they can edit it. The upload "
        "needs no version and does not change it; caption and alt text are edits of the case, "
        "made afterwards with PATCH.",
        tags=["figures"],
        parameters=[LOCATION],
        request={"multipart/form-data": FigureUploadSerializer},
        responses={202: FigureSerializer, **errors(400, 401, 403, 404, 413, 415, 429, 503)},
    )
    def post(self, request, case_id: int):
        case = readable_case_or_404(request.user, case_id)
        ensure_editable(request.user, case)
        if any(name in request.data for name in ("caption", "alt_text")):
            raise serializers.ValidationError(
                "Caption and alt text are edits of the case: upload the figure, then PATCH "
                "them with the case's version."
            )
        upload = valid_body(FigureUploadSerializer, request)
        study = case.studies.filter(pk=upload["study"]).first()
        if study is None:
            raise Http404(f"This case has no study {upload['study']}.")
        named = checked_with_form(FigureForm, Figure(), {"label": upload.get("label", "")})
        study.case = case  # the service checks permissions on it: no need to read it again
        try:
            figure = add_figure(
                study,
                upload=upload["file"],
                by=request.user,
                label=named.cleaned_data["label"],
                flagged_burned_in=upload["burned_in"],
            )
        except ValidationError as refused:
            if getattr(refused, "code", None) != "refused_upload":
                raise
            raise serializers.ValidationError({"file": refused.messages}) from None
        response = _figure_answer(request, case, figure.pk, code=status.HTTP_202_ACCEPTED)
        response["Location"] = response.data["status_url"]
        return response


class FigureDetail(generics.GenericAPIView):
    queryset = Figure.objects.none()  # for the schema
    serializer_class = FigureSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_figures_retrieve",
        summary="A figure: its processing status, images and annotations",
        tags=["figures"],
        parameters=[etag_header(200)],
        responses={200: FigureSerializer, **errors(404, 429)},
    )
    def get(self, request, case_id: int, figure_id: int):
        return _figure_answer(request, readable_case_or_404(request.user, case_id), figure_id)

    @extend_schema(
        operation_id="cases_figures_partial_update",
        summary="Change a figure's label, caption, alt text or annotations",
        description="Send only what changes. An edit of the case: needs its version "
        "(If-Match or `version`) and raises it by one, whatever it changes. Annotations only "
        "on a processed image (409 before).",
        tags=["figures"],
        parameters=[IF_MATCH, etag_header(200)],
        request=FigureChangesSerializer,
        responses={200: FigureSerializer, **errors(400, 401, 403, 404, 409, 412, 415, 428, 429)},
    )
    def patch(self, request, case_id: int, figure_id: int):
        case = readable_case_or_404(request.user, case_id)
        figure = figure_in(case, figure_id, FigureAccess(request.user, case))
        ensure_editable(request.user, case)
        version = base_version(request, case)
        changes = valid_body(FigureChangesSerializer, request)
        fields = [name for name in TEXT_FIELDS if name in changes]
        if not fields and "annotations" not in changes:
            raise serializers.ValidationError(
                "Nothing to change: send label, caption, alt_text or annotations."
            )
        if "annotations" in changes and figure.status != Figure.ProcessingStatus.READY:
            raise Conflict("This image is not processed yet: annotate it once it is ready.")
        text = checked_with_form(FigureForm, figure, changes).cleaned_data
        annotations = None
        if "annotations" in changes:
            try:
                annotations = clean_annotations(
                    changes["annotations"], frames=figure.frames.count()
                )
            except ValidationError as invalid:
                raise serializers.ValidationError({"annotations": invalid.messages}) from None
        case = services.change_figure(
            figure,
            by=request.user,
            base_version=version,
            changes={name: text[name] for name in fields},
            annotations=annotations,
            summary="" if fields else f"Annotations of {figure}",
        )
        return _figure_answer(request, case, figure.pk)

    @extend_schema(
        operation_id="cases_figures_destroy",
        summary="Remove a figure",
        description="An edit of the case: needs its version (If-Match or `version`). The "
        "image files are deleted once no other figure uses them.",
        tags=["figures"],
        parameters=[IF_MATCH, etag_header(204)],
        request=None,
        responses={204: None, **errors(401, 403, 404, 412, 428, 429)},
    )
    def delete(self, request, case_id: int, figure_id: int):
        case = readable_case_or_404(request.user, case_id)
        figure = figure_in(case, figure_id, FigureAccess(request.user, case))
        ensure_editable(request.user, case)
        version = base_version(request, case)
        case = services.remove_figure(figure, by=request.user, base_version=version)
        return set_etag(Response(status=status.HTTP_204_NO_CONTENT), case)


def _held_figure(request, case_id: int, figure_id: int) -> tuple[Case, Figure]:
    """A figure of a case you can read, if you are one who decides on its held images."""
    case = readable_case_or_404(request.user, case_id)
    figure = figure_in(case, figure_id, FigureAccess(request.user, case))
    if not permissions.can_review_quarantine(request.user, case):
        raise PermissionDenied(DECIDERS_ONLY)
    if not figure.is_quarantined:  # released already, or never held: nothing to decide
        raise Conflict(NOT_HELD)
    return case, figure


class AttestClean(generics.GenericAPIView):
    queryset = Figure.objects.none()  # for the schema
    serializer_class = FigureSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_figures_attest_clean",
        summary="Attest that a held image shows nothing identifying",
        description="Releases an image held in quarantine (possible burned-in text or a "
        "face) to readers, recording who attested it and when. Send `checked: true` to "
        "confirm you looked at every part of the image. The case's authors or an editor; "
        "409 when the image is not held.",
        tags=["figures"],
        request=AttestCleanSerializer,
        responses={200: FigureSerializer, **errors(400, 401, 403, 404, 409, 415, 429)},
    )
    def post(self, request, case_id: int, figure_id: int):
        case, figure = _held_figure(request, case_id, figure_id)
        body = valid_body(AttestCleanSerializer, request)
        if not body["checked"]:
            raise serializers.ValidationError(
                {"checked": ["Confirm you checked every part of the image: send true."]}
            )
        attest_clean(figure, by=request.user, note=body["note"])
        return _figure_answer(request, case, figure.pk)


class Redact(generics.GenericAPIView):
    queryset = Figure.objects.none()  # for the schema
    serializer_class = FigureSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_figures_redact",
        summary="Black out regions of a held image and release it",
        description="The regions are blacked out in every copy kept, the original included, "
        "so the text exists nowhere; then the image is released to readers. The case's "
        "authors or an editor; 409 when the image is not held.",
        tags=["figures"],
        request=RedactionSerializer,
        responses={200: FigureSerializer, **errors(400, 401, 403, 404, 409, 415, 429)},
    )
    def post(self, request, case_id: int, figure_id: int):
        case, figure = _held_figure(request, case_id, figure_id)
        refuse_if_frozen(case)
        body = request.data if isinstance(request.data, dict) else {}
        note = body.get("note", "")
        if not isinstance(note, str):
            raise serializers.ValidationError({"note": ["Give the note as text."]})
        try:
            regions = clean_regions(body.get("regions"))
        except ValidationError as invalid:
            raise serializers.ValidationError({"regions": invalid.messages}) from None
        redact_figure(figure, by=request.user, regions=regions, note=note)
        return _figure_answer(request, case, figure.pk)
