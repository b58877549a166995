"""Discussion of published cases, reports of content, and what moderators did about them."""

from __future__ import annotations

import datetime
import html

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from cases.rendering import render_markdown

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# How much of a comment a notification about it shows.
NOTIFICATION_EXCERPT_LENGTH = 280


class CommentQuerySet(models.QuerySet):
    def shown(self) -> CommentQuerySet:
        """Comments whose text readers see (deleted and removed ones stay as placeholders)."""
        return self.filter(status=Comment.Status.VISIBLE)

    def posted_since(self, moment: datetime.datetime) -> CommentQuerySet:
        """Comments written after `moment`, whatever became of them since (for rate limits)."""
        return self.filter(created_at__gt=moment)


class Comment(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HIDDEN = "hidden", "Hidden by a moderator"  # can be restored
        DELETED = "deleted", "Deleted by its author"  # text erased, thread kept
        REMOVED = "removed", "Removed by a moderator"  # text erased, thread kept

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(help_text="Markdown")
    status = models.CharField(max_length=10, choices=Status, default=Status.VISIBLE)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["author", "-created_at"])]

    def __str__(self) -> str:
        return f"Comment {self.pk} on case {self.case_id}"

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.VISIBLE

    @property
    def is_erased(self) -> bool:
        """Deleted by its author or removed by a moderator: the text is gone for good."""
        return self.status in (self.Status.DELETED, self.Status.REMOVED)

    @property
    def version(self) -> int:
        """Changes with every edit: 0 until the first one, then the edit's time in microseconds.

        A writer sends back the version they read, so an edit made from an older text (another
        tab, another device) is refused rather than silently overwriting the newer one.
        """
        if self.edited_at is None:
            return 0
        return (self.edited_at - EPOCH) // datetime.timedelta(microseconds=1)

    @property
    def notification_text(self) -> str:
        """What a notification about this comment shows: the start of its text as plain words
        (no Markdown), or, once it is hidden or erased, only that it is gone."""
        match self.status:
            case self.Status.HIDDEN:
                return "A moderator hid this comment."
            case self.Status.REMOVED:
                return "A moderator removed this comment."
            case self.Status.DELETED:
                return "Its author deleted this comment."
        # Rendered and sanitised first, so that what is left is what a reader sees.
        words = html.unescape(strip_tags(render_markdown(self.body)))
        return Truncator(" ".join(words.split())).chars(NOTIFICATION_EXCERPT_LENGTH)

    def editable_until(self, window: datetime.timedelta) -> datetime.datetime:
        return self.created_at + window

    def erase(self, status: str) -> None:
        """Soft delete: the row stays so that the replies keep their place in the thread."""
        self.status = status
        self.body = ""
        self.status_changed_at = timezone.now()
        self.save(update_fields=["status", "body", "status_changed_at"])


class Flag(models.Model):
    """A report, by a signed-in reader, of a comment or a case that needs a moderator."""

    class Reason(models.TextChoices):
        PATIENT_DATA = "patient_data", "Identifiable patient information"
        INCORRECT = "incorrect", "Medically incorrect or misleading"
        OFFENSIVE = "offensive", "Offensive or abusive"
        SPAM = "spam", "Spam or advertising"
        COPYRIGHT = "copyright", "Copyright infringement"
        OTHER = "other", "Something else"

    class Outcome(models.TextChoices):
        HIDDEN = "hidden", "The comment was hidden"
        REMOVED = "removed", "The comment was deleted"
        UNPUBLISHED = "unpublished", "The case was sent back to the editors"
        DISMISSED = "dismissed", "No action was needed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="flags"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(max_length=20, choices=Reason)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(comment__isnull=False, case__isnull=True)
                | Q(comment__isnull=True, case__isnull=False),
                name="flag_names_a_comment_or_a_case",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(resolved_at__isnull=True, comment__isnull=False),
                name="one_open_flag_per_comment_and_reporter",
            ),
            models.UniqueConstraint(
                fields=["reporter", "case"],
                condition=Q(resolved_at__isnull=True, case__isnull=False),
                name="one_open_flag_per_case_and_reporter",
            ),
        ]

    def __str__(self) -> str:
        target = f"comment {self.comment_id}" if self.comment_id else f"case {self.case_id}"
        return f"Flag on {target}: {self.get_reason_display()}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ModerationAction(models.Model):
    """The audit trail of moderation: who did what to which comment, case or user, and why."""

    class Action(models.TextChoices):
        HIDE_COMMENT = "hide_comment", "Hid a comment"
        RESTORE_COMMENT = "restore_comment", "Restored a comment"
        DELETE_COMMENT = "delete_comment", "Deleted a comment"
        UNPUBLISH_CASE = "unpublish_case", "Sent a case back to the editors"
        DISMISS_FLAGS = "dismiss_flags", "Dismissed reports"
        SUSPEND_USER = "suspend_user", "Suspended a user"
        REINSTATE_USER = "reinstate_user", "Reinstated a user"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action)
    reason = models.TextField()
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="moderation"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="moderation"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_received",
    )
    # What the comment said when it was acted on: deleting erases the text from the comment.
    comment_text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"


class AuthorRoleRequestQuerySet(models.QuerySet):
    def pending(self) -> AuthorRoleRequestQuerySet:
        return self.filter(status=AuthorRoleRequest.Status.PENDING)

    def decided(self) -> AuthorRoleRequestQuerySet:
        return self.exclude(status=AuthorRoleRequest.Status.PENDING)


class AuthorRoleRequest(models.Model):
    """A member asks to write cases; an editor or an administrator approves or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_role_requests"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    reason = models.TextField(
        blank=True, help_text="What the member wants to write, for whoever decides."
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(
        blank=True, help_text="Why it was declined, if the editor said: the member reads it."
    )

    objects = AuthorRoleRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Asking twice while a request waits would only make two rows to decide.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="one_pending_author_role_request",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="role_request_queue_idx")]

    def __str__(self) -> str:
        return f"Author role request of {self.member_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
