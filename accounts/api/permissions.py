"""Suspended members read but do not write, through any endpoint.

`NotSuspended` is first in REST_FRAMEWORK's DEFAULT_PERMISSION_CLASSES, and every view that
names its own `permission_classes` starts them with it (tests/test_suspension.py checks that
no endpoint leaves it out). DRF has already signed the request in, by token or session, so
the rule looks at whoever the request acts as.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

SUSPENDED_DETAIL = (
    "Your account is suspended: you can still read, but you cannot make changes until a "
    "moderator reinstates you."
)


class NotSuspended(BasePermission):
    message = SUSPENDED_DETAIL

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        # AnonymousUser has no suspension; other permissions decide about anonymous writes.
        return not getattr(request.user, "is_suspended", False)
