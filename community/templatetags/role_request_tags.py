"""The author role box of the profile and of the "New case" refusal: ask, or see the request."""

from __future__ import annotations

from django import template

from community.role_request_permissions import (
    can_decide_author_roles,
    why_not_request_author_role,
)
from community.role_requests import latest_request_of, pending_count

register = template.Library()


@register.inclusion_tag("community/role_requests/_request_box.html", takes_context=True)
def author_role_request_box(context, next_url: str = "") -> dict:
    """Two queries at most: the member's latest request, and for editors the waiting count."""
    user = context["request"].user
    refusal = why_not_request_author_role(user)
    is_author = user.is_authenticated and user.is_author
    return {
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "next_url": next_url,
        "is_author": is_author,
        "refusal": refusal,
        "latest": None if is_author or not user.is_authenticated else latest_request_of(user),
        "can_decide": can_decide_author_roles(user),
        "waiting": pending_count() if can_decide_author_roles(user) else 0,
    }
