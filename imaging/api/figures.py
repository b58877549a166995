"""The figures of a case: upload, processing status, derivatives, captions, annotations,
and the decisions on images held in quarantine.

Who sees what follows the pages. Every figure of a case you can read is listed, as the case
page shows a placeholder for one not ready. Its images are linked only when
`cases/media_views.py` would serve them to you (processed; a held image only to those who
decide on it), and the reasons an image is held or failed only to the people who follow the
case's workflow, as the editor's status polling does.

Uploads, like the editor's, are not edits of the case text: they need no version and do not
raise it (an upload in one tab must not make the text typed in another stale). Label, caption,
alt text, annotations and removal are edits of the case (`services.change_figure`,
`services.remove_figure`), one version each.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cases import permissions, services
from cases.api.cases import case_for
from cases.models import Case, Figure, QuarantineDecision
from cases.row_forms import FigureForm
from imaging.annotations import clean_annotations
from imaging.quarantine import attest_clean, clean_regions, redact_figure
from imaging.uploads import add_figure
from imaging.viewer import viewer_data

from .concurrency import base_version, set_etag
from .errors import Conflict, errors
from .ids import MAX_ID
from .studies import (
    IF_MATCH,
    VERSION_FIELD_HELP,
    checked_with_form,
    ensure_editable,
    etag_header,
    valid_body,
)

TEXT_FIELDS = ("label", "caption", "alt_text")
DECIDERS_ONLY = "Only the case's authors or an editor decide on held images."


class FigureAccess:
    """What one person may see of the figures of one case, decided once per request."""

    def __init__(self, user, case: Case) -> None:
        # The editor's status polling: authors, editors and the case's reviewers.
        self.follows_workflow = user.is_authenticated and permissions.can_follow_workflow(
            user, case
        )
        self.decides_quarantine = permissions.can_review_quarantine(user, case)

    def images_served(self, figure: Figure) -> bool:
        # As cases/media_views.figure_for: processed images for every reader of the case,
        # an image held in quarantine only for those who decide on it.
        if figure.status == Figure.ProcessingStatus.READY:
            return True
        return figure.is_quarantined and self.decides_quarantine


# --- Representation ------------------------------------------------------------------------------


class FigureFrameSerializer(serializers.Serializer):
    src = serializers.URLField(help_text="The image (for a stack, this slice) as acquired.")
    presets = serializers.DictField(
        child=serializers.URLField(),
        help_text="The slice in other CT windows, by preset name (brain, lung, …).",
    )


class WindowPresetSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()


class FigureImagesSerializer(serializers.Serializer):
    thumbnail = serializers.URLField(help_text="A small JPEG for lists.")
    web = serializers.URLField(help_text="A JPEG sized for the page.")
    full = serializers.URLField(help_text="The largest JPEG.")
    frames = FigureFrameSerializer(many=True, help_text="What the viewer shows, in stack order.")
    window_presets = WindowPresetSerializer(
        many=True, help_text="CT windows every slice is rendered in (empty for other images)."
    )
    dicom = serializers.URLField(
        allow_null=True, help_text="A zip of the de-identified DICOM files, for DICOM figures."
    )


class QuarantineDecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = QuarantineDecision
        fields = ["decision", "note", "regions", "decided_by", "decided_at"]
        read_only_fields = fields


class FigureSerializer(serializers.ModelSerializer):
    """A figure of a case: its processing status, images and annotations."""

    # Reads `access` (a FigureAccess) and `request` from the context.

    status_url = serializers.SerializerMethodField(
        help_text="This representation: poll it until `status` is no longer pending or processing."
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    frame_count = serializers.SerializerMethodField(
        help_text="Slices of a DICOM figure once processed; 0 for other images."
    )
    processing_error = serializers.SerializerMethodField(
        help_text="Why processing failed; shown to the case's authors, editors and reviewers."
    )
    quarantine_reasons = serializers.SerializerMethodField(
        help_text="Why the image is held for a person to check; shown to the case's authors, "
        "editors and reviewers."
    )
    annotations = serializers.ListField(
        child=serializers.DictField(),
        read_only=True,
        help_text="Arrows {type, x1, y1, x2, y2, label}, ellipses {type, cx, cy, rx, ry, label} "
        "and texts {type, x, y, text}, in fractions of the image; `frame`: the slice, or null.",
    )
    images = serializers.SerializerMethodField(
        help_text="Where the derivatives are served; null while you cannot see them (not "
        "processed yet, failed, or held for review)."
    )
    decisions = serializers.SerializerMethodField(
        help_text="Decisions on the image while it was held; shown to those who decide on it."
    )

    class Meta:
        model = Figure
        fields = [
            "id",
            "status_url",
            "study",
            "position",
            "label",
            "caption",
            "alt_text",
            "kind",
            "status",
            "status_display",
            "processing_error",
            "quarantine_reasons",
            "width",
            "height",
            "modality",
            "frame_count",
            "annotations",
            "images",
            "decisions",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "study": {"help_text": "The id of the study the figure belongs to."},
            "position": {"help_text": "Its place among the study's figures, from 0."},
            "label": {"help_text": 'e.g. "Fig 2"'},
            "alt_text": {"help_text": "What the image shows; required before publication."},
            "status": {"help_text": "pending, processing, ready, failed or quarantined."},
            "modality": {"help_text": "From the DICOM header, for DICOM uploads."},
        }

    @property
    def access(self) -> FigureAccess:
        return self.context["access"]

    def get_status_url(self, figure: Figure) -> str:
        return figure_url(self.context["request"], figure)

    def get_frame_count(self, figure: Figure) -> int:
        return len(figure.frames.all())

    def get_processing_error(self, figure: Figure) -> str:
        return figure.processing_error if self.access.follows_workflow else ""

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_quarantine_reasons(self, figure: Figure) -> list[str]:
        return list(figure.quarantine_reasons or []) if self.access.follows_workflow else []

    @extend_schema_field(FigureImagesSerializer(allow_null=True))
    def get_images(self, figure: Figure) -> dict[str, Any] | None:
        if not self.access.images_served(figure):
            return None
        absolute = self.context["request"].build_absolute_uri
        shown = viewer_data(figure)
        return {
            "thumbnail": absolute(reverse("figure-thumbnail", args=[figure.pk])),
            "web": absolute(reverse("figure-image", args=[figure.pk, "web"])),
            "full": absolute(shown["full"]),
            "frames": [
                {
                    "src": absolute(frame["src"]),
                    "presets": {name: absolute(url) for name, url in frame["presets"].items()},
                }
                for frame in shown["frames"]
            ],
            "window_presets": [{"name": name, "label": label} for name, label in shown["presets"]],
            # The DICOM download is refused while an image is held (media_views.figure_dicom).
            "dicom": absolute(shown["download"])
            if shown["download"] and not figure.is_quarantined
            else None,
        }

    @extend_schema_field(QuarantineDecisionSerializer(many=True))
    def get_decisions(self, figure: Figure) -> list[dict[str, Any]]:
        if not self.access.decides_quarantine:
            return []
        return QuarantineDecisionSerializer(figure.decisions.all(), many=True).data


def figure_url(request, figure: Figure) -> str:
    return request.build_absolute_uri(
        reverse("api-figure-detail", args=[figure.study.case_id, figure.pk])
    )


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


class FigureUploadSerializer(serializers.Serializer):
    study = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The id of the study the figure belongs to."
    )
    file = serializers.FileField(
        allow_empty_file=False,
        help_text="JPEG, PNG, WebP, GIF (first frame), TIFF, DICOM, or a zip of one DICOM "
        "series. Anything else is refused and nothing is kept.",
    )
    label = serializers.CharField(
        required=False, allow_blank=True, help_text='e.g. "Fig 2"; "Fig <n>" when left out.'
    )
    burned_in = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The image may show text or a face: hold it until a person checks it.",
    )


class FigureChangesSerializer(serializers.Serializer):
    label = serializers.CharField(required=False, allow_blank=True, help_text='e.g. "Fig 2"')
    caption = serializers.CharField(required=False, allow_blank=True, help_text="Markdown.")
    alt_text = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="What the image shows, for people who cannot see it.",
    )
    annotations = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="Replaces the drawn shapes: arrows {type: arrow, x1, y1, x2, y2, label}, "
        "ellipses {type: ellipse, cx, cy, rx, ry, label}, texts {type: text, x, y, text}, in "
        "fractions of the image (0 to 1), with `frame` the slice of a stack or null. Only on "
        "a processed image.",
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_FIELD_HELP)


class AttestCleanSerializer(serializers.Serializer):
    checked = serializers.BooleanField(
        help_text="true: you checked every part of the image and it shows nothing identifying."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RedactionRegionSerializer(serializers.Serializer):
    x = serializers.FloatField(min_value=0, max_value=1)
    y = serializers.FloatField(min_value=0, max_value=1)
    width = serializers.FloatField(min_value=0, max_value=1)
    height = serializers.FloatField(min_value=0, max_value=1)


class RedactionSerializer(serializers.Serializer):
    # Describes the body for the schema: the view has the regions checked by
    # `imaging.quarantine.clean_regions`, the one place their rules are written.

    regions = RedactionRegionSerializer(
        many=True, help_text="Rectangles to black out, in fractions of the image (1 to 50)."
    )
    note = serializers.CharField(required=False, allow_blank=True)


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
        case = case_for(request, case_id)
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
        "(also in Location). Only the case's authors, while they can edit it. The upload "
        "needs no version and does not change it; caption and alt text are edits of the case, "
        "made afterwards with PATCH.",
        tags=["figures"],
        parameters=[LOCATION],
        request={"multipart/form-data": FigureUploadSerializer},
        responses={202: FigureSerializer, **errors(400, 401, 403, 404, 413, 415, 429)},
    )
    def post(self, request, case_id: int):
        case = case_for(request, case_id)
        ensure_editable(request.user, case)
        if any(name in request.data for name in ("caption", "alt_text")):
            raise serializers.ValidationError(
                "Caption and alt text are edits of the case: upload the figure, then PATCH "
                "them with the case's version."
            )
        upload = valid_body(FigureUploadSerializer, request)
        study = case.studies.filter(pk=upload["study"]).first()
        if study is None:
            raise serializers.ValidationError(
                {"study": [f"This case has no study {upload['study']}."]}
            )
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
        return _figure_answer(request, case_for(request, case_id), figure_id)

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
        case = case_for(request, case_id)
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
        case = case_for(request, case_id)
        figure = figure_in(case, figure_id, FigureAccess(request.user, case))
        ensure_editable(request.user, case)
        version = base_version(request, case)
        case = services.remove_figure(figure, by=request.user, base_version=version)
        return set_etag(Response(status=status.HTTP_204_NO_CONTENT), case)


def _held_figure(request, case_id: int, figure_id: int) -> tuple[Case, Figure]:
    """A figure of a case you can read, if you are one who decides on its held images."""
    case = case_for(request, case_id)
    figure = figure_in(case, figure_id, FigureAccess(request.user, case))
    if not permissions.can_review_quarantine(request.user, case):
        raise PermissionDenied(DECIDERS_ONLY)
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
        "400 when the image is not held.",
        tags=["figures"],
        request=AttestCleanSerializer,
        responses={200: FigureSerializer, **errors(400, 401, 403, 404, 415, 429)},
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
        "authors or an editor; 400 when the image is not held.",
        tags=["figures"],
        request=RedactionSerializer,
        responses={200: FigureSerializer, **errors(400, 401, 403, 404, 415, 429)},
    )
    def post(self, request, case_id: int, figure_id: int):
        case, figure = _held_figure(request, case_id, figure_id)
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
