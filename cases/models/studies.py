"""The imaging studies of a case and their figures, with each figure's frames and the
decisions taken on an image held in quarantine."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .. import storage
from ..choices import Modality
from .case import Case


class Study(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="studies")
    position = models.PositiveSmallIntegerField(default=0)
    modality = models.CharField(max_length=2, choices=Modality, default=Modality.OT)
    label = models.CharField(max_length=200, blank=True, help_text='e.g. "CT pelvis"')
    timing = models.CharField(max_length=200, blank=True, help_text='e.g. "at presentation"')
    findings = models.TextField(blank=True, help_text="Markdown")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "studies"

    def __str__(self) -> str:
        return self.label or self.get_modality_display()


def private_storage():
    """Where uploaded originals and de-identified DICOM live: never served from MEDIA_URL."""
    return storage.private_storage


def figure_upload_path(figure: Figure, filename: str) -> str:
    # Content-addressed: the same upload is stored once, under the hash of its bytes.
    return f"originals/{filename[:2]}/{filename}"


def figure_derivative_path(figure: Figure, filename: str) -> str:
    return f"derivatives/{filename[:2]}/{filename}"


class Figure(models.Model):
    class ProcessingStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        QUARANTINED = "quarantined", "Quarantined"
        # Named (e.g. by an imported report) but no image was ever uploaded for it.
        NOT_SUPPLIED = "not_supplied", "Image not supplied"

    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        DICOM = "dicom", "DICOM"
        DICOM_SERIES = "dicom_series", "DICOM series"

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="figures")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=40, blank=True, help_text='e.g. "Fig 2"')
    caption = models.TextField(blank=True)
    alt_text = models.CharField(
        max_length=500, blank=True, help_text="Required before publication."
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.IMAGE)
    original = models.FileField(
        upload_to=figure_upload_path, storage=private_storage, blank=True, max_length=300
    )
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    thumbnail = models.ImageField(upload_to=figure_derivative_path, blank=True, max_length=300)
    web = models.ImageField(upload_to=figure_derivative_path, blank=True, max_length=300)
    full = models.ImageField(upload_to=figure_derivative_path, blank=True, max_length=300)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    modality = models.CharField(
        max_length=16, blank=True, help_text="From the DICOM header, for DICOM uploads."
    )
    flagged_burned_in = models.BooleanField(
        "may show text or a face",
        default=False,
        help_text="Flagged by the author: held in quarantine until checked.",
    )
    status = models.CharField(
        max_length=20, choices=ProcessingStatus, default=ProcessingStatus.PENDING
    )
    processing_error = models.TextField(blank=True)
    quarantine_reasons = models.JSONField(default=list, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    annotations = models.JSONField(
        default=list, blank=True, help_text="Arrows, ellipses and text drawn on the image."
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label or f"Figure {self.pk}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.ProcessingStatus.READY and bool(self.thumbnail)

    @property
    def is_missing_image(self) -> bool:
        return self.status == self.ProcessingStatus.NOT_SUPPLIED

    @property
    def is_quarantined(self) -> bool:
        return self.status == self.ProcessingStatus.QUARANTINED

    @property
    def is_stack(self) -> bool:
        return self.kind != self.Kind.IMAGE


class FigureFrame(models.Model):
    """One slice of a DICOM figure: its de-identified file and its rendered pictures."""

    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="frames")
    position = models.PositiveIntegerField()
    instance_number = models.IntegerField(null=True, blank=True)
    slice_location = models.FloatField(null=True, blank=True)
    dicom = models.FileField(
        upload_to="deidentified/", storage=private_storage, blank=True, max_length=300
    )
    renders = models.JSONField(
        default=dict, help_text="Rendered JPEG per window: {'default': name, 'brain': name, …}"
    )
    pixels = models.JSONField(
        default=dict,
        blank=True,
        help_text="The slice's modality values for windowing in the browser (imaging/pixels.py): "
        "{'name': stored file, 'dtype', 'rows', 'columns', …}; empty until made.",
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["figure", "position"], name="unique_frame_position"),
        ]

    def __str__(self) -> str:
        return f"{self.figure} slice {self.position + 1}"


class QuarantineDecision(models.Model):
    """A person's decision on an image held for possible burned-in text: who, when, what."""

    class Decision(models.TextChoices):
        ATTESTED_CLEAN = "attested_clean", "Attested clean"
        REDACTED = "redacted", "Regions blacked out"

    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=20, choices=Decision)
    regions = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.figure}: {self.get_decision_display()}"
