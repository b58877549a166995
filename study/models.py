"""Studying cases as unknowns: every attempt is recorded, and missed cases come back for review."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class Attempt(models.Model):
    """One go at a case as an unknown: the trainee's diagnosis, the quiz answers, how far the
    reveal went, and how the trainee judged the answer once the diagnosis was shown."""

    class Stage(models.TextChoices):
        # Each stage adds to what the previous ones showed; history and images come first.
        FINDINGS = "findings", "Findings"
        DIAGNOSIS = "diagnosis", "Diagnosis"
        DISCUSSION = "discussion", "Discussion and teaching points"

    class SelfAssessment(models.TextChoices):
        CORRECT = "correct", "Correct"
        PARTLY = "partly", "Partly correct"
        MISSED = "missed", "Missed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="attempts")
    case_version = models.PositiveIntegerField()
    answer = models.TextField(blank=True, help_text="The trainee's diagnosis, in their words.")
    stage = models.CharField(max_length=20, choices=Stage, default=Stage.FINDINGS)
    # One chosen option index (or null when skipped) per question, in question order.
    question_answers = models.JSONField(default=list, blank=True)
    questions_correct = models.PositiveSmallIntegerField(null=True, blank=True)
    questions_total = models.PositiveSmallIntegerField(default=0)
    self_assessment = models.CharField(max_length=10, choices=SelfAssessment, blank=True)
    started_at = models.DateTimeField(help_text="When the unknown was first shown.")
    answered_at = models.DateTimeField(default=timezone.now)
    duration_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="From first view to committing the answer."
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-answered_at", "-pk"]
        indexes = [models.Index(fields=["user", "-answered_at"])]

    def __str__(self) -> str:
        return f"{self.user} on case {self.case_id} ({self.answered_at:%Y-%m-%d})"

    @property
    def score_percent(self) -> int | None:
        if self.questions_correct is None or not self.questions_total:
            return None
        return round(100 * self.questions_correct / self.questions_total)

    @property
    def is_miss(self) -> bool:
        """Whether the case should come back for review: judged missed or partly right, or
        fewer than all questions right."""
        if self.self_assessment in {self.SelfAssessment.MISSED, self.SelfAssessment.PARTLY}:
            return True
        return self.questions_correct is not None and self.questions_correct < self.questions_total


class ReviewQueueEntryQuerySet(models.QuerySet):
    def due(self, today: datetime.date | None = None) -> ReviewQueueEntryQuerySet:
        return self.filter(due_on__lte=today or timezone.localdate())


class ReviewQueueEntry(models.Model):
    """A case a trainee got wrong, due again on `due_on` (spaced repetition: the interval grows
    after each right answer and falls back to one day after a miss)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_queue"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="review_queue_entries"
    )
    due_on = models.DateField(db_index=True)
    interval_days = models.PositiveSmallIntegerField(default=1)
    right_in_a_row = models.PositiveSmallIntegerField(default=0)
    misses = models.PositiveSmallIntegerField(default=1)
    last_attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQueueEntryQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name_plural = "review queue entries"
        constraints = [
            models.UniqueConstraint(fields=["user", "case"], name="one_queue_entry_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: case {self.case_id} due {self.due_on}"
