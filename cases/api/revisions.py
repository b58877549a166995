"""A case's revisions: the snapshots taken at creation, edits, submission and publication, and
the field-by-field difference between any two of them.

The same people as on the history page may read them (`can_follow_workflow`: the case's
authors, editors, and reviewers asked to review it); anyone else gets a 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.permissions import NotSuspended
from api.errors import errors
from cases.diff import ADDED, CHANGED, DELETE, EQUAL, INSERT, MOVED, REMOVED, SKIP, diff_documents
from cases.history_views import NO_SUCH_REVISION, RevisionPairForm
from cases.lookups import readable_case_or_404
from cases.models import Case, Revision

TAG = "revisions"


class RevisionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(
        source="created_by.name",
        allow_null=True,
        read_only=True,
        help_text="Who made the change; null if their account is gone.",
    )

    class Meta:
        model = Revision
        fields = ["number", "kind", "case_version", "summary", "created_by", "created_at"]
        read_only_fields = fields


class RevisionDetailSerializer(RevisionSerializer):
    document = serializers.JSONField(
        read_only=True,
        help_text="The canonical case document as it was at this revision (the shape of the "
        "case detail at the time it was taken).",
    )

    class Meta(RevisionSerializer.Meta):
        fields = [*RevisionSerializer.Meta.fields, "document"]
        read_only_fields = fields


class RevisionPageSerializer(serializers.Serializer):
    """One page of revisions, as every paginated list of the API."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RevisionSerializer(many=True)


# The difference between two revisions: cases/diff.py's FieldChange, ItemChange and Segment.


class SegmentSerializer(serializers.Serializer):
    op = serializers.ChoiceField(
        choices=[EQUAL, INSERT, DELETE, SKIP],
        help_text="`skip` stands for a long unchanged stretch shortened to an ellipsis.",
    )
    text = serializers.CharField(allow_blank=True)


class FieldChangeSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The field's key in the case document.")
    label = serializers.CharField(help_text="The field's name as a reader knows it.")
    kind = serializers.ChoiceField(
        choices=["text", "value", "list", "group"],
        help_text="text: `segments`, a word-level diff; value: `old` → `new`; list: `items` "
        "added, removed, moved or changed; group: `changes` of a nested block.",
    )
    segments = SegmentSerializer(many=True)
    old = serializers.CharField(allow_blank=True)
    new = serializers.CharField(allow_blank=True)


class ItemChangeSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[ADDED, REMOVED, MOVED, CHANGED])
    title = serializers.CharField(
        allow_blank=True, help_text="How a reader recognises the item: its heading, label…"
    )
    old_position = serializers.IntegerField(allow_null=True, help_text="1-based.")
    new_position = serializers.IntegerField(allow_null=True, help_text="1-based.")
    moved = serializers.BooleanField()
    segments = SegmentSerializer(many=True, help_text="For items that are plain text.")
    changes = FieldChangeSerializer(many=True, help_text="For items with fields.")


# Changes nest (a list item's fields, a group's keys): declared once both classes exist.
FieldChangeSerializer._declared_fields["items"] = ItemChangeSerializer(many=True)
FieldChangeSerializer._declared_fields["changes"] = FieldChangeSerializer(many=True)


class RevisionComparisonSerializer(serializers.Serializer):
    to = RevisionSerializer(help_text="The newer side of the comparison.")
    changes = FieldChangeSerializer(
        many=True, help_text="Changed fields in reading order; empty when nothing changed."
    )

    def get_fields(self) -> dict:
        fields = super().get_fields()
        # "from" is a Python keyword, so it cannot be declared on the class.
        return {
            "from": RevisionSerializer(source="old", help_text="The older side."),
            **fields,
        }


