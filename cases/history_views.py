"""A case's revision history, and a readable diff between any two of its revisions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from . import permissions
from .diff import diff_documents
from .lookups import readable_case_or_404
from .models import Case

if TYPE_CHECKING:
    pass

REVISIONS_PER_PAGE = 25


def _case_with_history(request, pk: int) -> Case:
    case = readable_case_or_404(request.user, pk)
    if not permissions.can_follow_workflow(request.user, case):
        # Someone who may read the published case but not its drafts: the history is not theirs.
        raise Http404("No history of this case is available to you.")
    return case


NO_SUCH_REVISION = "no_such_revision"


class RevisionPairForm(forms.Form):
    """Which two revisions to compare, from the query string (`?from=3&to=5`)."""

    def __init__(self, data, *, numbers: set[int]):
        super().__init__(data)
        self.numbers = numbers
        # "from" is a Python keyword, so the fields are added here rather than declared.
        for name, label in (("from", "From revision"), ("to", "To revision")):
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=1,
                error_messages={
                    "required": "Choose a revision number.",
                    "invalid": "Enter a revision number, such as 3.",
                    "min_value": "Revision numbers start at 1.",
                },
            )

    def clean(self):
        cleaned = super().clean()
        for name in ("from", "to"):
            number = cleaned.get(name)
            if number is not None and number not in self.numbers:
                self.add_error(
                    name,
                    forms.ValidationError(
                        f"This case has no revision {number}.", code=NO_SUCH_REVISION
                    ),
                )
        return cleaned


@login_required
def case_history(request, pk: int):
    case = _case_with_history(request, pk)
    revisions = case.revisions.select_related("created_by").defer("document").order_by("-number")
    paginator = Paginator(revisions, REVISIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # The two newest revisions on the page are preselected (on page 1: the two latest).
    default_to = rows[0].number if rows else None
    default_from = rows[1].number if len(rows) > 1 else default_to
    return render(
        request,
        "cases/history.html",
        {
            "case": case,
            "page": page,
            "revisions": rows,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "default_from": default_from,
            "default_to": default_to,
        },
    )


@login_required
def revision_diff(request, pk: int):
    case = _case_with_history(request, pk)
    numbers = set(case.revisions.values_list("number", flat=True))
    form = RevisionPairForm(request.GET, numbers=numbers)
    context = {"case": case, "form": form, "latest": max(numbers, default=None)}
    if not form.is_valid():
        return render(request, "cases/revision_diff.html", context, status=400)

    old_number, new_number = form.cleaned_data["from"], form.cleaned_data["to"]
    found = {
        revision.number: revision
        for revision in case.revisions.select_related("created_by").filter(
            number__in=[old_number, new_number]
        )
    }
    old, new = found[old_number], found[new_number]
    context |= {
        "old": old,
        "new": new,
        "changes": diff_documents(old.document, new.document),
        "older_step": old_number - 1 if new_number == old_number + 1 and old_number > 1 else None,
        "newer_step": new_number + 1 if new_number == old_number + 1 else None,
    }
    if context["newer_step"] not in numbers:
        context["newer_step"] = None
    return render(request, "cases/revision_diff.html", context)
