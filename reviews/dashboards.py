"""The three working pages: the author's cases, the reviewer's reviews, the editor's queue.

Each page reads in a fixed number of queries however many rows it shows: counts come from one
aggregate query, lists are capped, and what a row needs (publication blockers, review tallies,
how long a case has waited) is prefetched or annotated, never fetched per row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.db.models import (
    Count,
    DateTimeField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from cases import permissions
from cases.dashboard_frame import forbidden, render_dashboard
from cases.models import Case, CaseEvent

from .models import Review

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

    from accounts.models import User

# Long lists are cut here; the group's count still says how many there are.
ROWS_PER_GROUP = 50
RECENTLY_PUBLISHED_DAYS = 30
RECENTLY_PUBLISHED_SHOWN = 10
EARLIEST = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# A submission waiting longer than this is flagged on the editor dashboard.
LONG_WAIT_DAYS = 7

UNANSWERED = Q(status=Review.Status.COMPLETED, answered_at__isnull=True)

# Long texts no list shows.
UNSHOWN_TEXT = ("clinical_history", "imaging_findings", "consent_statement")

# What `publication_blockers()` reads, so a list of cases checks them without a query per row.
BLOCKER_PREFETCH = ["studies__figures", "teaching_points", "commentaries"]

Status = Case.Status

# States in which "what still blocks publication" is worth telling the authors.
ON_THE_WAY_TO_PUBLICATION = frozenset(
    {Status.DRAFT, Status.CHANGES_REQUESTED, Status.SUBMITTED, Status.IN_REVIEW, Status.ACCEPTED}
)


@dataclass
class CaseGroup:
    """One section of the author dashboard: the cases in a set of workflow states."""

    key: str
    title: str
    statuses: tuple[str, ...]
    empty_text: str
    count: int = 0
    cases: list[Case] = field(default_factory=list)

    @property
    def hidden_count(self) -> int:
        return max(self.count - len(self.cases), 0)


def author_groups() -> list[CaseGroup]:
    return [
        CaseGroup(
            "drafts",
            "Drafts",
            (Status.DRAFT,),
            "No drafts. A new case starts here until you submit it.",
        ),
        CaseGroup(
            "changes-requested",
            "Changes requested",
            (Status.CHANGES_REQUESTED,),
            "Nothing to revise. When an editor asks for changes, the case waits for you here.",
        ),
        CaseGroup(
            "in-review",
            "Submitted / in review",
            (Status.SUBMITTED, Status.IN_REVIEW),
            "No case is with the editors. Submitted cases wait here for their reviews.",
        ),
        CaseGroup(
            "accepted",
            "Accepted",
            (Status.ACCEPTED,),
            "No accepted case waiting for publication.",
        ),
        CaseGroup(
            "published",
            "Published",
            (Status.PUBLISHED,),
            "Nothing published yet.",
        ),
        CaseGroup(
            "closed",
            "Withdrawn, rejected or retracted",
            (Status.WITHDRAWN, Status.REJECTED, Status.RETRACTED),
            "No withdrawn, rejected or retracted case.",
        ),
    ]


def days_since(moment: datetime.datetime, *, now: datetime.datetime) -> int:
    return max((now - moment).days, 0)


def due_phrase(days_left: int) -> str:
    """The due date in words, so "overdue" is said and not only coloured."""
    if days_left < -1:
        return f"Overdue by {-days_left} days"
    if days_left == -1:
        return "Overdue by 1 day"
    if days_left == 0:
        return "Due today"
    if days_left == 1:
        return "Due tomorrow"
    return f"Due in {days_left} days"


def round_started_at() -> Coalesce:
    """When the current review round began: the case's last submission.

    A case with no recorded submission (an imported one, say) counts all its reviews.
    """
    last_submitted = Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk"), to_status=Status.SUBMITTED)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return Coalesce(last_submitted, Value(EARLIEST, output_field=DateTimeField()))


def review_tally(condition: Q) -> Coalesce:
    """How many reviews of the current round meet `condition`.

    A round starts when the case was last submitted: reviews of earlier versions were answered
    in an earlier round and do not count towards this one.
    """
    return Coalesce(
        Subquery(
            Review.objects.filter(
                condition, case=OuterRef("pk"), assigned_at__gte=OuterRef("round_started_at")
            )
            .order_by()
            .values("case")
            .annotate(total=Count("pk"))
            .values("total"),
            output_field=IntegerField(),
        ),
        0,
    )


# Author dashboard -----------------------------------------------------------------------------


def authored_cases(user: User) -> QuerySet[Case]:
    """The cases the user wrote or co-authors, in every state, from the one visibility rule."""
    return Case.objects.visible_to(user).authored_by(user)


def grouped_author_cases(user: User) -> tuple[list[CaseGroup], int]:
    """The user's cases in their dashboard groups, each group cut to ROWS_PER_GROUP rows."""
    cases = authored_cases(user)
    counts = dict(cases.order_by().values_list("status").annotate(total=Count("pk")))
    # The most recently changed cases of each state, in one query: a ranking per state is
    # cheaper than one query (and one set of prefetches) per group.
    rows = (
        cases.annotate(
            rank_in_status=Window(
                RowNumber(), partition_by=["status"], order_by=["-updated_at", "-pk"]
            ),
            round_started_at=round_started_at(),
        )
        .annotate(open_reviews_to_answer=review_tally(UNANSWERED))
        .filter(rank_in_status__lte=ROWS_PER_GROUP)
        .select_related("revision_of")
        .defer(*UNSHOWN_TEXT, *(f"revision_of__{name}" for name in UNSHOWN_TEXT))
        .prefetch_related(*BLOCKER_PREFETCH)
        .order_by("-updated_at", "-pk")
    )
    groups = author_groups()
    group_of_status = {status: group for group in groups for status in group.statuses}
    for group in groups:
        group.count = sum(counts.get(status, 0) for status in group.statuses)
    for case in rows:
        group = group_of_status[case.status]
        if len(group.cases) >= ROWS_PER_GROUP:
            continue
        case.is_editable = case.status in permissions.EDITABLE_STATES
        case.shows_readiness = case.status in ON_THE_WAY_TO_PUBLICATION
        case.blockers = case.publication_blockers() if case.shows_readiness else []
        group.cases.append(case)
    return groups, sum(counts.values())


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    groups, total = grouped_author_cases(request.user)
    return render_dashboard(
        request,
        "dashboards/author.html",
        {
            "groups": groups,
            "total": total,
            "can_create": permissions.can_create_case(request.user),
        },
    )


