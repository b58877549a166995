"""The editorial workflow's actions (PRODUCT.md section 4), one function each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import permissions
from .citation import names_to_cite
from .editing import record_revision
from .files import release_files_of
from .models import (
    Case,
    CaseEvent,
    Commentary,
    Figure,
    Revision,
)
from .search_vector import refresh_search_vector
from .workflow import TRANSITIONS, Action, state_label

if TYPE_CHECKING:
    from accounts.models import User
from .published_revisions import publish_revision
from .transitions import (
    InvalidTransition,
    apply_transition,
    check_transition,
    editorial_url,
    editors_of,
    locked_case,
    notify_people,
    site_authors_of,
)


def submit_case(case: Case, *, by: User, note: str = "") -> Case:
    """An author submits a draft (or a revised case) for peer review; its content is frozen."""
    with transaction.atomic():
        case = locked_case(case)
        case, from_status = apply_transition(case, Action.SUBMIT, by=by, note=note)
        record_revision(case, kind=Revision.Kind.SUBMITTED, by=by, summary="Submitted for review")
        again = from_status == Case.Status.CHANGES_REQUESTED
        notify_people(
            editors_of(case),
            kind="submitted",
            case=case,
            title=f"{'Revised submission' if again else 'New submission'}: {case.title}",
            body=f"{by} submitted “{case.title}” (version {case.version}) for review."
            + (f"\n\nNote from the authors:\n{note.strip()}" if note.strip() else ""),
            url=editorial_url(case),
        )
    return case


def withdraw_case(case: Case, *, by: User, note: str = "") -> Case:
    """An author takes a submission back before peer review starts."""
    with transaction.atomic():
        case, _ = apply_transition(locked_case(case), Action.WITHDRAW, by=by, note=note)
        notify_people(
            editors_of(case),
            kind="decision",
            case=case,
            title=f"Submission withdrawn: {case.title}",
            body=f"{by} withdrew “{case.title}”." + (f"\n\n{note.strip()}" if note else ""),
            url=editorial_url(case),
        )
    return case


def reopen_case(case: Case, *, by: User, note: str = "") -> Case:
    """An author turns a withdrawn case back into a draft to work on it again."""
    with transaction.atomic():
        case, _ = apply_transition(locked_case(case), Action.REOPEN, by=by, note=note)
    return case


def _decide(case: Case, action: str, *, by: User, message: str, title: str) -> Case:
    with transaction.atomic():
        case, _ = apply_transition(locked_case(case), action, by=by, note=message)
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
            url=editorial_url(case),
        )
    return case


def request_changes(case: Case, *, by: User, message: str) -> Case:
    """An editor sends a case back to its authors for changes, with a message."""
    return _decide(case, Action.REQUEST_CHANGES, by=by, message=message, title="Changes requested")


REVIEW_MISSING = (
    "No reviewer has completed a review of this case. To accept it without peer review, "
    "confirm that this is what you mean."
)


def accept_case(case: Case, *, by: User, message: str = "", without_review: bool = False) -> Case:
    """An editor accepts a case for publication.

    A case no reviewer has reviewed is accepted only when the editor says so
    (`without_review`): skipping peer review must be a decision, not a slip of the button.
    """
    with transaction.atomic():
        case = locked_case(case)
        # Who and from which state come first: their refusals say more than this one.
        check_transition(case, Action.ACCEPT, by=by, note=message)
        if not without_review and not case.reviews.filter(status="completed").exists():
            raise ValidationError({"without_review": [REVIEW_MISSING]}, code="review_missing")
        return _decide(case, Action.ACCEPT, by=by, message=message, title="Accepted")


def reject_case(case: Case, *, by: User, message: str) -> Case:
    return _decide(case, Action.REJECT, by=by, message=message, title="Rejected")


def return_to_draft(case: Case, *, by: User, reason: str) -> Case:
    """An editor pushes a case back to draft, with the reason, so its authors can rework it."""
    return _decide(case, Action.RETURN_TO_DRAFT, by=by, message=reason, title="Returned to draft")


def start_review(case: Case, *, by: User) -> Case:
    with transaction.atomic():
        case, _ = apply_transition(locked_case(case), Action.START_REVIEW, by=by)
    return case


def publish_case(case: Case, *, by: User, note: str = "") -> Case:
    """An editor publishes an accepted case whose publication checklist is complete.

    A new revision of a published case replaces the published content in place when it is
    published, so links, comments and the citation stay with the case.
    """
    with transaction.atomic():
        case = locked_case(case)
        check_transition(case, Action.PUBLISH, by=by, note=note)
        full = Case.objects.prefetch_related(
            "studies__figures", "teaching_points", "commentaries"
        ).get(pk=case.pk)
        blockers = full.publication_blockers()
        if blockers:
            raise ValidationError(
                ["The case cannot be published yet:", *blockers], code="publication_blocked"
            )
        if case.revision_of_id:
            return publish_revision(case, by=by, note=note)
        case.published_at = case.published_at or timezone.now()
        case.cited_authors = names_to_cite(full)
        # A case sent back to the editors and published again is a new published revision.
        case.published_revision += 1
        case, _ = apply_transition(
            case,
            Action.PUBLISH,
            by=by,
            note=note,
            extra_fields=["published_at", "cited_authors", "published_revision"],
        )
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
        case = locked_case(case)
        case.featured = False  # a retracted case is no longer shown on the home page
        case, _ = apply_transition(
            case, Action.RETRACT, by=by, note=reason, extra_fields=["featured"]
        )
        notify_people(
            site_authors_of(case),
            kind="retracted",
            case=case,
            title=f"Retracted: {case.title}",
            body=f"The editor ({by}) retracted “{case.title}”.\n\nReason:\n{reason.strip()}",
            url=editorial_url(case),
        )
    return case


def unpublish_case(case: Case, *, by: User, reason: str) -> Case:
    """A moderator takes a published case off the site and hands it back to the editors.

    The case goes back to accepted: its editors see it on their dashboard and publish it again
    or return it to its authors. Readers' reports are resolved by `community.moderation`,
    which calls this through `take_action`.
    """
    with transaction.atomic():
        case = locked_case(case)
        case.featured = False
        case, _ = apply_transition(
            case, Action.UNPUBLISH, by=by, note=reason, extra_fields=["featured"]
        )
        recipients = [*editors_of(case), *site_authors_of(case)]
        notify_people(
            recipients,
            kind="moderation",
            case=case,
            title=f"Sent back to the editors: {case.title}",
            body=f"A moderator ({by}) took “{case.title}” off the site. It is accepted again: "
            f"an editor can publish it again or return it to its authors."
            f"\n\nReason:\n{reason.strip()}",
            url=editorial_url(case),
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


def take_action(
    case: Case, *, action: str, by: User, note: str = "", without_review: bool = False
) -> Case:
    """Carry out a workflow action by name: what the editorial page and the API call.

    `without_review` confirms accepting a case no reviewer has reviewed (see `accept_case`).
    """
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
            return accept_case(case, by=by, message=note, without_review=without_review)
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
        case = locked_case(case)
        if case.status != Case.Status.DRAFT:
            raise InvalidTransition(
                f"A case that is {state_label(case.status)} cannot be deleted; only drafts can."
            )
        if CaseEvent.objects.filter(case=case, action=Action.SUBMIT).exists():
            raise InvalidTransition(
                "This draft has been submitted before, so it keeps its record: "
                "it cannot be deleted."
            )
        release_files_of(list(Figure.objects.filter(study__case=case)))
        case.delete()
