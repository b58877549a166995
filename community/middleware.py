"""Suspended members read but do not write: the pages' side of the rule.

Every page request that could change something (POST, PUT, PATCH, DELETE) from a suspended
member is refused here, before any view runs, so that no page has to remember the rule; it
answers the 403 page with the reason. Logging out stays possible.

The API is left to DRF: it signs a request in by token or session and then applies
`accounts.api.permissions.NotSuspended` to whoever the request acts as.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import render
from django.urls import reverse

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
API_PREFIX = "/api/"


class SuspendedUserMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method not in SAFE_METHODS
            and not request.path.startswith(API_PREFIX)
            and request.path != reverse("account_logout")
        ):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.is_suspended:
                return render(
                    request,
                    "community/moderation/suspended.html",
                    {"member": user},
                    status=403,
                )
        return self.get_response(request)
