"""Comments on published cases and reports of content: every write, and the thread as read.

Pages (`comment_views.py`) and the API (`comment_api.py`) call these functions and nothing
else to change a comment or file a report, so both keep the same rules: who may write
(`comment_permissions.py`), the body's length, the edit window, the version check of an edit,
and the rate limit.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.safestring import SafeString

from accounts.models import User
from cases.models import Case
from cases.rendering import render_markdown
from cases.services import site_authors_of
from notifications.services import notify

from . import comment_permissions as rules
from .models import Comment, Flag

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

BODY_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 2000
# Replies nest this deep on the page; a reply to a comment at the deepest level is shown
# beside it, saying whom it answers.
MAX_DEPTH = 3
DEFAULT_RATE_LIMIT = "5/10m"

_RATE = re.compile(r"^\s*(?P<count>\d+)\s*/\s*(?P<number>\d*)\s*(?P<unit>[smhd])\w*\s*$", re.I)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class CommentRateLimited(PermissionDenied):
    """Too many comments in too short a time; `retry_after` says in how many seconds to retry."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StaleComment(ValidationError):
    """An edit made from an older text of the comment than the one stored now.

    Carries the comment as it is now, so the page can show it beside what the author typed.
    """

    def __init__(self, comment: Comment) -> None:
        super().__init__(
            "This comment was changed (in another tab or window) after you started editing "
            "it. Its current text is shown; your text is kept below: save again to replace it."
        )
        self.comment = comment


# --- Settings ------------------------------------------------------------------------------


def rate_limit() -> tuple[int, datetime.timedelta]:
    """COMMENT_RATE_LIMIT: "5/10m" (the default) is five comments per ten minutes per person.

    The period is a number and a unit: s, m, h or d ("20/h", "100/1d").
    """
    value = getattr(settings, "COMMENT_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    match = _RATE.match(str(value))
    if match is None:
        raise ValueError(f"COMMENT_RATE_LIMIT should look like '5/10m', not {value!r}.")
    seconds = int(match["number"] or 1) * _UNIT_SECONDS[match["unit"].lower()]
    return int(match["count"]), datetime.timedelta(seconds=seconds)


# --- Checks shared by the writes ------------------------------------------------------------


def _refuse(reason: str | None) -> None:
    if reason:
        raise PermissionDenied(reason)


def cleaned_body(body: str) -> str:
    """The comment's text without surrounding blank space; a clear error if empty or too long."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["Write something before posting."]})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body": [
                    f"A comment can be at most {BODY_MAX_LENGTH:,} characters long; "
                    f"this one has {len(body):,}. Shorten it, or split it into two comments."
                ]
            }
        )
    return body


def _check_rate(by: User, *, now: datetime.datetime) -> None:
    limit, period = rate_limit()
    recent = list(
        Comment.objects.filter(author=by)
        .posted_since(now - period)
        .order_by("created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return
    retry_after = max(1, math.ceil((recent[0] + period - now).total_seconds()))
    minutes = math.ceil(retry_after / 60)
    raise CommentRateLimited(
        f"You have posted {limit} comment{'' if limit == 1 else 's'} in the last "
        f"{rules.describe_duration(period)}, the most allowed. Please wait {minutes} "
        f"minute{'' if minutes == 1 else 's'} before posting again.",
        retry_after=retry_after,
    )


def comment_url(comment: Comment) -> str:
    """The comment's place on its case page."""
    return f"{comment.case.get_absolute_url()}#comment-{comment.pk}"


def _notify_about(comment: Comment, *, by: User) -> None:
    """Tell the case's authors of a new comment, and the replied-to author of a reply.

    Nobody is told about their own comment, and nobody is told twice.
    """
    case = comment.case
    url = comment_url(comment)
    told = {by.pk}
    parent_author = comment.parent.author if comment.parent_id else None
    if parent_author is not None and parent_author.pk not in told:
        told.add(parent_author.pk)
        notify(
            [parent_author],
            kind="comment",
            title=f"{by} replied to your comment on “{case.title}”",
            url=url,
            case_id=case.pk,
            subject=comment,
        )
    authors = [user for user in site_authors_of(case) if user.pk not in told]
    if authors:
        notify(
            authors,
            kind="comment",
            title=f"{by} commented on your case “{case.title}”",
            url=url,
            case_id=case.pk,
            subject=comment,
        )


# --- Writes ---------------------------------------------------------------------------------


def post_comment(*, case: Case, by: User, body: str, parent: Comment | None = None) -> Comment:
    """Post a comment on a published case, or a reply to one of its comments.

    Raises PermissionDenied (not signed in, suspended, case not published or not visible),
    CommentRateLimited (a PermissionDenied: too many comments lately) or ValidationError
    (`body`, `parent`).
    """
    _refuse(rules.why_cannot_comment(by, case))
    if not Case.objects.visible_to(by).filter(pk=case.pk).exists():
        raise PermissionDenied("No case found.")
    body = cleaned_body(body)
    if parent is not None:
        if parent.case_id != case.pk:
            raise ValidationError({"parent": ["That comment belongs to another case."]})
        refusal = rules.why_cannot_reply_to(parent)
        if refusal:
            raise ValidationError({"parent": [refusal]})

    with transaction.atomic():
        # One writer at a time per person, so that two quick posts cannot both pass the limit.
        list(User.objects.select_for_update().filter(pk=by.pk).values_list("pk", flat=True))
        now = timezone.now()
        _check_rate(by, now=now)
        comment = Comment.objects.create(case=case, author=by, parent=parent, body=body)
        comment.case = case
        _notify_about(comment, by=by)
    return comment


def edit_comment(
    *, comment: Comment, by: User, body: str, base_version: int | None = None
) -> Comment:
    """Change a comment's text: its author, within the edit window (COMMENT_EDIT_WINDOW).

    `base_version` is the comment's `version` as the writer read it; when given and the comment
    was edited since, StaleComment is raised and nothing changes. Saving the same text again
    changes nothing and does not mark the comment as edited.
    """
    body = cleaned_body(body)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().select_related("case").get(pk=comment.pk)
        _refuse(rules.why_cannot_edit(by, comment))
        if base_version is not None and base_version != comment.version:
            raise StaleComment(comment)
        if body != comment.body:
            comment.body = body
            comment.edited_at = timezone.now()
            comment.save(update_fields=["body", "edited_at"])
    return comment


def delete_comment(*, comment: Comment, by: User) -> Comment:
    """Its author deletes a comment: the text is erased, the replies stay in the thread.

    Deleting a comment that is already deleted changes nothing.
    """
    with transaction.atomic():
        comment = Comment.objects.select_for_update().select_related("case").get(pk=comment.pk)
        if comment.status == Comment.Status.DELETED and rules.is_comment_author(by, comment):
            return comment
        _refuse(rules.why_cannot_delete(by, comment))
        comment.erase(Comment.Status.DELETED)
    return comment


def _checked_report(reason: str, note: str) -> tuple[str, str]:
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": ["Choose why you are reporting this."]})
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": [f"Keep the note under {NOTE_MAX_LENGTH:,} characters ({len(note):,} now)."]}
        )
    return reason, note


