"""The editorial workflow as a table (PRODUCT.md section 4): which action moves a case from
which states to which state, and who takes it.

The table is data so the pages, the API and the tests read the same rules; the service
functions in `services.py` carry each action out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from .models import Case

S = Case.Status


class Action(models.TextChoices):
    SUBMIT = "submit", "Submit for review"
    WITHDRAW = "withdraw", "Withdraw the submission"
    REOPEN = "reopen", "Reopen as a draft"
    START_REVIEW = "start_review", "Start peer review"
    REQUEST_CHANGES = "request_changes", "Request changes"
    ACCEPT = "accept", "Accept"
    REJECT = "reject", "Reject"
    PUBLISH = "publish", "Publish"
    RETRACT = "retract", "Retract"
    RETURN_TO_DRAFT = "return_to_draft", "Return to draft"
    UNPUBLISH = "unpublish", "Send back to the editors"


class Actor(models.TextChoices):
    AUTHOR = "author", "an author of the case"
    EDITOR = "editor", "an editor"
    MODERATOR = "moderator", "a moderator"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[str]
    target: str
    actor: Actor
    note_required: bool = False
    note_label: str = "Note"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            Action.SUBMIT,
            frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
            S.SUBMITTED,
            Actor.AUTHOR,
            note_label="Note to the editor (optional)",
        ),
        # Withdrawing is only possible before peer review starts.
        Transition(
            Action.WITHDRAW,
            frozenset({S.SUBMITTED}),
            S.WITHDRAWN,
            Actor.AUTHOR,
            note_label="Reason (optional)",
        ),
        Transition(
            Action.REOPEN,
            frozenset({S.WITHDRAWN}),
            S.DRAFT,
            Actor.AUTHOR,
            note_label="Note (optional)",
        ),
        # Taken by the first reviewer assignment, or by an editor who reviews it himself.
        Transition(Action.START_REVIEW, frozenset({S.SUBMITTED}), S.IN_REVIEW, Actor.EDITOR),
        Transition(
            Action.REQUEST_CHANGES,
            frozenset({S.SUBMITTED, S.IN_REVIEW}),
            S.CHANGES_REQUESTED,
            Actor.EDITOR,
            note_required=True,
            note_label="Message to the authors",
        ),
        Transition(
            Action.ACCEPT,
            frozenset({S.SUBMITTED, S.IN_REVIEW}),
            S.ACCEPTED,
            Actor.EDITOR,
            note_label="Message to the authors (optional)",
        ),
        Transition(
            Action.REJECT,
            frozenset({S.SUBMITTED, S.IN_REVIEW}),
            S.REJECTED,
            Actor.EDITOR,
            note_required=True,
            note_label="Message to the authors",
        ),
        Transition(
            Action.PUBLISH,
            frozenset({S.ACCEPTED}),
            S.PUBLISHED,
            Actor.EDITOR,
            note_label="Note (optional)",
        ),
        Transition(
            Action.RETRACT,
            frozenset({S.PUBLISHED}),
            S.RETRACTED,
            Actor.EDITOR,
            note_required=True,
            note_label="Reason for the retraction",
        ),
        Transition(
            Action.RETURN_TO_DRAFT,
            frozenset({S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.ACCEPTED}),
            S.DRAFT,
            Actor.EDITOR,
            note_required=True,
            note_label="Reason, for the authors",
        ),
        # A moderator takes a published case off the site when readers report a problem with
        # it; the editors then publish it again or return it to its authors.
        Transition(
            Action.UNPUBLISH,
            frozenset({S.PUBLISHED}),
            S.ACCEPTED,
            Actor.MODERATOR,
            note_required=True,
            note_label="Reason, for the editors",
        ),
    ]
}

# Actions that need a second, explicit confirmation on the page.
DESTRUCTIVE = frozenset(
    {Action.WITHDRAW, Action.REJECT, Action.RETRACT, Action.RETURN_TO_DRAFT, Action.UNPUBLISH}
)


def state_label(status: str) -> str:
    return Case.Status(status).label.lower()
