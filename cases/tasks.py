"""Background work on the case domain. The figure tasks registered as `cases.tasks.*` live in
imaging/tasks.py, beside the image pipeline they drive."""

from __future__ import annotations

from celery import shared_task

from .viewing import fold_case_views as fold_views


@shared_task(name="cases.tasks.fold_case_views")
def fold_case_views() -> int:
    """Add the case views recorded since the last fold to the cases' view counts (beat runs
    it every minute; `manage.py fold_case_views` does the same from cron)."""
    return fold_views()
