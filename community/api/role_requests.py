"""Requests for the author role in the API (/api/v1/author-role-requests/).

A member who does not hold the author role asks (POST, with an optional `reason`); editors and
administrators list every request and approve or decline; anyone else lists and reads only
their own. Each write calls the same function of `role_requests.py` as the pages. Asking while
a request waits, asking as an author, and deciding a request already decided answer 409.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import NotSuspended
from api.errors import errors
from community import role_requests
from community.models import AuthorRoleRequest
from community.role_requests import REASON_MAX_LENGTH

TAG = "author role"


class RequestPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True, help_text="The name shown on the site.")


class AuthorRoleRequestSerializer(serializers.ModelSerializer):
    member = RequestPersonSerializer(read_only=True, help_text="Who asks for the role.")
    decided_by = RequestPersonSerializer(
        read_only=True, allow_null=True, help_text="The editor or administrator who decided."
    )

    class Meta:
        model = AuthorRoleRequest
        fields = [
            "id",
            "member",
            "status",
            "reason",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "status": {"help_text": "`pending`, then `approved` or `declined`."},
            "reason": {"help_text": "What the member wants to write, as they put it."},
            "decision_reason": {"help_text": "Why it was declined, if the editor said."},
        }


class RoleRequestReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text="Optional.",
    )


class RequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AuthorRoleRequest.Status.choices)

    class Meta:
        model = AuthorRoleRequest
        fields = ["status"]


REQUEST_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The request's id."
)


def _visible_request(request, pk: str) -> AuthorRoleRequest:
    """The request, if this person may see it; the API's 404 otherwise (a malformed id too)."""
    try:
        number = int(pk)
    except ValueError:
        number = None
    found = None
    if number is not None and 0 < number < 2**63:
        found = role_requests.requests_for(request.user).filter(pk=number).first()
    if found is None:
        raise NotFound("No request for the author role with this id.")
    return found


@extend_schema_view(
    get=extend_schema(
        operation_id="author_role_requests_list",
        summary="List requests for the author role",
        description=(
            "Editors and administrators see every request; anyone else their own. Newest "
            "first; `?status=pending` for those waiting."
        ),
        tags=[TAG],
        responses={200: AuthorRoleRequestSerializer(many=True), **errors(400, 401, 404, 429)},
    ),
    post=extend_schema(
        operation_id="author_role_requests_create",
        summary="Ask for the author role",
        description=(
            "Editors and administrators are notified; you are told of their decision. 409 "
            "when you already hold the role or a request of yours is waiting; 403 while "
            "suspended."
        ),
        tags=[TAG],
        request=RoleRequestReasonSerializer,
        responses={201: AuthorRoleRequestSerializer, **errors(400, 401, 403, 409, 415, 429)},
        examples=[
            OpenApiExample(
                "With a note for the editors",
                value={"reason": "Musculoskeletal cases from our fellowship teaching."},
                request_only=True,
            )
        ],
    ),
)
class AuthorRoleRequestList(generics.ListCreateAPIView):
    permission_classes = [NotSuspended, IsAuthenticated]
    parser_classes = [JSONParser]
    serializer_class = AuthorRoleRequestSerializer
    filterset_class = RequestFilter
    queryset = AuthorRoleRequest.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[AuthorRoleRequest]:
        if getattr(self, "swagger_fake_view", False):
            return AuthorRoleRequest.objects.none()
        return role_requests.requests_for(self.request.user)

    def create(self, request, *args, **kwargs) -> Response:
        body = RoleRequestReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        created = role_requests.request_author_role(
            member=request.user, reason=body.validated_data.get("reason", "")
        )
        return Response(AuthorRoleRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class AuthorRoleRequestDetail(APIView):
    permission_classes = [NotSuspended, IsAuthenticated]

    @extend_schema(
        operation_id="author_role_requests_retrieve",
        summary="Read a request for the author role",
        description="Your own, or any for editors and administrators.",
        tags=[TAG],
        parameters=[REQUEST_ID],
        responses={200: AuthorRoleRequestSerializer, **errors(401, 404, 429)},
    )
    def get(self, request, pk: str) -> Response:
        return Response(AuthorRoleRequestSerializer(_visible_request(request, pk)).data)


DECISION_ERRORS = errors(400, 401, 403, 404, 409, 415, 429)


class ApproveAuthorRoleRequest(APIView):
    permission_classes = [NotSuspended, IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="author_role_requests_approve",
        summary="Approve a request for the author role",
        description=(
            "Editors and administrators: the member joins the authors and is told. Not your "
            "own request (403); 409 when it is already decided."
        ),
        tags=[TAG],
        parameters=[REQUEST_ID],
        request=None,
        responses={200: AuthorRoleRequestSerializer, **DECISION_ERRORS},
    )
    def post(self, request, pk: str) -> Response:
        found = _visible_request(request, pk)
        decided = role_requests.approve_author_role(found, by=request.user)
        return Response(AuthorRoleRequestSerializer(decided).data)


class DeclineAuthorRoleRequest(APIView):
    permission_classes = [NotSuspended, IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="author_role_requests_decline",
        summary="Decline a request for the author role",
        description=(
            "Editors and administrators: the member is told, with the reason if one is given, "
            "and may ask again. Not your own request (403); 409 when it is already decided."
        ),
        tags=[TAG],
        parameters=[REQUEST_ID],
        request=RoleRequestReasonSerializer,
        responses={200: AuthorRoleRequestSerializer, **DECISION_ERRORS},
        examples=[
            OpenApiExample(
                "With a reason",
                value={"reason": "Please add your ORCID iD and institution first."},
                request_only=True,
            )
        ],
    )
    def post(self, request, pk: str) -> Response:
        found = _visible_request(request, pk)
        body = RoleRequestReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = role_requests.decline_author_role(
            found, by=request.user, reason=body.validated_data.get("reason", "")
        )
        return Response(AuthorRoleRequestSerializer(decided).data)
