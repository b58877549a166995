"""Peer review writes: assigning, declining, writing and answering reviews."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases import permissions
from cases.models import Case
from cases.services import InvalidTransition, editors_of, notify_people, start_review

from .models import Review

if TYPE_CHECKING:
    from accounts.models import User

REVIEWABLE_STATES = frozenset({Case.Status.SUBMITTED, Case.Status.IN_REVIEW})
DEFAULT_REVIEW_DAYS = 14


def default_due_date() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=DEFAULT_REVIEW_DAYS)


def _review_url(review: Review) -> str:
    return reverse("review-detail", kwargs={"pk": review.pk})


def assign_reviewer(case: Case, *, by: User, reviewer: User, due_date: datetime.date) -> Review:
    """An editor asks a reviewer to review the current version of a submitted case.

    The first assignment puts a submitted case in review.
    """
    if not permissions.can_manage_reviews(by, case):
        raise PermissionDenied("Only editors who do not author the case can assign reviewers.")
    if not permissions.can_be_reviewer_of(reviewer, case):
        raise ValidationError(
            {
                "reviewer": f"{reviewer} cannot review this case: reviewers need the reviewer role "
                "and never review a case they (co-)author."
            }
        )
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date cannot be in the past."})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in REVIEWABLE_STATES:
            raise InvalidTransition(
                "Reviewers are assigned to submitted cases; this one is "
                f"{case.get_status_display().lower()}."
            )
        if case.status == Case.Status.SUBMITTED:
            case = start_review(case, by=by)
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    case=case,
                    reviewer=reviewer,
                    assigned_by=by,
                    case_version=case.version,
                    due_date=due_date,
                )
        except IntegrityError:
            raise ValidationError(
                {"reviewer": f"{reviewer} has already been asked to review this version."}
            ) from None
        notify_people(
            [reviewer],
            kind="review_assigned",
            case=case,
            title=f"Please review: {case.title}",
            body=f"{by} asks you to review “{case.title}” (version {case.version}) "
            f"by {due_date:%d %B %Y}. You may also decline.",
            url=_review_url(review),
        )
    return review


def _locked_review(review: Review) -> Review:
    return Review.objects.select_for_update().select_related("case").get(pk=review.pk)


def decline_review(review: Review, *, by: User, reason: str = "") -> Review:
    """A reviewer declines an invitation; the editor is told so they can ask someone else."""
    with transaction.atomic():
        review = _locked_review(review)
        if review.reviewer_id != by.pk:
            raise PermissionDenied("Only the invited reviewer can decline this review.")
        if not review.is_open:
            raise InvalidTransition("Only a review still to be written can be declined.")
        review.status = Review.Status.DECLINED
        review.decline_reason = reason.strip()
        review.declined_at = timezone.now()
        review.save(update_fields=["status", "decline_reason", "declined_at"])
        notify_people(
            [review.assigned_by] if review.assigned_by else editors_of(review.case),
            kind="review_declined",
            case=review.case,
            title=f"Review declined: {review.case.title}",
            body=f"{by} declined to review “{review.case.title}”."
            + (f"\n\nReason:\n{review.decline_reason}" if review.decline_reason else ""),
            url=reverse("case-editorial", kwargs={"pk": review.case_id}),
        )
    return review


def submit_review(
    review: Review,
    *,
    by: User,
    recommendation: str,
    comments_to_authors: str,
    confidential_comments: str = "",
) -> Review:
    """A reviewer hands in a review: a recommendation, comments to the authors and,
    separately, comments only the editors read."""
    if recommendation not in Review.Recommendation.values:
        raise ValidationError({"recommendation": "Choose a recommendation."})
    if not comments_to_authors.strip():
        raise ValidationError({"comments_to_authors": "Write your comments to the authors."})
    with transaction.atomic():
        review = _locked_review(review)
        if review.reviewer_id != by.pk:
            raise PermissionDenied("Only the invited reviewer can write this review.")
        if not review.is_open:
            raise InvalidTransition(
                f"This review is {review.get_status_display().lower()} and cannot be changed."
            )
        if review.case.status not in REVIEWABLE_STATES:
            raise InvalidTransition("The editor has already decided on this case.")
        review.recommendation = recommendation
        review.comments_to_authors = comments_to_authors.strip()
        review.confidential_comments = confidential_comments.strip()
        review.status = Review.Status.COMPLETED
        review.completed_at = timezone.now()
        review.save(
            update_fields=[
                "recommendation",
                "comments_to_authors",
                "confidential_comments",
                "status",
                "completed_at",
            ]
        )
        notify_people(
            [review.assigned_by] if review.assigned_by else editors_of(review.case),
            kind="review_completed",
            case=review.case,
            title=f"Review completed: {review.case.title}",
            body=f"{by} recommends: {review.get_recommendation_display().lower()}.",
            url=reverse("case-editorial", kwargs={"pk": review.case_id}),
        )
    return review


def answer_review(review: Review, *, by: User, response: str) -> Review:
    """An author answers a completed review while revising the case."""
    if not response.strip():
        raise ValidationError({"author_response": "Write your answer to the reviewer."})
    with transaction.atomic():
        review = _locked_review(review)
        if not permissions.is_author_of(by, review.case):
            raise PermissionDenied("Only the authors of the case answer its reviews.")
        if review.status != Review.Status.COMPLETED:
            raise InvalidTransition("Only a completed review can be answered.")
        if review.case.status != Case.Status.CHANGES_REQUESTED:
            raise InvalidTransition(
                "Reviews are answered while changes are requested, before resubmitting."
            )
        review.author_response = response.strip()
        review.answered_at = timezone.now()
        review.save(update_fields=["author_response", "answered_at"])
    return review


def cancel_review(review: Review, *, by: User) -> Review:
    """An editor withdraws a review request that is no longer needed."""
    with transaction.atomic():
        review = _locked_review(review)
        if not permissions.can_manage_reviews(by, review.case):
            raise PermissionDenied("Only editors can cancel a review request.")
        if not review.is_open:
            raise InvalidTransition("Only a review still to be written can be cancelled.")
        review.status = Review.Status.CANCELLED
        review.save(update_fields=["status"])
    return review


REMINDER_DAYS_BEFORE_DUE = 2


def remind_reviewers(*, today: datetime.date | None = None) -> int:
    """Remind reviewers of reviews due within two days (or overdue) once; returns how many."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=REMINDER_DAYS_BEFORE_DUE)
    reminded = 0
    with transaction.atomic():
        due = (
            Review.objects.open()
            .filter(due_date__lte=horizon, reminded_at__isnull=True)
            .select_related("case", "reviewer")
            .select_for_update(of=("self",))
        )
        for review in due:
            days = (review.due_date - today).days
            when = (
                f"is overdue by {-days} day{'s' if days != -1 else ''}"
                if days < 0
                else "is due today"
                if days == 0
                else f"is due in {days} day{'s' if days != 1 else ''}"
            )
            notify_people(
                [review.reviewer],
                kind="review_reminder",
                case=review.case,
                title=f"Reminder: your review of {review.case.title}",
                body=f"Your review of “{review.case.title}” {when} ({review.due_date:%d %B %Y}).",
                url=_review_url(review),
            )
            review.reminded_at = timezone.now()
            review.save(update_fields=["reminded_at"])
            reminded += 1
    return reminded


__all__ = [
    "answer_review",
    "assign_reviewer",
    "cancel_review",
    "decline_review",
    "default_due_date",
    "remind_reviewers",
    "submit_review",
]
