"""Who may ask for the author role, and who decides. Pages and the API ask these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    from .models import AuthorRoleRequest

SUSPENDED = (
    "Your account is suspended: you cannot ask for the author role until a moderator "
    "reinstates you."
)
ALREADY_AUTHOR = "You already hold the author role: you can create cases."
NOT_A_DECIDER = "Only editors and administrators decide on requests for the author role."
OWN_REQUEST = "Someone else decides on your own request for the author role."


def why_not_request_author_role(user: User | AnonymousUser) -> str:
    """Why this person cannot ask for the author role, in words; empty when they can.

    A pending request is not a reason here: asking again answers that request.
    """
    if not user.is_authenticated:
        return "Sign in to ask for the author role."
    if user.is_suspended:
        return SUSPENDED
    if user.has_role(Role.AUTHOR):
        return ALREADY_AUTHOR
    return ""


def can_request_author_role(user: User | AnonymousUser) -> bool:
    return not why_not_request_author_role(user)


def can_decide_author_roles(user: User | AnonymousUser) -> bool:
    """Editors and administrators see the requests and decide on them."""
    return (
        user.is_authenticated
        and not user.is_suspended
        and (user.has_role(Role.EDITOR) or user.has_role(Role.ADMIN))
    )


def why_not_decide(user: User | AnonymousUser, request: AuthorRoleRequest) -> str:
    if not can_decide_author_roles(user):
        return NOT_A_DECIDER
    if request.member_id == user.pk:
        return OWN_REQUEST
    return ""


def can_decide(user: User | AnonymousUser, request: AuthorRoleRequest) -> bool:
    return not why_not_decide(user, request)
