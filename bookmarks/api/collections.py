"""/api/v1/collections/: the same services and rules as the collection pages.

A collection is read at its id by its owner, and by everyone when it is public; a collection
shared by link is read through its link (`collections/shared/{token}/`). Only the owner changes
a collection: to anyone else a write is a 404, as the collection pages answer. Items show only
the cases the caller may read.
"""

from __future__ import annotations

import re

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import NotSuspended
from api.errors import Conflict, errors
from api.ids import MAX_ID
from bookmarks import services
from bookmarks.models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Collection, CollectionItem
from cases.api.serializers import CaseSummarySerializer
from cases.rendering import render_markdown

from .bookmarks import path_id, readable_case, with_cards

COLLECTIONS = "collections"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# More than any collection holds: a place past the end puts the item last.
MAX_POSITION = 100_000


class VisibilityField(serializers.ChoiceField):
    """A collection's visibility."""

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=Collection.Visibility.choices, **kwargs)


class VisibilityFieldSchema(OpenApiSerializerFieldExtension):
    """Its own enum in the schema, `CollectionVisibilityEnum`: cases have a `visibility` of
    other values, and one property name for two choice sets would need a hashed name."""

    target_class = VisibilityField

    def map_serializer_field(self, auto_schema, direction):
        component = ResolvedComponent(
            name="CollectionVisibilityEnum",
            type=ResolvedComponent.SCHEMA,
            object="CollectionVisibilityEnum",
            schema={
                "type": "string",
                "enum": list(Collection.Visibility.values),
                "description": "\n".join(
                    f"* `{value}` - {label}" for value, label in Collection.Visibility.choices
                ),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


# Collections ------------------------------------------------------------------------------------


class CollectionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    owner_name = serializers.SerializerMethodField()
    is_owner = serializers.SerializerMethodField()
    case_count = serializers.SerializerMethodField(
        help_text="How many of its cases you may read (and are shown)."
    )
    visibility = VisibilityField(read_only=True)
    share_token = serializers.SerializerMethodField(
        help_text="The secret of its shared link; only for its owner."
    )
    shared_url = serializers.SerializerMethodField(
        help_text="The page of its shared link, for its owner, when the link works "
        "(visibility `link` or `public`)."
    )

    class Meta:
        model = Collection
        fields = [
            "id",
            "url",
            "page_url",
            "title",
            "description",
            "visibility",
            "owner_name",
            "is_owner",
            "case_count",
            "share_token",
            "shared_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _viewer(self):
        return self.context["request"].user

    def get_url(self, collection: Collection) -> str:
        return reverse("api-collection-detail", kwargs={"pk": collection.pk})

    def get_owner_name(self, collection: Collection) -> str:
        return str(collection.owner)

    def get_is_owner(self, collection: Collection) -> bool:
        return collection.is_owned_by(self._viewer())

    def get_case_count(self, collection: Collection) -> int:
        return collection.case_count

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_share_token(self, collection: Collection) -> str | None:
        return collection.share_token if collection.is_owned_by(self._viewer()) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_shared_url(self, collection: Collection) -> str | None:
        if collection.is_owned_by(self._viewer()) and collection.is_shared:
            return collection.get_shared_url()
        return None


class CollectionItemSerializer(serializers.ModelSerializer):
    case = CaseSummarySerializer(read_only=True)
    note_html = serializers.SerializerMethodField(
        help_text="The note rendered from Markdown and sanitised."
    )

    class Meta:
        model = CollectionItem
        fields = ["id", "position", "note", "note_html", "case", "added_at"]
        read_only_fields = fields
        extra_kwargs = {
            "position": {"help_text": "Its place in the collection, from 0."},
        }

    def get_note_html(self, item: CollectionItem) -> str:
        return str(render_markdown(item.note)) if item.note else ""


class CollectionDetailSerializer(CollectionSerializer):
    items = serializers.SerializerMethodField()
    hidden_item_count = serializers.SerializerMethodField(
        help_text="For the owner: items of cases they may no longer read, left out of "
        "`items`. Null for others."
    )

    class Meta(CollectionSerializer.Meta):
        fields = [*CollectionSerializer.Meta.fields, "items", "hidden_item_count"]
        read_only_fields = fields

    @extend_schema_field(CollectionItemSerializer(many=True))
    def get_items(self, collection: Collection) -> list[dict]:
        return CollectionItemSerializer(collection.shown_items, many=True).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_hidden_item_count(self, collection: Collection) -> int | None:
        return collection.hidden_item_count


class CollectionWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    description = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, help_text="Markdown."
    )
    visibility = VisibilityField(
        required=False,
        help_text="`private` (default), `link`: anyone with the shared link, `public`: also "
        "listed for everyone.",
    )


class CollectionItemCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The id of a case you may read."
    )
    note = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, help_text="Markdown."
    )
    position = serializers.IntegerField(
        min_value=0,
        max_value=MAX_POSITION,
        required=False,
        help_text="Where to put it, from 0; left out: at the end.",
    )


class CollectionItemUpdateSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, help_text="Markdown."
    )
    position = serializers.IntegerField(
        min_value=0,
        max_value=MAX_POSITION,
        required=False,
        help_text="Move it here (0 is first; past the end: last); the others renumber.",
    )

    def validate(self, data: dict) -> dict:
        if not data:
            raise serializers.ValidationError("Nothing to change: send a note or a position.")
        return data


class CollectionFilter(django_filters.FilterSet):
    # A choice rather than a BooleanFilter, which would quietly ignore a value it cannot read.
    mine = django_filters.ChoiceFilter(
        choices=[("true", "Only yours"), ("false", "Only others' public collections")],
        method="filter_mine",
        label="Only your collections (true) or only others' (false)",
    )

    class Meta:
        model = Collection
        fields = ["mine"]

    def filter_mine(self, queryset, name: str, value: str):
        user = self.request.user
        if not user.is_authenticated:
            return queryset.none() if value == "true" else queryset
        return queryset.filter(owner=user) if value == "true" else queryset.exclude(owner=user)


COLLECTION_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The collection's id."
)
ITEM_ID = OpenApiParameter(
    "item_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The item's id."
)
TOKEN = OpenApiParameter(
    "token", OpenApiTypes.STR, OpenApiParameter.PATH, description="The shared link's secret."
)


def _detail_of(request, collection: Collection) -> dict:
    """The collection with the items the caller is shown, in a fixed number of queries."""
    viewer = request.user
    collection = (
        Collection.objects.select_related("owner").with_case_counts(viewer).get(pk=collection.pk)
    )
    collection.shown_items = list(
        with_cards(collection.items_shown_to(viewer)).order_by("position", "pk")
    )
    collection.hidden_item_count = None
    if collection.is_owned_by(viewer):
        collection.hidden_item_count = collection.items.count() - len(collection.shown_items)
    return CollectionDetailSerializer(collection, context={"request": request}).data


def _own_collection(request, pk) -> Collection:
    collection = Collection.objects.owned_by(request.user).filter(pk=path_id(pk)).first()
    if collection is None:
        raise Http404("No such collection of yours.")
    return collection


