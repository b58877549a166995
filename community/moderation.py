"""Moderation: what moderators do about reported comments and cases, and about members.

Every action is one function here, called by the moderation pages and the API alike. Each
checks the moderator, needs a reason, locks the rows it changes, writes one `ModerationAction`
audit row, resolves the open reports of its target and tells the people concerned (after the
commit, by e-mail). An action already taken changes nothing, writes no audit row and raises
`AlreadyDone`, which says so in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases import services as case_services
from cases.models import Case
from cases.services import InvalidTransition
from cases.workflow import Action as WorkflowAction
from cases.workflow import state_label
from notifications.services import notify

from .models import Comment, Flag, ModerationAction
from .moderation_permissions import can_moderate, can_suspend, why_not_suspend

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

REASON_MAX_LENGTH = 2000
REASON_REQUIRED = "Give a reason: it is kept in the moderation log."
NOT_A_MODERATOR = "Only moderators can do this."

Outcome = Flag.Outcome
Kind = ModerationAction.Action


class AlreadyDone(InvalidTransition):
    """The action was taken before (or its target no longer allows it): nothing changed."""


# --- Reading ----------------------------------------------------------------------------------


def open_flags_for(user: User | AnonymousUser) -> QuerySet[Flag]:
    """Open reports about comments and cases this moderator may read.

    Reports about a case that is no longer published (retracted, sent back to the editors)
    leave the queue with it: readers no longer see what was reported.
    """
    visible = Case.objects.visible_to(user).values("pk")
    return Flag.objects.filter(resolved_at__isnull=True).filter(
        Q(case__in=visible) | Q(comment__case__in=visible)
    )


def comments_for(user: User | AnonymousUser) -> QuerySet[Comment]:
    """Comments a moderator may act on: those on cases they may read, whatever their status."""
    return Comment.objects.filter(case__in=Case.objects.visible_to(user).values("pk"))


def open_report_count() -> int:
    """For the moderators' link in the header: one COUNT, no visibility join."""
    return Flag.objects.filter(resolved_at__isnull=True).count()


QUEUE_KINDS = {"all": "All reports", "comments": "Comments", "cases": "Cases"}


def queue_targets(user: User | AnonymousUser, *, kind: str = "all") -> QuerySet:
    """One row per reported comment or case — its id, how many open reports and the oldest —
    oldest report first, so the longest wait is dealt with first."""
    flags = open_flags_for(user)
    if kind == "comments":
        flags = flags.filter(comment__isnull=False)
    elif kind == "cases":
        flags = flags.filter(case__isnull=False)
    return (
        flags.values("comment_id", "case_id")
        .annotate(report_count=Count("pk"), first_reported_at=Min("created_at"))
        .order_by("first_reported_at", "comment_id", "case_id")
    )


@dataclass
class QueueItem:
    """A reported comment or case with its open reports."""

    comment: Comment | None
    case: Case | None
    flags: list[Flag]
    report_count: int
    first_reported_at: object

    @property
    def kind(self) -> str:
        return "comment" if self.comment is not None else "case"

    @property
    def reasons(self) -> list[str]:
        """The distinct reasons given, in the order first given."""
        return list(dict.fromkeys(flag.get_reason_display() for flag in self.flags))


def queue_items(user: User | AnonymousUser, targets: list[dict]) -> list[QueueItem]:
    """The items of one page of `queue_targets`, in three queries whatever their number:
    the reports with their reporters, the comments with author and case, and the cases."""
    comment_ids = [row["comment_id"] for row in targets if row["comment_id"]]
    case_ids = [row["case_id"] for row in targets if row["case_id"]]
    flags = list(
        open_flags_for(user)
        .filter(Q(comment_id__in=comment_ids) | Q(case_id__in=case_ids))
        .select_related("reporter")
        .order_by("created_at", "pk")
    )
    comments = {
        comment.pk: comment
        for comment in comments_for(user)
        .filter(pk__in=comment_ids)
        .select_related("author", "case")
    }
    cases = {
        case.pk: case
        for case in Case.objects.visible_to(user)
        .filter(pk__in=case_ids)
        .select_related("created_by")
        .only("pk", "title", "slug", "status", "visibility", "published_at", "created_by")
    }
    items = []
    for row in targets:
        comment = comments.get(row["comment_id"]) if row["comment_id"] else None
        case = cases.get(row["case_id"]) if row["case_id"] else None
        if comment is None and case is None:  # gone between the two queries
            continue
        items.append(
            QueueItem(
                comment=comment,
                case=case,
                flags=[
                    flag
                    for flag in flags
                    if (comment and flag.comment_id == comment.pk)
                    or (case and flag.case_id == case.pk)
                ],
                report_count=row["report_count"],
                first_reported_at=row["first_reported_at"],
            )
        )
    return items


