"""Studying cases as unknowns: every attempt is recorded, and missed cases come back for review."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

# Days until a missed case is due again, growing after each right answer given when it is due;
# a right answer at the last interval takes the case out of the queue.
REVIEW_INTERVALS = (1, 3, 7, 14, 30)


class AttemptQuerySet(models.QuerySet):
    def assessed(self) -> AttemptQuerySet:
        return self.exclude(self_assessment="")


def right_answer() -> models.Q:
    """An attempt answered right: judged correct, and every question (if any) answered right.
    The opposite of `Attempt.is_miss`, for queries."""
    return models.Q(self_assessment=Attempt.SelfAssessment.CORRECT) & (
        models.Q(questions_correct__isnull=True)
        | models.Q(questions_correct=models.F("questions_total"))
    )


class Attempt(models.Model):
    """One go at a case as an unknown: the trainee's diagnosis, the quiz answers, how far the
    reveal went, and the judgement of the answer: made at once when it is given (`verdict`,
    study/judging.py), and `self_assessment` the judgement in effect, which is the verdict
    unless the trainee overruled it once the diagnosis was shown."""

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
    verdict = models.CharField(
        max_length=10,
        choices=SelfAssessment,
        blank=True,
        help_text="The answer judged against the diagnosis, its other names and the "
        "differentials when it was given.",
    )
    overruled = models.BooleanField(
        default=False, help_text="The trainee judged the answer otherwise than the verdict."
    )
    started_at = models.DateTimeField(help_text="When the unknown was first shown.")
    answered_at = models.DateTimeField(default=timezone.now)
    duration_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="From first view to committing the answer."
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

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

    @property
    def stage_number(self) -> int:
        """1 for the findings, 2 for the diagnosis, 3 for the discussion (0 is the unknown)."""
        return list(self.Stage.values).index(self.stage) + 1

    @property
    def next_stage(self) -> Attempt.Stage | None:
        stages = list(self.Stage)
        return stages[self.stage_number] if self.stage_number < len(stages) else None

    def has_revealed(self, stage: str) -> bool:
        return self.stage_number >= list(self.Stage.values).index(stage) + 1

    @property
    def is_assessed(self) -> bool:
        return bool(self.self_assessment)

    @property
    def can_be_assessed(self) -> bool:
        """Whether the trainee may judge the answer (overrule the verdict): once the
        diagnosis is shown."""
        return self.has_revealed(self.Stage.DIAGNOSIS)

    @property
    def is_right(self) -> bool | None:
        """Whether the answer was right, once the trainee has judged it; None before."""
        return None if not self.is_assessed else not self.is_miss


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

    def is_due(self, today: datetime.date | None = None) -> bool:
        return self.due_on <= (today or timezone.localdate())

    def record_miss(self, attempt: Attempt, *, today: datetime.date) -> None:
        """Back to the first interval: due again tomorrow."""
        self.interval_days = REVIEW_INTERVALS[0]
        self.right_in_a_row = 0
        if self.pk is not None:
            self.misses += 1
        self.due_on = today + datetime.timedelta(days=self.interval_days)
        self.last_attempt = attempt

    def record_right(self, attempt: Attempt, *, today: datetime.date) -> bool:
        """A right answer: the next, longer interval. Answered before it was due, the schedule
        stays as it is. Returns False when the case has been learnt and leaves the queue."""
        self.last_attempt = attempt
        if not self.is_due(today):
            return True
        longer = [days for days in REVIEW_INTERVALS if days > self.interval_days]
        if not longer:
            return False
        self.interval_days = longer[0]
        self.right_in_a_row += 1
        self.due_on = today + datetime.timedelta(days=self.interval_days)
        return True
