"""Who may comment on a case, edit or delete a comment, and report a comment or a case.

Each rule comes twice: `why_cannot_…` answers the refusal in words (None when allowed), which
the services raise and the pages show; `can_…` is the yes/no the templates and views ask.
Whether the reader may see the case at all is the visibility rule's business
(`Case.objects.visible_to`): these predicates assume the case was fetched through it.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from cases.permissions import can_moderate

from .models import Comment

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from cases.models import Case

DEFAULT_EDIT_WINDOW = datetime.timedelta(minutes=15)

NOT_SIGNED_IN = "Log in to take part in the discussion."
SUSPENDED = "Your account is suspended: you can read cases and comments, but not write or report."
NOT_PUBLISHED = "Comments are open on published cases only."
NOT_YOURS = "Only its author can change a comment."
OWN_COMMENT = "You cannot report your own comment."

GONE = {
    Comment.Status.DELETED: "This comment was deleted.",
    Comment.Status.REMOVED: "This comment was removed by a moderator.",
    Comment.Status.HIDDEN: "This comment is hidden by a moderator.",
}


def edit_window() -> datetime.timedelta:
    """How long after posting a comment its author may still edit it (COMMENT_EDIT_WINDOW).

    The setting is a timedelta, or a number of minutes.
    """
    value = getattr(settings, "COMMENT_EDIT_WINDOW", DEFAULT_EDIT_WINDOW)
    if isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(minutes=float(value))


def describe_duration(duration: datetime.timedelta) -> str:
    """A duration as people say it: "15 minutes", "1 hour", "90 seconds"."""
    seconds = int(duration.total_seconds())
    for unit, length in (("hour", 3600), ("minute", 60)):
        if seconds >= length and seconds % length == 0:
            count = seconds // length
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def is_comment_author(user: User | AnonymousUser, comment: Comment) -> bool:
    return user.is_authenticated and comment.author_id == user.pk


def can_see_hidden_text(user: User | AnonymousUser) -> bool:
    """Moderators still read what a hidden comment said; everyone else sees a placeholder."""
    return can_moderate(user)


def why_cannot_write(user: User | AnonymousUser) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return NOT_SIGNED_IN
    if user.is_suspended:
        return SUSPENDED
    return None


def why_cannot_comment(user: User | AnonymousUser, case: Case) -> str | None:
    if not case.is_published:
        return NOT_PUBLISHED
    return why_cannot_write(user)


def can_comment(user: User | AnonymousUser, case: Case) -> bool:
    return why_cannot_comment(user, case) is None


def why_cannot_reply_to(comment: Comment) -> str | None:
    if not comment.is_visible:
        return f"{GONE[comment.status]} You cannot reply to it."
    return None


def why_cannot_edit(
    user: User | AnonymousUser, comment: Comment, *, now: datetime.datetime | None = None
) -> str | None:
    if not is_comment_author(user, comment):
        return NOT_YOURS
    refusal = why_cannot_write(user) or why_cannot_comment(user, comment.case)
    if refusal:
        return refusal
    if not comment.is_visible:
        return f"{GONE[comment.status]} It can no longer be edited."
    window = edit_window()
    if (now or timezone.now()) > comment.editable_until(window):
        return (
            f"A comment can be edited for {describe_duration(window)} after it is posted; "
            "this one can no longer be changed. You can delete it and post a new one."
        )
    return None


def can_edit_comment(
    user: User | AnonymousUser, comment: Comment, *, now: datetime.datetime | None = None
) -> bool:
    return why_cannot_edit(user, comment, now=now) is None


def why_cannot_delete(user: User | AnonymousUser, comment: Comment) -> str | None:
    if not is_comment_author(user, comment):
        return NOT_YOURS
    refusal = why_cannot_write(user) or why_cannot_comment(user, comment.case)
    if refusal:
        return refusal
    if comment.status == Comment.Status.DELETED:
        return GONE[comment.status]
    if not comment.is_visible:
        # What a moderator acted on stays as it is until a moderator decides otherwise.
        return f"{GONE[comment.status]} It cannot be deleted now."
    return None


def can_delete_comment(user: User | AnonymousUser, comment: Comment) -> bool:
    return why_cannot_delete(user, comment) is None


def why_cannot_flag_comment(user: User | AnonymousUser, comment: Comment) -> str | None:
    refusal = why_cannot_write(user) or why_cannot_comment(user, comment.case)
    if refusal:
        return refusal
    if is_comment_author(user, comment):
        return OWN_COMMENT
    if not comment.is_visible:
        return f"{GONE[comment.status]} There is nothing left to report."
    return None


def why_cannot_flag_case(user: User | AnonymousUser, case: Case) -> str | None:
    if not case.is_published:
        return "Only published cases can be reported."
    return why_cannot_write(user)


def can_flag(user: User | AnonymousUser, target: Comment | Case) -> bool:
    """Whether this person may report the comment or the case."""
    if isinstance(target, Comment):
        return why_cannot_flag_comment(user, target) is None
    return why_cannot_flag_case(user, target) is None
