"""Comments are part of the case page: posting, editing, deleting, hiding or restoring one
bumps the case's version (cases/freshness.py), so no cached page shows the thread as it was.
Lists of cases do not show comments, so they keep their version."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from cases import freshness
from cases.freshness_receivers import member_saved_visibly

from .models import Comment


def _comment_changed(sender, instance: Comment, **kwargs: Any) -> None:
    freshness.case_changed(instance.case_id, listed=False)


def _member_saved(sender, instance, created: bool, update_fields=None, **kwargs: Any) -> None:
    """A commenter renamed: the threads they wrote in show the new name."""
    if created or not member_saved_visibly(update_fields):
        return
    case_ids = Comment.objects.filter(author=instance).values_list("case_id", flat=True)
    for case_id in case_ids.distinct():
        freshness.case_changed(case_id, listed=False)


def connect() -> None:
    post_save.connect(_comment_changed, sender=Comment, dispatch_uid="freshness-comment-saved")
    post_delete.connect(_comment_changed, sender=Comment, dispatch_uid="freshness-comment-deleted")
    post_save.connect(
        _member_saved, sender=get_user_model(), dispatch_uid="freshness-commenter-renamed"
    )
