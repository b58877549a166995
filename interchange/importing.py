"""Importing one file — a case report (.txt, .md) or a case bundle (.zip) — as a draft case.

Used by `manage.py import_cases` and by the API's import jobs. Each file is imported in its own
transaction: a file that fails leaves nothing behind and does not stop the others.

A source imported before is remembered by the fingerprint of its content (`ImportedSource`), so
that running an import again over the same folder makes no second case. The fingerprint is taken
from the text with its line endings and spacing normalised, so a report re-saved on another
system is still recognised. Only sources imported through here count: a case exported as a
bundle and imported on the same site is a new draft, as the bundle round trip expects.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import unicodedata
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from cases.files import release_unused_files
from cases.models import Case, Figure
from cases.services import create_case_from_document, publish_imported_case
from cases.storage import private_storage

from . import bundle
from .importer import EmptyReportError, parse_case_report
from .models import ImportedSource

logger = logging.getLogger(__name__)

REPORT_SUFFIXES = (".txt", ".md")
BUNDLE_SUFFIXES = (".zip",)
IMPORTABLE_SUFFIXES = REPORT_SUFFIXES + BUNDLE_SUFFIXES

# Parts of a bundle's case.json that change with every export of the same case.
VOLATILE_BUNDLE_KEYS = frozenset({"exported_at", "exported_by", "generated_at", "bundle_id"})


class Result(StrEnum):
    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    ATTENTION = "attention"
    # A dry run: the file would be imported.
    READY = "ready"


@dataclass
class Outcome:
    """What became of one file."""

    name: str
    result: Result
    case: Case | None = None  # the new case, or for a duplicate the case imported before
    warnings: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why a file needs attention
    document: dict[str, Any] | None = None  # the canonical document of a report (dry runs)

    @property
    def imported(self) -> bool:
        return self.result == Result.IMPORTED

    @property
    def duplicate(self) -> bool:
        return self.result == Result.DUPLICATE

    @property
    def needs_attention(self) -> bool:
        return self.result == Result.ATTENTION


def attention(name: str, *reasons: str, warnings: list[str] | None = None) -> Outcome:
    return Outcome(name, Result.ATTENTION, reasons=list(reasons), warnings=warnings or [])


def import_file(
    name: str,
    data: bytes,
    *,
    author: User | None,
    publish: bool = False,
    dry_run: bool = False,
) -> Outcome:
    """Import one file as a draft case, or say why it was not.

    With `publish`, a case whose source states a licence is published at once (see
    `publish_imported_case`). With `dry_run`, the file is read and checked and nothing is saved.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix in REPORT_SUFFIXES:
        return _import_report(name, data, author=author, publish=publish, dry_run=dry_run)
    if suffix in BUNDLE_SUFFIXES:
        return _import_bundle(name, data, author=author, publish=publish, dry_run=dry_run)
    return attention(name, "is not a .txt, .md or .zip file")


# --- Case reports ------------------------------------------------------------------------------


def normalised_text(text: str) -> str:
    """The text with line endings, spacing and blank lines made uniform, for fingerprints."""
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def report_fingerprint(text: str) -> str:
    digest = hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest()
    return digest


def _import_report(
    name: str, data: bytes, *, author: User | None, publish: bool, dry_run: bool
) -> Outcome:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return attention(
            name, f"is not UTF-8 text (byte {error.start}); save it as UTF-8 and try again"
        )
    if not text.strip():
        return attention(name, "is empty")
    if "\x00" in text:
        return attention(name, "is not a text file (it holds binary data)")
    try:
        parsed = parse_case_report(text, source_name=PurePath(name).name)
    except EmptyReportError as error:
        return attention(name, f"nothing recognisable as a case report: {error}")
    document = parsed.document
    if not (document.get("title") or "").strip():
        return attention(
            name, "nothing recognisable as a case report: no title", warnings=parsed.warnings
        )
    fingerprint = report_fingerprint(text)
    earlier = _imported_before(fingerprint)
    if earlier is not None:
        return Outcome(
            name, Result.DUPLICATE, case=earlier, warnings=parsed.warnings, document=document
        )
    if dry_run:
        return Outcome(name, Result.READY, warnings=parsed.warnings, document=document)

    def save() -> Case:
        # The source is the one the report states (rights.source), so that the saved case
        # reads back as the same document the dry run printed.
        return create_case_from_document(
            document, author=author, source=document["rights"]["source"]
        )

    outcome = _save_once(name, fingerprint, save, author=author, publish=publish)
    outcome.warnings = parsed.warnings + outcome.warnings
    outcome.document = document
    return outcome


# --- Case bundles ------------------------------------------------------------------------------


