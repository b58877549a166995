"""Edits of a case's content: the one write path of the editor's pages and of the API.

Every operation here runs under one lock, one permission check and one version check, and
leaves one revision: `_edit` locks the case row, refuses a save made from an older version
(StaleEdit, so nobody's work is silently overwritten), lets the operation write, then raises
the version by one and snapshots the case. The values come checked by the editor's forms or
the API's serializers (`edit_values.py`); nothing here reads a request or a form.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.text import slugify

from . import permissions
from .document import DOCUMENT_PREFETCH, case_to_document
from .edit_rows import (
    write_authors,
    write_commentaries,
    write_differentials,
    write_questions,
    write_references,
    write_rehabilitation,
    write_sections,
    write_studies,
    write_teaching_points,
)
from .edit_values import (
    AuthorRow,
    CaseChanges,
    CommentaryRow,
    DifferentialRow,
    QuestionRow,
    ReferenceRow,
    SectionRow,
    StudyRow,
    TeachingPointRow,
)
from .files import release_files_of
from .frozen import refuse_if_frozen
from .models import Case, Figure, Revision, Study, System, Tag
from .search_vector import refresh_search_vector

if TYPE_CHECKING:
    from accounts.models import User

OVERVIEW_FIELDS = (
    "title",
    "case_type",
    "patient_age",
    "patient_age_unit",
    "patient_sex",
    "clinical_history",
    "imaging_findings",
    "difficulty",
    "visibility",
)
DIAGNOSIS_FIELDS = ("final_diagnosis", "diagnostic_certainty", "certainty_basis")
RIGHTS_FIELDS = (
    "licence",
    "copyright_holder",
    "attribution",
    "source",
    "consent",
    "consent_statement",
)
QUIZ_FIELDS = ("in_unknown_mode",)
# The case's own columns an edit may change; the others belong to the workflow.
EDITABLE_FIELDS = (*OVERVIEW_FIELDS, *DIAGNOSIS_FIELDS, *RIGHTS_FIELDS, *QUIZ_FIELDS)
STUDY_FIELDS = ("modality", "label", "timing", "findings")
FIGURE_FIELDS = ("label", "caption", "alt_text")


class StaleEdit(Exception):
    """A save made from an older version of the case than the one stored now.

    Carries the case as it is now and the version the editor started from, so the page can
    keep what the author typed and show what changed in the meantime.
    """

    def __init__(self, case: Case, *, base_version: int) -> None:
        self.case = case
        self.base_version = base_version
        super().__init__(
            f"This case was changed by someone else while you were editing it "
            f"(you started from version {base_version}; it is now at version {case.version})."
        )


def record_revision(case: Case, *, kind: str, by: User | None, summary: str = "") -> Revision:
    """Snapshot the canonical document of a case. Call inside the transaction that changed it."""
    fresh = Case.objects.prefetch_related(*DOCUMENT_PREFETCH).get(pk=case.pk)
    last = Revision.objects.filter(case=case).order_by("-number").values_list("number", flat=True)
    return Revision.objects.create(
        case=case,
        number=(last.first() or 0) + 1,
        kind=kind,
        case_version=fresh.version,
        summary=summary[:200],
        document=case_to_document(fresh),
        created_by=by,
    )


def revision_at(case: Case, version: int) -> Revision | None:
    """The latest snapshot of a case as it was at `version`, if one was taken."""
    return Revision.objects.filter(case=case, case_version=version).order_by("-number").first()


@contextlib.contextmanager
def _edit(case: Case, *, by: User, base_version: int, summary: str) -> Iterator[Case]:
    """The locked case, for one edit made from `base_version`; raises its version once after."""
    refuse_if_frozen(case)
    if not permissions.can_edit(by, case):
        raise PermissionDenied(
            "This case cannot be edited now: only its authors edit it, while it is a draft "
            "or changes have been requested."
        )
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        refuse_if_frozen(locked)
        if not permissions.can_edit(by, locked):
            raise PermissionDenied("This case cannot be edited in its current state.")
        if locked.version != base_version:
            raise StaleEdit(locked, base_version=base_version)
        yield locked
        locked.refresh_from_db()
        locked.version = base_version + 1
        locked.save(update_fields=["version", "updated_at"])
        refresh_search_vector([locked.pk])
        record_revision(locked, kind=Revision.Kind.EDITED, by=by, summary=summary)


# --- The whole of an editor's page, or of an API document update ------------------------------


def change_case(
    case: Case, *, by: User, base_version: int, changes: CaseChanges, summary: str = "Edited"
) -> Case:
    """Write the parts of a case that `changes` names, as one edit."""
    with _edit(case, by=by, base_version=base_version, summary=summary) as locked:
        _write(locked, changes)
    return locked


def _write(locked: Case, changes: CaseChanges) -> None:
    if changes.fields or changes.systems is not None or changes.tags is not None:
        _write_fields(locked, changes.fields, systems=changes.systems, tags=changes.tags)
    if changes.studies is not None:
        write_studies(locked, changes.studies)
    if changes.sections is not None:
        write_sections(locked, changes.sections)
    if changes.differentials is not None:
        write_differentials(locked, changes.differentials)
    if changes.teaching_points is not None:
        write_teaching_points(locked, changes.teaching_points)
    if changes.references is not None:
        write_references(locked, changes.references)
    if changes.commentaries is not None:
        write_commentaries(locked, changes.commentaries)
    if changes.rehabilitation is not None:
        write_rehabilitation(locked, changes.rehabilitation)
    if changes.authors is not None:
        write_authors(locked, changes.authors)
    if changes.questions is not None:
        write_questions(locked, changes.questions)


def _write_fields(
    locked: Case,
    fields: Mapping[str, Any],
    *,
    systems: list[System] | None = None,
    tags: list[str] | None = None,
) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not an editable field of a case: {', '.join(sorted(unknown))}")
    if fields:
        title_changed = "title" in fields and fields["title"] != locked.title
        for name, value in fields.items():
            setattr(locked, name, value)
        update = [*fields, "updated_at"]
        if title_changed and locked.published_at is None:
            # Nobody links to an unpublished case's address yet: let it follow the title.
            locked.slug = slugify(locked.title)[:300] or "case"
            update.append("slug")
        locked.save(update_fields=update)
    if systems is not None:
        locked.systems.set(systems)
    if tags is not None:
        locked.tags.set([tag_named(name) for name in tags])


def tag_named(name: str) -> Tag:
    """The tag of that name, whatever its scheme, or a new custom one."""
    existing = Tag.objects.filter(name__iexact=name).order_by("pk").first()
    if existing:
        return existing
    return Tag.objects.create(name=name, scheme=Tag.Scheme.CUSTOM, slug=slugify(name)[:140])


# --- Named operations, one edit each -------------------------------------------------------------


def change_case_fields(
    case: Case,
    *,
    by: User,
    base_version: int,
    fields: Mapping[str, Any],
    systems: list[System] | None = None,
    tags: list[str] | None = None,
    summary: str = "Edited",
) -> Case:
    """Change the case's own fields (overview, diagnosis, rights, unknown mode), its body
    systems and its tags (by name: an existing tag of that name is reused)."""
    changes = CaseChanges(fields=dict(fields), systems=systems, tags=tags)
    return change_case(case, by=by, base_version=base_version, changes=changes, summary=summary)


def set_rights(
    case: Case, *, by: User, base_version: int, rights: Mapping[str, Any], summary: str = "Rights"
) -> Case:
    """Set the licence, copyright holder, attribution, source and the patient's consent."""
    unknown = set(rights) - set(RIGHTS_FIELDS)
    if unknown:
        raise ValueError(f"Not a rights field: {', '.join(sorted(unknown))}")
    return change_case_fields(
        case, by=by, base_version=base_version, fields=rights, summary=summary
    )