# Reviewer dashboard ---------------------------------------------------------------------------


def reviewer_lists(user: User) -> dict:
    """The user's reviews: counts, and the to do, completed and declined lists."""
    today = timezone.localdate()
    reviews = Review.objects.filter(reviewer=user).select_related("case", "assigned_by")
    open_ = Q(status=Review.Status.ASSIGNED)
    counts = reviews.order_by().aggregate(
        to_do=Count("pk", filter=open_),
        overdue=Count("pk", filter=open_ & Q(due_date__lt=today)),
        completed=Count("pk", filter=Q(status=Review.Status.COMPLETED)),
        declined=Count("pk", filter=Q(status=Review.Status.DECLINED)),
    )
    to_do = list(reviews.filter(open_).order_by("due_date", "pk")[:ROWS_PER_GROUP])
    for review in to_do:
        review.due_text = due_phrase(review.days_left)
    completed = reviews.filter(status=Review.Status.COMPLETED).order_by("-completed_at", "-pk")
    declined = reviews.filter(status=Review.Status.DECLINED).order_by("-declined_at", "-pk")
    return {
        "counts": counts,
        "to_do": to_do,
        "completed": list(completed[:ROWS_PER_GROUP]),
        "declined": list(declined[:ROWS_PER_GROUP]),
    }


@login_required
def reviewer_dashboard(request: HttpRequest) -> HttpResponse:
    if not permissions.can_use_reviewer_dashboard(request.user):
        return forbidden(request, dashboard="reviewer dashboard", needed_role="reviewer")
    return render_dashboard(request, "dashboards/reviewer.html", reviewer_lists(request.user))


# Editor dashboard -----------------------------------------------------------------------------


def entered_state_at() -> Subquery:
    """When the case last entered the state it is in now, from the audit trail."""
    return Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk"), to_status=OuterRef("status"))
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )


