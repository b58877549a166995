"""Every write that spans rows or checks a role. Pages, the API and commands call these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from search.indexing import refresh_search_vector

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

# Figure writes live in figures.py; pages, the admin and commands also find them here.
from .figures import add_figure, attach_figure_image, process_figure_again  # noqa: F401
from .files import forget_files_of
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
    System,
    Tag,
    TeachingPoint,
)
from .workflow import TRANSITIONS, Action, Actor, Transition, state_label

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
        case.save(update_fields=["status", "published_at", "version", "updated_at"])
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


# --- The editorial workflow (PRODUCT.md section 4) -------------------------------------------
#
# Each action is one function. Each locks the case row, checks the actor through
# `permissions.py` and the state through the table in `workflow.py`, writes an audit row and
# queues its notifications to be sent after the transaction commits.


class InvalidTransition(ValidationError):
    """The action is not possible from the case's current state."""


def site_authors_of(case: Case) -> list[User]:
    from accounts.models import User

    return list(
        User.objects.filter(is_active=True)
        .filter(Q(pk=case.created_by_id) | Q(authorships__case=case))
        .distinct()
    )


def editors_of(case: Case) -> list[User]:
    """Editors who may act on this case: every active editor who is not one of its authors."""
    from accounts.models import Role, User

    authors = {user.pk for user in site_authors_of(case)}
    return [
        user
        for user in User.objects.filter(is_active=True, groups__name=Role.EDITOR).distinct()
        if user.pk not in authors
    ]


def notify_people(
    recipients: Iterable[User], *, kind: str, case: Case, title: str, body: str, url: str
) -> None:
    from notifications.services import notify

    notify(recipients, kind=kind, case=case, title=title, body=body, url=url)


def _editorial_url(case: Case) -> str:
    return reverse("case-editorial", kwargs={"pk": case.pk})


def _check_transition(case: Case, action: str, *, by: User, note: str) -> Transition:
    transition = TRANSITIONS[action]
    if not permissions.can_take_action(by, case, action):
        if permissions.is_author_of(by, case) and transition.actor == Actor.EDITOR:
            raise PermissionDenied("Editors do not decide on cases they (co-)author.")
        if permissions.is_author_of(by, case) and transition.actor == Actor.MODERATOR:
            raise PermissionDenied("Moderators do not act on cases they (co-)author.")
        raise PermissionDenied(
            f"Only {transition.actor.label} can {transition.action.label.lower()}."
        )
    if case.status not in transition.sources:
        allowed = ", ".join(sorted(state_label(status) for status in transition.sources))
        raise InvalidTransition(
            f"A case that is {state_label(case.status)} cannot be "
            f"{ACTION_PARTICIPLES[action]}; this is only possible when it is {allowed}."
        )
    if transition.note_required and not note.strip():
        raise ValidationError({"note": f"{transition.note_label} is required."})
    return transition


ACTION_PARTICIPLES = {
    Action.SUBMIT: "submitted",
    Action.WITHDRAW: "withdrawn",
    Action.REOPEN: "reopened as a draft",
    Action.START_REVIEW: "put in review",
    Action.REQUEST_CHANGES: "sent back for changes",
    Action.ACCEPT: "accepted",
    Action.REJECT: "rejected",
    Action.PUBLISH: "published",
    Action.RETRACT: "retracted",
    Action.RETURN_TO_DRAFT: "returned to draft",
    Action.UNPUBLISH: "sent back to the editors",
}


def _transition(
    case: Case, action: str, *, by: User, note: str = "", extra_fields: Iterable[str] = ()
) -> tuple[Case, str]:
    """Move a locked case to the action's target state and write the audit row.

    Call inside `transaction.atomic()` with a case fetched `select_for_update()`.
    Returns the case and the state it came from.
    """
    transition = _check_transition(case, action, by=by, note=note)
    from_status = case.status
    case.status = transition.target
    case.save(update_fields=["status", "updated_at", *extra_fields])
    CaseEvent.objects.create(
        case=case,
        actor=by,
        action=action,
        from_status=from_status,
        to_status=case.status,
        note=note.strip(),
        case_version=case.version,
    )
    return case, from_status


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def submit_case(case: Case, *, by: User, note: str = "") -> Case:
    """An author submits a draft (or a revised case) for peer review; its content is frozen."""
    with transaction.atomic():
        case = _locked(case)
        case, from_status = _transition(case, Action.SUBMIT, by=by, note=note)
        record_revision(case, kind=Revision.Kind.SUBMITTED, by=by, summary="Submitted for review")
        again = from_status == Case.Status.CHANGES_REQUESTED
        notify_people(
            editors_of(case),
            kind="submitted",
            case=case,
            title=f"{'Revised submission' if again else 'New submission'}: {case.title}",
            body=f"{by} submitted “{case.title}” (version {case.version}) for review."
            + (f"\n\nNote from the authors:\n{note.strip()}" if note.strip() else ""),
            url=_editorial_url(case),
        )
    return case


