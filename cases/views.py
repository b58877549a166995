"""The case page. Every read starts from `Case.objects.visible_to(request.user)`."""

from __future__ import annotations

from django.shortcuts import redirect, render

from . import permissions
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
    case = readable_case_or_404(
        request.user,
        pk,
        queryset=Case.objects.select_related("created_by", "rehabilitation").prefetch_related(
            *CASE_PAGE_PREFETCH
        ),
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
