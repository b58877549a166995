"""The search endpoints of /api/v1/: `search/` (results with snippets and facet counts) and
`saved-searches/` (your saved searches).

The search takes the browse page's parameters and runs the same search (cases/fulltext.py) over
the same cases: published, listed, and visible to the caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts.api.permissions import NotSuspended
from api.errors import Conflict, errors
from api.pagination import Pagination
from api.validation import TextField, not_blank
from cases import facets, fulltext
from cases.api.serializers import CaseSummarySerializer
from cases.filters import CaseFilter
from cases.models import Case
from search import services, snippets, suggestions
from search.models import SavedSearch

FACET_SCHEMA = {
    "type": "object",
    "description": "For each facet, its values with how many matching cases have each "
    "(values no matching case has are left out; `tag` lists the most used).",
    "properties": {
        name: {
            "type": "array",
            "description": label,
            "items": {
                "type": "object",
                "properties": {
                    "value": {"type": "string", "description": f"The `{name}` parameter's value."},
                    "label": {"type": "string"},
                    "count": {"type": "integer", "minimum": 0},
                },
                "required": ["value", "label", "count"],
            },
        }
        for name, label in facets.FACETS
    },
    "required": [name for name, _ in facets.FACETS],
}


SUGGESTION_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "When the search finds nothing: the same search with its misspelt words "
    'corrected, if that finds cases ("Did you mean …?"); otherwise null.',
    "properties": {
        "q": {"type": "string", "description": "The corrected `q`."},
        "page_url": {"type": "string", "description": "The browse page of the corrected search."},
    },
    "required": ["q", "page_url"],
}


class SearchPagination(Pagination):
    """The project's pages, with the facet counts of the whole result beside them."""

    facets: dict | None = None
    suggestion: dict | None = None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["facets"] = self.facets or {}
        response.data["suggestion"] = self.suggestion
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["facets"] = FACET_SCHEMA
        paginated["properties"]["suggestion"] = SUGGESTION_SCHEMA
        paginated.setdefault("required", []).extend(["facets", "suggestion"])
        return paginated


class SearchResultSerializer(CaseSummarySerializer):
    snippet = serializers.SerializerMethodField(
        help_text="HTML: the passage of the case's text that matched, the matched words in "
        "<mark>; everything else escaped. Empty without a search."
    )
    view_count = serializers.IntegerField(
        read_only=True, help_text="Readers of the case page, each counted once a day."
    )

    class Meta(CaseSummarySerializer.Meta):
        fields = [*CaseSummarySerializer.Meta.fields, "view_count", "snippet"]

    def get_snippet(self, case: Case) -> str:
        return str(getattr(case, "snippet", ""))


@extend_schema_view(
    list=extend_schema(
        summary="Search published cases",
        description='The browse page\'s search as data: `q` in web-search syntax ("a phrase", '
        "-excluded, `or`; small typos in titles, diagnoses and tags are forgiven), the same "
        "filters, and `sort` (`relevance`, the default with `q`; `newest`, the default "
        "without; `most_viewed`). Each result has a `snippet`; `facets` counts every "
        "matching case by modality, system, tag, case type, certainty, difficulty, age "
        "band and sex. Unlisted cases are never found.",
        tags=["search"],
        operation_id="search_list",
        responses={200: SearchResultSerializer(many=True), **errors(400, 429)},
    ),
)
class SearchViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = SearchResultSerializer
    permission_classes = [NotSuspended, AllowAny]
    filterset_class = CaseFilter
    pagination_class = SearchPagination
    queryset = Case.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return (
            Case.objects.visible_to(self.request.user)
            .listed()
            .with_card_data()
            .defer(*fulltext.SEARCH_COLUMNS)
        )

    def list(self, request, *args, **kwargs) -> Response:
        results = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(results)
        snippets.attach_snippets(page, request.query_params.get("q", ""))
        self.paginator.suggestion = None
        if request.query_params.get("q") and not self.paginator.page.paginator.count:
            self.paginator.suggestion = suggestions.suggestion_for(
                request.user, request.query_params, self.get_queryset()
            )
        self.paginator.facets = {
            name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for name, values in facets.facet_counts(results).items()
        }
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


NAME_NEEDED = "Give the search a name."