def withdraw_case(case: Case, *, by: User, note: str = "") -> Case:
    """An author takes a submission back before peer review starts."""
    with transaction.atomic():
        case, _ = _transition(_locked(case), Action.WITHDRAW, by=by, note=note)
        notify_people(
            editors_of(case),
            kind="decision",
            case=case,
            title=f"Submission withdrawn: {case.title}",
            body=f"{by} withdrew “{case.title}”." + (f"\n\n{note.strip()}" if note else ""),
            url=_editorial_url(case),
        )
    return case


def reopen_case(case: Case, *, by: User, note: str = "") -> Case:
    """An author turns a withdrawn case back into a draft to work on it again."""
    with transaction.atomic():
        case, _ = _transition(_locked(case), Action.REOPEN, by=by, note=note)
    return case


def _decide(case: Case, action: str, *, by: User, message: str, title: str) -> Case:
    with transaction.atomic():
        case, _ = _transition(_locked(case), action, by=by, note=message)
        if action in (Action.REQUEST_CHANGES, Action.REJECT, Action.RETURN_TO_DRAFT):
            # Reviews still owed are no longer needed once the editor has decided.
            case.reviews.filter(status="assigned").update(status="cancelled")
        notify_people(
            site_authors_of(case),
            kind="decision",
            case=case,
            title=f"{title}: {case.title}",
            body=f"The editor ({by}) decided on “{case.title}”: {title.lower()}."
            + (f"\n\nMessage from the editor:\n{message.strip()}" if message.strip() else ""),
            url=_editorial_url(case),
        )
    return case


def request_changes(case: Case, *, by: User, message: str) -> Case:
    """An editor sends a case back to its authors for changes, with a message."""
    return _decide(case, Action.REQUEST_CHANGES, by=by, message=message, title="Changes requested")


def accept_case(case: Case, *, by: User, message: str = "") -> Case:
    return _decide(case, Action.ACCEPT, by=by, message=message, title="Accepted")


def reject_case(case: Case, *, by: User, message: str) -> Case:
    return _decide(case, Action.REJECT, by=by, message=message, title="Rejected")


def return_to_draft(case: Case, *, by: User, reason: str) -> Case:
    """An editor pushes a case back to draft, with the reason, so its authors can rework it."""
    return _decide(case, Action.RETURN_TO_DRAFT, by=by, message=reason, title="Returned to draft")


def start_review(case: Case, *, by: User) -> Case:
    with transaction.atomic():
        case, _ = _transition(_locked(case), Action.START_REVIEW, by=by)
    return case


def publish_case(case: Case, *, by: User, note: str = "") -> Case:
    """An editor publishes an accepted case whose publication checklist is complete.

    A new revision of a published case replaces the published content in place when it is
    published, so links, comments and the citation stay with the case.
    """
    with transaction.atomic():
        case = _locked(case)
        _check_transition(case, Action.PUBLISH, by=by, note=note)
        full = Case.objects.prefetch_related(
            "studies__figures", "teaching_points", "commentaries"
        ).get(pk=case.pk)
        blockers = full.publication_blockers()
        if blockers:
            raise ValidationError(
                ["The case cannot be published yet:", *blockers], code="publication_blocked"
            )
        if case.revision_of_id:
            return _publish_revision(case, by=by, note=note)
        case.published_at = case.published_at or timezone.now()
        case, _ = _transition(case, Action.PUBLISH, by=by, note=note, extra_fields=["published_at"])
        refresh_search_vector([case.pk])
        record_revision(case, kind=Revision.Kind.PUBLISHED, by=by, summary="Published")
        notify_people(
            site_authors_of(case),
            kind="published",
            case=case,
            title=f"Published: {case.title}",
            body=f"“{case.title}” is published and can now be read by its audience.",
            url=case.get_absolute_url(),
        )
    return case


def retract_case(case: Case, *, by: User, reason: str) -> Case:
    """An editor withdraws a published case from readers, with the reason recorded."""
    with transaction.atomic():
        case = _locked(case)
        case.featured = False  # a retracted case is no longer shown on the home page
        case, _ = _transition(case, Action.RETRACT, by=by, note=reason, extra_fields=["featured"])
        notify_people(
            site_authors_of(case),
            kind="retracted",
            case=case,
            title=f"Retracted: {case.title}",
            body=f"The editor ({by}) retracted “{case.title}”.\n\nReason:\n{reason.strip()}",
            url=_editorial_url(case),
        )
    return case


