"""Suspended members read but do not write.

Every request that could change something (POST, PUT, PATCH, DELETE) from a suspended member is
refused here, before any view runs, so that no page or endpoint has to remember the rule: pages
answer the 403 page with the reason, the API its 403 error body. Logging out stays possible.

The API's token sign-in happens inside DRF, after this middleware; a request carrying a token is
therefore matched to its owner here too (without recording the token's use, which DRF does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

    from accounts.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
API_PREFIX = "/api/"
SUSPENDED_DETAIL = (
    "Your account is suspended: you can still read, but you cannot make changes until a "
    "moderator reinstates you."
)


def _token_owner(request: HttpRequest) -> User | None:
    from api.models import ApiToken, hash_key

    words = request.headers.get("Authorization", "").split()
    if len(words) != 2 or words[0] != "Token":
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(words[1]), revoked_at__isnull=True)
        .first()
    )
    return token.user if token is not None else None


def _writer(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    if request.path.startswith(API_PREFIX) and "Authorization" in request.headers:
        # DRF tries the token first: it is who the request acts as.
        return _token_owner(request) or (user if user and user.is_authenticated else None)
    return user if user is not None and user.is_authenticated else None


class SuspendedUserMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS and request.path != reverse("account_logout"):
            writer = _writer(request)
            if writer is not None and writer.is_suspended:
                return self.refuse(request, writer)
        return self.get_response(request)

    def refuse(self, request: HttpRequest, writer: User) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            from api.errors import error_body

            return JsonResponse(error_body(SUSPENDED_DETAIL), status=403)
        return render(
            request,
            "community/moderation/suspended.html",
            {"member": writer},
            status=403,
        )
