"""Counting a reader of a case page: who they are, as the daily hash the count keeps."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from cases.models import Case

from . import services


def count_case_view(request: HttpRequest, case: Case) -> bool:
    """Count this reader of a published case page once today (GET only; True when counted)."""
    if request.method != "GET" or not case.is_published:
        return False
    user = request.user
    session = getattr(request, "session", None)
    viewer = services.viewer_key(
        user_id=user.pk if user.is_authenticated else None,
        session_key=(session.session_key or "") if session is not None else "",
        address=request.META.get("REMOTE_ADDR", ""),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        day=timezone.localdate(),
    )
    return services.record_case_view(case=case, viewer=viewer)
