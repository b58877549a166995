"""Who may do what with saved searches: only their owner sees or changes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    from .models import SavedSearch


def can_save_searches(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active


def can_manage_saved_search(user: User | AnonymousUser, saved_search: SavedSearch) -> bool:
    return user.is_authenticated and saved_search.user_id == user.pk