@extend_schema_view(
    get=extend_schema(
        summary="List collections",
        description="Your collections and the public collections of others, most recently "
        "changed first; `mine=true` keeps yours, `mine=false` the others'. Collections shared "
        "by link are never listed for others.",
        tags=[COLLECTIONS],
        responses={200: CollectionSerializer(many=True), **errors(400, 404, 429)},
    ),
    post=extend_schema(
        summary="Create a collection",
        tags=[COLLECTIONS],
        request=CollectionWriteSerializer,
        responses={201: CollectionDetailSerializer, **errors(400, 401, 403, 415, 429)},
        examples=[
            OpenApiExample(
                "A collection for a teaching session",
                value={
                    "title": "Hip pain in adolescents",
                    "description": "Six unknowns for the Thursday session.",
                    "visibility": "link",
                },
                request_only=True,
            )
        ],
    ),
)
class CollectionListView(generics.ListAPIView):
    serializer_class = CollectionSerializer
    permission_classes = [NotSuspended, IsAuthenticatedOrReadOnly]
    parser_classes = [JSONParser]
    filterset_class = CollectionFilter
    queryset = Collection.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[Collection]:
        if getattr(self, "swagger_fake_view", False):
            return Collection.objects.none()
        user = self.request.user
        return (
            Collection.objects.visible_to(user)
            .select_related("owner")
            .with_case_counts(user)
            .order_by("-updated_at", "-pk")
        )

    def post(self, request):
        body = CollectionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        collection = services.create_collection(owner=request.user, **body.validated_data)
        response = Response(_detail_of(request, collection), status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api-collection-detail", kwargs={"pk": collection.pk})
        return response


@extend_schema_view(
    get=extend_schema(
        summary="Read a collection",
        description="Yours, or a public one, with its items in order: only the cases you may "
        "read. A collection shared by link is read through `collections/shared/{token}/`.",
        tags=[COLLECTIONS],
        parameters=[COLLECTION_ID],
        responses={200: CollectionDetailSerializer, **errors(404, 429)},
    ),
    patch=extend_schema(
        summary="Edit a collection of yours",
        description="Send what changes: `title`, `description`, `visibility`.",
        tags=[COLLECTIONS],
        parameters=[COLLECTION_ID],
        request=CollectionWriteSerializer(partial=True),
        responses={200: CollectionDetailSerializer, **errors(400, 401, 403, 404, 415, 429)},
    ),
    delete=extend_schema(
        summary="Delete a collection of yours",
        description="Its items and notes go with it; the cases stay.",
        tags=[COLLECTIONS],
        parameters=[COLLECTION_ID],
        responses={204: None, **errors(401, 403, 404, 429)},
    ),
)
class CollectionDetailView(APIView):
    permission_classes = [NotSuspended, IsAuthenticatedOrReadOnly]
    parser_classes = [JSONParser]

    def get(self, request, pk):
        collection = Collection.objects.visible_to(request.user).filter(pk=path_id(pk)).first()
        if collection is None:
            raise Http404("No such collection.")
        return Response(_detail_of(request, collection))

    def patch(self, request, pk):
        collection = _own_collection(request, pk)
        body = CollectionWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        collection = services.update_collection(
            collection=collection, by=request.user, **body.validated_data
        )
        return Response(_detail_of(request, collection))

    def delete(self, request, pk):
        services.delete_collection(collection=_own_collection(request, pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShareLinkView(APIView):
    permission_classes = [NotSuspended, IsAuthenticated]

    @extend_schema(
        summary="Make a new shared link for a collection of yours",
        description="The old link stops working at once. Answers the collection with its new "
        "`share_token` and `shared_url`.",
        tags=[COLLECTIONS],
        parameters=[COLLECTION_ID],
        request=None,
        responses={200: CollectionDetailSerializer, **errors(401, 403, 404, 429)},
    )
    def post(self, request, pk):
        collection = services.regenerate_share_link(
            collection=_own_collection(request, pk), by=request.user
        )
        return Response(_detail_of(request, collection))


class ItemListView(APIView):
    permission_classes = [NotSuspended, IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Add a case to a collection of yours",
        description="A case you may read, at the end or at `position`. A case that does not "
        "exist or that you may not read is a `404`; one already in the collection, a `409`.",
        tags=[COLLECTIONS],
        parameters=[COLLECTION_ID],
        request=CollectionItemCreateSerializer,
        responses={201: CollectionItemSerializer, **errors(400, 401, 403, 404, 409, 415, 429)},
        examples=[
            OpenApiExample(
                "A case with a note",
                value={"case": 12, "note": "Compare the nidus with case 3."},
                request_only=True,
            )
        ],
    )
    def post(self, request, pk):
        collection = _own_collection(request, pk)
        body = CollectionItemCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case = readable_case(request.user, data["case"])
        try:
            item = services.add_to_collection(
                collection=collection,
                case=case,
                by=request.user,
                note=data.get("note", ""),
                position=data.get("position"),
            )
        except services.AlreadyInCollection:
            raise Conflict(services.ALREADY_IN_COLLECTION) from None
        item = with_cards(CollectionItem.objects.filter(pk=item.pk)).get()
        return Response(CollectionItemSerializer(item).data, status=status.HTTP_201_CREATED)


class ItemDetailView(APIView):
    permission_classes = [NotSuspended, IsAuthenticated]
    parser_classes = [JSONParser]

    def _item(self, request, pk, item_id) -> CollectionItem:
        collection = _own_collection(request, pk)
        item = (
            collection.items_shown_to(request.user)
            .select_related("collection")
            .filter(pk=path_id(item_id))
            .first()
        )
        if item is None:
            raise Http404("No such item in this collection.")
        return item

    @extend_schema(
        summary="Change an item's note or place",
        description="Send `note`, `position` or both. Moving an item renumbers the others, so "
        "that places stay 0, 1, 2, … in order.",
        tags=[COLLECTIONS],
        parameters=[COLLECTION_ID, ITEM_ID],
        request=CollectionItemUpdateSerializer,
        responses={200: CollectionItemSerializer, **errors(400, 401, 403, 404, 415, 429)},
    )
    def patch(self, request, pk, item_id):
        item = self._item(request, pk, item_id)
        body = CollectionItemUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.update_item(item=item, by=request.user, **body.validated_data)
        item = with_cards(CollectionItem.objects.filter(pk=item.pk)).get()
        return Response(CollectionItemSerializer(item).data)

    @extend_schema(
        summary="Take a case out of a collection of yours",
        description="The items after it move up one place.",
        tags=[COLLECTIONS],
        parameters=[COLLECTION_ID, ITEM_ID],
        responses={204: None, **errors(401, 403, 404, 429)},
    )
    def delete(self, request, pk, item_id):
        services.remove_item(item=self._item(request, pk, item_id), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SharedCollectionView(APIView):
    permission_classes = [NotSuspended, AllowAny]

    @extend_schema(
        summary="Read a collection by its shared link",
        description="A collection shared by link or public, for anyone with its link; each "
        "caller sees only the cases they may read. A private collection, or a link replaced "
        "by a new one, is a 404.",
        tags=[COLLECTIONS],
        parameters=[TOKEN],
        responses={200: CollectionDetailSerializer, **errors(404, 429)},
    )
    def get(self, request, token):
        collection = None
        if TOKEN_PATTERN.match(token):
            collection = Collection.objects.shared(token).first()
        if collection is None:
            raise Http404("No collection is shared at this link.")
        return Response(_detail_of(request, collection))
