"""Who may moderate, and whom a moderator may suspend. Pages and the API ask these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def can_moderate(user: User | AnonymousUser) -> bool:
    """The moderation queue, its actions and the moderation log belong to moderators."""
    return user.is_authenticated and user.has_role(Role.MODERATOR)


def can_suspend(user: User | AnonymousUser, member: User) -> bool:
    """Moderators suspend other members; never themselves, never a superuser."""
    return can_moderate(user) and member.pk != user.pk and not member.is_superuser


def why_not_suspend(user: User | AnonymousUser, member: User) -> str:
    """The reason `can_suspend` says no, in words, for the page and the API."""
    if not can_moderate(user):
        return "Only moderators can suspend or reinstate members."
    if member.pk == user.pk:
        return "You cannot suspend or reinstate yourself."
    if member.is_superuser:
        return "Administrators cannot be suspended."
    return ""
