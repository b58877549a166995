"""`python manage.py requeue_stalled`: take up again the work a crash or a lost message left
unfinished: figures still pending or processing, import jobs still queued or running, and
notification e-mails never sent.

It runs the sweepers Celery beat runs (`cases.tasks.requeue_stalled_figures`,
`interchange.tasks.requeue_stalled_import_jobs`, `notifications.tasks.requeue_unsent_emails`),
only for work older than their thresholds (FIGURE_REQUEUE_AFTER_MINUTES,
IMPORT_REQUEUE_AFTER_MINUTES), so what a worker is doing now is left alone. With a broker the
work is queued again; on the embedded default (tasks inline) it is done here, before the command
returns. `make run` runs it before the site starts; a site without beat runs it from cron.

It lives in the project package because it drives several apps.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from imaging.tasks import requeue_stalled_figures
from interchange.tasks import requeue_stalled_import_jobs
from notifications.tasks import requeue_unsent_emails


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Queue again (or, without a broker, do) the figures, import jobs and notification "
        "e-mails left unfinished past their thresholds."
    )

    def handle(self, *args, **options) -> None:
        figures = requeue_stalled_figures()
        jobs = requeue_stalled_import_jobs()
        emails = requeue_unsent_emails()
        self.stdout.write(
            f"Taken up again: {_count(figures, 'figure')}, {_count(jobs, 'import job')}, "
            f"{_count(emails, 'notification e-mail')}."
        )
