"""Permission predicates: the only place that says who may do what with a case.

Pages call these directly; the API wraps them in one DRF permission class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Role

from .models import Case
from .workflow import TRANSITIONS, Action, Actor, Transition

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

EDITABLE_STATES = frozenset({"draft", "changes_requested"})

# Why a case cannot be edited now, by state, in its authors' words.
LOCKED_REASONS = {
    Case.Status.SUBMITTED: "It is locked while under review: it was submitted and waits for "
    "an editor. To change it now, withdraw it from its editorial page.",
    Case.Status.IN_REVIEW: "It is locked while under review. You can edit it again if the "
    "editor requests changes.",
    Case.Status.ACCEPTED: "It was accepted and is locked until it is published.",
    Case.Status.PUBLISHED: "It is published. Start a new revision to change it: readers keep "
    "seeing the published version until the revision is published in turn.",
    Case.Status.REJECTED: "It was rejected, so it can no longer be edited.",
    Case.Status.WITHDRAWN: "It was withdrawn. Return it to draft from its editorial page to "
    "edit it again.",
    Case.Status.RETRACTED: "It was retracted, so it can no longer be edited.",
}


def is_author_of(user: User | AnonymousUser, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if case.created_by_id == user.pk:
        return True
    # A page asks this many times of one case; remember the answer on the instance.
    known = case.__dict__.setdefault("_is_author_of", {})
    if user.pk not in known:
        prefetched = getattr(case, "_prefetched_objects_cache", {}).get("authors")
        if prefetched is not None:
            known[user.pk] = any(author.user_id == user.pk for author in prefetched)
        else:
            known[user.pk] = case.authors.filter(user=user).exists()
    return known[user.pk]


def can_view(user: User | AnonymousUser, case: Case) -> bool:
    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def can_create_case(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_role(Role.AUTHOR)


def can_edit(user: User | AnonymousUser, case: Case) -> bool:
    """Authors and co-authors edit their own cases while in draft or changes requested.

    Superusers edit any case except a published one: that changes through a new revision."""
    if not user.is_authenticated or case.status == Case.Status.PUBLISHED:
        return False
    if user.is_superuser:
        return True
    return case.status in EDITABLE_STATES and is_author_of(user, case)


def can_see_drafts_of(user: User | AnonymousUser, case: Case) -> bool:
    """Who sees the publication checklist and the case's workflow state."""
    if not user.is_authenticated:
        return False
    return user.has_role(Role.EDITOR) or is_author_of(user, case)


def can_follow_workflow(user: User | AnonymousUser, case: Case) -> bool:
    """Who sees a case's editorial page, revision history and diffs: its authors, editors,
    and reviewers asked to review it (while the request stands or once they have reviewed)."""
    if not user.is_authenticated:
        return False
    if can_see_drafts_of(user, case):
        return True
    return case.reviews.filter(reviewer=user, status__in=["assigned", "completed"]).exists()


def can_publish(user: User | AnonymousUser, case: Case) -> bool:
    return user.is_authenticated and user.has_role(Role.EDITOR)


def can_moderate(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_role(Role.MODERATOR)


def can_take_action(user: User | AnonymousUser, case: Case, action: str) -> bool:
    """Whether this person is the kind of actor a workflow action needs (whatever the state).

    Author actions belong to the case's site authors. Editor actions belong to editors who do
    not (co-)author the case, moderator actions to moderators who do not: nobody decides on
    their own work.
    """
    if not user.is_authenticated:
        return False
    transition = TRANSITIONS[action]
    if transition.actor == Actor.AUTHOR:
        return is_author_of(user, case)
    if transition.actor == Actor.MODERATOR:
        return user.has_role(Role.MODERATOR) and not is_author_of(user, case)
    return user.has_role(Role.EDITOR) and not is_author_of(user, case)


def can_manage_reviews(user: User | AnonymousUser, case: Case) -> bool:
    """Editors assign and cancel reviews of cases they do not (co-)author."""
    return user.is_authenticated and user.has_role(Role.EDITOR) and not is_author_of(user, case)


def can_be_reviewer_of(user: User, case: Case) -> bool:
    """Reviewers review others' cases, never one they (co-)author."""
    return user.is_active and user.has_role(Role.REVIEWER) and not is_author_of(user, case)


def can_verify_commentary(user: User | AnonymousUser, case: Case) -> bool:
    """Editors, and reviewers with an assigned review of the case, vouch for machine text."""
    if not user.is_authenticated or is_author_of(user, case):
        return False
    if user.has_role(Role.EDITOR):
        return True
    return case.reviews.filter(reviewer=user, status__in=["assigned", "completed"]).exists()


def can_start_revision(user: User | AnonymousUser, case: Case) -> bool:
    """Authors open a new draft revision of their published case."""
    return case.status == "published" and is_author_of(user, case)


def can_delete_draft(user: User | AnonymousUser, case: Case) -> bool:
    """The author who created a draft may delete it (the service also refuses a draft that was
    submitted before: such a case keeps its record)."""
    if not user.is_authenticated:
        return False
    return case.status == "draft" and (case.created_by_id == user.pk or user.is_superuser)


def can_use_reviewer_dashboard(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_role(Role.REVIEWER)


def can_use_editor_dashboard(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_role(Role.EDITOR)


def can_review_quarantine(user: User | AnonymousUser, case: Case) -> bool:
    """The case's authors, or an editor, decide on images held for possible burned-in text."""
    if not user.is_authenticated:
        return False
    return is_author_of(user, case) or user.has_role(Role.EDITOR)


def available_actions(user, case: Case) -> list[Transition]:
    """The actions this person can take on the case in its current state, in table order.

    Moderator actions are taken from the moderation queue, where the readers' reports are
    resolved with them, so the editorial page and the API's action list do not offer them.
    """
    return [
        transition
        for action, transition in TRANSITIONS.items()
        if action != Action.START_REVIEW
        and transition.actor != Actor.MODERATOR
        and case.status in transition.sources
        and can_take_action(user, case, action)
    ]
