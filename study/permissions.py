"""Who may study unknowns and read attempts. Pages call these directly; the API does too."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    from .models import Attempt


def can_study(user: User | AnonymousUser) -> bool:
    """Every signed-in person, whatever their roles, can study unknowns (attempts recorded);
    visitors see the list of unknowns and are asked to log in."""
    return user.is_authenticated and user.is_active


def can_see_attempt(user: User | AnonymousUser, attempt: Attempt) -> bool:
    """An attempt is its owner's alone."""
    return user.is_authenticated and attempt.user_id == user.pk
