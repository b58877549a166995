"""The teaching case and its vocabularies (body systems, tags; modalities and licences in
`cases/choices.py`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from ..choices import Licence
from ..querysets import CaseQuerySet

MAX_DISPLAYED_AGE_YEARS = 90


class System(models.Model):
    """A body system (musculoskeletal, neuro, …): a fixed list loaded by a data migration."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    class Scheme(models.TextChoices):
        RADLEX = "radlex", "RadLex"
        ACR = "acr", "ACR"
        SNOMED = "snomed", "SNOMED CT"
        CUSTOM = "custom", "Custom"

    name = models.CharField(max_length=120)
    scheme = models.CharField(max_length=10, choices=Scheme, default=Scheme.CUSTOM)
    code = models.CharField(max_length=40, blank=True)
    slug = models.SlugField(max_length=140)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="unique_tag_per_scheme"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:140]
        super().save(*args, **kwargs)


class Case(models.Model):
    class CaseType(models.TextChoices):
        CLINICAL_CASE = "clinical_case", "Clinical case"
        TOPIC_REVIEW = "topic_review", "Topic review"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        ACCEPTED = "accepted", "Accepted"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        RETRACTED = "retracted", "Retracted"

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private (authors and editors)"
        INSTITUTION = "institution", "Institution members"
        UNLISTED = "unlisted", "Unlisted (anyone with the link)"
        PUBLIC = "public", "Public"

    class AgeUnit(models.TextChoices):
        YEARS = "years", "years"
        MONTHS = "months", "months"
        WEEKS = "weeks", "weeks"
        DAYS = "days", "days"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    class Certainty(models.TextChoices):
        CERTAIN = "certain", "Certain"
        ALMOST_CERTAIN = "almost_certain", "Almost certain"
        PROBABLE = "probable", "Probable"
        POSSIBLE = "possible", "Possible"

    class Difficulty(models.TextChoices):
        STUDENT = "student", "Student"
        RESIDENT = "resident", "Resident"
        FELLOW = "fellow", "Fellow"
        CONSULTANT = "consultant", "Consultant"

    class Consent(models.TextChoices):
        OBTAINED = "obtained", "Obtained"
        NOT_REQUIRED = "not_required", "Not required"
        WAIVED = "waived", "Waived"
        UNKNOWN = "unknown", "Unknown"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300, blank=True)
    case_type = models.CharField(max_length=20, choices=CaseType, default=CaseType.CLINICAL_CASE)

    # Patient: topic reviews have none, so every part is optional.
    patient_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Ages of 90 years and over are stored as 90 (shown 90+)."
    )
    patient_age_unit = models.CharField(max_length=10, choices=AgeUnit, blank=True)
    patient_sex = models.CharField(max_length=10, choices=Sex, blank=True)

    clinical_history = models.TextField(blank=True, help_text="Markdown")
    imaging_findings = models.TextField(blank=True, help_text="Markdown")

    final_diagnosis = models.CharField(max_length=300, blank=True)
    diagnostic_certainty = models.CharField(max_length=20, choices=Certainty, blank=True)
    certainty_basis = models.CharField(
        max_length=200, blank=True, help_text="Histology, clinical follow-up, …"
    )

    rehabilitation = models.OneToOneField(
        "ExercisePrescription",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case",
    )

    tags = models.ManyToManyField(Tag, blank=True, related_name="cases")
    systems = models.ManyToManyField(System, blank=True, related_name="cases")
    difficulty = models.CharField(max_length=20, choices=Difficulty, blank=True)

    # Rights
    licence = models.CharField(max_length=20, choices=Licence, null=True, blank=True)
    copyright_holder = models.CharField(max_length=300, blank=True)
    attribution = models.CharField(max_length=500, blank=True)
    source = models.CharField(
        max_length=500, blank=True, help_text="Where an imported case was first published."
    )
    consent = models.CharField(max_length=20, choices=Consent, default=Consent.UNKNOWN)
    consent_statement = models.TextField(blank=True)

    # Ownership and workflow
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_cases",
    )
    institution = models.ForeignKey(
        "accounts.Institution",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        help_text="Members of this institution may read the case when its visibility is "
        "'institution'.",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    visibility = models.CharField(max_length=20, choices=Visibility, default=Visibility.PUBLIC)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised on every save; a save from an older version is refused."
    )
    featured = models.BooleanField(default=False)
    revision_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pending_revisions",
        help_text="For a new revision of a published case: the case it will replace when "
        "published. The published case stays live until then.",
    )

    # Quiz
    in_unknown_mode = models.BooleanField(
        "offered as an unknown", default=False, help_text="Offer the case as an unknown."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # Search (search/indexing.py keeps these up to date; PostgreSQL only, unused on SQLite).
    search_vector = SearchVectorField(null=True, editable=False)
    search_terms = models.TextField(
        blank=True,
        editable=False,
        help_text="Title, final diagnosis and tags: what typo-tolerant matching compares with.",
    )
    facet_values = models.TextField(
        null=True,
        editable=False,
        help_text="The case's value of every facet as tokens (m:CT s:neuro t:glioma "
        "k:clinical_case c:probable d:resident a:40-64 x:female), for filtering through "
        "one GIN index and counting facets in one pass; NULL until first computed.",
    )
    view_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Readers of the published case, one per day each."
    )
    cited_authors = models.JSONField(
        null=True,
        blank=True,
        default=None,
        editable=False,
        help_text="The authors' names as cited, recorded when the case (or its latest new "
        "revision) was published; citations use them, so a later change of a display name "
        "does not rewrite a published citation. NULL until first published.",
    )
    published_revision = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="How many times the case has been published: 1 at its first publication, "
        "raised by each new revision published. Citations give it as the version; `version` "
        "counts every save.",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "visibility", "-published_at"]),
            models.Index(fields=["-view_count"], name="cases_case_view_count_idx"),
            # The orders of the lists (newest first, most viewed) have indexes of their own on
            # PostgreSQL (cases/0011): SQLite cannot index NULLS LAST.
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.title)[:300] or "case"
        if (
            self.patient_age is not None
            and self.patient_age_unit == self.AgeUnit.YEARS
            and self.patient_age > MAX_DISPLAYED_AGE_YEARS
        ):
            # Ages of 90 and over identify people; keep only "90+".
            self.patient_age = MAX_DISPLAYED_AGE_YEARS
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("case-detail", kwargs={"pk": self.pk, "slug": self.slug or "case"})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def has_patient(self) -> bool:
        return self.patient_age is not None or bool(self.patient_sex)

    @property
    def age_display(self) -> str:
        if self.patient_age is None:
            return ""
        if (
            self.patient_age_unit == self.AgeUnit.YEARS
            and self.patient_age >= MAX_DISPLAYED_AGE_YEARS
        ):
            return "90+ years"
        unit = self.patient_age_unit or self.AgeUnit.YEARS
        if self.patient_age == 1:
            unit = unit.rstrip("s")
        return f"{self.patient_age} {unit}"

    @property
    def licence_name(self) -> str:
        return Licence(self.licence).label if self.licence else ""

    @property
    def licence_url(self) -> str:
        return Licence.url_for(self.licence) if self.licence else ""

    @property
    def cited_version(self) -> int:
        """The version a citation gives: the published revision (1, 2, …), not every save."""
        return max(self.published_revision, 1)

    @property
    def permanent_url(self) -> str:
        return f"{settings.SITE_URL}{reverse('case-permalink', kwargs={'pk': self.pk})}"

    def publication_checklist(self) -> list[tuple[str, bool]]:
        """What publication requires (PRODUCT.md section 4), each with whether it is met.

        Reads the case's parts through `.all()`, so a prefetched case costs no further queries.
        A topic review has no patient, so a final diagnosis and its certainty do not apply.
        """
        figures = [figure for study in self.studies.all() for figure in study.figures.all()]
        commentaries = list(self.commentaries.all())
        checklist = [
            ("A licence is chosen", bool(self.licence)),
            ("Patient consent is recorded", self.consent != self.Consent.UNKNOWN),
        ]
        if self.case_type == self.CaseType.CLINICAL_CASE:
            checklist += [
                ("A final diagnosis is given", bool(self.final_diagnosis)),
                ("The diagnostic certainty is given", bool(self.diagnostic_certainty)),
            ]
        checklist += [
            ("At least one teaching point", bool(list(self.teaching_points.all()))),
            ("At least one processed figure", any(figure.is_ready for figure in figures)),
            ("Every figure has alt text", all(figure.alt_text.strip() for figure in figures)),
            (
                "No image is in quarantine",
                not any(figure.is_quarantined for figure in figures),
            ),
            (
                "Every machine-generated commentary is verified or removed",
                all(c.verified_at for c in commentaries if c.is_machine_generated),
            ),
        ]
        return checklist

    def publication_blockers(self) -> list[str]:
        return [label for label, met in self.publication_checklist() if not met]
