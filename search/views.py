"""Saved-search pages: the list, saving the current search, renaming, deleting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from . import services
from .forms import NewSavedSearchForm, SavedSearchForm, add_service_errors
from .models import SavedSearch
from .querystrings import describe_queries

SAVED_SEARCHES_PER_PAGE = 25


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
