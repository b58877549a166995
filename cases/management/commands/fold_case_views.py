"""Add the case views recorded since the last fold to the cases' view counts, for sites that
run it from cron rather than Celery beat (e.g. every minute: `manage.py fold_case_views`)."""

from django.core.management.base import BaseCommand

from cases.viewing import fold_case_views


class Command(BaseCommand):
    help = "Add the case views recorded since the last fold to the cases' view counts."

    def handle(self, *args, **options) -> None:
        folded = fold_case_views()
        self.stdout.write(f"Folded {folded} view{'s' if folded != 1 else ''}.")
