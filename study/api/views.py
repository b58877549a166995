"""Unknown mode over the API: the unknowns, answering one, revealing it stage by stage, judging
the answer, the review queue and progress.

What each stage shows comes from study/reveal.py, as on the pages: a part not revealed yet is
`null` in the answer, and its data is not read. Every change is a call to study/services.py.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import NotSuspended
from api.errors import errors
from api.ids import id_or_404
from cases.models import Case
from study import queries, reveal, services
from study.filters import UnknownFilter
from study.models import Attempt, ReviewQueueEntry

from .serializers import (
    AnswerSerializer,
    AssessSerializer,
    AttemptSerializer,
    AttemptSummarySerializer,
    ProgressSerializer,
    ReviewQueueEntrySerializer,
    UnknownDetailSerializer,
    UnknownSummarySerializer,
    api_content,
    attempt_document,
    attempt_summary,
    queue_entry,
    unknown_summary,
)

TAG = "unknowns"


def _pk(value: Any) -> int:
    return id_or_404(value)


# --- Views ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List unknowns",
        description="Published cases offered as unknowns, newest first, by neutral label only "
        "(no title, diagnosis or tags). Filters: modality, system, case type.",
        tags=[TAG],
        responses={200: UnknownSummarySerializer(many=True), **errors(400, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="Read an unknown",
        description="The unknown at its first stage: history, images (labels and URLs only) "
        "and the questions without their answers, with a `start_token` to send back with "
        "your answer.",
        tags=[TAG],
        responses={200: UnknownDetailSerializer, **errors(401, 404, 429)},
    ),
)
class UnknownViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = UnknownSummarySerializer
    permission_classes = [NotSuspended, IsAuthenticatedOrReadOnly]
    filterset_class = UnknownFilter
    queryset = Case.objects.none()  # for the schema; requests use get_queryset
    lookup_value_regex = "[^/]+"

    def get_permissions(self):
        # NotSuspended first, as everywhere: answering an unknown is a write.
        if self.action == "list":
            return [NotSuspended(), IsAuthenticatedOrReadOnly()]
        return [NotSuspended(), IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return queries.listed_unknowns(self.request.user).with_card_data()

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            UnknownSummarySerializer([unknown_summary(case) for case in page], many=True).data
        )

    def _unknown(self, request, pk) -> Case:
        return get_object_or_404(
            reveal.prefetch_for(queries.unknown_cases(request.user), 0), pk=_pk(pk)
        )

    def retrieve(self, request, pk=None):
        case = self._unknown(request, pk)
        content = api_content(reveal.case_content(case, stage_number=0))
        content["start_token"] = services.start_token(user=request.user, case=case)
        content["attempts_url"] = reverse("api-unknown-attempts", kwargs={"pk": case.pk})
        return Response(UnknownDetailSerializer(content).data)

    @extend_schema(
        summary="Answer an unknown",
        description="Records your diagnosis and question answers and opens the attempt at its "
        "first reveal, the findings. Answers with the attempt as it is now.",
        tags=[TAG],
        request=AnswerSerializer,
        responses={201: AttemptSerializer, **errors(400, 401, 403, 404, 429)},
        examples=[
            OpenApiExample(
                "An answer",
                value={
                    "answer": "Calcific tendinitis of the gluteus maximus",
                    "question_answers": [2, None],
                    "start_token": "…",
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="attempts", url_name="attempts")
    def attempts(self, request, pk=None):
        case = self._unknown(request, pk)
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        started_at = data.get("started_at")
        if data.get("start_token"):
            started_at = services.read_start_token(
                data["start_token"], user=request.user, case=case
            )
        attempt = services.start_attempt(
            user=request.user,
            case=case,
            answer=data["answer"],
            question_answers=data.get("question_answers", []),
            started_at=started_at,
        )
        response = Response(
            AttemptSerializer(attempt_document(attempt)).data, status=status.HTTP_201_CREATED
        )
        response["Location"] = reverse("api-attempt-detail", kwargs={"pk": attempt.pk})
        return response


@extend_schema_view(
    list=extend_schema(
        summary="List your attempts",
        description="Newest first, on cases you may still read. The diagnosis and the score "
        "appear once you have revealed the diagnosis.",
        tags=[TAG],
        responses={200: AttemptSummarySerializer(many=True), **errors(401, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="Read one of your attempts",
        description="With what is revealed of the case so far.",
        tags=[TAG],
        responses={200: AttemptSerializer, **errors(401, 404, 429)},
    ),
)
class AttemptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AttemptSummarySerializer
    permission_classes = [NotSuspended, IsAuthenticated]
    queryset = Attempt.objects.none()
    lookup_value_regex = "[^/]+"
    filter_backends = []

    def get_queryset(self) -> QuerySet[Attempt]:
        if getattr(self, "swagger_fake_view", False):
            return Attempt.objects.none()
        return queries.attempts_of(self.request.user)

    def get_object(self) -> Attempt:
        return get_object_or_404(self.get_queryset(), pk=_pk(self.kwargs["pk"]))

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            AttemptSummarySerializer([attempt_summary(attempt) for attempt in page], many=True).data
        )

    def retrieve(self, request, pk=None):
        return Response(AttemptSerializer(attempt_document(self.get_object())).data)

    @extend_schema(
        summary="Reveal the next stage of an attempt",
        description="Findings → diagnosis → discussion. 409 when everything is shown.",
        tags=[TAG],
        request=None,
        responses={200: AttemptSerializer, **errors(401, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        attempt = services.reveal_next_stage(attempt=self.get_object(), by=request.user)
        return Response(AttemptSerializer(attempt_document(attempt)).data)

    @extend_schema(
        summary="Overrule the verdict on your answer",
        description="Every answer is judged when it is given (`verdict`); once the diagnosis "
        "is revealed (409 before) you may judge it otherwise, or take that back by sending the "
        "verdict. The review queue follows the judgement in effect: a miss, a partly right "
        "answer or a question answered wrongly puts the case in it.",
        tags=[TAG],
        request=AssessSerializer,
        responses={200: AttemptSerializer, **errors(400, 401, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        attempt = self.get_object()
        serializer = AssessSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attempt = services.assess_attempt(
            attempt=attempt,
            by=request.user,
            self_assessment=serializer.validated_data["self_assessment"],
        )
        return Response(AttemptSerializer(attempt_document(attempt)).data)


@extend_schema(
    summary="Your review queue",
    description="Cases you missed, the ones due first.",
    tags=[TAG],
    responses={200: ReviewQueueEntrySerializer(many=True), **errors(401, 404, 429)},
)
class ReviewQueueList(ListAPIView):
    serializer_class = ReviewQueueEntrySerializer
    permission_classes = [NotSuspended, IsAuthenticated]
    filter_backends = []

    def get_queryset(self) -> QuerySet[ReviewQueueEntry]:
        if getattr(self, "swagger_fake_view", False):
            return ReviewQueueEntry.objects.none()
        return queries.review_queue_of(self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            ReviewQueueEntrySerializer([queue_entry(entry) for entry in page], many=True).data
        )


class Progress(APIView):
    permission_classes = [NotSuspended, IsAuthenticated]

    @extend_schema(
        summary="Your progress",
        description="Cases studied, attempts, accuracy overall, by system and by modality, "
        "the review queue and attempts per week.",
        tags=[TAG],
        responses={200: ProgressSerializer, **errors(401, 429)},
    )
    def get(self, request):
        return Response(ProgressSerializer(queries.progress_of(request.user)).data)
