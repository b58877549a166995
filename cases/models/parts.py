"""The ordered parts of a case's text: authors, discussion sections, differential diagnoses,
teaching points, references, commentaries (with a rehabilitation plan) and quiz questions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.validators import validate_orcid

from .case import Case


class CaseAuthor(models.Model):
    """An author of a case: a site user, or an external co-author named by text."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authorships",
    )
    name = models.CharField(max_length=200, blank=True)
    affiliation = models.CharField(max_length=300, blank=True)
    orcid = models.CharField("ORCID iD", max_length=19, blank=True, validators=[validate_orcid])

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=models.Q(user__isnull=False),
                name="one_authorship_per_user",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        return str(self.user) if self.user_id else "Unnamed author"


class Section(models.Model):
    class Kind(models.TextChoices):
        BACKGROUND = "background", "Background"
        CLINICAL_PERSPECTIVE = "clinical_perspective", "Clinical perspective"
        IMAGING_PERSPECTIVE = "imaging_perspective", "Imaging perspective"
        OUTCOME = "outcome", "Outcome"
        DISCUSSION = "discussion", "Discussion"
        MANAGEMENT = "management", "Management"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=30, choices=Kind, default=Kind.DISCUSSION)
    heading = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True, help_text="Markdown")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.heading or self.get_kind_display()


class DifferentialDiagnosis(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="differential_diagnoses")
    position = models.PositiveSmallIntegerField(default=0)
    diagnosis = models.CharField(max_length=300)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "differential diagnoses"

    def __str__(self) -> str:
        return self.diagnosis


class TeachingPoint(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="teaching_points")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Reference(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="references")
    number = models.PositiveSmallIntegerField()
    citation = models.TextField(blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PMID", max_length=20, blank=True)
    url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="unique_reference_number"),
        ]

    def __str__(self) -> str:
        return f"[{self.number}] {self.citation[:80]}"

    @property
    def link(self) -> str:
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return self.url


class ExercisePrescription(models.Model):
    """A FITT-VP rehabilitation prescription, on a case or inside a commentary."""

    FIELDS = ("frequency", "intensity", "time", "type", "volume", "progression", "precautions")

    frequency = models.TextField(blank=True)
    intensity = models.TextField(blank=True)
    time = models.TextField(blank=True)
    type = models.TextField(blank=True)
    volume = models.TextField(blank=True)
    progression = models.TextField(blank=True)
    precautions = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"FITT-VP prescription {self.pk}"

    def rows(self) -> list[tuple[str, str]]:
        """(label, text) for each filled field, in FITT-VP order."""
        return [
            (name.capitalize(), getattr(self, name)) for name in self.FIELDS if getattr(self, name)
        ]


class Commentary(models.Model):
    class Provenance(models.TextChoices):
        AUTHOR = "author", "Author"
        MACHINE_GENERATED = "machine_generated", "Machine-generated"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="commentaries")
    position = models.PositiveSmallIntegerField(default=0)
    provenance = models.CharField(max_length=20, choices=Provenance, default=Provenance.AUTHOR)
    heading = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True, help_text="Markdown")
    disclaimer = models.TextField(blank=True)
    rehabilitation = models.OneToOneField(
        ExercisePrescription,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commentary",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "commentaries"

    def __str__(self) -> str:
        return self.heading or self.get_provenance_display()

    @property
    def is_machine_generated(self) -> bool:
        return self.provenance == self.Provenance.MACHINE_GENERATED


class QuizQuestion(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    stem = models.TextField()
    options = models.JSONField(default=list, help_text="The answer options, in order.")
    answer = models.PositiveSmallIntegerField(help_text="Index of the correct option, from 0.")
    explanation = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.stem[:80]
