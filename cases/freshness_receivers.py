"""Every save or delete of a case or of a part its page shows bumps the case's version
(cases/freshness.py), so a cached page is never served after a change.

Receivers rather than calls in each service: a new service, an admin edit or an import cannot
forget them. Writes that bypass signals (queryset `.update()`, `bulk_create`) happen inside
services that also save the case row (`version`, `updated_at`), which bumps it; the few that
do not call `figure_changed` or `freshness.case_changed` themselves.

The only write that must not bump is the view count ("most viewed"), which would otherwise
make every page view a cache miss.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import freshness
from .models import (
    Case,
    CaseAuthor,
    CaseEvent,
    Commentary,
    DifferentialDiagnosis,
    ExercisePrescription,
    Figure,
    Reference,
    Section,
    Study,
    System,
    Tag,
    TeachingPoint,
)

# Fields whose change no page shows, so a save of only these leaves the pages as they are.
UNSHOWN_CASE_FIELDS = frozenset({"view_count", "search_vector", "search_terms", "facet_values"})

# Parts whose rows carry `case_id`. Studies are also on the cards of lists (modalities); the
# other parts change the text that search matches. So every one of them bumps the lists too.
CASE_PARTS = (CaseAuthor, Section, DifferentialDiagnosis, TeachingPoint, Reference, Commentary)


def figure_changed(figure: Figure) -> None:
    """A figure's image, status, caption or annotations changed: its case's page and the cards
    (which show a ready figure as the thumbnail) change with it."""
    study_field = Figure._meta.get_field("study")
    if study_field.is_cached(figure):
        case_id = figure.study.case_id
    else:
        case_id = Study.objects.filter(pk=figure.study_id).values_list("case_id", flat=True).first()
    if case_id is not None:
        freshness.case_changed(case_id)


def _case_saved(sender, instance: Case, update_fields=None, **kwargs: Any) -> None:
    if update_fields and set(update_fields) <= UNSHOWN_CASE_FIELDS:
        return
    freshness.case_changed(instance.pk)


def _case_deleted(sender, instance: Case, **kwargs: Any) -> None:
    freshness.case_changed(instance.pk)


def _part_changed(sender, instance, **kwargs: Any) -> None:
    freshness.case_changed(instance.case_id)


def _figure_changed(sender, instance: Figure, **kwargs: Any) -> None:
    figure_changed(instance)


def _prescription_changed(sender, instance: ExercisePrescription, **kwargs: Any) -> None:
    # Rare (a rehabilitation case's prescription): two small lookups are fine here.
    case_ids = set(Case.objects.filter(rehabilitation=instance).values_list("pk", flat=True))
    case_ids.update(
        Commentary.objects.filter(rehabilitation=instance).values_list("case_id", flat=True)
    )
    for case_id in case_ids:
        freshness.case_changed(case_id)


def _labels_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs: Any) -> None:
    """Tags or systems added to or taken from a case (or cases added to a tag or system)."""
    if not action.startswith("post_"):
        return
    if not reverse:
        freshness.case_changed(instance.pk)
    elif pk_set:
        for case_id in pk_set:
            freshness.case_changed(case_id)
    else:  # `tag.cases.clear()`: the cases are gone from the relation already
        freshness.catalogue_changed()


def _label_renamed(sender, instance: Tag | System, created: bool, **kwargs: Any) -> None:
    """A tag or system renamed: every case page showing it, and the facets of every list."""
    if created:
        return  # no case has it yet; adding it to one is an m2m change
    freshness.catalogue_changed()
    for case_id in instance.cases.values_list("pk", flat=True):
        freshness.case_changed(case_id, listed=False)


# A member's save that changes nothing a page shows about them (their name is shown).
UNSHOWN_MEMBER_FIELDS = frozenset(
    {"last_login", "password", "suspended_at", "suspension_reason", "is_active"}
)


def member_saved_visibly(update_fields) -> bool:
    """Whether a save of a member may change their name as pages show it."""
    return not (update_fields and set(update_fields) <= UNSHOWN_MEMBER_FIELDS)


def _member_saved(sender, instance, created: bool, update_fields=None, **kwargs: Any) -> None:
    """An author renamed: the pages and citations of the cases they author show the new name."""
    if created or not member_saved_visibly(update_fields):
        return
    for case_id in CaseAuthor.objects.filter(user=instance).values_list("case_id", flat=True):
        freshness.case_changed(case_id, listed=False)


def connect() -> None:
    post_save.connect(_case_saved, sender=Case, dispatch_uid="freshness-case-saved")
    post_delete.connect(_case_deleted, sender=Case, dispatch_uid="freshness-case-deleted")
    # Every editorial transition (publication, retraction, unpublishing) writes an event.
    post_save.connect(_part_changed, sender=CaseEvent, dispatch_uid="freshness-case-event")
    for model in (*CASE_PARTS, Study):
        name = model._meta.model_name
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"freshness-{name}-saved")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"freshness-{name}-deleted")
    post_save.connect(_figure_changed, sender=Figure, dispatch_uid="freshness-figure-saved")
    post_delete.connect(_figure_changed, sender=Figure, dispatch_uid="freshness-figure-deleted")
    post_save.connect(
        _prescription_changed, sender=ExercisePrescription, dispatch_uid="freshness-prescription"
    )
    for relation in (Case.tags.through, Case.systems.through):
        m2m_changed.connect(
            _labels_changed, sender=relation, dispatch_uid=f"freshness-{relation.__name__}"
        )
    for model in (Tag, System):
        name = model._meta.model_name
        post_save.connect(_label_renamed, sender=model, dispatch_uid=f"freshness-{name}-saved")
    post_save.connect(
        _member_saved, sender=get_user_model(), dispatch_uid="freshness-author-renamed"
    )
