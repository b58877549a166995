"""Fetching one case for a reader: the same rule for pages and for API endpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from api.ids import parse_id

from . import permissions
from .models import Case

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def readable_case_or_404(
    user: User | AnonymousUser,
    pk: Any,
    *,
    follow_workflow: bool = False,
    queryset: QuerySet[Case] | None = None,
) -> Case:
    """The case at `pk` if `user` may read it, else 404 (never 403: no existence leak).

    With `follow_workflow`, also 404 unless they take part in its workflow (authors, editors,
    its reviewers), as for the editorial page and the revision history. `pk` may be raw text
    from a path; anything that cannot name a row is a 404 too.
    """
    case_id = parse_id(pk)
    if case_id is None:
        raise Http404("No case found.")
    base = queryset if queryset is not None else Case.objects.all()
    case = get_object_or_404(base & Case.objects.visible_to(user), pk=case_id)
    if follow_workflow and not permissions.can_follow_workflow(user, case):
        raise Http404("No case found.")
    return case
