"""Reader-facing pages of the search: the home page, browsing and searching the cases, and saved
searches (the list, saving the current search, renaming, deleting). Every read starts from
`Case.objects.visible_to(request.user)`; anonymous readers get home and browse from cache, kept
per version of the catalogue (cases/page_cache.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cases import facets, fulltext, page_cache
from cases.filters import CaseFilter
from cases.models import Case, Modality, Study, Tag

from . import browsing, services, snippets, suggestions
from .forms import NewSavedSearchForm, SavedSearchForm, add_service_errors
from .models import SavedSearch
from .querystrings import describe_queries

FEATURED_ON_HOME = 6
RECENT_ON_HOME = 12
CASES_PER_PAGE = 20
SAVED_SEARCHES_PER_PAGE = 25


def home(request):
    return page_cache.shared_list_page(request, "home", lambda: _home(request))


def _home(request):
    visible = Case.objects.visible_to(request.user).listed()
    listed = visible.with_card_data()
    return render(
        request,
        "search/home.html",
        {
            "featured_cases": list(listed.filter(featured=True)[:FEATURED_ON_HOME]),
            "recent_cases": list(listed[:RECENT_ON_HOME]),
            "modality_choices": _modalities_with_cases(visible),
        },
    )


def _modalities_with_cases(visible) -> list[tuple[str, str]]:
    """The modalities worth a link on the home page: those of at least one case listed to the
    reader. One query, whatever the number of cases: an EXISTS per modality, each stopping at
    its first study (no row at all when no case is listed)."""
    codes = [code for code in Modality.values if code != Modality.OT]
    present = (
        visible.order_by()
        .annotate(
            **{
                f"has_{code}": Exists(Study.objects.filter(case__in=visible, modality=code))
                for code in codes
            }
        )
        .values(*(f"has_{code}" for code in codes))
        .first()
    )
    if not present:
        return []
    return [(code, Modality(code).label) for code in codes if present[f"has_{code}"]]


def browse(request):
    """Browse and search: results ranked by the search engine, facets with their counts."""
    return page_cache.shared_list_page(request, "browse", lambda: _browse(request))


def _browse(request):
    listed = (
        Case.objects.visible_to(request.user)
        .listed()
        .with_card_data()
        .defer(*fulltext.SEARCH_COLUMNS)
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
    suggestion = None
    if text and not paginator.count:
        suggestion = suggestions.suggestion_for(request.user, request.GET, listed)
    return render(
        request,
        "search/browse.html",
        {
            "form": case_filter.form,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "active_filters": active_filters,
            "query": text,
            "suggestion": suggestion,
            "typo_tolerant": fulltext.is_typo_tolerant(results),
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


def _own_saved_search(request: HttpRequest, pk: int) -> SavedSearch:
    # Someone else's saved search is a 404, as if it did not exist.
    return get_object_or_404(SavedSearch.objects.filter(user=request.user), pk=pk)


@login_required
def saved_search_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(SavedSearch.objects.filter(user=request.user), SAVED_SEARCHES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    searches = list(page.object_list)
    for saved_search, description in zip(
        searches, describe_queries([s.query for s in searches]), strict=True
    ):
        saved_search.description = description
    return render(
        request,
        "search/saved_search_list.html",
        {
            "page": page,
            "saved_searches": searches,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_create(request: HttpRequest) -> HttpResponse:
    """Save the search given in `query` (the browse page's "Save this search" posts here)."""
    if request.method == "POST":
        form = NewSavedSearchForm(request.POST)
        if form.is_valid():
            try:
                saved_search = services.save_search(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"Saved “{saved_search.name}”. Find it under Saved searches."
                )
                return redirect(saved_search.browse_url)
        status = 400
    else:
        query = request.GET.get("query", "")
        form = NewSavedSearchForm(initial={"query": query, "name": request.GET.get("name", "")})
        status = 200
    query = form["query"].value() or ""
    description = describe_queries([query])[0] if len(query) <= 2000 else []
    return render(
        request,
        "search/saved_search_form.html",
        {"form": form, "description": description, "creating": True, "query": query},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_edit(request: HttpRequest, pk: int) -> HttpResponse:
    saved_search = _own_saved_search(request, pk)
    if request.method == "POST":
        form = SavedSearchForm(request.POST)
        if form.is_valid():
            try:
                services.update_saved_search(saved_search, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Saved search updated.")
                return redirect("saved-search-list")
        status = 400
    else:
        form = SavedSearchForm(initial={"name": saved_search.name, "digest": saved_search.digest})
        status = 200
    return render(
        request,
        "search/saved_search_form.html",
        {
            "form": form,
            "saved_search": saved_search,
            "description": describe_queries([saved_search.query])[0],
            "creating": False,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    saved_search = _own_saved_search(request, pk)
    if request.method == "POST":
        services.delete_saved_search(saved_search, by=request.user)
        messages.success(request, f"Deleted the saved search “{saved_search.name}”.")
        return redirect("saved-search-list")
    return render(
        request,
        "search/saved_search_confirm_delete.html",
        {
            "saved_search": saved_search,
            "description": describe_queries([saved_search.query])[0],
        },
    )
