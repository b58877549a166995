"""Writing notifications. Callers are the workflow services, inside their own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from api.queueing import queue_after_commit

from . import tasks
from .models import Notification

if TYPE_CHECKING:
    from accounts.models import User

TITLE_MAX_LENGTH = Notification._meta.get_field("title").max_length


def notify(
    recipients: Iterable[User | None],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    case_id: int | None = None,
    subject: models.Model | None = None,
) -> list[Notification]:
    """Tell each distinct active recipient, on the site and by e-mail; `case_id` is the case
    the notification is about, if any.

    `subject` is a row whose text may change or go away after the notification is sent (a
    comment). It must have a `notification_text` property: the list, the API and the e-mail
    show that, as it is when they are read, in place of `body`.

    Call it inside the transaction that makes the change: the rows roll back with it, and the
    e-mails are queued only once it commits, so nobody is told about something that never
    happened.
    """
    if kind not in Notification.Kind.values:
        raise ValueError(f"Unknown notification kind: {kind!r}")
    # The title is also the e-mail subject, where a line break is refused.
    title = " ".join(title.split())[:TITLE_MAX_LENGTH]

    people: list[User] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        people.append(user)

    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            case_id=case_id,
            title=title,
            body=body,
            url=url,
            subject_type=subject_type,
            subject_id=subject.pk if subject is not None else None,
        )
        for user in people
    )
    for notification, user in zip(notifications, people, strict=True):
        if user.email:
            queue_after_commit(tasks.send_notification_email, notification.pk)
    return notifications


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications as read: those with these ids, or all of them.

    Returns how many changed. Ids of other people's notifications are ignored.
    """
    unread = Notification.objects.for_recipient(user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.for_recipient(user).unread().count()