def moderation_log() -> QuerySet[ModerationAction]:
    """The audit trail, newest first, with what each row shows."""
    return ModerationAction.objects.select_related(
        "moderator", "comment__case", "comment__author", "case", "user"
    ).order_by("-created_at", "-pk")


# --- Helpers of the actions -------------------------------------------------------------------


def _require_moderator(by: User | AnonymousUser) -> None:
    if not can_moderate(by):
        raise PermissionDenied(NOT_A_MODERATOR)


def clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [REASON_REQUIRED]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": [f"Keep the reason under {REASON_MAX_LENGTH} characters."]}
        )
    return reason


def _record(by: User, action: str, reason: str, **target) -> ModerationAction:
    return ModerationAction.objects.create(moderator=by, action=action, reason=reason, **target)


def _case_url(case: Case) -> str:
    return case.get_absolute_url()


def _comment_url(comment: Comment) -> str:
    return f"{_case_url(comment.case)}#comment-{comment.pk}"


FLAGGER_TITLES = {
    Outcome.HIDDEN: "Your report was reviewed: the comment was hidden",
    Outcome.REMOVED: "Your report was reviewed: the comment was removed",
    Outcome.UNPUBLISHED: "Your report was reviewed: the case was taken off the site",
    Outcome.DISMISSED: "Your report was reviewed",
}


def _flagger_body(outcome: str, *, comment: Comment | None, case: Case) -> str:
    """What a reporter is told. The moderator's reason stays in the log: it may say things
    about the author or other reports that are not the reporter's to read."""
    about = f"a comment on “{case.title}”" if comment is not None else f"the case “{case.title}”"
    match outcome:
        case Outcome.HIDDEN:
            done = "A moderator hid it: readers no longer see it."
        case Outcome.REMOVED:
            done = "A moderator removed it from the discussion."
        case Outcome.UNPUBLISHED:
            done = "A moderator took it off the site and sent it back to the editors."
        case _:
            done = "A moderator found that it needs no action and left it as it is."
    return f"Thank you for your report about {about}. {done}"


def _resolve(
    flags: QuerySet[Flag], *, by: User, outcome: str, comment: Comment | None, case: Case
) -> int:
    """Close the open reports and tell each reporter what came of theirs."""
    # `of`: PostgreSQL locks no row of the outer-joined reporter.
    flags = list(flags.select_for_update(of=("self",)).select_related("reporter"))
    if not flags:
        return 0
    Flag.objects.filter(pk__in=[flag.pk for flag in flags]).update(
        resolved_at=timezone.now(), resolved_by=by, outcome=outcome
    )
    url = ""
    if case.is_published:  # a case taken off the site is no link for its readers
        url = _comment_url(comment) if comment is not None else _case_url(case)
    notify(
        [flag.reporter for flag in flags],
        kind="flag_outcome",
        case_id=case.pk,
        title=FLAGGER_TITLES[outcome],
        body=_flagger_body(outcome, comment=comment, case=case),
        url=url,
    )
    return len(flags)


def _open_flags_of(*, comment: Comment | None = None, case: Case | None = None) -> QuerySet[Flag]:
    if comment is not None:
        return Flag.objects.filter(comment=comment, resolved_at__isnull=True)
    return Flag.objects.filter(case=case, resolved_at__isnull=True)


def _locked_comment(comment: Comment) -> Comment:
    return Comment.objects.select_for_update().get(pk=comment.pk)


def _tell_comment_author(comment: Comment, *, title: str, body: str) -> None:
    notify(
        [comment.author],
        kind="moderation",
        case_id=comment.case_id,
        title=title,
        body=body,
        url=_comment_url(comment),
    )


