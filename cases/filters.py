"""The one case filter, shared by the browse page and the API's case list."""

from __future__ import annotations

import time

import django_filters
from django import forms
from django.db.models import Exists, OuterRef

from . import facets, fulltext
from .models import Case, Modality, Study, System

# Body systems are a fixed list (a data migration, rarely the admin), read by every list.
SYSTEMS_LIFETIME = 60.0  # seconds; how late a change made in another process is seen


class BodySystems:
    """Every body system as (id, code, name), by name: read once per process, again after a
    change saved in this process (`forget`, on System's post_save and post_delete), and at the
    latest `SYSTEMS_LIFETIME` after one saved in another."""

    def __init__(self) -> None:
        self._systems: list[tuple[int, str, str]] = []
        self._read_at = -SYSTEMS_LIFETIME

    def __call__(self, *, fresh: bool = False) -> list[tuple[int, str, str]]:
        if fresh or time.monotonic() - self._read_at >= SYSTEMS_LIFETIME:
            self._systems = list(
                System.objects.order_by("name", "pk").values_list("id", "code", "name")
            )
            self._read_at = time.monotonic()
        return self._systems

    def choices(self) -> list[tuple[str, str]]:
        return [(code, name) for _, code, name in self()]

    def forget(self, **signal) -> None:
        self._read_at = -SYSTEMS_LIFETIME


body_systems = BodySystems()


class CaseFilter(django_filters.FilterSet):
    """Search, facets and sort. The related filters (modality, system, tag) never join (on
    PostgreSQL they read the case's facet tokens, elsewhere they test with EXISTS), so a case is
    listed once and the ranked search needs no DISTINCT."""

    q = django_filters.CharFilter(
        method="search", label="Search", max_length=200, widget=forms.SearchInput
    )
    modality = django_filters.ChoiceFilter(
        method="with_modality", choices=Modality.choices, label="Modality", empty_label="Any"
    )
    system = django_filters.ChoiceFilter(
        method="in_system",
        # The current list, set again in __init__; the API schema lists it from here.
        choices=body_systems.choices,
        label="System",
        empty_label="Any",
    )
    tag = django_filters.CharFilter(method="with_tag", label="Tag", max_length=140)
    case_type = django_filters.ChoiceFilter(
        method="with_facet_value",
        choices=Case.CaseType.choices,
        label="Case type",
        empty_label="Any",
    )
    certainty = django_filters.ChoiceFilter(
        method="with_facet_value",
        choices=Case.Certainty.choices,
        label="Diagnostic certainty",
        empty_label="Any",
    )
    difficulty = django_filters.ChoiceFilter(
        method="with_facet_value",
        choices=Case.Difficulty.choices,
        label="Difficulty",
        empty_label="Any",
    )
    age = django_filters.ChoiceFilter(
        method="with_facet_value",
        choices=facets.AGE_BAND_CHOICES,
        label="Patient age",
        empty_label="Any",
    )
    sex = django_filters.ChoiceFilter(
        method="with_facet_value",
        choices=facets.SEX_CHOICES,
        label="Patient sex",
        empty_label="Any",
    )
    # Last, so that it orders what the other filters kept. Without it, a search is ordered by
    # relevance and a list without a search by date of publication, newest first.
    sort = django_filters.ChoiceFilter(
        method="sort_by", choices=fulltext.SORT_CHOICES, label="Sort by", empty_label=None
    )

    class Meta:
        model = Case
        fields = [
            "q",
            "modality",
            "system",
            "tag",
            "case_type",
            "certainty",
            "difficulty",
            "age",
            "sex",
            "sort",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Shared by validation, the form's options and the active-filter chips.
        choices = body_systems.choices()
        self.filters["system"].extra["choices"] = choices
        # A filter's field is built once and then copied: one built before (the API schema
        # reads the filters) would keep its old, empty list.
        self.filters["system"].field.choices = choices

    def search(self, queryset, name: str, value: str):
        return fulltext.search_cases(queryset, value)

    def with_modality(self, queryset, name: str, value: str):
        studied = Exists(Study.objects.filter(case=OuterRef("pk"), modality=value))
        return facets.with_value(queryset, "modality", value, studied)

    def in_system(self, queryset, name: str, value: str):
        in_system = Case.systems.through.objects.filter(case=OuterRef("pk"), system__code=value)
        return facets.with_value(queryset, "system", value, Exists(in_system))

    def with_tag(self, queryset, name: str, value: str):
        tagged = Case.tags.through.objects.filter(case=OuterRef("pk"), tag__slug=value)
        return facets.with_value(queryset, "tag", value, Exists(tagged))

    def with_facet_value(self, queryset, name: str, value: str):
        # Case type, certainty, difficulty, age band, sex: from the facet tokens' GIN index.
        return facets.with_value(queryset, name, value)

    def filter_queryset(self, queryset):
        # Listed cases shown with their facets: the total comes from the facet pass.
        return facets.counted_with_facets(super().filter_queryset(queryset))

    def sort_by(self, queryset, name: str, value: str):
        return fulltext.order_cases(queryset, value)


class CaseListFilter(CaseFilter):
    """The browse page's filters, plus the workflow state and "only mine", for lists that
    include unpublished cases (the API's case list)."""

    status = django_filters.MultipleChoiceFilter(choices=Case.Status.choices, label="State")
    mine = django_filters.BooleanFilter(method="authored_by_me", label="Only my cases")

    class Meta(CaseFilter.Meta):
        fields = [*CaseFilter.Meta.fields, "status", "mine"]

    def filter_queryset(self, queryset):
        # Unpublished cases too, whose changes need not bump the catalogue: counted afresh.
        return django_filters.FilterSet.filter_queryset(self, queryset)

    def authored_by_me(self, queryset, name: str, value: bool | None):
        if value is None:
            return queryset
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none() if value else queryset
        if value:
            return queryset.authored_by(user)
        return queryset.exclude(pk__in=Case.objects.authored_by(user).values("pk"))
