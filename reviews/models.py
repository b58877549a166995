"""Peer review: an editor asks a reviewer for a review of one version of a case."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReviewQuerySet(models.QuerySet):
    def open(self) -> ReviewQuerySet:
        """Reviews a reviewer still owes."""
        return self.filter(status=Review.Status.ASSIGNED)

    def overdue(self, today: datetime.date | None = None) -> ReviewQuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def for_authors(self) -> ReviewQuerySet:
        """Completed reviews, the part authors may read (never the confidential comments)."""
        return self.filter(status=Review.Status.COMPLETED).defer("confidential_comments")


class Review(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        DECLINED = "declined", "Declined"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class Recommendation(models.TextChoices):
        ACCEPT = "accept", "Accept"
        MINOR_CHANGES = "minor_changes", "Minor changes"
        MAJOR_CHANGES = "major_changes", "Major changes"
        REJECT = "reject", "Reject"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    case_version = models.PositiveIntegerField(help_text="The version of the case reviewed.")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status, default=Status.ASSIGNED)

    recommendation = models.CharField(max_length=20, choices=Recommendation, blank=True)
    comments_to_authors = models.TextField(blank=True)
    confidential_comments = models.TextField("confidential comments to the editor", blank=True)
    decline_reason = models.TextField(blank=True)
    author_response = models.TextField(
        "authors' answer", blank=True, help_text="The authors' answer to this review."
    )

    assigned_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-assigned_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "reviewer", "case_version"],
                name="one_review_per_reviewer_and_version",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of case {self.case_id} by {self.reviewer}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.ASSIGNED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def days_left(self) -> int:
        return (self.due_date - timezone.localdate()).days
