"""The case resource: list, read, create, update, delete, export, and the workflow actions.

A case's representation is its canonical document (`cases.document.case_to_document`); a write
sends some of the document's keys (`cases.document_edit`). Every read starts from
`Case.objects.visible_to(user)`, and every change is a call to a service.
"""

from __future__ import annotations

from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from accounts.api.permissions import NotSuspended
from api.concurrency import base_version, set_etag
from api.errors import errors
from api.pagination import CappedCountPagination
from cases import freshness, permissions, services
from cases.document import DOCUMENT_PREFETCH, case_to_document
from cases.document_edit import create_case_document, edit_case_document
from cases.filters import CaseListFilter
from cases.frozen import is_frozen
from cases.lookups import readable_case_or_404
from cases.models import Case, Commentary
from cases.permissions import available_actions
from cases.workflow import Action

from .document_schema import CaseCreateSerializer, CaseDocumentSerializer
from .serializers import (
    AvailableActionSerializer,
    CaseSummarySerializer,
    DecisionSerializer,
    NoteSerializer,
    ReasonSerializer,
    VerifyCommentarySerializer,
)
from .studies import ensure_editable
from .summaries import COLUMNS, case_summaries


def document_for(user, case: Case) -> dict:
    """The canonical document as this person may read it.

    The quiz's answers are for the people who write and review the case; readers meet the
    questions in unknown mode, where they answer before they are told, so theirs is empty.
    """
    document = case_to_document(case)
    if not permissions.can_follow_workflow(user, case):
        document["questions"] = []
    return document


def document_response(request, case: Case, *, code: int = status.HTTP_200_OK) -> Response:
    full = Case.objects.prefetch_related(*DOCUMENT_PREFETCH).get(pk=case.pk)
    return set_etag(Response(document_for(request.user, full), status=code), full)


