"""Asking for the author role, and deciding on it: what the pages and the API both call.

A member who may not yet write cases asks from their profile (or from the page that refused
them "New case"); the editors and administrators are told. One of them approves — the member
joins the author group — or declines, with an optional reason; the member is told either way.
A member has at most one pending request; after a decline they may ask again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.services import InvalidTransition
from notifications.services import notify

from .models import AuthorRoleRequest
from .role_request_permissions import (
    ALREADY_AUTHOR,
    can_decide_author_roles,
    why_not_decide,
    why_not_request_author_role,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

REASON_MAX_LENGTH = 2000
ALREADY_PENDING = (
    "You have already asked for the author role: an editor or an administrator will decide "
    "soon, and you will be told."
)
ALREADY_DECIDED = "This request is already decided."
Status = AuthorRoleRequest.Status


class RoleRequestConflict(InvalidTransition):
    """Nothing to do in the current state: a request already waits, or was already decided."""


def _reason(text: str) -> str:
    text = (text or "").strip()
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"Keep it to {REASON_MAX_LENGTH} characters."})
    return text


def deciders() -> QuerySet[User]:
    """The people who decide on requests: active editors, administrators and superusers."""
    return (
        get_user_model()
        .objects.filter(
            Q(groups__name__in=[Role.EDITOR, Role.ADMIN]) | Q(is_superuser=True),
            is_active=True,
            suspended_at__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )


# --- Reading ----------------------------------------------------------------------------------


def pending_request_of(member: User | AnonymousUser) -> AuthorRoleRequest | None:
    if not member.is_authenticated:
        return None
    return AuthorRoleRequest.objects.pending().filter(member=member).first()


def latest_request_of(member: User | AnonymousUser) -> AuthorRoleRequest | None:
    """The member's most recent request, pending or decided (what their profile shows)."""
    if not member.is_authenticated:
        return None
    return AuthorRoleRequest.objects.filter(member=member).select_related("decided_by").first()


def requests_for(user: User | AnonymousUser) -> QuerySet[AuthorRoleRequest]:
    """Every request for those who decide; a member's own for anyone else."""
    requests = AuthorRoleRequest.objects.select_related("member", "decided_by")
    if can_decide_author_roles(user):
        return requests
    if not user.is_authenticated:
        return requests.none()
    return requests.filter(member=user)


def pending_count() -> int:
    return AuthorRoleRequest.objects.pending().count()


# --- Writing ----------------------------------------------------------------------------------


def request_author_role(*, member: User, reason: str = "") -> AuthorRoleRequest:
    """Ask for the author role and tell the editors and administrators."""
    refusal = why_not_request_author_role(member)
    if refusal == ALREADY_AUTHOR:
        raise RoleRequestConflict(refusal)
    if refusal:
        raise PermissionDenied(refusal)
    reason = _reason(reason)
    with transaction.atomic():
        # The member's row lock makes two clicks at once one request; the unique constraint
        # stands behind it.
        get_user_model().objects.select_for_update().get(pk=member.pk)
        if AuthorRoleRequest.objects.pending().filter(member=member).exists():
            raise RoleRequestConflict(ALREADY_PENDING)
        try:
            with transaction.atomic():
                request = AuthorRoleRequest.objects.create(member=member, reason=reason)
        except IntegrityError:
            raise RoleRequestConflict(ALREADY_PENDING) from None
        body = f"{member} asks for the author role, to write cases."
        if reason:
            body += f"\n\nThey wrote: {reason}"
        notify(
            deciders().exclude(pk=member.pk),
            kind="author_role_requested",
            title=f"{member} asks for the author role",
            body=body,
            url=reverse("author-role-request-list"),
        )
    return request


def _decide(
    request: AuthorRoleRequest, *, by: User, status: str, reason: str = ""
) -> AuthorRoleRequest:
    refusal = why_not_decide(by, request)
    if refusal:
        raise PermissionDenied(refusal)
    reason = _reason(reason)
    with transaction.atomic():
        request = (
            AuthorRoleRequest.objects.select_for_update(of=("self",))
            .select_related("member")
            .get(pk=request.pk)
        )
        if not request.is_pending:
            raise RoleRequestConflict(ALREADY_DECIDED)
        request.status = status
        request.decided_by = by
        request.decided_at = timezone.now()
        request.decision_reason = reason
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        member = request.member
        if status == Status.APPROVED:
            author_group, _ = Group.objects.get_or_create(name=Role.AUTHOR)
            member.groups.add(author_group)
            notify(
                [member],
                kind="author_role_approved",
                title="You can now write cases",
                body=(
                    f"{by} approved your request for the author role: “New case” now opens "
                    "the case editor."
                ),
                url=reverse("case-create"),
            )
        else:
            body = f"{by} declined your request for the author role."
            if reason:
                body += f"\n\nTheir reason: {reason}"
            body += "\n\nYou can ask again from your profile."
            notify(
                [member],
                kind="author_role_declined",
                title="Your request for the author role was declined",
                body=body,
                url=reverse("account_profile"),
            )
    return request


def approve_author_role(request: AuthorRoleRequest, *, by: User) -> AuthorRoleRequest:
    """Give the member the author role and tell them."""
    return _decide(request, by=by, status=Status.APPROVED)


def decline_author_role(
    request: AuthorRoleRequest, *, by: User, reason: str = ""
) -> AuthorRoleRequest:
    """Decline the request and tell the member, with the reason if one is given."""
    return _decide(request, by=by, status=Status.DECLINED, reason=reason)
