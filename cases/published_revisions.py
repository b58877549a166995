"""New revisions of published cases: opened as a draft copy, published back into the case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Replace

from notifications.models import Notification

from . import permissions
from .citation import names_to_cite
from .editing import EDITABLE_FIELDS, record_revision
from .models import (
    Case,
    CaseAuthor,
    CaseEvent,
    Commentary,
    DifferentialDiagnosis,
    ExercisePrescription,
    Figure,
    QuizQuestion,
    Reference,
    Revision,
    Section,
    Study,
    TeachingPoint,
)
from .search_vector import refresh_search_vector
from .transitions import (
    InvalidTransition,
    apply_transition,
    locked_case,
    notify_people,
    site_authors_of,
)
from .workflow import Action

if TYPE_CHECKING:
    from accounts.models import User

# --- New revisions of published cases --------------------------------------------------------
#
# Editing a published case happens on a draft copy (`revision_of` points at the published case),
# which goes through review like any submission. Publishing it moves its content into the
# published case, so the case keeps its id, link, comments and citation.

CASE_CONTENT_FIELDS = EDITABLE_FIELDS
CASE_PART_MODELS = (
    CaseAuthor,
    Section,
    DifferentialDiagnosis,
    TeachingPoint,
    Reference,
    QuizQuestion,
)


def _copy_prescription(prescription: ExercisePrescription | None) -> ExercisePrescription | None:
    if prescription is None:
        return None
    prescription.pk = None
    prescription._state.adding = True
    prescription.save()
    return prescription


def start_revision(case: Case, *, by: User) -> Case:
    """Open a new draft revision of a published case (or return the one already open)."""
    if not permissions.can_start_revision(by, case):
        raise PermissionDenied("Only the authors of a published case can revise it.")
    with transaction.atomic():
        case = locked_case(case)
        if case.status != Case.Status.PUBLISHED:
            raise InvalidTransition("Only a published case is revised as a new draft.")
        pending = case.pending_revisions.exclude(
            status__in=[Case.Status.REJECTED, Case.Status.WITHDRAWN]
        ).first()
        if pending is not None:
            return pending
        source = Case.objects.select_related("rehabilitation").get(pk=case.pk)
        draft = Case.objects.get(pk=case.pk)
        draft.pk = None
        draft._state.adding = True
        draft.status = Case.Status.DRAFT
        draft.revision_of = case
        draft.featured = False
        draft.published_at = None
        draft.cited_authors = None  # recorded when the revision is published
        draft.version = 1
        draft.rehabilitation = _copy_prescription(source.rehabilitation)
        draft.save()
        draft.tags.set(case.tags.all())
        draft.systems.set(case.systems.all())
        for model in CASE_PART_MODELS:
            rows = list(model.objects.filter(case=case))
            for row in rows:
                row.pk = None
                row.case = draft
            model.objects.bulk_create(rows)
        for commentary in Commentary.objects.filter(case=case).select_related("rehabilitation"):
            commentary.pk = None
            commentary.case = draft
            commentary.rehabilitation = _copy_prescription(commentary.rehabilitation)
            commentary.save()
        for study in Study.objects.filter(case=case).prefetch_related("figures"):
            figures = list(study.figures.all())
            study.pk = None
            study.case = draft
            study.save()
            for figure in figures:  # the copies share the stored image files
                figure.pk = None
                figure.study = study
            Figure.objects.bulk_create(figures)
        refresh_search_vector([draft.pk])
        record_revision(
            draft,
            kind=Revision.Kind.CREATED,
            by=by,
            summary=f"New revision of published case {case.pk}",
        )
        CaseEvent.objects.create(
            case=case,
            actor=by,
            action="start_revision",
            from_status=case.status,
            to_status=case.status,
            note=f"New revision opened as case {draft.pk}.",
            case_version=case.version,
        )
    return draft


def publish_revision(draft: Case, *, by: User, note: str) -> Case:
    """Move an accepted revision's content into its published case (inside publish_case)."""
    published = locked_case(draft.revision_of)
    apply_transition(draft, Action.PUBLISH, by=by, note=note)

    for model in CASE_PART_MODELS:
        model.objects.filter(case=published).delete()
        model.objects.filter(case=draft).update(case=published)
    old_commentaries = Commentary.objects.filter(case=published)
    ExercisePrescription.objects.filter(
        pk__in=old_commentaries.exclude(rehabilitation=None).values("rehabilitation")
    ).delete()
    old_commentaries.delete()
    Commentary.objects.filter(case=draft).update(case=published)
    Study.objects.filter(case=published).delete()
    Study.objects.filter(case=draft).update(case=published)

    old_prescription = published.rehabilitation
    for name in CASE_CONTENT_FIELDS:
        setattr(published, name, getattr(draft, name))
    published.slug = ""  # recomputed from the (possibly new) title on save
    # The revision's publication records the names as cited now, display names included.
    published.cited_authors = names_to_cite(
        Case.objects.prefetch_related("authors__user").get(pk=published.pk)
    )
    published.rehabilitation = draft.rehabilitation
    draft.rehabilitation = None
    draft.save(update_fields=["rehabilitation"])
    published.version += 1
    published.published_revision = max(published.published_revision, 1) + 1
    published.save()
    if old_prescription is not None and old_prescription.pk != published.rehabilitation_id:
        old_prescription.delete()
    published.tags.set(draft.tags.all())
    published.systems.set(draft.systems.all())
    refresh_search_vector([published.pk])

    # The revision's history (its audit rows, reviews and snapshots) joins the published case.
    last = Revision.objects.filter(case=published).order_by("-number").first()
    next_number = (last.number if last else 0) + 1
    for revision in Revision.objects.filter(case=draft).order_by("number"):
        revision.case = published
        revision.number = next_number
        revision.save(update_fields=["case", "number"])
        next_number += 1
    CaseEvent.objects.filter(case=draft).update(case=published)
    draft.reviews.update(case=published)
    # Links to the revision's pages now lead to the published case's.
    Notification.objects.filter(case=draft).update(
        case=published,
        url=Replace(F("url"), Value(f"/cases/{draft.pk}/"), Value(f"/cases/{published.pk}/")),
    )
    draft.delete()

    record_revision(
        published, kind=Revision.Kind.PUBLISHED, by=by, summary="New revision published"
    )
    notify_people(
        site_authors_of(published),
        kind="published",
        case=published,
        title=f"New revision published: {published.title}",
        body=f"The new revision of “{published.title}” is published and replaces the previous one.",
        url=published.get_absolute_url(),
    )
    return published
