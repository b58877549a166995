from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user) -> "NotificationQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person about something that happened, shown on the site and e-mailed."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Case submitted"
        REVIEW_ASSIGNED = "review_assigned", "Review assigned"
        REVIEW_REMINDER = "review_reminder", "Review due soon"
        REVIEW_DECLINED = "review_declined", "Review declined"
        REVIEW_COMPLETED = "review_completed", "Review completed"
        DECISION = "decision", "Editorial decision"
        PUBLISHED = "published", "Case published"
        RETRACTED = "retracted", "Case retracted"
        COMMENT = "comment", "New comment"
        FLAG_OUTCOME = "flag_outcome", "Report reviewed"
        MODERATION = "moderation", "Moderation"
        AUTHOR_ROLE_REQUESTED = "author_role_requested", "Author role requested"
        AUTHOR_ROLE_APPROVED = "author_role_approved", "Author role approved"
        AUTHOR_ROLE_DECLINED = "author_role_declined", "Author role declined"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Also the e-mail subject, so one line.
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Plain text.")
    # What the notification is about when that can change after it is sent (a comment that is
    # edited, hidden or deleted): its text is read from it when shown, never copied here.
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    url = models.CharField(
        max_length=500, blank=True, help_text="The site path the notification opens."
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The unread count in the header of every page.
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            # The list page, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def text(self) -> str:
        """What the notification says below its title, as plain text.

        About a subject, it is what the subject says now (its `notification_text`): a comment
        hidden or deleted since shows a neutral line, not the words it had.
        """
        if self.subject_type_id is None:
            return self.body
        subject = self.subject
        if subject is None:
            return "This is no longer on the site."
        return subject.notification_text
