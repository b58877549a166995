"""Periodic review work (run by Celery beat, or `manage.py send_review_reminders` from cron)."""

from __future__ import annotations

from celery import shared_task

from .services import remind_reviewers


@shared_task
def remind_reviewers_of_due_reviews() -> int:
    return remind_reviewers()