def replace_sections(
    case: Case, *, by: User, base_version: int, sections: list[SectionRow], summary: str = ""
) -> Case:
    return change_case(
        case,
        by=by,
        base_version=base_version,
        changes=CaseChanges(sections=sections),
        summary=summary or "Discussion",
    )


def replace_differentials(
    case: Case,
    *,
    by: User,
    base_version: int,
    differentials: list[DifferentialRow],
    summary: str = "",
) -> Case:
    return change_case(
        case,
        by=by,
        base_version=base_version,
        changes=CaseChanges(differentials=differentials),
        summary=summary or "Differential diagnoses",
    )


def replace_teaching_points(
    case: Case,
    *,
    by: User,
    base_version: int,
    teaching_points: list[TeachingPointRow],
    summary: str = "",
) -> Case:
    return change_case(
        case,
        by=by,
        base_version=base_version,
        changes=CaseChanges(teaching_points=teaching_points),
        summary=summary or "Teaching points",
    )


def replace_references(
    case: Case, *, by: User, base_version: int, references: list[ReferenceRow], summary: str = ""
) -> Case:
    """Replace the references; they are numbered [1]… in the order given."""
    return change_case(
        case,
        by=by,
        base_version=base_version,
        changes=CaseChanges(references=references),
        summary=summary or "References",
    )


