"""The Redoc page under the site's Content Security Policy.

Redoc writes its styles into `<style>` elements as it renders and gives no way to put a nonce
on them, so this one page allows inline styles. Scripts stay as strict as everywhere else:
the page runs only the vendored bundle, from this site. (Swagger UI, at /api/docs/, needs no
exception: its start-up script carries the request's nonce, see
templates/drf_spectacular/swagger_ui.html.)
"""

from __future__ import annotations

from django.conf import settings
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularRedocView

REDOC_CSP = {
    **settings.SECURE_CSP,
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    # Redoc indexes the schema for its search box in a worker it builds from a blob.
    "worker-src": [CSP.SELF, "blob:"],
}


@method_decorator(csp_override(REDOC_CSP), name="dispatch")
class RedocView(SpectacularRedocView):
    pass
