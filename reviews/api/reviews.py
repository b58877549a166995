"""Peer reviews: the reviews a person may read, and the reviewer's, author's and editor's writes.

Who reads what is the editorial page's rule (reviews/editorial_views.py):

- reviewers read their own reviews, whatever their state;
- authors read the completed reviews of their cases, without the reviewer's name, the editor's
  name or the confidential comments (`Review.objects.for_authors()`);
- editors read every review of the cases they may see and do not (co-)author.

A review nobody lets you read is a 404. The writes are the services of reviews/services.py,
with the page's forms checking the input first, so a rule lives in one place.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.permissions import NotSuspended
from accounts.models import Role
from api.errors import errors
from api.ids import MAX_ID
from api.validation import require_text
from cases.models import Case
from reviews import services
from reviews.forms import AnswerReviewForm, DeclineForm, ReviewForm
from reviews.models import Review

TAG = "reviews"


def reviews_visible_to(user) -> QuerySet[Review]:
    """The reviews this person may read, each marked with whether they author its case."""
    if not user.is_authenticated:
        return Review.objects.none()
    theirs = Case.objects.authored_by(user).values("pk")
    rule = Q(reviewer=user) | Q(
        pk__in=Review.objects.for_authors().filter(case__in=theirs).values("pk")
    )
    if user.has_role(Role.EDITOR):
        # Editors manage the reviews of every case they may see, except their own cases.
        rule |= Q(case__in=Case.objects.visible_to(user).exclude(pk__in=theirs).values("pk"))
    return (
        Review.objects.filter(rule)
        .annotate(caller_authors_case=Exists(theirs.filter(pk=OuterRef("case_id"))))
        .select_related("case", "reviewer", "assigned_by")
    )


# --- representations --------------------------------------------------------------------------


class ReviewerSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()


class ReviewSerializer(serializers.ModelSerializer):
    case_title = serializers.CharField(source="case.title", read_only=True)
    reviewer = ReviewerSerializer(
        allow_null=True,
        read_only=True,
        help_text="Null for the case's authors: reviews reach them anonymised.",
    )
    assigned_by = serializers.CharField(
        source="assigned_by.name",
        allow_null=True,
        read_only=True,
        help_text="The editor who asked for the review; null for the case's authors.",
    )
    confidential_comments = serializers.CharField(
        allow_null=True,
        read_only=True,
        help_text="Comments only the editors read (and the reviewer who wrote them); "
        "null for the case's authors.",
    )
    decline_reason = serializers.CharField(
        allow_null=True, read_only=True, help_text="Null for the case's authors."
    )
    is_overdue = serializers.BooleanField(read_only=True)
    recommendation = serializers.ChoiceField(
        choices=Review.Recommendation.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty until the review is handed in.",
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "case",
            "case_title",
            "case_version",
            "status",
            "reviewer",
            "assigned_by",
            "assigned_at",
            "due_date",
            "is_overdue",
            "recommendation",
            "comments_to_authors",
            "confidential_comments",
            "completed_at",
            "decline_reason",
            "declined_at",
            "author_response",
            "answered_at",
        ]
        read_only_fields = fields

    def to_representation(self, review: Review) -> dict:
        data = super().to_representation(review)
        if self._reads_as_author(review):
            # The authors' view of a review never names the reviewer or shows the editor's part.
            data["reviewer"] = None
            data["assigned_by"] = None
            data["confidential_comments"] = None
            data["decline_reason"] = None
        return data

    def _reads_as_author(self, review: Review) -> bool:
        user = self.context["request"].user
        if review.reviewer_id == user.pk:
            return False
        authors_case = getattr(review, "caller_authors_case", None)
        if authors_case is None:
            authors_case = Case.objects.authored_by(user).filter(pk=review.case_id).exists()
        return authors_case or not user.has_role(Role.EDITOR)


# The request bodies, for the schema. The page's forms check them (see `_checked`), so the
# messages and limits are the review form's.


class SubmitReviewSerializer(serializers.Serializer):
    recommendation = serializers.ChoiceField(choices=Review.Recommendation.choices)
    comments_to_authors = serializers.CharField(
        max_length=20000, help_text="The authors read these, without your name."
    )
    confidential_comments = serializers.CharField(
        max_length=20000, required=False, allow_blank=True, help_text="Only editors read these."
    )


class DeclineReviewSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="Why you decline (optional)."
    )


class AnswerReviewSerializer(serializers.Serializer):
    response = serializers.CharField(
        max_length=10000, help_text="The authors' answer to the reviewer."
    )


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ReviewFilter(django_filters.FilterSet):
    # A plain number, not a choice of cases: a filter must not tell which case ids exist.
    case = WholeNumberFilter(field_name="case_id", label="Case id", min_value=1, max_value=MAX_ID)
    status = django_filters.ChoiceFilter(choices=Review.Status.choices, label="Status")

    class Meta:
        model = Review
        fields = ["case", "status"]

    def is_valid(self) -> bool:
        # A filter read from a repeated parameter would use its last value: the schema
        # promises one value, so a repeated one is refused.
        valid = super().is_valid()
        getlist = getattr(self.data, "getlist", None)
        repeated = [name for name in self.filters if getlist and len(getlist(name)) > 1]
        for name in repeated:
            self.form.add_error(name, "Give this filter once.")
        return valid and not repeated


def _checked(form_class, data) -> dict:
    """The request body checked by the page's form; its messages come back as a 400."""
    require_text(data, form_class.base_fields)
    form = form_class(data)
    if not form.is_valid():
        raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
    return form.cleaned_data


