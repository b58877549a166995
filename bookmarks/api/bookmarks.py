"""/api/v1/bookmarks/: the caller's own bookmarks, over the same services as the pages.

Someone else's bookmark is a 404. The collection endpoints are in `collections.py`; the
helpers here serve both.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.permissions import NotSuspended
from api.errors import errors
from api.ids import MAX_ID, id_or_404
from bookmarks import services
from bookmarks.models import Bookmark
from cases.api.serializers import CaseSummarySerializer
from cases.models import Case

BOOKMARKS = "bookmarks"


def path_id(raw) -> int:
    """A path id as a number; anything else is a 404 in the API's format."""
    return id_or_404(raw)


def with_cards(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related(Prefetch("case", queryset=Case.objects.with_card_data()))


def readable_case(user, pk: int) -> Case:
    """The case a well-formed body names; one that does not exist or that the caller may not
    read is a 404, as it is in a path."""
    case = Case.objects.visible_to(user).filter(pk=pk).first()
    if case is None:
        raise Http404(services.CASE_NOT_READABLE)
    return case


# Bookmarks --------------------------------------------------------------------------------------


class BookmarkSerializer(serializers.ModelSerializer):
    case = CaseSummarySerializer(read_only=True)

    class Meta:
        model = Bookmark
        fields = ["id", "case", "created_at"]
        read_only_fields = fields


class BookmarkCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The id of a case you may read."
    )


BOOKMARK_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The bookmark's id."
)


class OwnBookmarksMixin:
    permission_classes = [NotSuspended, IsAuthenticated]
    parser_classes = [JSONParser]
    serializer_class = BookmarkSerializer

    def get_queryset(self) -> QuerySet[Bookmark]:
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a user
            return Bookmark.objects.none()
        return with_cards(Bookmark.objects.of(self.request.user))


@extend_schema_view(
    get=extend_schema(
        summary="List your bookmarks",
        description="Your bookmarked cases that you may still read, newest first.",
        tags=[BOOKMARKS],
        responses={200: BookmarkSerializer(many=True), **errors(401, 404, 429)},
    ),
    post=extend_schema(
        summary="Bookmark a case",
        description="Bookmarks a case you may read: `201` with the new bookmark. A case you "
        "have bookmarked already answers `200` with the existing bookmark, unchanged. A case "
        "that does not exist or that you may not read is a `404`.",
        tags=[BOOKMARKS],
        request=BookmarkCreateSerializer,
        responses={
            200: BookmarkSerializer,
            201: BookmarkSerializer,
            **errors(400, 401, 403, 404, 415, 429),
        },
        examples=[OpenApiExample("A case", value={"case": 12}, request_only=True)],
    ),
)
class BookmarkListView(OwnBookmarksMixin, generics.ListAPIView):
    def post(self, request):
        body = BookmarkCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = readable_case(request.user, body.validated_data["case"])
        bookmark, created = services.bookmark_case(user=request.user, case=case)
        bookmark = self.get_queryset().get(pk=bookmark.pk)
        return Response(
            BookmarkSerializer(bookmark).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema_view(
    get=extend_schema(
        summary="Read one of your bookmarks",
        tags=[BOOKMARKS],
        parameters=[BOOKMARK_ID],
        responses={200: BookmarkSerializer, **errors(401, 404, 429)},
    ),
    delete=extend_schema(
        summary="Remove a bookmark",
        tags=[BOOKMARKS],
        parameters=[BOOKMARK_ID],
        responses={204: None, **errors(401, 403, 404, 429)},
    ),
)
class BookmarkDetailView(OwnBookmarksMixin, generics.RetrieveDestroyAPIView):
    def get_object(self) -> Bookmark:
        bookmark = self.get_queryset().filter(pk=path_id(self.kwargs["pk"])).first()
        if bookmark is None:
            raise Http404("No such bookmark.")
        return bookmark

    def perform_destroy(self, bookmark: Bookmark) -> None:
        services.remove_bookmark(user=self.request.user, case=bookmark.case)
