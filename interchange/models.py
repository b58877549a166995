"""What the interchange app remembers: the sources imported before, and bulk import jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


def private_storage():
    # A callable, so that migrations do not record the storage and tests can swap it.
    from cases.storage import private_storage

    return private_storage


class ImportedSource(models.Model):
    """A case report or bundle imported before, by the fingerprint of its content.

    Importing the same source again finds this row and points at the case instead of making a
    second one. Deleting the case deletes the row, so the source can be imported afresh.
    """

    fingerprint = models.CharField(max_length=64, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name or self.fingerprint[:12]} → case {self.case_id}"


class ImportJob(models.Model):
    """Files uploaded through the API, imported one by one in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Each file done touches it: a job not touched for a while has lost its worker.
    updated_at = models.DateTimeField(auto_now=True)
    file_count = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    attention = models.PositiveIntegerField(default=0)
    # One entry per file, in upload order: name, outcome, case id and URL, warnings, reasons.
    results = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"Import {self.pk} by {self.owner_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def get_api_url(self) -> str:
        return reverse("api-import-detail", kwargs={"pk": self.pk})


class ImportJobFile(models.Model):
    """An uploaded file waiting for its job; deleted, with its stored copy, once imported."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    stored = models.FileField(upload_to="imports/", storage=private_storage, max_length=300)

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="one_file_per_position")
        ]

    def __str__(self) -> str:
        return self.name
