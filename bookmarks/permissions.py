"""Who may do what with bookmarks and collections. Pages and the API ask these.

Reading a collection's cases is a separate question, answered per case by the one visibility
rule (`Collection.cases_shown_to`): opening a collection never opens a case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cases.models import Case

from .models import Collection

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def can_keep_bookmarks(user: User | AnonymousUser) -> bool:
    return user.is_authenticated


def can_bookmark(user: User | AnonymousUser, case: Case) -> bool:
    return can_keep_bookmarks(user) and Case.objects.visible_to(user).filter(pk=case.pk).exists()


def can_create_collection(user: User | AnonymousUser) -> bool:
    return user.is_authenticated


def can_view_collection(user: User | AnonymousUser, collection: Collection) -> bool:
    """At its own address: the owner, and everyone for a public collection."""
    return collection.is_public or collection.is_owned_by(user)


def can_edit_collection(user: User | AnonymousUser, collection: Collection) -> bool:
    """Only the owner changes a collection, its items and its link."""
    return collection.is_owned_by(user)


def can_share(user: User | AnonymousUser, visibility: str) -> bool:
    """Whether this person may have a collection of this visibility.

    What a shared collection says (its title, description and notes) is read by others, so a
    suspended account keeps private collections only.
    """
    if visibility == Collection.Visibility.PRIVATE:
        return True
    return user.is_authenticated and not getattr(user, "is_suspended", False)
