"""Counting a reader of a case page once a day, for the "most viewed" order: who they are, as
the daily hash the count keeps, the race-safe insert that counts them, and the fold that adds
new views to the cases' totals.

A view is recorded as a `CaseView` row (unique per case, day and reader); the case row itself,
the hottest row there is, is not written on each view. `fold_case_views` adds the rows not yet
counted to `Case.view_count` in one UPDATE for many cases: every minute from Celery beat (or
`manage.py fold_case_views` from cron), or at once, right after the insert, when tasks run inline
(the embedded default), so that "most viewed" follows the readers without a scheduler.

The cache answers "already counted today?" for repeat views, so a reader who comes back to a
page costs a cache lookup rather than an insert. The table stays the truth: when the cache has
forgotten or cannot be reached, the insert runs and its unique constraint does the counting.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections import Counter, defaultdict

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connections, models, router, transaction
from django.db.models import F, Q, Value, When
from django.http import HttpRequest
from django.utils import timezone

from api.client_address import client_address

from . import freshness
from .models import Case, CaseView

# How many views one fold transaction adds up; a fold repeats until none are left.
FOLD_BATCH = 1000
# The key of the PostgreSQL advisory lock that lets one fold run at a time: any constant, the
# same in every process.
_FOLD_LOCK = 0x7466_7669_6577  # "tfview"


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
        address=client_address(request),
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

    Race-safe: the insert does nothing when the (case, day, viewer) row exists, and only an
    inserted row is ever added to the case's count.
    """
    if isinstance(case, Case) and case.status != Case.Status.PUBLISHED:
        return False
    case_id = case.pk if isinstance(case, Case) else case
    day = day or timezone.localdate()
    if _seen_today(case_id=case_id, viewer=viewer, day=day):
        return False
    at_once = views_fold_at_once()
    alias = router.db_for_write(CaseView)
    connection = connections[alias]
    table = connection.ops.quote_name(CaseView._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (case_id, day, viewer, folded) "  # noqa: S608
            "VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (case_id, day, viewer) DO NOTHING RETURNING id",
            [case_id, day.isoformat(), viewer, at_once],
        )
        counted = cursor.fetchone() is not None
    if counted and at_once:
        # Inserted already folded: the periodic fold never adds this view a second time.
        Case.objects.using(alias).filter(pk=case_id).update(view_count=F("view_count") + 1)
        freshness.catalogue_changed(contents=False)
    return counted


def _seen_today(*, case_id: int, viewer: str, day: datetime.date) -> bool:
    """True when the cache knows this reader was counted for this case on this day.

    Only a definite "yes" skips the insert. A Redis that is down answers a miss to `get` and
    False to `add` (teachingfile/cache.py), which alone would read as "seen": asking `get` first
    tells the two apart, and an unreachable cache leaves the counting to the table.
    """
    key = f"case-viewed:{day.isoformat()}:{case_id}:{viewer}"
    if cache.get(key) is not None:
        return True
    cache.add(key, 1, timeout=_seconds_left_in(day))
    return False


def _seconds_left_in(day: datetime.date) -> int:
    midnight = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    return max(60, int((midnight - timezone.now()).total_seconds()))


def views_fold_at_once() -> bool:
    """Whether a counted view goes into the case's total at once (VIEW_COUNTS_AT_ONCE), by
    default when tasks run inline: then no worker or beat is there to fold them later."""
    at_once = getattr(settings, "VIEW_COUNTS_AT_ONCE", None)
    if at_once is None:
        return bool(current_app.conf.task_always_eager)
    return at_once


def fold_case_views(*, batch: int = FOLD_BATCH) -> int:
    """Add the views recorded since the last fold to their cases' `view_count`. Returns how
    many views were added.

    Incremental: only rows not yet folded are read, through a partial index that holds just
    those. A flag rather than a "last folded id": ids are handed out before their inserts
    commit, so a view could commit after a higher id was folded and be skipped for good.

    Safe when two folds run at once: on PostgreSQL the second finds the first's lock and
    leaves the work to it (SQLite lets one writer in at a time anyway); a view inserted by a
    transaction that has not committed yet is folded by the next run.
    """
    alias = router.db_for_write(CaseView)
    folded = 0
    while True:
        with transaction.atomic(using=alias):
            if not _took_the_fold_lock(alias):
                return folded
            rows = list(
                CaseView.objects.using(alias)
                .filter(folded=False)
                .order_by("id")
                .values_list("id", "case_id")[:batch]
            )
            if not rows:
                return folded
            CaseView.objects.using(alias).filter(id__in=[row_id for row_id, _ in rows]).update(
                folded=True
            )
            _add_to_view_counts(alias, Counter(case_id for _, case_id in rows))
            freshness.catalogue_changed(contents=False)
        folded += len(rows)
        if len(rows) < batch:
            return folded


def _took_the_fold_lock(alias: str) -> bool:
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_FOLD_LOCK])
        return cursor.fetchone()[0]


def _add_to_view_counts(alias: str, views_per_case: Counter[int]) -> None:
    """One UPDATE for every case of the batch: cases with as many new views share a WHEN."""
    cases_by_views: defaultdict[int, list[int]] = defaultdict(list)
    for case_id, views in views_per_case.items():
        cases_by_views[views].append(case_id)
    added = models.Case(
        *(When(Q(pk__in=ids), then=Value(views)) for views, ids in cases_by_views.items()),
        default=Value(0),
        output_field=models.PositiveIntegerField(),
    )
    Case.objects.using(alias).filter(pk__in=list(views_per_case)).update(
        view_count=F("view_count") + added
    )
