"""`python manage.py import_cases PATH… [--dry-run] [--format json|text] [--author U] [--publish]
[--report FILE] [--progress]`

Turns case-report text files (like the seed documents) and case bundles (.zip) into cases.
Folders are searched, with their subfolders, for .txt, .md and .zip files in name order. A dry
run prints the canonical documents and writes nothing. A source imported before is skipped as a
duplicate of its case, so running the command again over the same folder imports nothing new.
A file that cannot be imported is reported as needing attention and the others are still
imported; the command then exits non-zero at the end.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import prefetch_related_objects
from tqdm import tqdm

from accounts.models import User
from cases import permissions
from cases.document import DOCUMENT_PREFETCH, case_to_document
from interchange.importing import (
    IMPORTABLE_SUFFIXES,
    Outcome,
    Result,
    attention,
    describe,
    import_file,
    totals,
)

STAYS_DRAFT = "stays a draft"


class Command(BaseCommand):
    help = (
        "Import case reports (.txt or .md) and case bundles (.zip), or folders of them, as "
        "draft cases. Sources imported before are skipped. With --dry-run, print the canonical "
        "case documents and write nothing."
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
        parser.add_argument(
            "--report",
            metavar="FILE",
            help="Also write a JSON report: each file's outcome, case and reasons, and totals.",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show a progress bar on stderr even when it is not a terminal "
            "(it is shown on a terminal anyway, except with --format json).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.bar: tqdm | None = None
        author = self.author(options["author"], dry_run=options["dry_run"])
        report_path = Path(options["report"]) if options["report"] else None
        if report_path is not None and not report_path.parent.is_dir():
            raise CommandError(f"Cannot write the report: no folder {report_path.parent}.")
        text = options["format"] == "text"
        dry_run = options["dry_run"]
        outcomes: list[Outcome] = []
        files = self.source_files(options["paths"], outcomes)
        started = time.monotonic()
        bar = tqdm(
            total=len(files),
            desc="Importing" if not dry_run else "Reading",
            unit="file",
            file=getattr(self.stderr, "_out", sys.stderr),
            disable=not self.show_progress(options),
            dynamic_ncols=True,
        )
        self.bar = bar
        documents: list[dict] = []
        try:
            for path in files:
                outcome = self.import_path(
                    path, author=author, publish=options["publish"], dry_run=dry_run
                )
                outcomes.append(outcome)
                self.tell(path, outcome, text=text)
                if dry_run and outcome.document is not None:
                    documents.append(outcome.document)
                elif outcome.imported and not text:
                    prefetch_related_objects([outcome.case], *DOCUMENT_PREFETCH)
                    documents.append(case_to_document(outcome.case))
                bar.update(1)
        finally:
            bar.close()
            self.bar = None
        seconds = time.monotonic() - started
        if not text:
            single_file = len(options["paths"]) == 1 and Path(options["paths"][0]).is_file()
            output = documents[0] if single_file and len(documents) == 1 else documents
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
        else:
            self.summarise(outcomes, dry_run=dry_run, seconds=seconds)
        if report_path is not None:
            self.write_report(report_path, outcomes, dry_run=dry_run)
        failures = [outcome.name for outcome in outcomes if outcome.needs_attention]
        if failures:
            raise CommandError(
                f"{len(failures)} of {len(outcomes)} file(s) could not be imported: "
                f"{', '.join(failures)}"
            )

    def show_progress(self, options: dict[str, Any]) -> bool:
        if options["format"] == "json":
            return False  # stderr then carries only the warnings of a machine-read run
        if options["progress"]:
            return True
        stream = getattr(self.stderr, "_out", None)
        return bool(stream is not None and getattr(stream, "isatty", lambda: False)())

    def author(self, username: str | None, *, dry_run: bool) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}; check the --author username.")
        if not dry_run and not permissions.can_create_case(user):
            raise CommandError(f"The user {username!r} does not hold the author role.")
        return user

    def source_files(self, paths: list[str], outcomes: list[Outcome]) -> list[Path]:
        files: list[Path] = []
        for name in paths:
            path = Path(name)
            if path.is_dir():
                found = sorted(
                    child
                    for child in path.rglob("*")
                    if child.is_file()
                    and child.suffix.lower() in IMPORTABLE_SUFFIXES
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                )
                if not found:
                    self.err(f"{path}: no .txt, .md or .zip files in this folder")
                files.extend(found)
            elif path.is_file():
                files.append(path)
            else:
                outcomes.append(attention(name, "no such file or folder"))
                self.err(f"{name}: no such file or folder")
        return files

    def import_path(self, path: Path, *, author: User | None, publish: bool, dry_run: bool):
        try:
            data = path.read_bytes()
        except OSError as error:
            return attention(str(path), f"cannot be read ({error.strerror or error})")
        outcome = import_file(str(path), data, author=author, publish=publish, dry_run=dry_run)
        return outcome

    # --- Output ------------------------------------------------------------------------------

    def out(self, line: str) -> None:
        if self.bar is not None and not self.bar.disable:
            self.bar.write(line, file=getattr(self.stdout, "_out", sys.stdout))
        else:
            self.stdout.write(line)

    def err(self, line: str) -> None:
        if self.bar is not None and not self.bar.disable:
            self.bar.write(line, file=getattr(self.stderr, "_out", sys.stderr))
        else:
            self.stderr.write(line)

    def tell(self, path: Path, outcome: Outcome, *, text: bool) -> None:
        for reason in outcome.reasons:
            self.err(f"{path}: {reason}")
        for warning in outcome.warnings:
            if not warning.startswith(STAYS_DRAFT):
                self.err(f"{path.name}: warning: {warning}")
        if not text or outcome.needs_attention:
            return
        parsed_warnings = [w for w in outcome.warnings if not w.startswith(STAYS_DRAFT)]
        count = len(parsed_warnings)
        warnings = f"{count} warning{'' if count == 1 else 's'}"
        case = outcome.case
        if outcome.result == Result.READY:
            title = (outcome.document or {}).get("title", "case bundle")
            status = (outcome.document or {}).get("status", "draft")
            self.out(f"{path.name}: “{title}” — dry run, not saved, {status}, {warnings}")
        elif outcome.duplicate:
            self.out(f"{path.name}: “{case.title}” — imported before as case {case.pk}, skipped")
        else:
            self.out(f"{path.name}: “{case.title}” — case {case.pk}, {case.status}, {warnings}")
            if any(w.startswith(STAYS_DRAFT) for w in outcome.warnings):
                self.out("    stays a draft: the report states no licence")

    def summarise(self, outcomes: list[Outcome], *, dry_run: bool, seconds: float) -> None:
        counted = totals(outcomes)
        duplicates = [outcome for outcome in outcomes if outcome.duplicate]
        needing = [outcome for outcome in outcomes if outcome.needs_attention]
        done = (
            f"{counted['ready']} ready to import (dry run, nothing saved)"
            if dry_run
            else f"{counted['imported']} imported"
        )
        self.stdout.write("")
        self.stdout.write(
            f"Summary: {done}, {counted['duplicates']} skipped as duplicates of an existing "
            f"case, {counted['attention']} needing attention "
            f"({len(outcomes)} file{'' if len(outcomes) == 1 else 's'} in {seconds:.1f} s)."
        )
        if duplicates:
            self.stdout.write("Skipped as duplicates:")
            for outcome in duplicates:
                self.stdout.write(f"  {outcome.name} → case {outcome.case.pk}")
        if needing:
            self.stdout.write("Needing attention:")
            for outcome in needing:
                self.stdout.write(f"  {outcome.name}: {'; '.join(outcome.reasons)}")

    def write_report(self, path: Path, outcomes: list[Outcome], *, dry_run: bool) -> None:
        report = {
            "dry_run": dry_run,
            "files": [describe(outcome) for outcome in outcomes],
            "totals": totals(outcomes),
        }
        try:
            path.write_text(
                json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        except OSError as error:
            raise CommandError(f"Cannot write the report {path}: {error}") from error