@dataclass
class Result:
    """What an action did: its audit row, and how many open reports it resolved."""

    action: ModerationAction
    resolved: int


# --- Comments ---------------------------------------------------------------------------------

# The states each comment action starts from, and what the comment becomes.
COMMENT_ACTIONS = {
    "hide": ({Comment.Status.VISIBLE}, Comment.Status.HIDDEN),
    "restore": ({Comment.Status.HIDDEN}, Comment.Status.VISIBLE),
    "delete": ({Comment.Status.VISIBLE, Comment.Status.HIDDEN}, Comment.Status.REMOVED),
}


def comment_action_refusal(comment: Comment, action: str) -> str:
    """Why this comment action cannot be taken on the comment as it is now, or ""."""
    sources, target = COMMENT_ACTIONS[action]
    if comment.status in sources:
        return ""
    if comment.status == target:
        return f"This comment is already {Comment.Status(target).label.split(' by ')[0].lower()}."
    if comment.status in (Comment.Status.DELETED, Comment.Status.REMOVED):
        return f"This comment was {comment.get_status_display().lower()}: its text is gone."
    return f"This comment is {comment.get_status_display().lower()}."


COMMENT_LOG_KINDS = {
    "hide": Kind.HIDE_COMMENT,
    "restore": Kind.RESTORE_COMMENT,
    "delete": Kind.DELETE_COMMENT,
}


def _change_comment(
    comment: Comment, *, action: str, by: User, reason: str
) -> tuple[Comment, ModerationAction]:
    """Lock the comment, check its state allows the action, change it and log it."""
    _require_moderator(by)
    reason = clean_reason(reason)
    comment = _locked_comment(comment)
    refusal = comment_action_refusal(comment, action)
    if refusal:
        raise AlreadyDone(refusal)
    text = comment.body
    target = COMMENT_ACTIONS[action][1]
    if target == Comment.Status.REMOVED:
        comment.erase(target)  # the words stay only in the moderation log
    else:
        comment.status = target
        comment.status_changed_at = timezone.now()
        comment.save(update_fields=["status", "status_changed_at"])
    record = _record(by, COMMENT_LOG_KINDS[action], reason, comment=comment, comment_text=text)
    return comment, record


def _moderate_comment(
    comment: Comment, *, action: str, by: User, reason: str, outcome: str, title: str, body: str
) -> Result:
    """One moderation of a comment: its new state and log row, its open reports resolved with
    `outcome`, and its author told (`title` and `body` may name {case} and {reason})."""
    with transaction.atomic():
        comment, record = _change_comment(comment, action=action, by=by, reason=reason)
        case = comment.case
        resolved = _resolve(
            _open_flags_of(comment=comment), by=by, outcome=outcome, comment=comment, case=case
        )
        words = {"case": case.title, "reason": record.reason}
        _tell_comment_author(comment, title=title.format(**words), body=body.format(**words))
    return Result(record, resolved)


def hide_comment(*, comment: Comment, by: User, reason: str) -> Result:
    """Hide a comment from readers (restorable); its reports are resolved as hidden."""
    return _moderate_comment(
        comment,
        action="hide",
        by=by,
        reason=reason,
        outcome=Outcome.HIDDEN,
        title="A moderator hid your comment on “{case}”",
        body="Your comment on “{case}” is hidden from readers.\n\nReason:\n{reason}",
    )


def restore_comment(*, comment: Comment, by: User, reason: str) -> Result:
    """Show a hidden comment again; reports still open on it are dismissed."""
    return _moderate_comment(
        comment,
        action="restore",
        by=by,
        reason=reason,
        outcome=Outcome.DISMISSED,
        title="Your comment on “{case}” is visible again",
        body="A moderator restored your comment on “{case}”: readers see it again.",
    )


def delete_comment(*, comment: Comment, by: User, reason: str) -> Result:
    """Remove a comment for good: its text is erased (kept in the log), its replies stay."""
    return _moderate_comment(
        comment,
        action="delete",
        by=by,
        reason=reason,
        outcome=Outcome.REMOVED,
        title="A moderator removed your comment on “{case}”",
        body="Your comment on “{case}” was removed from the discussion.\n\nReason:\n{reason}",
    )


# --- Cases ------------------------------------------------------------------------------------