def cases_in_review(waiting: QuerySet[Case], *, today: datetime.date) -> list[Case]:
    """Cases in review, longest waiting first, with the tally and reviewers of this round."""
    open_ = Q(status=Review.Status.ASSIGNED)
    active = [Review.Status.ASSIGNED, Review.Status.COMPLETED]
    cases = list(
        waiting.filter(status=Status.IN_REVIEW)
        .annotate(round_started_at=round_started_at())
        .annotate(
            reviews_done=review_tally(Q(status=Review.Status.COMPLETED)),
            reviews_assigned=review_tally(Q(status__in=active)),
            reviews_overdue=review_tally(open_ & Q(due_date__lt=today)),
            reviews_declined=review_tally(Q(status=Review.Status.DECLINED)),
        )
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=Review.objects.filter(status__in=active)
                .select_related("reviewer")
                .only("case_id", "reviewer", "status", "due_date", "assigned_at")
                .order_by("assigned_at", "pk"),
                to_attr="active_reviews",
            )
        )
        .order_by(Coalesce("state_since", "updated_at").asc(), "pk")[:ROWS_PER_GROUP]
    )
    for case in cases:
        case.round_reviews = [
            review for review in case.active_reviews if review.assigned_at >= case.round_started_at
        ]
    return cases


def editor_queue(user: User) -> dict:
    """What waits for the editors, each list oldest first and cut to ROWS_PER_GROUP rows."""
    now = timezone.now()
    today = timezone.localdate()
    published_since = now - datetime.timedelta(days=RECENTLY_PUBLISHED_DAYS)
    cases = Case.objects.visible_to(user)
    waiting_states = (Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.ACCEPTED)
    counts = cases.order_by().aggregate(
        **{state: Count("pk", filter=Q(status=state)) for state in waiting_states},
        recently_published=Count(
            "pk", filter=Q(status=Status.PUBLISHED, published_at__gte=published_since)
        ),
    )
    counts["overdue_reviews"] = (
        Review.objects.overdue(today).filter(case__in=cases.filter(status=Status.IN_REVIEW)).count()
    )
    waiting = (
        cases.select_related("created_by", "revision_of")
        .defer(*UNSHOWN_TEXT, *(f"revision_of__{name}" for name in UNSHOWN_TEXT))
        .annotate(state_since=entered_state_at())
    )
    oldest_first = (Coalesce("state_since", "updated_at").asc(), "pk")

    submitted = list(
        waiting.filter(status=Status.SUBMITTED).order_by(*oldest_first)[:ROWS_PER_GROUP]
    )
    in_review = cases_in_review(waiting, today=today)
    changes_requested = list(
        waiting.filter(status=Status.CHANGES_REQUESTED)
        .annotate(round_started_at=round_started_at())
        .annotate(reviews_to_answer=review_tally(UNANSWERED))
        .order_by(*oldest_first)[:ROWS_PER_GROUP]
    )
    accepted = list(
        waiting.filter(status=Status.ACCEPTED)
        .prefetch_related(*BLOCKER_PREFETCH)
        .order_by(*oldest_first)[:ROWS_PER_GROUP]
    )
    for case in accepted:
        case.blockers = case.publication_blockers()
    for case in [*submitted, *in_review, *changes_requested, *accepted]:
        case.waiting_days = days_since(case.state_since or case.updated_at, now=now)
        case.waited_long = case.waiting_days >= LONG_WAIT_DAYS
    recently_published = list(
        cases.filter(status=Status.PUBLISHED, published_at__gte=published_since)
        .select_related("created_by")
        .defer(*UNSHOWN_TEXT)
        .order_by("-published_at", "-pk")[:RECENTLY_PUBLISHED_SHOWN]
    )
    return {
        "counts": counts,
        "submitted": submitted,
        "in_review": in_review,
        "changes_requested": changes_requested,
        "accepted": accepted,
        "ready_to_publish": sum(1 for case in accepted if not case.blockers),
        "recently_published": recently_published,
        "recently_published_days": RECENTLY_PUBLISHED_DAYS,
    }


@login_required
def editor_dashboard(request: HttpRequest) -> HttpResponse:
    if not permissions.can_use_editor_dashboard(request.user):
        return forbidden(request, dashboard="editor dashboard", needed_role="editor")
    return render_dashboard(request, "dashboards/editor.html", editor_queue(request.user))
