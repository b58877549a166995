"""What the browse page shows around its results: facet links, sort links, the saved query."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, QueryDict

from cases.facets import FACETS, FacetValue
from cases.fulltext import SORT_CHOICES, SORT_NEWEST, SORT_RELEVANCE

from .querystrings import SAVED_PARAMETERS


@dataclass(frozen=True)
class FacetLink:
    value: str
    label: str
    count: int
    url: str
    selected: bool


@dataclass(frozen=True)
class FacetGroup:
    name: str
    label: str
    links: list[FacetLink]


def _url(request: HttpRequest, params: QueryDict) -> str:
    params.pop("page", None)
    return f"?{params.urlencode()}" if params else request.path


def with_param(request: HttpRequest, name: str, value: str | None) -> str:
    """This page's address with `name` set to `value` (or removed for None), on page 1."""
    params = request.GET.copy()
    if value is None:
        params.pop(name, None)
    else:
        params[name] = value
    return _url(request, params)


def facet_groups(
    request: HttpRequest,
    facets: dict[str, list[FacetValue]],
    selected: dict[str, object],
    *,
    total: int,
    chosen_labels: dict[str, str] | None = None,
) -> list[FacetGroup]:
    """Each facet as links that add its value to the current filters, or remove the value
    already chosen. A chosen value is shown even when it is not among the counted ones (a tag
    past the most used, or a filter no case matches any more): every result has it."""
    chosen_labels = chosen_labels or {}
    groups = []
    for name, label in FACETS:
        chosen = selected.get(name) or None
        values = list(facets.get(name, []))
        if chosen and not any(value.value == chosen for value in values):
            shown = chosen_labels.get(name, str(chosen))
            values.insert(0, FacetValue(str(chosen), shown, total))
        links = [
            FacetLink(
                value=value.value,
                label=value.label,
                count=value.count,
                url=with_param(request, name, None if value.value == chosen else value.value),
                selected=value.value == chosen,
            )
            for value in values
        ]
        if links:
            groups.append(FacetGroup(name=name, label=label, links=links))
    return groups


def sort_links(request: HttpRequest, sort: str, *, searched: bool) -> list[dict[str, object]]:
    """The orders a reader may choose; relevance only when there is a search."""
    current = sort or (SORT_RELEVANCE if searched else SORT_NEWEST)
    if current == SORT_RELEVANCE and not searched:
        current = SORT_NEWEST
    links = []
    for value, label in SORT_CHOICES:
        if value == SORT_RELEVANCE and not searched:
            continue
        url = with_param(request, "sort", value)
        links.append({"value": value, "label": label, "url": url, "current": value == current})
    return links


def saved_query(request: HttpRequest) -> str:
    """The current search as a saved search keeps it (its filters, not the page)."""
    kept = QueryDict(mutable=True)
    for name in SAVED_PARAMETERS:
        value = request.GET.get(name, "").strip()
        if value:
            kept[name] = value
    return kept.urlencode()
