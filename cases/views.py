"""Reader-facing pages. Every read starts from `Case.objects.visible_to(request.user)`."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from search import browsing, engine, facets, snippets
from search.viewing import count_case_view

from . import permissions
from .document import DOCUMENT_PREFETCH
from .filters import CaseFilter
from .models import Case, Modality, Tag

FEATURED_ON_HOME = 6
RECENT_ON_HOME = 12
CASES_PER_PAGE = 20

# The case page shows every part of the document except the quiz, which belongs to unknown mode.
CASE_PAGE_PREFETCH = [lookup for lookup in DOCUMENT_PREFETCH if lookup != "questions"]


def home(request):
    listed = Case.objects.visible_to(request.user).listed().with_card_data()
    return render(
        request,
        "cases/home.html",
        {
            "featured_cases": list(listed.filter(featured=True)[:FEATURED_ON_HOME]),
            "recent_cases": list(listed[:RECENT_ON_HOME]),
            "modality_choices": [(code, name) for code, name in Modality.choices if code != "OT"],
        },
    )


def browse(request):
    """Browse and search: results ranked by the search engine, facets with their counts."""
    listed = (
        Case.objects.visible_to(request.user)
        .listed()
        .with_card_data()
        .defer(*engine.SEARCH_COLUMNS)
    )
    case_filter = CaseFilter(request.GET, queryset=listed, request=request)
    # Invalid filters are shown as form errors and otherwise ignored; a page number that is not
    # a number or out of range shows the first or last page.
    results = case_filter.qs
    paginator = Paginator(results, CASES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    selected = case_filter.form.cleaned_data
    text = selected.get("q") or ""
    snippets.attach_snippets(page.object_list, text)
    active_filters = _active_filters(request, case_filter)
    return render(
        request,
        "cases/browse.html",
        {
            "form": case_filter.form,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "active_filters": active_filters,
            "query": text,
            "typo_tolerant": engine.is_typo_tolerant(results),
            "facet_groups": browsing.facet_groups(
                request,
                facets.facet_counts(results),
                selected,
                total=paginator.count,
                chosen_labels={chip["name"]: chip["value"] for chip in active_filters},
            ),
            "sort_links": browsing.sort_links(
                request, selected.get("sort") or "", searched=bool(text)
            ),
            "saved_query": browsing.saved_query(request),
            # A new search keeps the valid filters in use.
            "kept_filters": [
                (name, value)
                for name, value in selected.items()
                if value and name != "q" and name not in case_filter.form.errors
            ],
        },
    )


def _active_filters(request, case_filter: CaseFilter) -> list[dict[str, str]]:
    """The valid filters in use, each with the URL that removes it (the removable chips)."""
    form = case_filter.form
    form.is_valid()  # cleaned_data then holds the valid fields only
    chips = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if not value or name == "sort":  # an order, not a filter
            continue
        shown = value
        if name == "tag":
            shown = Tag.objects.filter(slug=value).values_list("name", flat=True).first() or value
        elif name != "q":
            shown = dict(field.choices).get(value, value)
        remaining = request.GET.copy()
        remaining.pop(name, None)
        remaining.pop("page", None)
        chips.append(
            {
                "name": name,
                "label": str(field.label),
                "value": str(shown),
                "remove_url": f"?{remaining.urlencode()}" if remaining else request.path,
            }
        )
    return chips


def case_permalink(request, pk: int):
    case = get_object_or_404(Case.objects.visible_to(request.user).only("pk", "slug"), pk=pk)
    return redirect(case)


def case_detail(request, pk: int, slug: str):
    case = get_object_or_404(
        Case.objects.visible_to(request.user)
        .select_related("created_by", "rehabilitation")
        .prefetch_related(*CASE_PAGE_PREFETCH),
        pk=pk,
    )
    if slug != (case.slug or "case"):
        return redirect(case, permanent=True)
    count_case_view(request, case)  # once a day per reader, for the "most viewed" order
    # Whoever may read an unpublished case (its authors, editors, reviewers) is part of its
    # workflow; on a published case, authors and editors get a way to the editorial page.
    show_workflow = not case.is_published
    show_editorial_link = case.is_published and permissions.can_see_drafts_of(request.user, case)
    checklist = case.publication_checklist() if show_workflow else []
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "show_workflow": show_workflow,
            "show_editorial_link": show_editorial_link,
            "is_author": show_editorial_link and permissions.is_author_of(request.user, case),
            "checklist": checklist,
            "blocker_count": sum(1 for _, met in checklist if not met),
        },
    )
