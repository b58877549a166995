"""The canonical case document: one JSON shape for a case (PRODUCT.md sections 3 and 6).

The importer's dry run prints it, export bundles store it, and the API's case detail returns it.
`empty_document()` is the shape with every key present; `case_to_document()` reads a saved case
into it (in a fixed number of queries, see `DOCUMENT_PREFETCH`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from .citation import vancouver
from .models import (
    MAX_DISPLAYED_AGE_YEARS,
    Case,
    CaseAuthor,
    Commentary,
    ExercisePrescription,
    Figure,
    Study,
)

Document = dict[str, Any]

DOCUMENT_PREFETCH = (
    "tags",
    "systems",
    "sections",
    "differential_diagnoses",
    "teaching_points",
    "references",
    "questions",
    Prefetch("authors", queryset=CaseAuthor.objects.select_related("user")),
    Prefetch("studies", queryset=Study.objects.prefetch_related("figures__frames")),
    Prefetch(
        "commentaries",
        queryset=Commentary.objects.select_related("rehabilitation", "verified_by"),
    ),
)


def empty_rights() -> Document:
    return {
        "licence": None,
        "copyright_holder": "",
        "attribution": "",
        "source": "",
        "consent": "unknown",
        "consent_statement": "",
    }


def empty_document() -> Document:
    """Every key of the canonical document, with empty values."""
    return {
        "title": "",
        "case_type": "clinical_case",
        "patient": None,
        "clinical_history": "",
        "imaging_findings": "",
        "studies": [],
        "sections": [],
        "differential_diagnoses": [],
        "final_diagnosis": "",
        "diagnostic_certainty": None,
        "certainty_basis": "",
        "teaching_points": [],
        "rehabilitation": None,
        "commentaries": [],
        "references": [],
        "tags": [],
        "systems": [],
        "difficulty": None,
        "rights": empty_rights(),
        "authors": [],
        "status": "draft",
        "visibility": "public",
        "version": 1,
        "in_unknown_mode": False,
        "questions": [],
    }


def age_display(age: int | None, unit: str | None) -> str:
    if age is None:
        return ""
    unit = unit or "years"
    if unit == "years" and age >= MAX_DISPLAYED_AGE_YEARS:
        return "90+"
    return f"{age} {unit[:-1] if age == 1 else unit}"


def patient_document(age: int | None, unit: str | None, sex: str | None) -> Document | None:
    if age is None and not sex:
        return None
    if age is not None and (unit or "years") == "years":
        age = min(age, MAX_DISPLAYED_AGE_YEARS)
    return {
        "age": age,
        "age_unit": (unit or "years") if age is not None else None,
        "age_display": age_display(age, unit),
        "sex": sex or "unknown",
    }


def prescription_document(prescription: ExercisePrescription | None) -> Document | None:
    if prescription is None:
        return None
    return {name: getattr(prescription, name) for name in ExercisePrescription.FIELDS}


def figure_document(figure: Figure) -> Document:
    return {
        "label": figure.label,
        "caption": figure.caption,
        "alt_text": figure.alt_text,
        "status": figure.status,
        "annotations": figure.annotations,
    }


def case_to_document(case: Case) -> Document:
    """The canonical document of a saved case. Prefetch with DOCUMENT_PREFETCH first."""
    return {
        "id": case.pk,
        "title": case.title,
        "case_type": case.case_type,
        "patient": patient_document(case.patient_age, case.patient_age_unit, case.patient_sex),
        "clinical_history": case.clinical_history,
        "imaging_findings": case.imaging_findings,
        "studies": [
            {
                "modality": study.modality,
                "label": study.label,
                "timing": study.timing,
                "findings": study.findings,
                "figures": [figure_document(figure) for figure in study.figures.all()],
            }
            for study in case.studies.all()
        ],
        "sections": [
            {"kind": section.kind, "heading": section.heading, "body": section.body}
            for section in case.sections.all()
        ],
        "differential_diagnoses": [
            {"diagnosis": item.diagnosis, "note": item.note}
            for item in case.differential_diagnoses.all()
        ],
        "final_diagnosis": case.final_diagnosis,
        "diagnostic_certainty": case.diagnostic_certainty or None,
        "certainty_basis": case.certainty_basis,
        "teaching_points": [point.text for point in case.teaching_points.all()],
        "rehabilitation": prescription_document(case.rehabilitation),
        "commentaries": [
            {
                "provenance": commentary.provenance,
                "heading": commentary.heading,
                "body": commentary.body,
                "disclaimer": commentary.disclaimer,
                "rehabilitation": prescription_document(commentary.rehabilitation),
                "verified_by": commentary.verified_by.username if commentary.verified_by else None,
                "verified_at": commentary.verified_at.isoformat()
                if commentary.verified_at
                else None,
            }
            for commentary in case.commentaries.all()
        ],
        "references": [
            {
                "number": reference.number,
                "citation": reference.citation,
                "doi": reference.doi,
                "pmid": reference.pmid,
                "url": reference.url,
            }
            for reference in case.references.all()
        ],
        "tags": [
            {"name": tag.name, "scheme": tag.scheme, "code": tag.code} for tag in case.tags.all()
        ],
        "systems": [system.code for system in case.systems.all()],
        "difficulty": case.difficulty or None,
        "rights": {
            "licence": case.licence,
            "copyright_holder": case.copyright_holder,
            "attribution": case.attribution,
            "source": case.source,
            "consent": case.consent,
            "consent_statement": case.consent_statement,
        },
        "authors": [
            {
                "username": author.user.username if author.user else None,
                "name": author.display_name,
                "affiliation": author.affiliation,
                "orcid": author.orcid,
            }
            for author in case.authors.all()
        ],
        "status": case.status,
        "visibility": case.visibility,
        "version": case.version,
        "created_at": case.created_at.isoformat() if case.created_at else None,
        "updated_at": case.updated_at.isoformat() if case.updated_at else None,
        "published_at": case.published_at.isoformat() if case.published_at else None,
        "cite": {"text": vancouver(case), "url": case.permanent_url},
        "in_unknown_mode": case.in_unknown_mode,
        "questions": [
            {
                "stem": question.stem,
                "options": question.options,
                "answer": question.answer,
                "explanation": question.explanation,
            }
            for question in case.questions.all()
        ],
    }
