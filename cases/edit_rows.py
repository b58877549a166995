"""Writing the ordered lists of a case onto the locked case, inside `editing._edit`.

Each list is given whole: a row with the id of a stored row updates it, a row without an id
is added, a stored row left out is removed, and positions follow the order given. An id that
names no stored row of this case is passed over (the row was removed meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Model

from .edit_values import (
    AuthorRow,
    CommentaryRow,
    DifferentialRow,
    QuestionRow,
    ReferenceRow,
    SectionRow,
    StudyRow,
    TeachingPointRow,
)
from .files import release_files_of
from .models import (
    Case,
    CaseAuthor,
    Commentary,
    DifferentialDiagnosis,
    ExercisePrescription,
    Figure,
    QuizQuestion,
    Reference,
    Section,
    Study,
    TeachingPoint,
)

COMMENTARY_TEXT = ("provenance", "heading", "body", "disclaimer")


def _replace_rows(
    stored: Sequence[Model],
    rows: Sequence[Any],
    *,
    new: Callable[[], Model],
    values: Callable[[Any], dict[str, Any]],
    before_save: Callable[[Model, Any], None] | None = None,
    numbered: str = "position",
    start: int = 0,
) -> list[Model]:
    """Remove the stored rows left out, then save the given ones in order."""
    by_id = {row.pk: row for row in stored}
    kept_ids = {row.id for row in rows if row.id is not None}
    for row in stored:
        if row.pk not in kept_ids:
            row.delete()
    saved = []
    for number, row in enumerate((row for row in rows if row.id is None or row.id in by_id), start):
        instance = by_id[row.id] if row.id is not None else new()
        if before_save is not None:
            before_save(instance, row)
        for name, value in values(row).items():
            setattr(instance, name, value)
        setattr(instance, numbered, number)
        instance.save()
        saved.append(instance)
    return saved


def write_sections(locked: Case, rows: list[SectionRow]) -> None:
    _replace_rows(
        list(locked.sections.all()),
        rows,
        new=lambda: Section(case=locked),
        values=lambda row: {"kind": row.kind, "heading": row.heading, "body": row.body},
    )


def write_differentials(locked: Case, rows: list[DifferentialRow]) -> None:
    _replace_rows(
        list(locked.differential_diagnoses.all()),
        rows,
        new=lambda: DifferentialDiagnosis(case=locked),
        values=lambda row: {"diagnosis": row.diagnosis, "note": row.note},
    )


def write_teaching_points(locked: Case, rows: list[TeachingPointRow]) -> None:
    _replace_rows(
        list(locked.teaching_points.all()),
        rows,
        new=lambda: TeachingPoint(case=locked),
        values=lambda row: {"text": row.text},
    )


def write_references(locked: Case, rows: list[ReferenceRow]) -> None:
    stored = list(locked.references.all())
    kept = {row.id for row in rows if row.id is not None}
    for reference in stored:
        if reference.pk not in kept:
            reference.delete()
    # Numbers are unique per case: move the stored ones out of the way before renumbering.
    Reference.objects.filter(case=locked).update(number=F("number") + 10_000)
    _replace_rows(
        [reference for reference in stored if reference.pk is not None],
        rows,
        new=lambda: Reference(case=locked),
        values=lambda row: {
            "citation": row.citation,
            "doi": row.doi,
            "pmid": row.pmid,
            "url": row.url,
        },
        numbered="number",
        start=1,
    )


def _unverify_changed_text(commentary: Commentary, row: CommentaryRow) -> None:
    # Whoever verified the text verified those words, not the edited ones.
    if commentary.pk and any(getattr(commentary, n) != getattr(row, n) for n in COMMENTARY_TEXT):
        commentary.verified_by = None
        commentary.verified_at = None


def write_commentaries(locked: Case, rows: list[CommentaryRow]) -> None:
    _replace_rows(
        list(locked.commentaries.all()),
        rows,
        new=lambda: Commentary(case=locked),
        values=lambda row: {name: getattr(row, name) for name in COMMENTARY_TEXT},
        before_save=_unverify_changed_text,
    )


def write_rehabilitation(locked: Case, values: dict[str, str]) -> None:
    """Create the prescription when a field is filled; delete it when all are emptied."""
    filled = any((values.get(name) or "").strip() for name in ExercisePrescription.FIELDS)
    current = locked.rehabilitation
    if not filled:
        if current is not None:
            locked.rehabilitation = None
            locked.save(update_fields=["rehabilitation", "updated_at"])
            current.delete()
        return
    prescription = current or ExercisePrescription()
    for name in ExercisePrescription.FIELDS:
        setattr(prescription, name, values.get(name) or "")
    prescription.save()
    if current is None:
        locked.rehabilitation = prescription
        locked.save(update_fields=["rehabilitation", "updated_at"])


def write_authors(locked: Case, rows: list[AuthorRow]) -> None:
    stored = list(locked.authors.all())
    kept = {row.id for row in rows if row.id is not None}
    if any(
        author.user_id and author.user_id == locked.created_by_id and author.pk not in kept
        for author in stored
    ):
        raise ValidationError("The case's creator cannot be removed.")
    # One authorship per user: clear the kept users first so that a swap is not a clash.
    CaseAuthor.objects.filter(pk__in=[a.pk for a in stored if a.pk in kept]).update(user=None)
    _replace_rows(
        stored,
        rows,
        new=lambda: CaseAuthor(case=locked),
        values=lambda row: {
            "user": row.user,
            "name": row.name,
            "affiliation": row.affiliation,
            "orcid": row.orcid,
        },
    )


def write_questions(locked: Case, rows: list[QuestionRow]) -> None:
    _replace_rows(
        list(locked.questions.all()),
        rows,
        new=lambda: QuizQuestion(case=locked),
        values=lambda row: {
            "stem": row.stem,
            "options": list(row.options),
            "answer": row.answer,
            "explanation": row.explanation,
        },
    )


def write_studies(locked: Case, rows: list[StudyRow]) -> None:
    stored = list(locked.studies.prefetch_related("figures"))
    kept = {row.id for row in rows if row.id is not None}
    for study in stored:
        if study.pk not in kept:
            release_files_of(list(study.figures.all()))
    stored_ids = {study.pk for study in stored}
    written = [row for row in rows if row.id is None or row.id in stored_ids]
    saved = _replace_rows(
        stored,
        rows,
        new=lambda: Study(case=locked),
        values=lambda row: {
            "modality": row.modality,
            "label": row.label,
            "timing": row.timing,
            "findings": row.findings,
        },
    )
    for study, row in zip(saved, written, strict=True):
        if row.figures is None or row.id is None:
            continue
        figures = {figure.pk: figure for figure in study.figures.all()}
        given = [text for text in row.figures if text.id in figures]
        removed = [figure for pk, figure in figures.items() if pk not in {t.id for t in given}]
        release_files_of(removed)
        Figure.objects.filter(pk__in=[figure.pk for figure in removed]).delete()
        for position, text in enumerate(given):
            # Only these columns: processing may change the figure's others meanwhile.
            Figure.objects.filter(pk=text.id).update(
                label=text.label, caption=text.caption, alt_text=text.alt_text, position=position
            )
