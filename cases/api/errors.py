"""The API's exception handler, with the case services' own refusals translated first.

`InvalidTransition` is a Django ValidationError, so it must be caught before the shared
handler would answer it with a 400.
"""

from __future__ import annotations

from rest_framework.response import Response

from api import errors as api_errors
from cases.services import InvalidTransition, StaleEdit


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, StaleEdit):
        exc = api_errors.PreconditionFailed(str(exc))
    elif isinstance(exc, InvalidTransition):
        exc = api_errors.Conflict(" ".join(exc.messages))
    return api_errors.exception_handler(exc, context)
