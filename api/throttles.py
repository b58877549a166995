"""Throttle scopes: anonymous reads, reads, writes, uploads, and token creation.

A view may name its scope (`throttle_scope = "token"`); otherwise the scope follows the request:
reads by method and sign-in, uploads by their multipart body, every other write as a write.
Rates are in settings (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]). Anonymous requests are counted
per client address as `api.client_address` finds it (TRUSTED_PROXIES), not by DRF's own reading of
X-Forwarded-For, which any client can write.
"""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from api.client_address import client_address

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ScopedByMethodThrottle(SimpleRateThrottle):
    def allow_request(self, request, view) -> bool:
        self.scope = self.scope_for(request, view)
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def __init__(self) -> None:
        # The scope is only known per request: see allow_request.
        pass

    @staticmethod
    def scope_for(request, view) -> str:
        named = getattr(view, "throttle_scope", None)
        if named:
            return named
        if request.method in SAFE_METHODS:
            return "read" if request.user.is_authenticated else "anonymous_read"
        if (request.content_type or "").startswith("multipart/"):
            return "upload"
        return "write"

    def get_ident(self, request) -> str:
        return client_address(request)

    def get_cache_key(self, request, view) -> str:
        who = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": who}