def name_field(**kwargs) -> TextField:
    return TextField(
        max_length=SavedSearch._meta.get_field("name").max_length,
        validators=[not_blank(NAME_NEEDED)],
        error_messages={"blank": NAME_NEEDED},
        help_text="Yours to tell it by: a name you use for another saved search of yours is a 409.",
        **kwargs,
    )


class SavedSearchSerializer(serializers.ModelSerializer):
    name = name_field()
    query = TextField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="The browse page's query string, e.g. `q=osteosarcoma&modality=MR` (the "
        "parameters of `search/`; `page` is dropped).",
    )
    page_url = serializers.CharField(
        source="browse_url", read_only=True, help_text="The browse page showing its results."
    )

    class Meta:
        model = SavedSearch
        fields = [
            "id",
            "name",
            "query",
            "digest",
            "page_url",
            "last_sent_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "page_url", "last_sent_at", "created_at", "updated_at"]
        extra_kwargs = {
            "digest": {"help_text": "`daily` or `weekly` e-mails the new matching cases."},
            "last_sent_at": {"help_text": "When the last digest was made; null: not yet."},
        }


class SavedSearchUpdateSerializer(SavedSearchSerializer):
    name = name_field(required=False)


TAG = "saved searches"


@contextmanager
def conflicts_as_409() -> Iterator[None]:
    try:
        yield
    except services.SavedSearchConflict as conflict:
        raise Conflict(" ".join(conflict.messages)) from None


@extend_schema_view(
    list=extend_schema(
        summary="List your saved searches",
        tags=[TAG],
        operation_id="saved_searches_list",
        responses={200: SavedSearchSerializer(many=True), **errors(400, 401, 404, 429)},
    ),
    create=extend_schema(
        summary="Save a search",
        description="A name, the query string, and optionally a daily or weekly digest. "
        "A name already in use, or as many saved searches as allowed, is a 409.",
        tags=[TAG],
        operation_id="saved_searches_create",
        request=SavedSearchSerializer,
        responses={201: SavedSearchSerializer, **errors(400, 401, 409, 429)},
    ),
    retrieve=extend_schema(
        summary="Read one of your saved searches",
        tags=[TAG],
        operation_id="saved_searches_retrieve",
        responses={200: SavedSearchSerializer, **errors(401, 404, 429)},
    ),
    partial_update=extend_schema(
        summary="Rename a saved search, change its query or its digest",
        tags=[TAG],
        operation_id="saved_searches_partial_update",
        request=SavedSearchUpdateSerializer,
        responses={200: SavedSearchSerializer, **errors(400, 401, 404, 409, 429)},
    ),
    destroy=extend_schema(
        summary="Delete a saved search",
        tags=[TAG],
        operation_id="saved_searches_destroy",
        responses={204: None, **errors(401, 404, 429)},
    ),
)
class SavedSearchViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SavedSearchSerializer
    permission_classes = [NotSuspended, IsAuthenticated]
    queryset = SavedSearch.objects.none()  # for the schema; requests use get_queryset
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # A form body cannot tell an empty `digest` or `name` from one left out.
    parser_classes = [JSONParser]
    # Any id reaches the view, which answers 404 in the API's format for a malformed one.
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[SavedSearch]:
        if getattr(self, "swagger_fake_view", False):
            return SavedSearch.objects.none()
        return SavedSearch.objects.filter(user=self.request.user)

    def get_object(self) -> SavedSearch:
        pk = self.kwargs.get("pk", "")
        if not str(pk).isdigit() or int(pk) > 2**63 - 1:
            raise Http404("No saved search found.")
        return super().get_object()

    def create(self, request, *args, **kwargs) -> Response:
        serializer = SavedSearchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with conflicts_as_409():
            saved_search = services.save_search(by=request.user, **serializer.validated_data)
        return Response(SavedSearchSerializer(saved_search).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs) -> Response:
        saved_search = self.get_object()
        serializer = SavedSearchUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with conflicts_as_409():
            saved_search = services.update_saved_search(
                saved_search, by=request.user, **serializer.validated_data
            )
        return Response(SavedSearchSerializer(saved_search).data)

    def destroy(self, request, *args, **kwargs) -> Response:
        services.delete_saved_search(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
