"""The API's documentation: the answers every operation can give, and the Redoc page.

Some answers do not come from one view but from what every request goes through: a token that
is unknown or expired (401) wherever a token is accepted, a query parameter that is not valid
(400: a filter value, a page size), a page past the last (404), a body that cannot be parsed
(415), too many requests (429). `document_common_errors` adds them to every operation they can
reach, so the schema promises what the API really answers and views document only their own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularRedocView

from .errors import ERROR_MEANINGS

ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}
METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")


def _error(code: int, description: str = "") -> dict[str, Any]:
    return {
        "description": description or ERROR_MEANINGS[code],
        "content": {"application/json": {"schema": ERROR_SCHEMA}},
    }


def common_errors(operation: dict[str, Any]) -> dict[int, str]:
    """The error answers `operation` can give whatever its view does, with their meaning."""
    query = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    codes = {429: ""}
    if query:
        codes[400] = ""
    if "page" in query:
        codes[404] = "No such page (past the last one), or no such object."
    if any("tokenAuth" in requirement for requirement in operation.get("security", [])):
        codes[401] = ""
    if "requestBody" in operation:
        codes[415] = ""
    return codes


def document_common_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    for item in result.get("paths", {}).values():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in common_errors(operation).items():
                responses.setdefault(str(code), _error(code, description))
            operation["responses"] = dict(sorted(responses.items()))
    return result


# Redoc writes its styles into `<style>` elements as it renders and gives no way to put a nonce
# on them, so its page allows inline styles. Scripts stay as strict as everywhere else: the
# page runs only the vendored bundle, from this site. Swagger UI (/api/docs/) needs no such
# exception: its start-up script carries the request's nonce (templates/drf_spectacular/).
REDOC_CSP = {
    **settings.SECURE_CSP,
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    # Redoc indexes the schema for its search box in a worker it builds from a blob.
    "worker-src": [CSP.SELF, "blob:"],
}


@method_decorator(csp_override(REDOC_CSP), name="dispatch")
class RedocView(SpectacularRedocView):
    pass


# Text fields refuse the NUL character (Django's ProhibitNullCharactersValidator, and
# PostgreSQL could not store it): the schema says so of every text a request may send.
NO_NUL = "^[^\\x00]*$"


def document_text_without_nul(result, generator, request, public):
    """drf-spectacular postprocessing hook: a pattern without NUL on request text fields."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _forbid_nul(component)
    return result


def _forbid_nul(schema: Any) -> None:
    if isinstance(schema, list):
        for item in schema:
            _forbid_nul(item)
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
        schema["pattern"] = NO_NUL
    for key in ("properties",):
        for value in schema.get(key, {}).values():
            _forbid_nul(value)
    for key in ("items", "allOf", "anyOf", "oneOf", "additionalProperties"):
        if key in schema:
            _forbid_nul(schema[key])
