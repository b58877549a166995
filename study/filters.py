"""The filters of the unknowns: the shared case filter, less what would answer the unknown."""

from __future__ import annotations

from django.http import QueryDict

from cases.filters import CaseFilter

# Filters that say nothing of the diagnosis (those the shared filter has). Searching the text
# (which includes the final diagnosis and the title), choosing a tag or a diagnostic certainty,
# or sorting by title would tell the trainee which case is which.
NEUTRAL_FILTERS = ("modality", "system", "case_type", "difficulty", "age", "sex")
# What a walk through unknowns carries from one case to the next.
COLLECTION_PARAMS = ("collection", "token")


class UnknownFilter(CaseFilter):
    """`CaseFilter` restricted to its neutral filters, for the unknowns list, the next-unknown
    walk and the API's unknowns."""


UnknownFilter.base_filters = {
    name: unknown_filter
    for name, unknown_filter in CaseFilter.base_filters.items()
    if name in NEUTRAL_FILTERS
}


def walk_params(query: QueryDict) -> QueryDict:
    """The filter and collection parameters of a request, and nothing else (no page, no
    `after`), to carry a walk through unknowns from one case to the next."""
    kept = QueryDict(mutable=True)
    for name in (*UnknownFilter.base_filters, *COLLECTION_PARAMS):
        values = [value for value in query.getlist(name) if value]
        if values:
            kept.setlist(name, values[:1])
    return kept