# --- the resource ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List the reviews you may read",
        description="As a reviewer: your reviews. As an author: the completed reviews of your "
        "cases, anonymised. As an editor: every review of the cases you manage. Newest first.",
        tags=[TAG],
        responses={200: ReviewSerializer(many=True), **errors(400, 401, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="Read a review",
        tags=[TAG],
        responses={200: ReviewSerializer, **errors(401, 404, 429)},
    ),
)
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReviewSerializer
    permission_classes = [NotSuspended, IsAuthenticated]
    parser_classes = [JSONParser]
    filterset_class = ReviewFilter
    queryset = Review.objects.none()  # for the schema; requests use get_queryset
    # Any id reaches the view, which answers 404 in the API's format for a malformed one.
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Review]:
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        return reviews_visible_to(self.request.user).order_by("-assigned_at", "-pk")

    def _answer(self, review: Review) -> Response:
        # Read again through the visibility rule: the answer shows what the caller may see now.
        review = self.get_queryset().get(pk=review.pk)
        return Response(self.get_serializer(review).data)

    @extend_schema(
        summary="Hand in your review",
        description="The invited reviewer's recommendation, comments to the authors and, "
        "separately, confidential comments to the editors.",
        tags=[TAG],
        request=SubmitReviewSerializer,
        responses={200: ReviewSerializer, **errors(400, 401, 403, 404, 409, 429)},
        examples=[
            OpenApiExample(
                "Minor changes",
                request_only=True,
                value={
                    "recommendation": "minor_changes",
                    "comments_to_authors": "Please add the follow-up radiograph.",
                    "confidential_comments": "",
                },
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None) -> Response:
        review = self.get_object()
        fields = _checked(ReviewForm, request.data)
        review = services.submit_review(review, by=request.user, **fields)
        return self._answer(review)

    @extend_schema(
        summary="Decline to review",
        description="The invited reviewer declines; the editor is told so they can ask "
        "someone else.",
        tags=[TAG],
        request=DeclineReviewSerializer,
        responses={200: ReviewSerializer, **errors(400, 401, 403, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None) -> Response:
        review = self.get_object()
        fields = _checked(DeclineForm, request.data)
        review = services.decline_review(review, by=request.user, reason=fields["reason"])
        return self._answer(review)

    @extend_schema(
        summary="Answer a review of your case",
        description="The authors answer a completed review while changes are requested, "
        "before resubmitting.",
        tags=[TAG],
        request=AnswerReviewSerializer,
        responses={200: ReviewSerializer, **errors(400, 401, 403, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None) -> Response:
        review = self.get_object()
        fields = _checked(AnswerReviewForm, request.data)
        review = services.answer_review(review, by=request.user, response=fields["response"])
        return self._answer(review)

    @extend_schema(
        summary="Cancel a review request",
        description="An editor withdraws a request for a review that is still to be written.",
        tags=[TAG],
        request=None,
        responses={200: ReviewSerializer, **errors(401, 403, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None) -> Response:
        review = services.cancel_review(self.get_object(), by=request.user)
        return self._answer(review)