class FiltersWhenAsked(DjangoFilterBackend):
    """The case filters, built only when the query names one of them: without a filter they
    would keep every row, after building a FilterSet (a deep copy of its filters) and its form."""

    def filter_queryset(self, request, queryset, view):
        filters = view.filterset_class.base_filters
        if not any(name in filters for name in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


ACTION_ERRORS = errors(400, 401, 403, 404, 409, 429)
# What the editor's forms refuse that the document's schema cannot say (one field against
# another, or a check digit): benchmarks/schema_conformance.py takes these 400s as documented.
DOCUMENT_RULES = (
    "The document is checked by the editor's forms, and some of their rules no schema can "
    "state; breaking one is a 400 naming the field: a question's `answer` must be less than "
    "its number of `options`; a section or a commentary needs a `heading` or a `body`, a "
    "reference a `citation`, `doi`, `pmid` or `url` (an http(s) address), a differential "
    "diagnosis its `diagnosis` (an item left empty is left out); an author needs a member's "
    "`username` or a `name`, each member once, and an `orcid` with the right check digit."
)
# The path's case id, described as the case resource's own routes describe it.
CASE_ID = OpenApiParameter(
    "id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="A unique integer value identifying this case.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='The ETag of the case you edited, e.g. "case-12-v3" (or send `version`).',
)


@extend_schema_view(
    list=extend_schema(
        summary="List cases",
        description="The cases you may read, newest first. Filters are those of the browse "
        "page, plus `status` and `mine`. Unlisted cases appear only to their authors.",
        responses={200: CaseSummarySerializer(many=True), **errors(400, 429)},
    ),
    retrieve=extend_schema(
        summary="Read a case (the canonical case document)",
        responses={200: CaseDocumentSerializer, **errors(404, 429)},
    ),
    create=extend_schema(
        summary="Create a draft case",
        description="Send a canonical case document with at least a title; studies and "
        "figures are added afterwards through their sub-resources. " + DOCUMENT_RULES,
        request=CaseCreateSerializer,
        responses={201: CaseDocumentSerializer, **errors(400, 401, 403, 429)},
    ),
    partial_update=extend_schema(
        summary="Edit a case",
        description="Send the keys of the document to change; a list replaces the whole list. "
        "Say which version you edited with If-Match (the ETag) or `version`: a stale "
        "version gets 412 and changes nothing. A published case is not edited, not even "
        "by a superuser (403): start a new revision (`revise`) and edit that. " + DOCUMENT_RULES,
        request=CaseDocumentSerializer,
        parameters=[IF_MATCH],
        responses={200: CaseDocumentSerializer, **errors(400, 401, 403, 404, 412, 428, 429)},
    ),
    destroy=extend_schema(
        summary="Delete a draft you created",
        description="Only drafts that were never submitted can be deleted.",
        responses={204: None, **errors(401, 403, 404, 409, 429)},
    ),
)
class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CaseSummarySerializer
    permission_classes = [NotSuspended, IsAuthenticatedOrReadOnly]
    filterset_class = CaseListFilter
    filter_backends = [FiltersWhenAsked, OrderingFilter]
    pagination_class = CappedCountPagination
    ordering_fields = ["title", "published_at", "updated_at", "created_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    tags = ["cases"]

    # The case document is nested JSON (patient, rights, lists of objects), which a form body
    # cannot carry, and a form body that names no field would read as an empty one: writes
    # and actions are read as JSON only, anything else is 415.
    parser_classes = [JSONParser]

    def get_queryset(self):
        user = self.request.user
        cases = Case.objects.visible_to(user).in_lists_for(user)
        return cases.order_by(F("published_at").desc(nulls_last=True), "-created_at", "-pk")

    def list_version(self) -> str | None:
        """The version the list's count is kept under (api/pagination.py): every change to a
        case renews the catalogue's."""
        return freshness.catalogue_version()

    def list(self, request):
        # CaseSummarySerializer's rows, built from values (see summaries.py).
        cases = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(cases.values(*COLUMNS))
        return self.get_paginated_response(case_summaries(page))

    def get_object(self) -> Case:
        return readable_case_or_404(self.request.user, self.kwargs["pk"])

    def retrieve(self, request, pk=None):
        case = readable_case_or_404(
            request.user, pk, queryset=Case.objects.prefetch_related(*DOCUMENT_PREFETCH)
        )
        return set_etag(Response(document_for(request.user, case)), case)

    def create(self, request):
        case = create_case_document(by=request.user, document=request.data)
        response = document_response(request, case, code=status.HTTP_201_CREATED)
        response["Location"] = reverse("api-case-detail", kwargs={"pk": case.pk})
        return response

    def partial_update(self, request, pk=None):
        case = self.get_object()
        if is_frozen(case):
            ensure_editable(request.user, case)  # 403: it takes a new revision
        version = base_version(request, case)
        changes = {key: value for key, value in request.data.items() if key != "version"}
        case = edit_case_document(case, by=request.user, base_version=version, changes=changes)
        return document_response(request, case)

    def destroy(self, request, pk=None):
        services.delete_draft(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # Reading more of a case.

    @extend_schema(
        summary="The workflow actions you can take now",
        responses={200: AvailableActionSerializer(many=True), **errors(404, 429)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="actions",
        pagination_class=None,
        filter_backends=[],
    )
    def available(self, request, pk=None):
        case = readable_case_or_404(request.user, pk)
        paths = {
            Action.REQUEST_CHANGES: "decide",
            Action.ACCEPT: "decide",
            Action.REJECT: "decide",
            Action.RETURN_TO_DRAFT: "return-to-draft",
        }
        return Response(
            [
                {
                    "action": transition.action.value,
                    "label": transition.action.label,
                    "path": reverse(
                        f"api-case-{paths.get(transition.action, transition.action.value)}",
                        kwargs={"pk": case.pk},
                    ),
                    "note_required": transition.note_required,
                    "note_label": transition.note_label,
                }
                for transition in available_actions(request.user, case)
            ]
        )

    # The workflow (PRODUCT.md section 4). Each action is one service call.

    def _take(self, request, pk, action_name: str, note: str) -> Response:
        case = readable_case_or_404(request.user, pk)
        case = services.take_action(case, action=action_name, by=request.user, note=note)
        return document_response(request, case)

    def _note(self, request) -> str:
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data.get("note", "")

    def _reason(self, request) -> str:
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["reason"]

    @extend_schema(
        summary="Submit a draft for peer review",
        request=NoteSerializer,
        responses={200: CaseDocumentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[NotSuspended, IsAuthenticated])
    def submit(self, request, pk=None):
        return self._take(request, pk, Action.SUBMIT, self._note(request))

    @extend_schema(
        summary="Withdraw a submission before review starts",
        request=NoteSerializer,
        responses={200: CaseDocumentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[NotSuspended, IsAuthenticated])
    def withdraw(self, request, pk=None):
        return self._take(request, pk, Action.WITHDRAW, self._note(request))

    @extend_schema(
        summary="Reopen a withdrawn or rejected case as a draft",
        request=NoteSerializer,
        responses={200: CaseDocumentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[NotSuspended, IsAuthenticated])
    def reopen(self, request, pk=None):
        return self._take(request, pk, Action.REOPEN, self._note(request))

    @extend_schema(
        summary="Decide on a reviewed case: accept, request changes or reject",
        description="Accepting a case that no reviewer has completed a review of needs "
        "`without_review: true`, which confirms that the editor means to skip peer review.",
        request=DecisionSerializer,
        responses={200: CaseDocumentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[NotSuspended, IsAuthenticated])
    def decide(self, request, pk=None):
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = readable_case_or_404(request.user, pk)
        case = services.take_action(
            case,
            action=data["decision"],
            by=request.user,
            note=data.get("message", ""),
            without_review=data["without_review"],
        )
        return document_response(request, case)

    @extend_schema(
        summary="Publish an accepted case",
        description="Refused with 400 while the publication checklist has open items.",
        request=NoteSerializer,
        responses={200: CaseDocumentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[NotSuspended, IsAuthenticated])
    def publish(self, request, pk=None):
        return self._take(request, pk, Action.PUBLISH, self._note(request))

    @extend_schema(
        summary="Retract a published case",
        request=ReasonSerializer,
        responses={200: CaseDocumentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[NotSuspended, IsAuthenticated])
    def retract(self, request, pk=None):
        return self._take(request, pk, Action.RETRACT, self._reason(request))

    @extend_schema(
        summary="Return a submitted case to its authors as a draft",
        request=ReasonSerializer,
        responses={200: CaseDocumentSerializer, **ACTION_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="return-to-draft",
        permission_classes=[NotSuspended, IsAuthenticated],
    )
    def return_to_draft(self, request, pk=None):
        return self._take(request, pk, Action.RETURN_TO_DRAFT, self._reason(request))

    @extend_schema(
        summary="Start a new revision of a published case",
        description="Answers the draft revision (201 when new, 200 when one is already open).",
        request=None,
        responses={
            200: CaseDocumentSerializer,
            201: CaseDocumentSerializer,
            **errors(401, 403, 404, 409, 429),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[NotSuspended, IsAuthenticated])
    def revise(self, request, pk=None):
        case = readable_case_or_404(request.user, pk)
        had_draft = case.pending_revisions.exclude(status__in=["rejected", "withdrawn"]).exists()
        draft = services.start_revision(case, by=request.user)
        code = status.HTTP_200_OK if had_draft else status.HTTP_201_CREATED
        response = document_response(request, draft, code=code)
        response["Location"] = reverse("api-case-detail", kwargs={"pk": draft.pk})
        return response

    @extend_schema(
        summary="Vouch for a machine-generated commentary",
        description="`commentary` is the index of a commentary of the case: one it does not "
        "have is a 404.",
        request=VerifyCommentarySerializer,
        responses={200: CaseDocumentSerializer, **ACTION_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="verify-commentary",
        permission_classes=[NotSuspended, IsAuthenticated],
    )
    def verify_commentary(self, request, pk=None):
        case = readable_case_or_404(request.user, pk, follow_workflow=True)
        serializer = VerifyCommentarySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        index = serializer.validated_data["commentary"]
        commentaries = list(Commentary.objects.filter(case=case).order_by("position", "pk"))
        if index >= len(commentaries):
            raise Http404(
                f"The case has no commentary {index}: its commentaries are numbered from 0 "
                f"to {len(commentaries) - 1}."
                if commentaries
                else "The case has no commentaries."
            )
        services.verify_commentary(commentaries[index], by=request.user)
        return document_response(request, case)
