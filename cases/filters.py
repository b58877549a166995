"""The one case filter, shared by the browse page and the API's case list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from .models import Case, CaseAuthor, Modality, System

SEARCHED_FIELDS = ("title", "final_diagnosis", "clinical_history", "imaging_findings")
# Each word must appear somewhere; more words than this are ignored, not an error.
MAX_SEARCH_WORDS = 8


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label="Search", max_length=200, widget=forms.SearchInput
    )
    modality = django_filters.ChoiceFilter(
        field_name="studies__modality",
        choices=Modality.choices,
        distinct=True,
        label="Modality",
        empty_label="Any",
    )
    system = django_filters.ChoiceFilter(
        field_name="systems__code",
        choices=[],  # read from the database once per request, in __init__
        distinct=True,
        label="System",
        empty_label="Any",
    )
    tag = django_filters.CharFilter(
        field_name="tags__slug", distinct=True, label="Tag", max_length=140
    )
    case_type = django_filters.ChoiceFilter(
        choices=Case.CaseType.choices, label="Case type", empty_label="Any"
    )

    class Meta:
        model = Case
        fields = ["q", "modality", "system", "tag", "case_type"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # One query, shared by validation, the form's options and the active-filter chips.
        choices = list(System.objects.values_list("code", "name"))
        self.filters["system"].extra["choices"] = choices
        # A filter's field is built once and then copied: one built before (the API schema
        # reads the filters) would keep its old, empty list.
        self.filters["system"].field.choices = choices

    def search(self, queryset, name: str, value: str):
        for word in value.split()[:MAX_SEARCH_WORDS]:
            matches_word = Q()
            for field in SEARCHED_FIELDS:
                matches_word |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(matches_word)
        return queryset


class CaseListFilter(CaseFilter):
    """The browse page's filters, plus the workflow state and "only mine", for lists that
    include unpublished cases (the API's case list)."""

    status = django_filters.MultipleChoiceFilter(choices=Case.Status.choices, label="State")
    mine = django_filters.BooleanFilter(method="authored_by_me", label="Only my cases")

    class Meta(CaseFilter.Meta):
        fields = [*CaseFilter.Meta.fields, "status", "mine"]

    def authored_by_me(self, queryset, name: str, value: bool | None):
        if value is None:
            return queryset
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none() if value else queryset
        mine = Q(created_by=user) | Q(
            Exists(CaseAuthor.objects.filter(case=OuterRef("pk"), user=user))
        )
        return queryset.filter(mine) if value else queryset.exclude(mine)
