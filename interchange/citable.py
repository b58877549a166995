"""Which cases may be cited: the published ones a person may read, with what a citation reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from cases.models import Case, CaseAuthor

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# Ids beyond a 64-bit integer cannot name a row; looking them up would fail in the database.
MAX_ID = 2**63 - 1


def citable_case(user: User | AnonymousUser, pk: int) -> Case:
    """The case to cite, with its authors and tags, in three queries; 404 for a case that is
    not published (drafts, retracted cases) or that this person may not read. Unlisted
    published cases are citable: their readers reach them by their link."""
    if not 0 < pk <= MAX_ID:
        raise Http404("No case found.")
    return get_object_or_404(
        Case.objects.visible_to(user)
        .published()
        .prefetch_related(
            Prefetch("authors", queryset=CaseAuthor.objects.select_related("user")), "tags"
        ),
        pk=pk,
    )
