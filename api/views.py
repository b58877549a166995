"""The API's answer for an address that names no endpoint."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .errors import error_body


@csrf_exempt  # it changes nothing; a POST to a wrong address should read "no endpoint"
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/: the API's 404, not the site's HTML page."""
    return JsonResponse(error_body(f"No API endpoint at {request.path}."), status=404)


# [\s\S], not ".": an address with a line break in it is still one of the API's 404s.
ANY_ADDRESS = r"^(?P<rest>[\s\S]*)$"