def unpublish_case(*, case: Case, by: User, reason: str) -> Result:
    """Take a published case off the site and back to its editors, through the editorial
    workflow (its audit trail, notifications to editors and authors); its reports are resolved."""
    _require_moderator(by)
    reason = clean_reason(reason)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != Case.Status.PUBLISHED:
            raise AlreadyDone(
                f"This case is no longer published (it is {state_label(case.status)})."
            )
        case = case_services.take_action(case, action=WorkflowAction.UNPUBLISH, by=by, note=reason)
        record = _record(by, Kind.UNPUBLISH_CASE, reason, case=case)
        resolved = _resolve(
            _open_flags_of(case=case), by=by, outcome=Outcome.UNPUBLISHED, comment=None, case=case
        )
    return Result(record, resolved)


# --- Reports ----------------------------------------------------------------------------------


def dismiss_reports(
    *, by: User, reason: str, comment: Comment | None = None, case: Case | None = None
) -> Result:
    """Close the open reports of a comment or a case: nothing needed doing."""
    if (comment is None) == (case is None):
        raise ValueError("Dismiss the reports of one comment or one case.")
    _require_moderator(by)
    reason = clean_reason(reason)
    with transaction.atomic():
        if comment is not None:
            comment = _locked_comment(comment)
            case = comment.case
        else:
            case = Case.objects.select_for_update().get(pk=case.pk)
        flags = _open_flags_of(comment=comment, case=None if comment else case)
        if not flags.exists():
            raise AlreadyDone("There are no open reports on this any more.")
        record = _record(
            by,
            Kind.DISMISS_FLAGS,
            reason,
            comment=comment,
            case=None if comment else case,
            comment_text=comment.body if comment else "",
        )
        resolved = _resolve(flags, by=by, outcome=Outcome.DISMISSED, comment=comment, case=case)
    return Result(record, resolved)


def dismiss_flag(*, flag: Flag, by: User, reason: str) -> Result:
    """Dismiss a report, and with it every open report of the same comment or case."""
    _require_moderator(by)
    if not flag.is_open:
        raise AlreadyDone("This report was already resolved.")
    if flag.comment_id:
        return dismiss_reports(comment=flag.comment, by=by, reason=reason)
    return dismiss_reports(case=flag.case, by=by, reason=reason)


# --- Members ----------------------------------------------------------------------------------


def _check_suspender(by: User, member: User) -> None:
    _require_moderator(by)
    if not can_suspend(by, member):
        raise PermissionDenied(why_not_suspend(by, member))


def suspend_user(*, member: User, by: User, reason: str) -> Result:
    """Suspend a member: they still sign in and read, but write nothing until reinstated."""
    _check_suspender(by, member)
    reason = clean_reason(reason)
    with transaction.atomic():
        member = User.objects.select_for_update().get(pk=member.pk)
        if member.is_suspended:
            raise AlreadyDone(f"{member} is already suspended.")
        member.suspended_at = timezone.now()
        member.suspension_reason = reason
        member.save(update_fields=["suspended_at", "suspension_reason"])
        record = _record(by, Kind.SUSPEND_USER, reason, user=member)
        notify(
            [member],
            kind="moderation",
            title="Your account is suspended",
            body="A moderator suspended your account. You can still sign in and read cases and "
            "discussions, but you cannot write, comment or report until a moderator "
            f"reinstates you.\n\nReason:\n{reason}",
            url=reverse("account_profile"),
        )
    return Result(record, 0)


def reinstate_user(*, member: User, by: User, reason: str) -> Result:
    """Lift a member's suspension."""
    _check_suspender(by, member)
    reason = clean_reason(reason)
    with transaction.atomic():
        member = User.objects.select_for_update().get(pk=member.pk)
        if not member.is_suspended:
            raise AlreadyDone(f"{member} is not suspended.")
        member.suspended_at = None
        member.suspension_reason = ""
        member.save(update_fields=["suspended_at", "suspension_reason"])
        record = _record(by, Kind.REINSTATE_USER, reason, user=member)
        notify(
            [member],
            kind="moderation",
            title="Your account is reinstated",
            body="A moderator lifted the suspension of your account: you can write, comment "
            "and report again.",
            url=reverse("account_profile"),
        )
    return Result(record, 0)
