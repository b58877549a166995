"""`python manage.py send_search_digests`: e-mail the saved-search digests that are due.

For sites without Celery beat: run it from cron, say every hour. Each digest is sent at most once
per period whatever the schedule.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from search.services import due_for_digest, send_saved_search_digest


class Command(BaseCommand):
    help = "E-mail the saved-search digests (daily or weekly) that are due."

    def handle(self, *args, **options) -> None:
        due = list(due_for_digest().values_list("pk", flat=True))
        listed = sum(send_saved_search_digest(saved_search_id) for saved_search_id in due)
        self.stdout.write(f"{len(due)} digest(s) due, {listed} new case(s) e-mailed.")
