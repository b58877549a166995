"""`manage.py export_case ID --format bundle|json|mirc [--output PATH] [--as USERNAME]`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from cases.models import Case
from interchange.exports import FORMATS, export_case


class Command(BaseCommand):
    help = (
        "Export a case: a bundle (zip with case.json, de-identified images, licence and readme), "
        "its JSON document (printed), or a MIRC document (zip)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("case_id", metavar="ID", help="The case's number.")
        parser.add_argument("--format", choices=FORMATS, default="bundle")
        parser.add_argument(
            "-o",
            "--output",
            help="Where to write the zip (default: case-<id>.zip in the current folder).",
        )
        parser.add_argument(
            "--as",
            dest="as_username",
            metavar="USERNAME",
            help="Export the case as this person may read it (default: the site's own view).",
        )

    def handle(self, *args, case_id: str, format: str, output: str | None, as_username, **options):
        try:
            pk = int(case_id)
        except ValueError:
            raise CommandError(f"“{case_id}” is not a case number.") from None
        user = None
        # Run on the server's console, the command reads as a superuser does (visible_to
        # gives superusers everything); --as narrows it to what that person may read.
        cases = Case.objects.all()
        if as_username:
            user = User.objects.filter(username=as_username).first()
            if user is None:
                raise CommandError(f"No user is called “{as_username}”.")
            cases = Case.objects.visible_to(user)
        case = cases.filter(pk=pk).first()
        if case is None:
            whom = f" that {as_username} may read" if user else ""
            raise CommandError(f"There is no case {pk}{whom}.")
        export = export_case(case, user=user, format=format)
        if format == "json" and not output:
            self.stdout.write(export.content.decode())
            return
        default = f"case-{case.pk}.zip" if format == "bundle" else export.filename
        path = Path(output or default)
        try:
            path.write_bytes(export.content)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from error
        self.stdout.write(f"Wrote {path} ({len(export.content):,} bytes).")
