"""E-mailing notifications. The task takes a primary key, is idempotent and records its outcome."""

from __future__ import annotations

import datetime
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from api.queueing import queue_after_commit

from .models import Notification

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Teaching File] "
MAX_ATTEMPTS = 4
# A notification neither e-mailed nor failed this long after it was made was never queued (the
# broker was down) or its message was lost; `requeue_unsent_emails` queues it again, unless it
# is older than a day, when the e-mail would be news nobody needs any more.
REQUEUE_AFTER = datetime.timedelta(minutes=10)
GIVE_UP_AFTER = datetime.timedelta(days=1)


def is_temporary(error: Exception) -> bool:
    """True when trying again later may work: the server was unreachable or said "not now"."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # Refused addresses stay refused.
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    # Connection refused, timeouts, a dropped connection.
    return isinstance(error, OSError)


def email_text(notification) -> str:
    link = f"{settings.SITE_URL}{notification.url}" if notification.url else settings.SITE_URL
    parts = [notification.text.strip(), link]
    return "\n\n".join(part for part in parts if part)


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1, default_retry_delay=5 * 60)
def send_notification_email(self, notification_id: int) -> None:
    error = None
    with transaction.atomic():
        # The row lock keeps a redelivered task from sending the same e-mail twice at once.
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return
        address = notification.recipient.email
        if not address:
            notification.email_error = "The recipient has no e-mail address."
            notification.save(update_fields=["email_error"])
            return
        try:
            send_mail(
                SUBJECT_PREFIX + notification.title,
                email_text(notification),
                None,
                [address],
            )
        except Exception as caught:  # every failure, whatever the backend raises, is recorded
            error = caught
            notification.email_error = f"{type(caught).__name__}: {caught}"[:2000]
            notification.save(update_fields=["email_error"])
        else:
            notification.emailed_at = timezone.now()
            notification.email_error = ""
            notification.save(update_fields=["emailed_at", "email_error"])
            return

    logger.warning("Notification %s was not e-mailed: %s", notification_id, error)
    # Run inline (no broker), a retry would only repeat at once and fail the caller's request
    # after its commit; the recorded error is the outcome there.
    attempts_left = self.request.retries < self.max_retries
    if is_temporary(error) and attempts_left and not self.request.is_eager:
        raise self.retry(exc=error, countdown=self.default_retry_delay * 2**self.request.retries)


@shared_task
def requeue_unsent_emails() -> int:
    """Queue again the e-mails of notifications left unsent (beat runs it every ten minutes)."""
    now = timezone.now()
    unsent = (
        Notification.objects.filter(
            emailed_at__isnull=True,
            email_error="",
            created_at__lt=now - REQUEUE_AFTER,
            created_at__gte=now - GIVE_UP_AFTER,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .values_list("pk", flat=True)
    )
    count = 0
    for notification_id in unsent:
        queue_after_commit(send_notification_email, notification_id)
        count += 1
    return count
