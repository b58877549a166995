"""One error format for every 4xx answer of the API: `{"detail": "...", "errors": {...}}`.

`detail` is a sentence a person can read; `errors` maps a field (a key of the request body,
dotted into nested documents, e.g. `rights.licence` or `sections.2.body`) to its messages and
is empty when the error is not about one field. Services raise Django's exceptions; they are
mapped here so that no view translates them by hand. An app whose services raise their own
exceptions translates them before this handler (see `cases/api/errors.py`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = "non_field_errors"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the case's current state."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The case was changed since you read it."
    default_code = "stale_version"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Say which version of the case you edited: send its ETag in If-Match, "
        "or its `version` in the body."
    )
    default_code = "version_required"


def _messages(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(message) for messages in value.values() for message in _messages(messages)]
    if isinstance(value, (list, tuple)):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


def flatten_errors(value: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {"a.b.0.c": [messages]}."""
    if isinstance(value, dict):
        flat: dict[str, list[str]] = {}
        for key, item in value.items():
            name = NON_FIELD if key in (NON_FIELD, "__all__") else str(key)
            path = f"{prefix}.{name}" if prefix and name != NON_FIELD else (prefix or name)
            for field, messages in flatten_errors(item, path).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(value, (list, tuple)) and any(isinstance(item, (dict, list)) for item in value):
        flat = {}
        for index, item in enumerate(value):
            if not item:
                continue
            path = f"{prefix}.{index}" if prefix else str(index)
            for field, messages in flatten_errors(item, path).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {prefix or NON_FIELD: _messages(value)}


def _detail_from(errors: dict[str, list[str]]) -> str:
    general = errors.get(NON_FIELD)
    if general:
        return " ".join(general)
    if len(errors) == 1:
        field, messages = next(iter(errors.items()))
        return f"{field}: {' '.join(messages)}"
    return "Some fields are not valid: " + ", ".join(errors) + "."


def error_body(detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or {}}


def _from_django(exc: Exception) -> exceptions.APIException | Exception:
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(
                {field: [str(m) for m in exc.message_dict[field]] for field in exc.error_dict}
            )
        return exceptions.ValidationError({NON_FIELD: exc.messages})
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or None)
    return exc


def exception_handler(exc: Exception, context: dict) -> Response | None:
    exc = _from_django(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        response.data = error_body(_detail_from(errors), errors)
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        response.data = error_body(str(detail or exc))
    return response


# Paths under this answer errors in the shape above, an unexpected one (500) included.
API_PREFIX = "/api/"
SERVER_ERROR = (
    "The server failed to answer this request. It is logged; try again later, and if this "
    "was a write, read the object first: it may have been stored."
)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: the JSON error shape under /api/, the site's error page elsewhere.

    A program reading the API gets a body it can parse, never an HTML page.
    """
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body(SERVER_ERROR), status=500)
    return defaults.server_error(request)


# The error shape for the schema, and the documented error answers of an operation.

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(help_text="What went wrong, in a sentence."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Messages per field, e.g. {'rights.licence': ['…']}; may be empty.",
        ),
    },
)

ERROR_MEANINGS = {
    400: "The request is not valid; `errors` says which fields and why.",
    401: "Not signed in, the token is unknown, revoked or expired, or (auth/token/) the "
    "username or password is wrong.",
    403: "Signed in, but not allowed to do this.",
    404: "No such object, or you may not see it.",
    409: "Not possible in the object's current state.",
    412: "If-Match does not match the case's current ETag (stale, weak or malformed).",
    413: "The upload is too large.",
    415: "Unsupported media type.",
    428: "If-Match (or `version`) is required for this write.",
    429: "Too many requests; retry after the time in Retry-After.",
    503: "Image storage cannot be reached; nothing was changed. Retry after Retry-After.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the error answers an operation can give."""
    return {
        code: OpenApiResponse(response=ErrorSerializer, description=ERROR_MEANINGS[code])
        for code in codes
    }
