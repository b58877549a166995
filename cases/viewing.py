"""Counting a reader of a case page once a day, for the "most viewed" order: who they are, as
the daily hash the count keeps, and the race-safe insert that counts them."""

from __future__ import annotations

import datetime
import hashlib
import hmac

from django.conf import settings
from django.db import connections, router
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from .models import Case, CaseView


def count_case_view(request: HttpRequest, case: Case | int) -> bool:
    """Count this reader of a published case page once today (GET only; True when counted).

    `case` may be the id of a case known to be published (say, its page came from cache)."""
    if request.method != "GET" or (isinstance(case, Case) and not case.is_published):
        return False
    user = request.user
    session = getattr(request, "session", None)
    viewer = viewer_key(
        user_id=user.pk if user.is_authenticated else None,
        session_key=(session.session_key or "") if session is not None else "",
        address=request.META.get("REMOTE_ADDR", ""),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        day=timezone.localdate(),
    )
    return record_case_view(case=case, viewer=viewer)


def viewer_key(
    *,
    user_id: int | None,
    session_key: str = "",
    address: str = "",
    user_agent: str = "",
    day: datetime.date,
) -> str:
    """Who is reading, as a hash that changes every day: a signed-in person by their id, a
    visitor by their session, or else by their address and browser. Nothing raw is kept."""
    if user_id is not None:
        identity = f"user:{user_id}"
    elif session_key:
        identity = f"session:{session_key}"
    else:
        identity = f"visitor:{address}|{user_agent[:300]}"
    salt = hmac.new(
        settings.SECRET_KEY.encode(), f"case-views:{day.isoformat()}".encode(), hashlib.sha256
    ).digest()
    return hmac.new(salt, identity.encode(), hashlib.sha256).hexdigest()


def record_case_view(*, case: Case | int, viewer: str, day: datetime.date | None = None) -> bool:
    """Count one reader of a published case, once a day. True when this view was counted.

    Race-safe: the insert does nothing when the (case, day, viewer) row exists, and the count
    rises only when a row was inserted.
    """
    if isinstance(case, Case) and case.status != Case.Status.PUBLISHED:
        return False
    case_id = case.pk if isinstance(case, Case) else case
    day = day or timezone.localdate()
    alias = router.db_for_write(CaseView)
    connection = connections[alias]
    table = connection.ops.quote_name(CaseView._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (case_id, day, viewer) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (case_id, day, viewer) DO NOTHING RETURNING id",
            [case_id, day.isoformat(), viewer],
        )
        counted = cursor.fetchone() is not None
    if counted:
        Case.objects.using(alias).filter(pk=case_id).update(view_count=F("view_count") + 1)
    return counted
