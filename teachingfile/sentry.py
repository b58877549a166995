"""Error reporting to Sentry (or a compatible server), on only when SENTRY_DSN is set.

No personal data is sent (`send_default_pii=False`), and query strings are cut from what is:
they carry the signatures of signed image and download URLs.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def strip_query_strings(event: dict, hint: dict | None = None) -> dict:
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("query_string", None)
        if isinstance(request.get("url"), str):
            request["url"] = _without_query(request["url"])
    return event


def strip_breadcrumb_query(crumb: dict, hint: dict | None = None) -> dict:
    data = crumb.get("data")
    if isinstance(data, dict):
        data.pop("http.query", None)
        data.pop("http.fragment", None)
        if isinstance(data.get("url"), str):
            data["url"] = _without_query(data["url"])
    return crumb


def init_sentry(environ: Mapping[str, str]) -> bool:
    """Starts the Sentry SDK when the environment names a DSN; says whether it did."""
    dsn = environ.get("SENTRY_DSN", "")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        environment=environ.get("SENTRY_ENVIRONMENT") or "production",
        traces_sample_rate=float(environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        before_send=strip_query_strings,
        before_breadcrumb=strip_breadcrumb_query,
    )
    return True
