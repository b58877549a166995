"""What every editorial action shares: the state check against the table in `workflow.py`,
the audit row, the row lock and who is told."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse

from accounts.models import Role, User
from notifications.services import notify

from . import permissions
from .models import Case, CaseEvent
from .workflow import TRANSITIONS, Action, Actor, Transition, state_label

# The editorial workflow (PRODUCT.md section 4):
#
# Each action is one function. Each locks the case row, checks the actor through
# `permissions.py` and the state through the table in `workflow.py`, writes an audit row and
# queues its notifications to be sent after the transaction commits.


class InvalidTransition(ValidationError):
    """The action is not possible from the case's current state."""


def site_authors_of(case: Case) -> list[User]:
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(pk=case.created_by_id) | Q(authorships__case=case))
        .distinct()
    )


def editors_of(case: Case) -> list[User]:
    """Editors who may act on this case: every active editor who is not one of its authors."""
    authors = {user.pk for user in site_authors_of(case)}
    return [
        user
        for user in User.objects.filter(is_active=True, groups__name=Role.EDITOR).distinct()
        if user.pk not in authors
    ]


def notify_people(
    recipients: Iterable[User], *, kind: str, case: Case, title: str, body: str, url: str
) -> None:
    notify(recipients, kind=kind, case_id=case.pk, title=title, body=body, url=url)


def editorial_url(case: Case) -> str:
    return reverse("case-editorial", kwargs={"pk": case.pk})


def check_transition(case: Case, action: str, *, by: User, note: str) -> Transition:
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


def apply_transition(
    case: Case, action: str, *, by: User, note: str = "", extra_fields: Iterable[str] = ()
) -> tuple[Case, str]:
    """Move a locked case to the action's target state and write the audit row.

    Call inside `transaction.atomic()` with a case fetched `select_for_update()`.
    Returns the case and the state it came from.
    """
    transition = check_transition(case, action, by=by, note=note)
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


def locked_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)
