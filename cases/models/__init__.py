"""The teaching case and its ordered parts (PRODUCT.md section 3).

Field names follow the canonical case document (cases/document.py), so the importer, the
pages, the admin and the API all speak of `final_diagnosis`, `teaching_points` and `rights`
in the same words.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from accounts.validators import validate_orcid

from ..querysets import CaseQuerySet

MAX_DISPLAYED_AGE_YEARS = 90


class Modality(models.TextChoices):
    XR = "XR", "Radiograph"
    CT = "CT", "CT"
    MR = "MR", "MRI"
    US = "US", "Ultrasound"
    NM = "NM", "Nuclear medicine"
    PT = "PT", "PET/CT"
    MG = "MG", "Mammography"
    XA = "XA", "Angiography"
    RF = "RF", "Fluoroscopy"
    OT = "OT", "Other"


class Licence(models.TextChoices):
    """Open licences a case may be published under, by SPDX id."""

    CC_BY_NC_SA_4_0 = "CC-BY-NC-SA-4.0", "Creative Commons Attribution-NonCommercial-ShareAlike 4.0"
    CC_BY_4_0 = "CC-BY-4.0", "Creative Commons Attribution 4.0"
    CC_BY_SA_4_0 = "CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0"
    CC_BY_NC_4_0 = "CC-BY-NC-4.0", "Creative Commons Attribution-NonCommercial 4.0"
    CC_BY_NC_ND_4_0 = (
        "CC-BY-NC-ND-4.0",
        "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0",
    )
    CC0_1_0 = "CC0-1.0", "Creative Commons Zero 1.0 (public domain dedication)"

    @classmethod
    def url_for(cls, spdx_id: str) -> str:
        if spdx_id == cls.CC0_1_0:
            return "https://creativecommons.org/publicdomain/zero/1.0/"
        # "CC-BY-NC-SA-4.0" -> "by-nc-sa/4.0"
        parts = spdx_id.lower().split("-")
        return f"https://creativecommons.org/licenses/{'-'.join(parts[1:-1])}/{parts[-1]}/"


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
        help_text="Modalities, systems and tag slugs as tokens (m:CT s:neuro t:glioma), for "
        "counting facets in one pass; NULL until first computed.",
    )
    view_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Readers of the published case, one per day each."
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "visibility", "-published_at"]),
            models.Index(fields=["-view_count"], name="cases_case_view_count_idx"),
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
                not any(figure.status == Figure.ProcessingStatus.QUARANTINED for figure in figures),
            ),
            (
                "Every machine-generated commentary is verified or removed",
                all(c.verified_at for c in commentaries if c.is_machine_generated),
            ),
        ]
        return checklist

    def publication_blockers(self) -> list[str]:
        return [label for label, met in self.publication_checklist() if not met]

    def citation(self) -> str:
        """The case in the Vancouver style, as the case page shows it (interchange.citations
        also writes APA, BibTeX, RIS and CSL-JSON)."""
        from interchange.citations import vancouver

        return vancouver(self)


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
    from ..storage import private_storage

    return private_storage


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