def replace_commentaries(
    case: Case,
    *,
    by: User,
    base_version: int,
    commentaries: list[CommentaryRow],
    rehabilitation: dict[str, str] | None = None,
    summary: str = "",
) -> Case:
    """Replace the commentaries (a changed text is no longer verified) and, when given, the
    rehabilitation plan."""
    return change_case(
        case,
        by=by,
        base_version=base_version,
        changes=CaseChanges(commentaries=commentaries, rehabilitation=rehabilitation),
        summary=summary or "Commentaries",
    )


def replace_authors(
    case: Case, *, by: User, base_version: int, authors: list[AuthorRow], summary: str = ""
) -> Case:
    """Replace the byline, in order. The case's creator always stays one of its authors."""
    return change_case(
        case,
        by=by,
        base_version=base_version,
        changes=CaseChanges(authors=authors),
        summary=summary or "Authors",
    )


def replace_questions(
    case: Case, *, by: User, base_version: int, questions: list[QuestionRow], summary: str = ""
) -> Case:
    return change_case(
        case,
        by=by,
        base_version=base_version,
        changes=CaseChanges(questions=questions),
        summary=summary or "Quiz",
    )


def replace_studies(
    case: Case, *, by: User, base_version: int, studies: list[StudyRow], summary: str = ""
) -> Case:
    """Replace the studies, in order, with their figures' texts and order; the images of
    removed figures are deleted once no other figure uses them."""
    return change_case(
        case,
        by=by,
        base_version=base_version,
        changes=CaseChanges(studies=studies),
        summary=summary or "Studies",
    )


# --- One study or one figure (the API's sub-resources) -----------------------------------------


def renumber(rows: list[Model]) -> None:
    """Positions 0…n-1 in the order given, written only where they changed."""
    moved = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            moved.append(row)
    if moved:
        type(moved[0]).objects.bulk_update(moved, ["position"])


def add_study(
    case: Case,
    *,
    by: User,
    base_version: int,
    modality: str,
    label: str = "",
    timing: str = "",
    findings: str = "",
) -> Study:
    """Add a study after the case's other studies."""
    study = Study(modality=modality, label=label, timing=timing, findings=findings)
    with _edit(case, by=by, base_version=base_version, summary=f"Study added: {study}") as locked:
        study.case = locked
        study.position = locked.studies.count()
        study.save()
    return study


