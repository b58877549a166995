"""`python manage.py import_cases PATH… [--dry-run] [--format json|text] [--author U] [--publish]`

Turns case-report text files (like the seed documents) into structured cases. A dry run prints
the canonical documents and writes nothing. A file that cannot be read is reported and skipped;
the others are still imported, and the command exits non-zero at the end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import prefetch_related_objects

from accounts.models import User
from cases import permissions
from cases.document import DOCUMENT_PREFETCH, case_to_document
from cases.importer import EmptyReportError, ParsedCase, parse_case_report
from cases.models import Case
from cases.services import create_case_from_document, publish_imported_case

REPORT_SUFFIXES = (".txt", ".md")


class ReportError(Exception):
    """A file that cannot be imported, with a message for the person running the command."""


class Command(BaseCommand):
    help = (
        "Import case reports (.txt or .md files, or folders of them) as draft cases. With "
        "--dry-run, print the canonical case documents and write nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and print; write nothing."
        )
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument("--author", metavar="USERNAME", help="The author of the new cases.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish imported cases that state a licence; the others stay drafts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        author = self.author(options["author"], dry_run=options["dry_run"])
        failures: list[str] = []
        files = self.report_files(options["paths"], failures)
        documents: list[dict] = []
        for path in files:
            try:
                parsed = self.parse(path)
            except ReportError as error:
                failures.append(str(path))
                self.stderr.write(f"{path}: {error}")
                continue
            for warning in parsed.warnings:
                self.stderr.write(f"{path.name}: warning: {warning}")
            if options["dry_run"]:
                documents.append(parsed.document)
                if options["format"] == "text":
                    self.summarise(path, parsed, case=None)
                continue
            try:
                case = self.save(parsed, author=author, publish=options["publish"])
            except (ValidationError, PermissionDenied) as error:
                failures.append(str(path))
                self.stderr.write(f"{path}: not imported: {error}")
                continue
            if options["format"] == "text":
                self.summarise(path, parsed, case=case)
                if options["publish"] and not case.is_published:
                    self.stdout.write("    stays a draft: the report states no licence")
            else:
                prefetch_related_objects([case], *DOCUMENT_PREFETCH)
                documents.append(case_to_document(case))
        if options["format"] == "json":
            single_file = len(options["paths"]) == 1 and Path(options["paths"][0]).is_file()
            output = documents[0] if single_file and len(documents) == 1 else documents
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
        if failures:
            raise CommandError(
                f"{len(failures)} of {len(files) or len(failures)} report(s) could not be "
                f"imported: {', '.join(failures)}"
            )

    def author(self, username: str | None, *, dry_run: bool) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}; check the --author username.")
        if not dry_run and not permissions.can_create_case(user):
            raise CommandError(f"The user {username!r} does not hold the author role.")
        return user

    def report_files(self, paths: list[str], failures: list[str]) -> list[Path]:
        files: list[Path] = []
        for name in paths:
            path = Path(name)
            if path.is_dir():
                found = sorted(
                    child
                    for child in path.iterdir()
                    if child.is_file() and child.suffix.lower() in REPORT_SUFFIXES
                )
                if not found:
                    self.stderr.write(f"{path}: no .txt or .md files in this folder")
                files.extend(found)
            elif path.is_file():
                files.append(path)
            else:
                failures.append(name)
                self.stderr.write(f"{name}: no such file or folder")
        return files

    def parse(self, path: Path) -> ParsedCase:
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as error:
            raise ReportError(f"cannot be read ({error.strerror or error})") from error
        except UnicodeDecodeError as error:
            raise ReportError(
                f"is not UTF-8 text (byte {error.start}); save it as UTF-8 and try again"
            ) from error
        if not text.strip():
            raise ReportError("is empty")
        try:
            return parse_case_report(text, source_name=path.name)
        except EmptyReportError as error:
            raise ReportError(str(error)) from error

    def save(self, parsed: ParsedCase, *, author: User | None, publish: bool) -> Case:
        # One transaction per report: a case is saved and published together, or not at all.
        with transaction.atomic():
            # The source is the one the report states (rights.source), so that the saved case
            # reads back as the same document the dry run printed.
            case = create_case_from_document(
                parsed.document, author=author, source=parsed.document["rights"]["source"]
            )
            if publish and case.licence:
                case = publish_imported_case(case)
        return case

    def summarise(self, path: Path, parsed: ParsedCase, *, case: Case | None) -> None:
        document = parsed.document
        identity = f"case {case.pk}" if case else "dry run, not saved"
        status = case.status if case else document["status"]
        count = len(parsed.warnings)
        self.stdout.write(
            f"{path.name}: “{document['title']}” — {identity}, {status}, "
            f"{count} warning{'' if count == 1 else 's'}"
        )
