"""Permission predicates: the only place that says who may do what with a case.

Pages call these directly; the API wraps them in one DRF permission class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    from .models import Case

EDITABLE_STATES = frozenset({"draft", "changes_requested"})


def is_author_of(user: User | AnonymousUser, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if case.created_by_id == user.pk:
        return True
    return case.authors.filter(user=user).exists()


def can_view(user: User | AnonymousUser, case: Case) -> bool:
    from .models import Case

    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def can_create_case(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_role(Role.AUTHOR)


def can_edit(user: User | AnonymousUser, case: Case) -> bool:
    """Authors and co-authors edit their own cases while in draft or changes requested."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return case.status in EDITABLE_STATES and is_author_of(user, case)


def can_see_drafts_of(user: User | AnonymousUser, case: Case) -> bool:
    """Who sees the publication checklist and the case's workflow state."""
    if not user.is_authenticated:
        return False
    return user.has_role(Role.EDITOR) or is_author_of(user, case)


def can_publish(user: User | AnonymousUser, case: Case) -> bool:
    return user.is_authenticated and user.has_role(Role.EDITOR)


def can_moderate(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_role(Role.MODERATOR)
