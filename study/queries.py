"""Reads of the study pages and API: unknowns, a person's attempts, review queue and progress.

Unknowns start, like every read of cases, from `Case.objects.visible_to(user)`; attempts and
queue entries are their owner's alone.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from bookmarks.models import Collection
from cases.models import Case, Modality

from .models import Attempt, ReviewQueueEntry, right_answer

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# What a neutral label needs (labels.neutral_label), and nothing that is not shown.
LABEL_FIELDS = (
    "id",
    "title",
    "final_diagnosis",
    "case_type",
    "patient_age",
    "patient_age_unit",
    "patient_sex",
    "clinical_history",
    "difficulty",
    "status",
    "visibility",
    "in_unknown_mode",
    "published_at",
    "created_at",
)
ACTIVITY_WEEKS = 12
RECENT_ATTEMPTS = 10


def unknown_cases(user: User | AnonymousUser) -> QuerySet[Case]:
    """Published cases offered as unknowns that this person may read (unlisted ones too: they
    are reached by their link)."""
    return Case.objects.visible_to(user).published().filter(in_unknown_mode=True)


def listed_unknowns(user: User | AnonymousUser) -> QuerySet[Case]:
    """The unknowns lists show, newest first, each with the person's attempts on it."""
    cases = (
        unknown_cases(user)
        .listed()
        .only(*LABEL_FIELDS)
        .order_by(F("published_at").desc(nulls_last=True), "-pk")
    )
    return with_my_study(cases, user)