def unpublish_case(case: Case, *, by: User, reason: str) -> Case:
    """A moderator takes a published case off the site and hands it back to the editors.

    The case goes back to accepted: its editors see it on their dashboard and publish it again
    or return it to its authors. Readers' reports are resolved by `community.moderation`,
    which calls this through `take_action`.
    """
    with transaction.atomic():
        case = _locked(case)
        case.featured = False
        case, _ = _transition(case, Action.UNPUBLISH, by=by, note=reason, extra_fields=["featured"])
        recipients = [*editors_of(case), *site_authors_of(case)]
        notify_people(
            recipients,
            kind="moderation",
            case=case,
            title=f"Sent back to the editors: {case.title}",
            body=f"A moderator ({by}) took “{case.title}” off the site. It is accepted again: "
            f"an editor can publish it again or return it to its authors."
            f"\n\nReason:\n{reason.strip()}",
            url=_editorial_url(case),
        )
    return case


def verify_commentary(commentary: Commentary, *, by: User) -> Commentary:
    """Record that a person checked a machine-generated commentary and vouches for it."""
    if not permissions.can_verify_commentary(by, commentary.case):
        raise PermissionDenied(
            "Only editors, or reviewers of this case, can verify a machine-generated commentary."
        )
    with transaction.atomic():
        commentary = Commentary.objects.select_for_update().get(pk=commentary.pk)
        if not commentary.is_machine_generated:
            raise ValidationError("Only machine-generated commentaries need verifying.")
        commentary.verified_by = by
        commentary.verified_at = timezone.now()
        commentary.save(update_fields=["verified_by", "verified_at"])
    return commentary


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
        case = _locked(case)
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


def _publish_revision(draft: Case, *, by: User, note: str) -> Case:
    """Move an accepted revision's content into its published case (inside publish_case)."""
    published = _locked(draft.revision_of)
    _transition(draft, Action.PUBLISH, by=by, note=note)

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
    published.rehabilitation = draft.rehabilitation
    draft.rehabilitation = None
    draft.save(update_fields=["rehabilitation"])
    published.version += 1
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
    from notifications.models import Notification

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


def take_action(case: Case, *, action: str, by: User, note: str = "") -> Case:
    """Carry out a workflow action by name: what the editorial page and the API call."""
    if action not in TRANSITIONS or action == Action.START_REVIEW:
        raise InvalidTransition(f"“{action}” is not a workflow action.")
    match action:
        case Action.SUBMIT:
            return submit_case(case, by=by, note=note)
        case Action.WITHDRAW:
            return withdraw_case(case, by=by, note=note)
        case Action.REOPEN:
            return reopen_case(case, by=by, note=note)
        case Action.REQUEST_CHANGES:
            return request_changes(case, by=by, message=note)
        case Action.ACCEPT:
            return accept_case(case, by=by, message=note)
        case Action.REJECT:
            return reject_case(case, by=by, message=note)
        case Action.PUBLISH:
            return publish_case(case, by=by, note=note)
        case Action.RETRACT:
            return retract_case(case, by=by, reason=note)
        case Action.RETURN_TO_DRAFT:
            return return_to_draft(case, by=by, reason=note)
        case Action.UNPUBLISH:
            return unpublish_case(case, by=by, reason=note)
    raise InvalidTransition(f"“{action}” is not a workflow action.")  # pragma: no cover


def delete_draft(case: Case, *, by: User) -> None:
    """The creator of a draft that was never submitted deletes it, with its images' files.

    A case that has been submitted keeps its record (reviews, audit trail): it is withdrawn
    or rejected instead, never deleted.
    """
    if not by.is_authenticated or (case.created_by_id != by.pk and not by.is_superuser):
        raise PermissionDenied("Only the author who created a draft can delete it.")
    if not permissions.can_delete_draft(by, case):
        raise InvalidTransition(
            f"A case that is {state_label(case.status)} cannot be deleted; only drafts can."
        )
    with transaction.atomic():
        case = _locked(case)
        if case.status != Case.Status.DRAFT:
            raise InvalidTransition(
                f"A case that is {state_label(case.status)} cannot be deleted; only drafts can."
            )
        if CaseEvent.objects.filter(case=case, action=Action.SUBMIT).exists():
            raise InvalidTransition(
                "This draft has been submitted before, so it keeps its record: "
                "it cannot be deleted."
            )
        forget_files_of(list(Figure.objects.filter(study__case=case)))
        case.delete()
