"""The API's exception handler, with the case services' own refusals translated first.

`InvalidTransition` is a Django ValidationError, so it must be caught before the shared
handler would answer it with a 400. Storage that cannot be reached answers 503 (with
Retry-After), never a 500.
"""

from __future__ import annotations

from rest_framework import exceptions, status
from rest_framework.response import Response

from api import errors as api_errors
from cases.services import InvalidTransition, StaleEdit
from cases.storage import StorageUnavailable


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "A service the site depends on cannot be reached; try again later."
    default_code = "service_unavailable"


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, StaleEdit):
        exc = api_errors.PreconditionFailed(str(exc))
    elif isinstance(exc, InvalidTransition):
        exc = api_errors.Conflict(" ".join(exc.messages))
    elif isinstance(exc, StorageUnavailable):
        response = api_errors.exception_handler(ServiceUnavailable(str(exc)), context)
        if response is not None:
            response["Retry-After"] = "60"
        return response
    return api_errors.exception_handler(exc, context)
