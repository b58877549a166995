"""`python manage.py deidentify PATH… --out DIR [--format json|text] [--secret-from-settings NAME]`

De-identifies DICOM files with the same engine as the upload pipeline
(`imaging.deid.deidentify_dataset`) and writes the results under DIR with the same
relative names. Files at risk of burned-in text go to DIR/quarantine/ instead. Inputs are only
read. A file that fails is reported and the others are still processed; the command then exits
non-zero.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from imaging.deid import DeidOptions, deidentify_file

QUARANTINE_FOLDER = "quarantine"
DEFAULT_SECRET_SETTING = "DEIDENTIFICATION_SECRET"
STATUSES = ("clean", "quarantined", "skipped", "failed")


class Command(BaseCommand):
    help = (
        "De-identify DICOM files (DICOM PS3.15 Annex E, Basic Profile with Retain Patient "
        "Characteristics and Clean Descriptors, deterministic UIDs) from files and folders, "
        "recursively, into --out with the same relative names; images at risk of burned-in "
        "text go to --out/quarantine/. Files that are not DICOM are skipped, and so are zip "
        "archives: they are not expanded, unzip them first. UIDs are replaced with an HMAC "
        "keyed by a secret read from settings (DEIDENTIFICATION_SECRET, else SECRET_KEY), so "
        "one original UID always gets the same replacement."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="DICOM files or folders.")
        parser.add_argument(
            "--out", required=True, metavar="DIR", help="Where to write; created if needed."
        )
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument(
            "--secret-from-settings",
            default=DEFAULT_SECRET_SETTING,
            metavar="SETTING",
            help=(
                "The setting holding the UID secret (default DEIDENTIFICATION_SECRET, "
                "which falls back to SECRET_KEY)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        inputs = [Path(path) for path in options["paths"]]
        out = Path(options["out"])
        self.check_output_folder(out, inputs)
        deid_options = DeidOptions(uid_secret=self.uid_secret(options["secret_from_settings"]))

        entries: list[dict[str, Any]] = []
        written: set[Path] = set()
        for source, relative in self.input_files(inputs, entries):
            entries.append(self.deidentify(source, relative, out, deid_options, written))

        if options["format"] == "json":
            self.stdout.write(json.dumps(entries, indent=2))
        else:
            for entry in entries:
                self.stdout.write(self.text_line(entry))
            self.stdout.write(self.summary(entries, out))
        failed = sum(entry["status"] == "failed" for entry in entries)
        if failed:
            raise CommandError(f"{failed} file(s) could not be de-identified.")

    def check_output_folder(self, out: Path, inputs: list[Path]) -> None:
        resolved = out.resolve()
        for source in inputs:
            source = source.resolve()
            if resolved == source or source in resolved.parents:
                raise CommandError(
                    f"--out {out} is inside the input {source}: choose a folder outside it."
                )
        if resolved.exists() and not resolved.is_dir():
            raise CommandError(f"--out {out} exists and is not a folder.")
        resolved.mkdir(parents=True, exist_ok=True)

    def uid_secret(self, setting: str) -> bytes:
        secret = getattr(settings, setting, None)
        if secret is None and setting == DEFAULT_SECRET_SETTING:
            secret = settings.SECRET_KEY
        if not secret:
            raise CommandError(f"The setting {setting} is missing or empty.")
        return secret if isinstance(secret, bytes) else str(secret).encode()

    def input_files(
        self, inputs: list[Path], entries: list[dict[str, Any]]
    ) -> Iterator[tuple[Path, Path]]:
        """Each file with the name it keeps under --out: relative to the folder it was found in."""
        for source in inputs:
            if source.is_file():
                yield source, Path(source.name)
            elif source.is_dir():
                # Symbolic links to folders are not followed: a link could lead back up the tree.
                for folder, subfolders, names in os.walk(source):
                    subfolders.sort()
                    for name in sorted(names):
                        path = Path(folder) / name
                        yield path, path.relative_to(source)
            else:
                entries.append(entry_for(source, "failed", ["no such file or folder"]))

    def deidentify(
        self,
        source: Path,
        relative: Path,
        out: Path,
        options: DeidOptions,
        written: set[Path],
    ) -> dict[str, Any]:
        try:
            head = read_head(source)
        except OSError as error:
            return entry_for(source, "failed", [f"cannot read: {error.strerror or error}"])
        if source.suffix.lower() == ".zip" or head.startswith(b"PK\x03\x04"):
            return entry_for(source, "skipped", ["zip archive: not expanded, unzip it first"])
        if head[128:132] != b"DICM":
            return entry_for(source, "skipped", ["not DICOM"])
        try:
            ds, report = deidentify_file(source, options=options)
            status = "quarantined" if report.quarantined else "clean"
            target = out / QUARANTINE_FOLDER / relative if report.quarantined else out / relative
            resolved = target.resolve()
            if resolved == source.resolve():
                return entry_for(source, "failed", ["the output would overwrite the input"])
            if resolved in written:
                return entry_for(source, "failed", ["another input has the same relative name"])
            written.add(resolved)
            resolved.parent.mkdir(parents=True, exist_ok=True)
            partial = resolved.with_name(f"{resolved.name}.partial")
            try:
                ds.save_as(partial, enforce_file_format=True)
                partial.replace(resolved)
            finally:
                partial.unlink(missing_ok=True)
        # One unreadable or unwritable file must not stop the batch: it is reported as failed.
        except Exception as error:
            return entry_for(source, "failed", [f"{type(error).__name__}: {error}"[:300]])
        return entry_for(
            source, status, report.quarantine_reasons, output=target, actions=report.actions
        )

    def text_line(self, entry: dict[str, Any]) -> str:
        line = f"{entry['status']:<12}{entry['input']}"
        if entry["output"]:
            line += f" -> {entry['output']}"
        if entry["reasons"]:
            line += f"  ({'; '.join(entry['reasons'])})"
        counts = ", ".join(f"{key} {count}" for key, count in entry["actions"].items() if count)
        if counts:
            line += f"  [{counts}]"
        return line

    def summary(self, entries: list[dict[str, Any]], out: Path) -> str:
        counts = Counter(entry["status"] for entry in entries)
        parts = ", ".join(f"{counts[status]} {status}" for status in STATUSES)
        return f"{len(entries)} file(s): {parts}. Output in {out}."


def entry_for(
    source: Path,
    status: str,
    reasons: list[str],
    *,
    output: Path | None = None,
    actions: dict[str, int] | None = None,
) -> dict[str, Any]:
    return {
        "input": str(source),
        "output": str(output) if output else None,
        "status": status,
        "reasons": list(reasons),
        "actions": dict(actions or {}),
    }


def read_head(path: Path) -> bytes:
    """The preamble and the "DICM" prefix of a DICOM file, or the signature of a zip archive."""
    with path.open("rb") as handle:
        return handle.read(132)