def bundle_fingerprint(document: dict[str, Any], images: dict[str, bytes]) -> str:
    """The fingerprint of a bundle: its case.json (less what changes per export) and images."""
    kept = {key: value for key, value in document.items() if key not in VOLATILE_BUNDLE_KEYS}
    digest = hashlib.sha256(b"bundle\n")
    digest.update(json.dumps(kept, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    for path in sorted(images):
        digest.update(b"\0" + path.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(images[path]).digest())
    return digest.hexdigest()


def _import_bundle(
    name: str, data: bytes, *, author: User | None, publish: bool, dry_run: bool
) -> Outcome:
    if not data:
        return attention(name, "is empty")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return attention(name, "is not a case bundle (not a zip file)")
    try:
        # Checked whole before anything is written: size limits, document shape, each image.
        checked = bundle.read_bundle(data)
    except bundle.BundleError as error:
        return attention(name, f"is not a case bundle this site can import: {error}")
    fingerprint = bundle_fingerprint(checked.document, checked.images)
    earlier = _imported_before(fingerprint)
    if earlier is not None:
        return Outcome(name, Result.DUPLICATE, case=earlier)
    if dry_run:
        return Outcome(name, Result.READY, document=checked.document)
    if author is None:
        return attention(name, "a case bundle is imported for an author: give --author")

    originals: list[str] = []

    def save() -> Case:
        case = bundle.import_bundle(checked, author=author)
        originals.extend(
            name
            for name in Figure.objects.filter(study__case=case).values_list("original", flat=True)
            if name
        )
        return case

    outcome = _save_once(
        name, fingerprint, save, author=author, publish=publish, refusals=(bundle.BundleError,)
    )
    if not outcome.imported and originals:
        # The bundle's images were stored, then the transaction was rolled back.
        release_unused_files([(private_storage, name) for name in originals], on_commit=False)
    return outcome


# --- Saving once -------------------------------------------------------------------------------


def _imported_before(fingerprint: str) -> Case | None:
    source = ImportedSource.objects.filter(fingerprint=fingerprint).select_related("case").first()
    return source.case if source else None


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(message) for message in error.messages]
    return [str(error) or error.__class__.__name__]


def _save_once(
    name: str,
    fingerprint: str,
    save,
    *,
    author: User | None,
    publish: bool,
    refusals: tuple[type[Exception], ...] = (),
) -> Outcome:
    """Save the case and remember its source in one transaction, unless the source is known."""
    warnings: list[str] = []
    try:
        with transaction.atomic():
            case = save()
            if publish:
                if case.licence:
                    case = publish_imported_case(case)
                else:
                    warnings.append("stays a draft: the source states no licence")
            # Two imports of the same file at once: the unique fingerprint lets only one
            # commit; the other rolls back here and reports the case the first one made.
            ImportedSource.objects.create(
                fingerprint=fingerprint,
                case=case,
                file_name=PurePath(name).name[:255],
                imported_by=author,
            )
    except IntegrityError:
        earlier = _imported_before(fingerprint)
        if earlier is None:
            logger.exception("Could not import %s", name)
            return attention(name, "could not be saved; try again")
        return Outcome(name, Result.DUPLICATE, case=earlier)
    except (ValidationError, PermissionDenied, *refusals) as error:
        return attention(name, *(f"not imported: {message}" for message in _messages(error)))
    except Exception:
        # One broken file must not stop the others; the log keeps the details.
        logger.exception("Could not import %s", name)
        return attention(name, "could not be imported because of an error on the site")
    return Outcome(name, Result.IMPORTED, case=case, warnings=warnings)


# --- Reporting ---------------------------------------------------------------------------------


def describe(outcome: Outcome, *, show_case: bool = True) -> dict[str, Any]:
    """One file of an import report: name, outcome, case id and URLs, warnings, reasons.

    `show_case` is false when the person the report is for may not see the case (a duplicate
    of someone else's draft): they learn the file was imported before, not which case it made.
    """
    case = outcome.case if show_case else None
    return {
        "name": outcome.name,
        "outcome": str(outcome.result),
        "case": case.pk if case else None,
        "case_url": f"{settings.SITE_URL}{case.get_absolute_url()}" if case else None,
        "case_api_url": reverse("api-case-detail", kwargs={"pk": case.pk}) if case else None,
        "title": case.title if case else None,
        "warnings": list(outcome.warnings),
        "reasons": list(outcome.reasons),
    }


def totals(outcomes: list[Outcome]) -> dict[str, int]:
    return {
        "files": len(outcomes),
        "imported": sum(outcome.imported for outcome in outcomes),
        "duplicates": sum(outcome.duplicate for outcome in outcomes),
        "attention": sum(outcome.needs_attention for outcome in outcomes),
        "ready": sum(outcome.result == Result.READY for outcome in outcomes),
    }