def _file_report(open_flags, **fields) -> tuple[Flag, bool]:
    existing = open_flags.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return Flag.objects.create(**fields), True
    except IntegrityError:
        # The same person reported the same thing a moment ago (a double click).
        existing = open_flags.first()
        if existing is None:
            raise
        return existing, False


def flag_comment(*, comment: Comment, by: User, reason: str, note: str = "") -> tuple[Flag, bool]:
    """Report a comment to the moderators. Answers the report and whether it is new.

    While this person's earlier report of the comment is still open, that report is answered
    (and nothing is added). Nobody reports their own comment.
    """
    _refuse(rules.why_cannot_flag_comment(by, comment))
    reason, note = _checked_report(reason, note)
    open_flags = Flag.objects.filter(reporter=by, comment=comment, resolved_at__isnull=True)
    return _file_report(open_flags, reporter=by, comment=comment, reason=reason, note=note)


def flag_case(*, case: Case, by: User, reason: str, note: str = "") -> tuple[Flag, bool]:
    """Report a published case to the moderators; as `flag_comment`, one open report each."""
    _refuse(rules.why_cannot_flag_case(by, case))
    if not Case.objects.visible_to(by).filter(pk=case.pk).exists():
        raise PermissionDenied("No case found.")
    reason, note = _checked_report(reason, note)
    open_flags = Flag.objects.filter(reporter=by, case=case, resolved_at__isnull=True)
    return _file_report(open_flags, reporter=by, case=case, reason=reason, note=note)


# --- Reads ----------------------------------------------------------------------------------


def comments_of(case: Case):
    """Every comment of a case, oldest first, with its author; none unless it is published."""
    if not case.is_published:
        return Comment.objects.none()
    return Comment.objects.filter(case=case).select_related("author").order_by("created_at", "pk")