_NUMBER = r"\s*\+?0*[1-9]\d*(\.0*)?\s*"
REVISION_PAIR = rf"^{_NUMBER},{_NUMBER}$"
COMPARE = OpenApiParameter(
    "compare",
    # Two revision numbers (from 1), as the history page's form reads them (around spaces, a
    # plus sign, leading zeros, a trailing ".0"); anything else is 400. A number the case has
    # no revision of is 404.
    {"type": "string", "pattern": REVISION_PAIR},
    description="Two revision numbers, `a,b` (e.g. `1,3`): answer the field-by-field "
    "difference from revision a to revision b instead of the list. A number the case has no "
    "revision of is a 404.",
)
CASE_ID = OpenApiParameter("case_id", OpenApiTypes.INT, OpenApiParameter.PATH)
NUMBER = OpenApiParameter(
    "number", OpenApiTypes.INT, OpenApiParameter.PATH, description="The revision's number."
)


@extend_schema_view(
    list=extend_schema(
        summary="List a case's revisions, or compare two",
        description="Newest first. With `?compare=a,b`, the answer is instead the difference "
        "between revisions a and b, field by field, as on the history page.",
        tags=[TAG],
        parameters=[CASE_ID, COMPARE],
        responses={
            200: PolymorphicProxySerializer(
                component_name="RevisionsOrComparison",
                serializers=[RevisionPageSerializer, RevisionComparisonSerializer],
                resource_type_field_name=None,
                many=False,  # the page is already in RevisionPage: not to be wrapped again
            ),
            **errors(400, 401, 404, 429),
        },
    ),
    retrieve=extend_schema(
        summary="Read one revision of a case, with its document",
        tags=[TAG],
        parameters=[CASE_ID, NUMBER],
        responses={200: RevisionDetailSerializer, **errors(401, 404, 429)},
    ),
)
class RevisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RevisionSerializer
    permission_classes = [NotSuspended, IsAuthenticated]
    lookup_field = "number"
    # Any number reaches the view, which answers 404 in the API's format for a malformed one.
    lookup_value_regex = "[^/]+"
    queryset = Revision.objects.none()  # for the schema; requests use get_queryset

    def get_case(self) -> Case:
        if not hasattr(self, "_case"):
            self._case = readable_case_or_404(
                self.request.user, self.kwargs["case_id"], follow_workflow=True
            )
        return self._case

    def get_queryset(self) -> QuerySet[Revision]:
        if getattr(self, "swagger_fake_view", False):
            return Revision.objects.none()
        return self.get_case().revisions.select_related("created_by").order_by("-number")

    def list(self, request, *args, **kwargs) -> Response:
        if "compare" in request.query_params:
            return self.compare(request.query_params["compare"])
        # The list does not load the documents, which can be large.
        page = self.paginate_queryset(self.get_queryset().defer("document"))
        return self.get_paginated_response(RevisionSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs) -> Response:
        revision = get_object_or_404(self.get_queryset(), number=kwargs["number"])
        return Response(RevisionDetailSerializer(revision).data)

    def compare(self, value: str) -> Response:
        case = self.get_case()
        parts = value.split(",")
        if len(parts) != 2:
            raise ValidationError(
                {"compare": ["Give two revision numbers separated by a comma, like compare=1,3."]}
            )
        numbers = set(case.revisions.values_list("number", flat=True))
        # The history page's form: the same checks and messages for the two numbers.
        form = RevisionPairForm({"from": parts[0].strip(), "to": parts[1].strip()}, numbers=numbers)
        if not form.is_valid():
            found = [error for errors in form.errors.as_data().values() for error in errors]
            messages = [message for error in found for message in error.messages]
            if all(error.code == NO_SUCH_REVISION for error in found):
                raise Http404(" ".join(messages))
            raise ValidationError({"compare": messages})
        old_number, new_number = form.cleaned_data["from"], form.cleaned_data["to"]
        found = {
            revision.number: revision
            for revision in case.revisions.select_related("created_by").filter(
                number__in=[old_number, new_number]
            )
        }
        old, new = found[old_number], found[new_number]
        comparison = {
            "old": old,
            "to": new,
            "changes": diff_documents(old.document, new.document),
        }
        return Response(RevisionComparisonSerializer(comparison).data)
