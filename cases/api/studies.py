"""The studies of a case: list them, add one, change, move or remove it.

A study's text is part of the case, so every change is an edit of the case made through the
same services as the editor's (`services.add_study`, `change_study`, `remove_study`): it names
the case version it was made from (If-Match or `version`), raises the version by one and leaves
a revision. A study's fields follow the editor's rules (`cases.row_forms.StudyForm`), checked here
by the same form before the service is called.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api.concurrency import base_version, set_etag
from api.errors import NON_FIELD, errors
from api.ids import MAX_ID
from cases import permissions, services
from cases.frozen import refuse_if_frozen
from cases.lookups import readable_case_or_404
from cases.models import Case, Figure, Modality, Study
from cases.permissions import LOCKED_REASONS
from cases.row_forms import StudyForm

if TYPE_CHECKING:
    from django import forms

    from accounts.models import User

# --- Shared by the study and figure endpoints ----------------------------------------------------

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag of the case as you read it, e.g. `"case-12-v7"`; or send the case\'s '
    "`version` in the body. Without either the answer is 428; with an older one, 412.",
)


def etag_header(*codes: int) -> OpenApiParameter:
    """The ETag answered with these statuses: the case's version, for the next edit."""
    return OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="The case's version after this request: send it in If-Match with the "
        "next edit.",
        response=list(codes),
    )


def ensure_editable(user: User, case: Case) -> None:
    """403, saying why, when this person cannot change the case now (as the editor says it).

    A published case is changed by no one, superusers included: it takes a new revision."""
    if permissions.can_edit(user, case):
        return
    if user.is_superuser or permissions.is_author_of(user, case):
        refuse_if_frozen(case)
    if not permissions.is_author_of(user, case):
        raise PermissionDenied("Only the case's authors change it.")
    reason = LOCKED_REASONS.get(case.status, "It cannot be edited in its current state.")
    raise PermissionDenied(f"You cannot change this case now. {reason}")


def valid_body(serializer_class: type[serializers.Serializer], request) -> dict[str, Any]:
    """The request body, checked for types by `serializer_class` (400 when it does not fit)."""
    checked = serializer_class(data=request.data)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


def checked_with_form(
    form_class: type[forms.ModelForm], instance: Model, changes: dict[str, Any]
) -> forms.ModelForm:
    """The editor's form for a row, bound to its current values with `changes` over them.

    So a partial update meets exactly the rules of the page. Answers 400 with the form's
    messages when not valid; else the form's instance holds the changed values (a copy: the
    row itself is only written inside the case edit).
    """
    data = {name: getattr(instance, name) for name in form_class._meta.fields}
    data.update({name: value for name, value in changes.items() if name in data})
    form = form_class(data=data, instance=copy.copy(instance))
    if not form.is_valid():
        raise serializers.ValidationError(
            {
                NON_FIELD if field == "__all__" else field: [item["message"] for item in items]
                for field, items in form.errors.get_json_data().items()
            }
        )
    return form


# --- Studies ----------------------------------------------------------------------------------

TEXT_FIELDS = ("label", "timing", "findings")


class StudySerializer(serializers.ModelSerializer):
    modality_display = serializers.CharField(
        source="get_modality_display", read_only=True, help_text="The modality in words."
    )
    figures = serializers.SerializerMethodField(
        help_text="Ids of the study's figures, in order (see the case's figures)."
    )

    class Meta:
        model = Study
        fields = [
            "id",
            "position",
            "modality",
            "modality_display",
            "label",
            "timing",
            "findings",
            "figures",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "position": {"help_text": "Its place among the case's studies, from 0."},
            "modality": {"help_text": "DICOM modality code: XR radiograph, CT, MR, US, …"},
            "findings": {"help_text": "Markdown: what this study shows."},
        }

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_figures(self, study: Study) -> list[int]:
        return [figure.pk for figure in study.figures.all()]


def _text(help_text: str) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, help_text=help_text)


VERSION_FIELD_HELP = "The case's version you edited, if not sent as If-Match."


class NewStudySerializer(serializers.Serializer):
    modality = serializers.ChoiceField(
        choices=Modality.choices, help_text="DICOM modality code: XR radiograph, CT, MR, US, …"
    )
    label = _text('e.g. "CT pelvis"')
    timing = _text('e.g. "at presentation"')
    findings = _text("Markdown: what this study shows.")
    version = serializers.IntegerField(required=False, help_text=VERSION_FIELD_HELP)


class StudyChangesSerializer(serializers.Serializer):
    modality = serializers.ChoiceField(
        choices=Modality.choices,
        required=False,
        help_text="DICOM modality code: XR radiograph, CT, MR, US, …",
    )
    label = _text('e.g. "CT pelvis"')
    timing = _text('e.g. "at presentation"')
    findings = _text("Markdown: what this study shows.")
    position = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=10_000,
        help_text="Move the study to this place (0 is first); past the end means last.",
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_FIELD_HELP)


