"""The representations of a figure and the bodies its endpoints accept (see views.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.ids import MAX_ID
from cases import permissions
from cases.api.studies import (
    VERSION_FIELD_HELP,
)
from cases.media_urls import figure_image_url
from cases.models import Case, Figure, QuarantineDecision

from ..viewer import viewer_data


class FigureAccess:
    """What one person may see of the figures of one case, decided once per request."""

    def __init__(self, user, case: Case) -> None:
        self.user, self.case = user, case
        # The editor's status polling: authors, editors and the case's reviewers.
        self.follows_workflow = user.is_authenticated and permissions.can_follow_workflow(
            user, case
        )
        self.decides_quarantine = permissions.can_review_quarantine(user, case)

    def images_served(self, figure: Figure) -> bool:
        # As cases.media_urls.images_served: processed images for every reader of the case,
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
        help_text="Where the derivatives are served, at signed addresses that work without a "
        "token and expire (within an hour by default; read the figure again for new ones); "
        "null while you cannot see them (not processed yet, failed, or held for review)."
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
            "status": {
                "help_text": "pending, processing, ready, failed or quarantined; not_supplied "
                "for a figure named (e.g. by an imported report) whose image was never uploaded."
            },
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
        # Signed addresses (cases/media_urls.py): they work without the token or a session.
        access = self.access
        shown = viewer_data(figure, access.user, case=access.case)
        return {
            "thumbnail": absolute(figure_image_url(figure, "thumb", access.user, case=access.case)),
            "web": absolute(figure_image_url(figure, "web", access.user, case=access.case)),
            "full": absolute(shown["full"]),
            "frames": [
                {
                    "src": absolute(frame["src"]),
                    "presets": {name: absolute(url) for name, url in frame["presets"].items()},
                }
                for frame in shown["frames"]
            ],
            "window_presets": [{"name": name, "label": label} for name, label in shown["presets"]],
            # No DICOM while an image is held (figure_dicom_url, media_views.figure_dicom).
            "dicom": absolute(shown["download"]) if shown["download"] else None,
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


@extend_schema_field({"type": "boolean", "enum": [True]})
class CheckedField(serializers.BooleanField):
    """Only `true` attests: the schema says so, and the view says why anything else is
    refused."""


class AttestCleanSerializer(serializers.Serializer):
    checked = CheckedField(
        help_text="true: you checked every part of the image and it shows nothing identifying."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


# A region starts inside the image and has a size: `imaging.quarantine.clean_regions` clips it
# to the image and refuses one left empty.
@extend_schema_field({"type": "number", "minimum": 0, "maximum": 1, "exclusiveMaximum": True})
class RegionStartField(serializers.FloatField):
    pass


@extend_schema_field({"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 1})
class RegionSizeField(serializers.FloatField):
    pass


class RedactionRegionSerializer(serializers.Serializer):
    x = RegionStartField()
    y = RegionStartField()
    width = RegionSizeField()
    height = RegionSizeField()


class RedactionSerializer(serializers.Serializer):
    # Describes the body for the schema: the view has the regions checked by
    # `imaging.quarantine.clean_regions`, the one place their rules are written.

    regions = serializers.ListField(
        child=RedactionRegionSerializer(),
        min_length=1,
        max_length=50,
        help_text="Rectangles to black out, in fractions of the image (1 to 50).",
    )
    note = serializers.CharField(required=False, allow_blank=True)
