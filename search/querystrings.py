"""The browse page's query string as a saved search keeps it, and described in words."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.http import QueryDict

from cases.filters import CaseFilter
from cases.models import Case, System, Tag

# The parameters a saved search keeps, in the browse page's order; `page` is never kept.
SAVED_PARAMETERS = (
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
)
MAX_QUERY_LENGTH = 2000


def normalise_query(query: str) -> str:
    """The filters of a query string, validated, in a fixed order, without the page.

    Raises ValidationError (on `query`) naming each filter that is not valid.
    """
    query = (query or "").strip().lstrip("?")
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationError({"query": "This search is too long to save."})
    given = QueryDict(query)
    kept = QueryDict(mutable=True)
    for name in SAVED_PARAMETERS:
        value = " ".join(given.get(name, "").split()) if name == "q" else given.get(name, "")
        if value.strip():
            kept[name] = value.strip()
    form = CaseFilter(kept, queryset=Case.objects.none()).form
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label}: {' '.join(messages)}"
            for name, messages in form.errors.items()
        ]
        raise ValidationError({"query": problems})
    return kept.urlencode()


def describe_queries(queries: Sequence[str]) -> list[list[tuple[str, str]]]:
    """Each query string as (label, value) pairs a person reads, e.g. ("Modality", "MRI").

    Two queries at most, whatever the number of query strings: system and tag names.
    """
    parsed = [QueryDict(query) for query in queries]
    form_fields = CaseFilter.base_filters
    system_codes = {data.get("system") for data in parsed if data.get("system")}
    tag_slugs = {data.get("tag") for data in parsed if data.get("tag")}
    systems = dict(System.objects.filter(code__in=system_codes).values_list("code", "name"))
    tags = {}
    if tag_slugs:
        for slug, name in Tag.objects.filter(slug__in=tag_slugs).values_list("slug", "name"):
            tags.setdefault(slug, name)
    described = []
    for data in parsed:
        parts = []
        for name in SAVED_PARAMETERS:
            value = data.get(name)
            if not value:
                continue
            if name == "q":
                shown = f"“{value}”"
            elif name == "system":
                shown = systems.get(value, value)
            elif name == "tag":
                shown = tags.get(value, value)
            else:
                shown = dict(form_fields[name].extra.get("choices", [])).get(value, value)
            parts.append((str(form_fields[name].label), str(shown)))
        described.append(parts)
    return described
