"""Your notifications: the list (newest first), and marking them read.

Every answer carries the number still unread in `X-Unread-Count`, as the page header shows it.
Someone else's notification is a 404.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.permissions import NotSuspended
from api.errors import errors
from notifications import services
from notifications.models import Notification

TAG = "notifications"
UNREAD_HEADER = "X-Unread-Count"

UNREAD_COUNT = OpenApiParameter(
    UNREAD_HEADER,
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    description="How many of your notifications are unread.",
    response=[200],
    required=True,
)


class NotificationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    is_unread = serializers.BooleanField(read_only=True)
    body = serializers.CharField(
        source="text",
        read_only=True,
        help_text="Plain text. About a comment, what the comment says now: a comment hidden or "
        "deleted since shows a line saying so, not its former text.",
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_display",
            "case",
            "title",
            "body",
            "url",
            "created_at",
            "read_at",
            "is_unread",
        ]
        read_only_fields = fields
        extra_kwargs = {"url": {"help_text": "The site path the notification opens."}}


class NotificationFilter(django_filters.FilterSet):
    # A choice rather than a BooleanFilter, which would quietly ignore a value it cannot read.
    unread = django_filters.ChoiceFilter(
        choices=[("true", "Only unread"), ("false", "Only read")],
        method="filter_unread",
        label="Only unread (true) or only read (false)",
    )

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset, name: str, value: str):
        return queryset.filter(read_at__isnull=value == "true")


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")
    unread = serializers.IntegerField(help_text="How many are still unread.")


@extend_schema_view(
    list=extend_schema(
        summary="List your notifications",
        description="Newest first; `unread=true` keeps the unread ones.",
        tags=[TAG],
        parameters=[UNREAD_COUNT],
        responses={200: NotificationSerializer(many=True), **errors(400, 401, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="Read one of your notifications",
        description="Reading it here does not mark it read: see `read/`.",
        tags=[TAG],
        parameters=[UNREAD_COUNT],
        responses={200: NotificationSerializer, **errors(401, 404, 429)},
    ),
)
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = NotificationSerializer
    permission_classes = [NotSuspended, IsAuthenticated]
    filterset_class = NotificationFilter
    queryset = Notification.objects.none()  # for the schema; requests use get_queryset
    # Any id reaches the view, which answers 404 in the API's format for a malformed one.
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return Notification.objects.for_recipient(self.request.user).prefetch_related("subject")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200 and request.user.is_authenticated:
            response[UNREAD_HEADER] = str(services.unread_count(request.user))
        return response

    @extend_schema(
        summary="Mark a notification read",
        tags=[TAG],
        request=None,
        parameters=[UNREAD_COUNT],
        responses={200: NotificationSerializer, **errors(401, 404, 429)},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None) -> Response:
        notification = self.get_object()
        services.mark_read(request.user, [notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="Mark all your notifications read",
        tags=[TAG],
        request=None,
        parameters=[UNREAD_COUNT],
        responses={200: MarkedReadSerializer, **errors(401, 429)},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request) -> Response:
        marked = services.mark_read(request.user)
        return Response({"marked": marked, "unread": services.unread_count(request.user)})