def studies_of(case: Case) -> QuerySet[Study]:
    return case.studies.prefetch_related(
        Prefetch("figures", queryset=Figure.objects.only("id", "study_id", "position"))
    )


def study_in(case: Case, study_id: int) -> Study:
    study = studies_of(case).filter(pk=study_id).first() if 0 < study_id <= MAX_ID else None
    if study is None:
        raise Http404("This case has no such study.")
    return study


def _study_answer(case: Case, study: Study, *, code: int = status.HTTP_200_OK) -> Response:
    return set_etag(Response(StudySerializer(study).data, status=code), case)


class StudyList(generics.GenericAPIView):
    queryset = Study.objects.none()  # for the schema: the type of `case_id`
    serializer_class = StudySerializer
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_studies_list",
        summary="List the studies of a case, in order",
        description="Every study of a case you can read, in the order the case shows them. "
        "The ETag header is the case's version, for a following edit.",
        tags=["studies"],
        parameters=[etag_header(200)],
        responses={200: StudySerializer(many=True), **errors(404, 429)},
    )
    def get(self, request, case_id: int):
        case = readable_case_or_404(request.user, case_id)
        page = self.paginate_queryset(studies_of(case))
        response = self.get_paginated_response(StudySerializer(page, many=True).data)
        return set_etag(response, case)

    @extend_schema(
        operation_id="cases_studies_create",
        summary="Add a study at the end of a case's studies",
        description="An edit of the case: only its authors, while it is a draft or changes "
        "are requested. Needs the case's version (If-Match or `version`).",
        tags=["studies"],
        parameters=[IF_MATCH, etag_header(201)],
        request=NewStudySerializer,
        responses={201: StudySerializer, **errors(400, 401, 403, 404, 412, 415, 428, 429)},
    )
    def post(self, request, case_id: int):
        case = readable_case_or_404(request.user, case_id)
        ensure_editable(request.user, case)
        version = base_version(request, case)
        changes = valid_body(NewStudySerializer, request)
        checked = checked_with_form(StudyForm, Study(), changes).cleaned_data
        study = services.add_study(
            case,
            by=request.user,
            base_version=version,
            modality=checked["modality"],
            label=checked["label"],
            timing=checked["timing"],
            findings=checked["findings"],
        )
        case = study.case
        response = _study_answer(case, study_in(case, study.pk), code=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(
            reverse("api-study-detail", args=[case.pk, study.pk])
        )
        return response


class StudyDetail(generics.GenericAPIView):
    queryset = Study.objects.none()  # for the schema: the type of `case_id`
    serializer_class = StudySerializer
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="cases_studies_retrieve",
        summary="Read one study of a case",
        tags=["studies"],
        parameters=[etag_header(200)],
        responses={200: StudySerializer, **errors(404, 429)},
    )
    def get(self, request, case_id: int, study_id: int):
        case = readable_case_or_404(request.user, case_id)
        return _study_answer(case, study_in(case, study_id))

    @extend_schema(
        operation_id="cases_studies_partial_update",
        summary="Change a study, or move it among the case's studies",
        description="Send only what changes; `position` moves the study (0 is first). An edit "
        "of the case: needs its version (If-Match or `version`) and raises it.",
        tags=["studies"],
        parameters=[IF_MATCH, etag_header(200)],
        request=StudyChangesSerializer,
        responses={200: StudySerializer, **errors(400, 401, 403, 404, 412, 415, 428, 429)},
    )
    def patch(self, request, case_id: int, study_id: int):
        case = readable_case_or_404(request.user, case_id)
        study = study_in(case, study_id)
        ensure_editable(request.user, case)
        version = base_version(request, case)
        changes = valid_body(StudyChangesSerializer, request)
        fields = [name for name in ("modality", *TEXT_FIELDS) if name in changes]
        position = changes.get("position")
        if not fields and position is None:
            raise serializers.ValidationError(
                "Nothing to change: send modality, label, timing, findings or position."
            )
        checked = checked_with_form(StudyForm, study, changes).cleaned_data
        case = services.change_study(
            case,
            study,
            by=request.user,
            base_version=version,
            changes={name: checked[name] for name in fields},
            position=position,
        )
        return _study_answer(case, study_in(case, study.pk))

    @extend_schema(
        operation_id="cases_studies_destroy",
        summary="Remove a study and its figures",
        description="An edit of the case: needs its version (If-Match or `version`). The "
        "images of the removed figures are deleted once no other figure uses them.",
        tags=["studies"],
        parameters=[IF_MATCH, etag_header(204)],
        request=None,
        responses={204: None, **errors(401, 403, 404, 412, 428, 429)},
    )
    def delete(self, request, case_id: int, study_id: int):
        case = readable_case_or_404(request.user, case_id)
        study = study_in(case, study_id)
        ensure_editable(request.user, case)
        version = base_version(request, case)
        case = services.remove_study(case, study, by=request.user, base_version=version)
        return set_etag(Response(status=status.HTTP_204_NO_CONTENT), case)
