from django.core.management.base import BaseCommand

from reviews.services import remind_reviewers


class Command(BaseCommand):
    help = "Remind reviewers of reviews due within two days or overdue (once per review)."

    def handle(self, *args, **options) -> None:
        count = remind_reviewers()
        self.stdout.write(f"Reminded {count} reviewer{'s' if count != 1 else ''}.")
