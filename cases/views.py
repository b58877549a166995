"""The case page. Every read starts from `Case.objects.visible_to(request.user)`, except an
anonymous reader's page served from cache, which was built after that rule let an anonymous
reader in and is dropped by any change (cases/page_cache.py)."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render

from . import freshness, page_cache, permissions
from .document import DOCUMENT_PREFETCH
from .lookups import readable_case_or_404
from .models import Case
from .viewing import count_case_view

# The case page shows every part of the document except the quiz, which belongs to unknown mode.
CASE_PAGE_PREFETCH = [lookup for lookup in DOCUMENT_PREFETCH if lookup != "questions"]


def case_permalink(request, pk: int):
    case = readable_case_or_404(
        request.user,
        pk,
        queryset=Case.objects.only("pk", "slug"),
    )
    return redirect(case)


def case_detail(request, pk: int, slug: str):
    shared_version, cached = page_cache.shared_case_page(request, pk)
    if cached is not None:
        if request.path != cached.path:
            return redirect(cached.path, permanent=True)
        count_case_view(request, pk)
        return cached.response()
    # Taken before the case is read: a change committed meanwhile makes a newer version.
    version = shared_version or freshness.case_version(pk)
    case = readable_case_or_404(
        request.user, pk, queryset=Case.objects.select_related("created_by", "rehabilitation")
    )
    if slug != (case.slug or "case"):
        return redirect(case, permanent=True)
    count_case_view(request, case)  # once a day per reader, for the "most viewed" order

    def prefetch() -> None:
        prefetch_related_objects([case], *CASE_PAGE_PREFETCH)

    # First, so that a body built now leaves the authors prefetched for the questions below.
    body = page_cache.case_body(case, version=version, prefetch=prefetch)
    # Whoever may read an unpublished case (its authors, editors, reviewers) is part of its
    # workflow; on a published case, authors and editors get a way to the editorial page.
    show_workflow = not case.is_published
    show_editorial_link = case.is_published and permissions.can_see_drafts_of(request.user, case)
    checklist = case.publication_checklist() if show_workflow else []
    response = render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "body": body,
            "show_workflow": show_workflow,
            "show_editorial_link": show_editorial_link,
            "is_author": show_editorial_link and permissions.is_author_of(request.user, case),
            "checklist": checklist,
            "blocker_count": sum(1 for _, met in checklist if not met),
        },
    )
    page_cache.keep_case_page(request, case, shared_version, response)
    return response