def visible_comments(user: User | AnonymousUser):
    """Comments this person may reach one by one: those of published cases they can read."""
    return Comment.objects.filter(
        case__in=Case.objects.visible_to(user).published()
    ).select_related("case", "author")


def shown_text(comment: Comment, user: User | AnonymousUser) -> SafeString | None:
    """The comment's text as HTML for this reader, or None where a placeholder stands."""
    if comment.is_visible or (
        comment.status == Comment.Status.HIDDEN and rules.can_see_hidden_text(user)
    ):
        return render_markdown(comment.body)
    return None


PLACEHOLDERS = {
    Comment.Status.DELETED: "[comment deleted]",
    Comment.Status.REMOVED: "[comment removed by a moderator]",
    Comment.Status.HIDDEN: "[comment hidden by a moderator]",
}


@dataclass
class ThreadEntry:
    """One comment as the case page shows it, with what this reader may do with it."""

    comment: Comment
    depth: int
    text: SafeString | None
    replies: list[ThreadEntry] = field(default_factory=list)
    # Set on a reply shown beside its parent, the thread being nested as deep as it goes.
    in_reply_to: Comment | None = None
    # Some reply is shown beside it, saying it answers this one.
    answered: bool = False
    can_edit: bool = False
    can_delete: bool = False
    can_reply: bool = False
    can_flag: bool = False
    editable_until: datetime.datetime | None = None
    is_case_author: bool = False

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS.get(self.comment.status, "")

    @property
    def shows_hidden_text(self) -> bool:
        """A moderator reading what readers cannot."""
        return self.text is not None and self.comment.status == Comment.Status.HIDDEN

    @property
    def has_content(self) -> bool:
        """Whether anything of it is worth showing: text, a moderator's placeholder, replies."""
        return self.comment.status != Comment.Status.DELETED or bool(self.replies) or self.answered


@dataclass
class Thread:
    entries: list[ThreadEntry]
    count: int  # comments readers can read
    can_comment: bool
    refusal: str | None


def comment_thread(case: Case, user: User | AnonymousUser) -> Thread:
    """A case's discussion for this reader: a tree built in Python from one query.

    Replies nest MAX_DEPTH deep; deeper ones are shown beside their parent at the deepest
    level. A deleted comment without replies is left out; one with replies stays as a
    placeholder so the thread still reads.
    """
    refusal = rules.why_cannot_comment(user, case)
    comments = list(comments_of(case))
    now = timezone.now()
    window = rules.edit_window()
    case_authors = _case_author_ids(case) if comments else set()
    entries: dict[int, ThreadEntry] = {}
    # The list each entry is shown in: the top level, or the replies of another entry.
    shown_in: dict[int, list[ThreadEntry]] = {}
    top: list[ThreadEntry] = []
    for comment in comments:
        comment.case = case
        parent = entries.get(comment.parent_id) if comment.parent_id else None
        entry = ThreadEntry(
            comment=comment,
            depth=1 if parent is None else min(parent.depth + 1, MAX_DEPTH),
            text=shown_text(comment, user),
            can_edit=rules.can_edit_comment(user, comment, now=now),
            can_delete=rules.can_delete_comment(user, comment),
            can_reply=refusal is None and comment.is_visible,
            can_flag=rules.can_flag(user, comment),
            editable_until=comment.editable_until(window),
            is_case_author=comment.author_id in case_authors,
        )
        if parent is None:
            siblings = top
        elif parent.depth < MAX_DEPTH:
            siblings = parent.replies
        else:
            siblings = shown_in[parent.comment.pk]
            entry.in_reply_to = parent.comment
            parent.answered = True
        siblings.append(entry)
        shown_in[comment.pk] = siblings
        entries[comment.pk] = entry
    return Thread(
        entries=_pruned(top),
        count=sum(1 for comment in comments if comment.is_visible),
        can_comment=refusal is None,
        refusal=refusal,
    )


def _case_author_ids(case: Case) -> set[int]:
    """Who wrote the case, read from its prefetched authors when the page has them."""
    prefetched = getattr(case, "_prefetched_objects_cache", {}).get("authors")
    if prefetched is not None:
        ids = {author.user_id for author in prefetched}
    else:
        ids = set(case.authors.values_list("user_id", flat=True))
    ids.discard(None)
    if case.created_by_id:
        ids.add(case.created_by_id)
    return ids


def _pruned(entries: list[ThreadEntry]) -> list[ThreadEntry]:
    kept = []
    for entry in entries:
        entry.replies = _pruned(entry.replies)
        if entry.has_content:
            kept.append(entry)
    return kept
