"""The vocabularies a case draws from: its tags and the licences it may be published under."""

from __future__ import annotations

import django_filters
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import NotSuspended
from api.errors import errors
from cases.models import Case, Licence, Tag

TAG = "reference"
# Each word must appear in the name or the code; more words than this are ignored.
MAX_SEARCH_WORDS = 8


class TagSerializer(serializers.ModelSerializer):
    case_count = serializers.IntegerField(
        read_only=True, help_text="Published cases with this tag in lists you may browse."
    )

    class Meta:
        model = Tag
        fields = ["id", "name", "scheme", "code", "slug", "case_count"]
        read_only_fields = fields


class TagFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search names and codes", max_length=200)
    scheme = django_filters.ChoiceFilter(choices=Tag.Scheme.choices, label="Scheme")

    class Meta:
        model = Tag
        fields = ["q", "scheme"]

    def search(self, queryset, name: str, value: str):
        for word in value.split()[:MAX_SEARCH_WORDS]:
            queryset = queryset.filter(Q(name__icontains=word) | Q(code__iexact=word))
        return queryset


def tags_visible_to(user) -> QuerySet[Tag]:
    """Tags of the cases this person may read, with how many listed cases carry each.

    A tag used only on someone's draft is not shown: its name may say more than the draft's
    author wants known.
    """
    readable = Case.objects.visible_to(user)
    listed = (
        readable.listed()
        .filter(tags=OuterRef("pk"))
        .order_by()
        .values("tags")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Tag.objects.filter(Exists(readable.filter(tags=OuterRef("pk"))))
        .annotate(case_count=Coalesce(Subquery(listed, output_field=IntegerField()), 0))
        .order_by("name", "pk")
    )


@extend_schema_view(
    get=extend_schema(
        summary="List tags",
        description="The tags of the cases you may read, by name; `q` searches names and codes.",
        tags=[TAG],
        responses={200: TagSerializer(many=True), **errors(400, 401, 404, 429)},
    )
)
class TagList(generics.ListAPIView):
    serializer_class = TagSerializer
    permission_classes = [NotSuspended, AllowAny]
    filterset_class = TagFilter
    queryset = Tag.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[Tag]:
        if getattr(self, "swagger_fake_view", False):
            return Tag.objects.none()
        return tags_visible_to(self.request.user)


class LicenceSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Licence.choices, help_text="The SPDX id.")
    name = serializers.CharField()
    url = serializers.URLField(help_text="The licence's text.")


class LicenceList(APIView):
    permission_classes = [NotSuspended, AllowAny]

    @extend_schema(
        summary="List the licences a case may be published under",
        description="A short fixed list, so not paginated. `code` is what a case's "
        "`rights.licence` holds.",
        tags=[TAG],
        responses={200: LicenceSerializer(many=True), **errors(401, 429)},
    )
    def get(self, request) -> Response:
        licences = [
            {"code": code, "name": name, "url": Licence.url_for(code)}
            for code, name in Licence.choices
        ]
        return Response(LicenceSerializer(licences, many=True).data)