def with_my_study(cases: QuerySet[Case], user: User | AnonymousUser) -> QuerySet[Case]:
    """Each case with `my_attempts` (how often this person tried it) and `due_for_review`."""
    if not user.is_authenticated:
        return cases.annotate(
            my_attempts=Value(0, output_field=IntegerField()),
            due_for_review=Value(False),
        )
    tries = (
        Attempt.objects.filter(user=user, case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(count=Count("pk"))
        .values("count")
    )
    due = ReviewQueueEntry.objects.filter(
        user=user, case=OuterRef("pk"), due_on__lte=timezone.localdate()
    )
    return cases.annotate(
        my_attempts=Coalesce(Subquery(tries, output_field=IntegerField()), 0),
        due_for_review=Exists(due),
    )


# --- Collections -------------------------------------------------------------------------------


def collection_for(user: User | AnonymousUser, collection_id: Any, token: str = "") -> Collection:
    """A collection this person may walk: their own, a public one, or one shared by link when
    its token is given. Anything else is a 404."""
    try:
        pk = int(collection_id)
    except (TypeError, ValueError):
        raise Http404("No such collection.") from None
    if not 0 < pk < 2**63:
        raise Http404("No such collection.")
    collection = Collection.objects.filter(pk=pk).first()
    if collection is None:
        raise Http404("No such collection.")
    if user.is_authenticated and collection.owner_id == user.pk:
        return collection
    if collection.visibility == Collection.Visibility.PUBLIC:
        return collection
    if collection.visibility == Collection.Visibility.LINK and constant_time_compare(
        token or "", collection.share_token
    ):
        return collection
    raise Http404("No such collection.")


def collection_unknown_ids(user: User | AnonymousUser, collection: Collection) -> list[int]:
    """The collection's cases that are unknowns this person may study, in the collection's order."""
    studyable = unknown_cases(user).in_lists_for(user).values("pk")
    return list(
        collection.items.filter(case__in=studyable)
        .order_by("position", "pk")
        .values_list("case_id", flat=True)
    )


# --- Attempts, the review queue, progress ------------------------------------------------------


def attempts_of(user: User) -> QuerySet[Attempt]:
    """This person's attempts on cases they may still read, newest first, with the case's
    label fields."""
    return (
        Attempt.objects.filter(user=user, case__in=Case.objects.visible_to(user).values("pk"))
        .select_related("case")
        .only(
            *(f"case__{name}" for name in LABEL_FIELDS),
            *(field.name for field in Attempt._meta.concrete_fields),
        )
    )


def review_queue_of(user: User) -> QuerySet[ReviewQueueEntry]:
    """The cases this person missed, the ones due first."""
    return (
        ReviewQueueEntry.objects.filter(
            user=user, case__in=Case.objects.visible_to(user).values("pk")
        )
        .select_related("case")
        .only(
            *(f"case__{name}" for name in LABEL_FIELDS),
            *(field.name for field in ReviewQueueEntry._meta.concrete_fields),
        )
        .order_by("due_on", "pk")
    )


def _accuracy_rows(attempts: QuerySet[Attempt], key: str, name: str | None) -> list[dict]:
    """Per group: attempts judged, how many right, and the share right (0–100)."""
    grouped = (
        attempts.assessed()
        .order_by()
        .values(*(field for field in (key, name) if field))
        .annotate(
            total=Count("pk", distinct=True),
            right=Count("pk", filter=right_answer(), distinct=True),
        )
    )
    rows = []
    for row in grouped:
        code = row[key]
        rows.append(
            {
                "code": code or "",
                "name": (row[name] if name else dict(Modality.choices).get(code, code))
                or "Not classified",
                "total": row["total"],
                "right": row["right"],
                "percent": round(100 * row["right"] / row["total"]) if row["total"] else 0,
            }
        )
    return sorted(rows, key=lambda row: (row["code"] == "", row["name"].lower()))


def weekly_activity(attempts: QuerySet[Attempt], *, weeks: int = ACTIVITY_WEEKS) -> list[dict]:
    """Attempts per week (weeks starting on Monday), the last `weeks` weeks, oldest first."""
    today = timezone.localdate()
    this_week = today - datetime.timedelta(days=today.weekday())
    first_week = this_week - datetime.timedelta(weeks=weeks - 1)
    start = timezone.make_aware(datetime.datetime.combine(first_week, datetime.time.min))
    counts = {
        row["week"].date() if isinstance(row["week"], datetime.datetime) else row["week"]: row[
            "count"
        ]
        for row in attempts.filter(answered_at__gte=start)
        .order_by()
        .annotate(week=TruncWeek("answered_at"))
        .values("week")
        .annotate(count=Count("pk"))
    }
    return [
        {
            "week": first_week + datetime.timedelta(weeks=number),
            "count": counts.get(first_week + datetime.timedelta(weeks=number), 0),
        }
        for number in range(weeks)
    ]


def progress_of(user: User) -> dict[str, Any]:
    """A trainee's progress: cases studied, attempts, accuracy (overall, by system, by
    modality), the review queue, weekly activity. A fixed number of queries."""
    attempts = Attempt.objects.filter(user=user)
    totals = attempts.order_by().aggregate(
        attempts=Count("pk"),
        cases=Count("case", distinct=True),
        assessed=Count("pk", filter=~Q(self_assessment="")),
        right=Count("pk", filter=right_answer()),
        questions_total=Coalesce(
            Sum("questions_total", filter=Q(questions_correct__isnull=False)), 0
        ),
        questions_correct=Coalesce(Sum("questions_correct"), 0),
    )
    today = timezone.localdate()
    queue = ReviewQueueEntry.objects.filter(user=user).aggregate(
        size=Count("pk"), due=Count("pk", filter=Q(due_on__lte=today))
    )

    def percent(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    return {
        "cases_studied": totals["cases"],
        "attempts": totals["attempts"],
        "assessed": totals["assessed"],
        "right": totals["right"],
        "accuracy_percent": percent(totals["right"], totals["assessed"]),
        "questions_total": totals["questions_total"],
        "questions_correct": totals["questions_correct"],
        "questions_percent": percent(totals["questions_correct"], totals["questions_total"]),
        "by_system": _accuracy_rows(attempts, "case__systems__code", "case__systems__name"),
        "by_modality": _accuracy_rows(attempts, "case__studies__modality", None),
        "review_queue_size": queue["size"],
        "review_due": queue["due"],
        "activity": weekly_activity(attempts),
    }
