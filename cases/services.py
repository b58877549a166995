"""Every write that spans rows or checks a role. Pages, the API and commands call these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from . import permissions
from .document import Document

# Edits of a case's content live in editing.py; pages, the API and commands find them here.
from .editing import (  # noqa: F401
    EDITABLE_FIELDS,
    StaleEdit,
    add_study,
    annotate_figure,
    change_case,
    change_case_fields,
    change_figure,
    change_study,
    move_study,
    record_revision,
    remove_figure,
    remove_study,
    replace_authors,
    replace_commentaries,
    replace_differentials,
    replace_questions,
    replace_references,
    replace_sections,
    replace_studies,
    replace_teaching_points,
    revision_at,
    set_rights,
)
from .models import (
    Case,
    CaseAuthor,
    Commentary,
    DifferentialDiagnosis,
    ExercisePrescription,
    Figure,
    QuizQuestion,
    Reference,
    Revision,
    Section,
    Study,
    System,
    Tag,
    TeachingPoint,
)
from .published_revisions import CASE_CONTENT_FIELDS, CASE_PART_MODELS, start_revision  # noqa: F401

# The editorial workflow and new revisions of published cases live in their own modules;
# pages, the API and other apps call them through here.
from .search_vector import refresh_search_vector
from .transitions import (  # noqa: F401
    ACTION_PARTICIPLES,
    InvalidTransition,
    editors_of,
    notify_people,
    site_authors_of,
)
from .workflow_services import (  # noqa: F401
    accept_case,
    delete_draft,
    publish_case,
    reject_case,
    reopen_case,
    request_changes,
    retract_case,
    return_to_draft,
    start_review,
    submit_case,
    take_action,
    unpublish_case,
    verify_commentary,
    withdraw_case,
)

if TYPE_CHECKING:
    from accounts.models import User


def create_case(*, by: User, title: str, case_type: str = Case.CaseType.CLINICAL_CASE) -> Case:
    """Start a new draft case written by `by`, who becomes its first author."""
    if not permissions.can_create_case(by):
        raise PermissionDenied("Only authors can create cases.")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "A case needs a title."})
    with transaction.atomic():
        case = Case.objects.create(
            title=title[:300],
            case_type=case_type,
            created_by=by,
            institution=by.institution,
            visibility=Case.Visibility.PUBLIC,
        )
        CaseAuthor.objects.create(case=case, user=by, position=0)
        refresh_search_vector([case.pk])
        record_revision(case, kind=Revision.Kind.CREATED, by=by)
    return case


def _prescription(data: Document | None) -> ExercisePrescription | None:
    if not data or not any(data.get(name) for name in ExercisePrescription.FIELDS):
        return None
    return ExercisePrescription.objects.create(
        **{name: data.get(name) or "" for name in ExercisePrescription.FIELDS}
    )


def _tags(items: Iterable[Document]) -> list[Tag]:
    tags = []
    for item in items:
        name = (item.get("name") or "").strip()
        if not name:
            continue
        tag, _ = Tag.objects.get_or_create(
            scheme=item.get("scheme") or Tag.Scheme.CUSTOM,
            name=name,
            defaults={"code": item.get("code") or "", "slug": slugify(name)[:140]},
        )
        tags.append(tag)
    return tags


def create_case_from_document(document: Document, *, author: User | None, source: str = "") -> Case:
    """Save a canonical case document as a new draft case with all its ordered parts."""
    if not (document.get("title") or "").strip():
        raise ValidationError({"title": "A case needs a title."})
    if author is not None and not permissions.can_create_case(author):
        raise PermissionDenied("Only authors can create cases.")

    patient = document.get("patient") or {}
    rights = document.get("rights") or {}
    with transaction.atomic():
        case = Case.objects.create(
            title=document["title"].strip()[:300],
            case_type=document.get("case_type") or Case.CaseType.CLINICAL_CASE,
            patient_age=patient.get("age"),
            patient_age_unit=patient.get("age_unit") or "",
            patient_sex=patient.get("sex") or "",
            clinical_history=document.get("clinical_history") or "",
            imaging_findings=document.get("imaging_findings") or "",
            final_diagnosis=(document.get("final_diagnosis") or "")[:300],
            diagnostic_certainty=document.get("diagnostic_certainty") or "",
            certainty_basis=document.get("certainty_basis") or "",
            rehabilitation=_prescription(document.get("rehabilitation")),
            difficulty=document.get("difficulty") or "",
            licence=rights.get("licence"),
            copyright_holder=rights.get("copyright_holder") or "",
            attribution=rights.get("attribution") or "",
            source=rights.get("source") or source,
            consent=rights.get("consent") or Case.Consent.UNKNOWN,
            consent_statement=rights.get("consent_statement") or "",
            visibility=document.get("visibility") or Case.Visibility.PUBLIC,
            in_unknown_mode=bool(document.get("in_unknown_mode")),
            created_by=author,
            institution=getattr(author, "institution", None),
        )
        if author is not None:
            CaseAuthor.objects.create(case=case, user=author, position=0)
        CaseAuthor.objects.bulk_create(
            CaseAuthor(
                case=case,
                position=position,
                name=item.get("name") or "",
                affiliation=item.get("affiliation") or "",
                orcid=item.get("orcid") or "",
            )
            for position, item in enumerate(document.get("authors") or [], start=1)
            if not item.get("username") and item.get("name")
        )
        for position, item in enumerate(document.get("studies") or []):
            study = Study.objects.create(
                case=case,
                position=position,
                modality=item.get("modality") or "OT",
                label=item.get("label") or "",
                timing=item.get("timing") or "",
                findings=item.get("findings") or "",
            )
            Figure.objects.bulk_create(
                Figure(
                    study=study,
                    position=figure_position,
                    label=figure.get("label") or "",
                    caption=figure.get("caption") or "",
                    alt_text=figure.get("alt_text") or "",
                    annotations=figure.get("annotations") or [],
                    # A document names figures; their images are uploaded afterwards.
                    status=Figure.ProcessingStatus.NOT_SUPPLIED,
                )
                for figure_position, figure in enumerate(item.get("figures") or [])
            )
        Section.objects.bulk_create(
            Section(
                case=case,
                position=position,
                kind=item.get("kind") or Section.Kind.OTHER,
                heading=item.get("heading") or "",
                body=item.get("body") or "",
            )
            for position, item in enumerate(document.get("sections") or [])
        )
        DifferentialDiagnosis.objects.bulk_create(
            DifferentialDiagnosis(
                case=case, position=position, diagnosis=item["diagnosis"], note=item.get("note", "")
            )
            for position, item in enumerate(document.get("differential_diagnoses") or [])
        )
        TeachingPoint.objects.bulk_create(
            TeachingPoint(case=case, position=position, text=text)
            for position, text in enumerate(document.get("teaching_points") or [])
        )
        Reference.objects.bulk_create(
            Reference(
                case=case,
                number=item.get("number") or number,
                citation=item.get("citation") or "",
                doi=item.get("doi") or "",
                pmid=item.get("pmid") or "",
                url=item.get("url") or "",
            )
            for number, item in enumerate(document.get("references") or [], start=1)
        )
        for position, item in enumerate(document.get("commentaries") or []):
            Commentary.objects.create(
                case=case,
                position=position,
                provenance=item.get("provenance") or Commentary.Provenance.AUTHOR,
                heading=item.get("heading") or "",
                body=item.get("body") or "",
                disclaimer=item.get("disclaimer") or "",
                rehabilitation=_prescription(item.get("rehabilitation")),
            )
        QuizQuestion.objects.bulk_create(
            QuizQuestion(
                case=case,
                position=position,
                stem=item["stem"],
                options=item.get("options") or [],
                answer=item.get("answer") or 0,
                explanation=item.get("explanation") or "",
            )
            for position, item in enumerate(document.get("questions") or [])
        )
        case.tags.set(_tags(document.get("tags") or []))
        case.systems.set(System.objects.filter(code__in=document.get("systems") or []))
        refresh_search_vector([case.pk])
    return case


def publish_imported_case(case: Case) -> Case:
    """Publish a case imported from a source that already published it under an open licence.

    Such cases were peer reviewed where they first appeared; the only condition here is a
    licence that lets us republish them. Cases written on this site go through the editorial
    workflow and its full publication checklist instead.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case.licence:
            raise ValidationError("An imported case can only be published with a licence.")
        case.status = Case.Status.PUBLISHED
        case.published_at = case.published_at or timezone.now()
        case.version += 1
        case.published_revision += 1
        case.save(
            update_fields=["status", "published_at", "version", "published_revision", "updated_at"]
        )
        refresh_search_vector([case.pk])
    return case


def feature_case(case: Case, *, by: User, featured: bool = True) -> Case:
    """Show a published case among the featured ones on the home page, or stop showing it."""
    if not permissions.can_publish(by, case):
        raise PermissionDenied("Only editors choose the featured cases.")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if featured and not case.is_published:
            raise ValidationError("Only a published case can be featured.")
        case.featured = featured
        case.save(update_fields=["featured", "updated_at"])
    return case