def change_study(
    case: Case,
    study: Study,
    *,
    by: User,
    base_version: int,
    changes: Mapping[str, Any],
    position: int | None = None,
) -> Case:
    """Change a study's modality, label, timing or findings and, when `position` is given,
    move it there (0 is first; past the end is last): one edit."""
    unknown = set(changes) - set(STUDY_FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a study: {', '.join(sorted(unknown))}")
    changed = Study(
        pk=study.pk,
        position=study.position,
        **{name: getattr(study, name) for name in STUDY_FIELDS},
    )
    for name, value in changes.items():
        setattr(changed, name, value)
    summary = f"Study changed: {changed}"
    with _edit(case, by=by, base_version=base_version, summary=summary) as locked:
        if changes:
            Study.objects.filter(pk=study.pk, case=locked).update(**changes)
        if position is not None:
            rows = list(locked.studies.exclude(pk=study.pk))
            rows.insert(min(position, len(rows)), changed)
            renumber(rows)
    return locked


def move_study(case: Case, study: Study, *, by: User, base_version: int, position: int) -> Case:
    """Move a study among the case's studies (0 is first; past the end is last)."""
    return change_study(
        case, study, by=by, base_version=base_version, changes={}, position=position
    )


def remove_study(case: Case, study: Study, *, by: User, base_version: int) -> Case:
    """Remove a study with its figures; their images go once no other figure uses them."""
    summary = f"Study removed: {study}"
    with _edit(case, by=by, base_version=base_version, summary=summary) as locked:
        stored = locked.studies.filter(pk=study.pk).first()
        if stored is not None:
            release_files_of(list(stored.figures.all()))
            stored.delete()
            renumber(list(locked.studies.all()))
    return locked


def change_figure(
    figure: Figure,
    *,
    by: User,
    base_version: int,
    changes: Mapping[str, str] | None = None,
    annotations: list[dict[str, Any]] | None = None,
    study: Study | None = None,
    position: int | None = None,
    summary: str = "",
) -> Case:
    """Change a figure's label, caption or alt text; when given, replace its drawn shapes
    (checked beforehand against the image: `figures.clean_annotations`) and move it to
    `position` (0 is first; past the end is last) of `study`, another study of the same case,
    or of its own: one edit."""
    changes = dict(changes or {})
    unknown = set(changes) - set(FIGURE_FIELDS)
    if unknown:
        raise ValueError(f"Not a text of a figure: {', '.join(sorted(unknown))}")
    if annotations is not None:
        changes["annotations"] = annotations
    summary = summary or f"Figure changed: {figure}"
    with _edit(figure.study.case, by=by, base_version=base_version, summary=summary) as locked:
        if changes:
            # Only these columns: processing may change the figure's others meanwhile.
            Figure.objects.filter(pk=figure.pk, study__case=locked).update(**changes)
        if study is not None or position is not None:
            _move_figure(locked, figure, study=study, position=position)
    return locked


def _move_figure(
    locked: Case, figure: Figure, *, study: Study | None, position: int | None
) -> None:
    target = study.pk if study is not None else figure.study_id
    if not locked.studies.filter(pk=target).exists():
        raise ValidationError({"study": "A figure moves only among the studies of its case."})
    Figure.objects.filter(pk=figure.pk).update(study_id=target)
    moved = Figure.objects.only("id", "position").get(pk=figure.pk)
    rows = list(Figure.objects.filter(study_id=target).exclude(pk=figure.pk).only("id", "position"))
    rows.insert(len(rows) if position is None else min(position, len(rows)), moved)
    renumber(rows)
    if target != figure.study_id:
        renumber(list(Figure.objects.filter(study_id=figure.study_id).only("id", "position")))


def annotate_figure(
    figure: Figure, *, by: User, base_version: int, annotations: list[dict[str, Any]]
) -> Case:
    """Replace the shapes drawn on a figure (already checked against its image)."""
    return change_figure(
        figure,
        by=by,
        base_version=base_version,
        annotations=annotations,
        summary=f"Annotations of {figure}",
    )


def remove_figure(figure: Figure, *, by: User, base_version: int) -> Case:
    """Remove a figure; its image files go once no other figure uses them."""
    summary = f"Figure removed: {figure}"
    with _edit(figure.study.case, by=by, base_version=base_version, summary=summary) as locked:
        stored = Figure.objects.filter(pk=figure.pk, study__case=locked).first()
        if stored is not None:
            release_files_of([stored])
            stored.delete()
            renumber(list(Figure.objects.filter(study_id=figure.study_id)))
    return locked
