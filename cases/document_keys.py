"""The keys of a case document a write may set, and the first check of their values: their
types, and which stored row each list item updates. `document_edit.py` then has every value
checked by the editor's form for it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model

from .forms import DiagnosisForm, OverviewForm, QuizForm, RightsForm
from .models import (
    CaseAuthor,
    Commentary,
    DifferentialDiagnosis,
    QuizQuestion,
    Reference,
    Section,
    TeachingPoint,
)
from .row_forms import (
    AuthorForm,
    CommentaryForm,
    DifferentialForm,
    QuestionForm,
    ReferenceForm,
    SectionForm,
    TeachingPointForm,
)

# The editor's form that checks each case field the document names.
FORM_OF_KEY: dict[str, type[forms.ModelForm]] = {
    "title": OverviewForm,
    "case_type": OverviewForm,
    "patient": OverviewForm,
    "clinical_history": OverviewForm,
    "imaging_findings": OverviewForm,
    "difficulty": OverviewForm,
    "visibility": OverviewForm,
    "systems": OverviewForm,
    "tags": OverviewForm,
    "final_diagnosis": DiagnosisForm,
    "diagnostic_certainty": DiagnosisForm,
    "certainty_basis": DiagnosisForm,
    "rights": RightsForm,
    "in_unknown_mode": QuizForm,
}
LIST_KEYS = frozenset(
    {
        "sections",
        "differential_diagnoses",
        "teaching_points",
        "references",
        "commentaries",
        "authors",
        "questions",
    }
)
READ_ONLY_KEYS = frozenset(
    {"id", "status", "version", "created_at", "updated_at", "published_at", "cite", "studies"}
)
WRITABLE_KEYS = frozenset({*FORM_OF_KEY, *LIST_KEYS, "rehabilitation"})
# Keys of list items that the document shows but a write does not set.
READ_ONLY_ROW_KEYS = frozenset({"number", "verified_by", "verified_at", "rehabilitation"})

RIGHTS_FIELDS = ("licence", "copyright_holder", "attribution", "source", "consent")
RIGHTS_FIELDS += ("consent_statement",)
PATIENT_FIELDS = {"age": "patient_age", "age_unit": "patient_age_unit", "sex": "patient_sex"}


class RowKind:
    """How one list of the document is stored and checked."""

    def __init__(
        self,
        *,
        model: type[Model],
        form: type[forms.ModelForm],
        related: str,
        fields: dict[str, str],
        defaults: dict[str, str] | None = None,
    ) -> None:
        self.model = model
        self.form = form
        self.related = related
        # The item's keys as the document names them -> as the row form names them.
        self.fields = fields
        self.defaults = defaults or {}


ROWS: dict[str, RowKind] = {
    "sections": RowKind(
        model=Section,
        form=SectionForm,
        related="sections",
        fields={"kind": "kind", "heading": "heading", "body": "body"},
        defaults={"kind": "discussion"},
    ),
    "differential_diagnoses": RowKind(
        model=DifferentialDiagnosis,
        form=DifferentialForm,
        related="differential_diagnoses",
        fields={"diagnosis": "diagnosis", "note": "note"},
    ),
    "teaching_points": RowKind(
        model=TeachingPoint,
        form=TeachingPointForm,
        related="teaching_points",
        fields={"text": "text"},
    ),
    "references": RowKind(
        model=Reference,
        form=ReferenceForm,
        related="references",
        fields={"citation": "citation", "doi": "doi", "pmid": "pmid", "url": "url"},
    ),
    "commentaries": RowKind(
        model=Commentary,
        form=CommentaryForm,
        related="commentaries",
        fields={
            "provenance": "provenance",
            "heading": "heading",
            "body": "body",
            "disclaimer": "disclaimer",
        },
        defaults={"provenance": "author"},
    ),
    "authors": RowKind(
        model=CaseAuthor,
        form=AuthorForm,
        related="authors",
        fields={
            "username": "person",
            "name": "name",
            "affiliation": "affiliation",
            "orcid": "orcid",
        },
    ),
    "questions": RowKind(
        model=QuizQuestion,
        form=QuestionForm,
        related="questions",
        fields={
            "stem": "stem",
            "options": "options_text",
            "answer": "answer_number",
            "explanation": "explanation",
        },
    ),
}
# Where a case form's field sits in the document, when not under its own name.
FORM_FIELD_PATHS = {
    "patient_age": "patient.age",
    "patient_age_unit": "patient.age_unit",
    "patient_sex": "patient.sex",
    **{name: f"rights.{name}" for name in RIGHTS_FIELDS},
}
# The attribute of CaseChanges each list key fills.
CHANGES_OF_KEY = {"differential_diagnoses": "differentials"}


class DocumentErrors(ValidationError):
    """Errors keyed by the document's paths (`sections.2.body`, `rights.licence`)."""


Errors = dict[str, list[str]]


def add_error(errors: Errors, path: str, message: str) -> None:
    errors.setdefault(path, []).append(message)


def text_value(value: Any, path: str, errors: Errors) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        add_error(errors, path, "Expected text.")
        return ""
    return str(value)


def row_items(key: str, value: Any, errors: Errors) -> list[dict]:
    """The items of a list key as dicts of form values (by document name), checking types."""
    if value is None:
        return []
    if not isinstance(value, list):
        add_error(errors, key, "Expected a list.")
        return []
    kind = ROWS[key]
    items = []
    for index, item in enumerate(value):
        path = f"{key}.{index}"
        if key == "teaching_points" and not isinstance(item, dict):
            item = {"text": item}
        if not isinstance(item, dict):
            add_error(errors, path, "Expected an object.")
            items.append({})
            continue
        unknown = set(item) - set(kind.fields) - READ_ONLY_ROW_KEYS
        for name in sorted(unknown):
            add_error(errors, f"{path}.{name}", "Unknown field.")
        row: dict[str, Any] = {}
        for name in kind.fields:
            raw = item.get(name, kind.defaults.get(name))
            if key == "questions" and name == "options":
                if not isinstance(raw, list) or not all(isinstance(o, str) for o in raw):
                    add_error(errors, f"{path}.options", "Expected a list of option texts.")
                    raw = []
                row[name] = "\n".join(option.replace("\n", " ") for option in raw)
            elif key == "questions" and name == "answer":
                if isinstance(raw, bool) or not isinstance(raw, int):
                    add_error(errors, f"{path}.answer", "Expected the index of the correct option.")
                    raw = None
                row[name] = None if raw is None else raw + 1
            else:
                row[name] = text_value(raw, f"{path}.{name}", errors)
        items.append(row)
    return items


def authors_matched(stored: list, items: list[dict], creator_id: int | None) -> list[int | None]:
    """Site users keep their row; external co-authors are matched in order."""
    by_username = {
        row.user.username.casefold(): index for index, row in enumerate(stored) if row.user_id
    }
    externals = [index for index, row in enumerate(stored) if not row.user_id]
    matched: list[int | None] = []
    taken: set[int] = set()
    for item in items:
        index = by_username.get((item.get("username") or "").casefold())
        if index is None and not item.get("username") and externals:
            index = externals.pop(0)
        if index in taken:
            index = None
        if index is not None:
            taken.add(index)
        matched.append(index)
    # The creator always stays an author, first unless placed elsewhere.
    creator = next(
        (i for i, row in enumerate(stored) if row.user_id and row.user_id == creator_id), None
    )
    if creator is not None and creator not in taken:
        items.insert(0, {"username": stored[creator].user.username})
        matched.insert(0, creator)
    return matched
