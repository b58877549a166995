"""What happened to a case: the workflow's audit rows and the snapshots of its document."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .case import Case


class CaseEvent(models.Model):
    """The audit trail: one row per workflow transition (who, when, from, to, and why)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, choices=Case.Status)
    to_status = models.CharField(max_length=20, choices=Case.Status)
    note = models.TextField(blank=True)
    case_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status} ({self.action})"


class Revision(models.Model):
    """A snapshot of the canonical case document.

    Taken when a case is created, at every save in the editor (Radiopaedia-style changesets),
    and at every submit and publish, so any two moments of a case can be compared.
    """

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        SUBMITTED = "submitted", "Submitted"
        PUBLISHED = "published", "Published"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind)
    case_version = models.PositiveIntegerField()
    summary = models.CharField(max_length=200, blank=True, help_text="What was edited.")
    document = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="unique_revision_number"),
        ]

    def __str__(self) -> str:
        return f"Case {self.case_id} revision {self.number} ({self.kind})"
