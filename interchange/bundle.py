"""Case bundles: one zip that carries a case to another site, or back here, whole.

A bundle holds `case.json` (the canonical case document, as the exporting person may read it),
`images/` (one file per figure), `LICENCE.txt` and `README.txt`. Nothing identifying leaves the
site: only figures that are ready (processed and, if they were held, released by a person) are
exported; a photograph or screenshot travels as a fresh PNG made from its pixels alone (no
EXIF, GPS or text chunks), and DICOM travels as the de-identified copies kept for each slice,
never as the upload. Importing goes through the same upload pipeline as a new image, so every
file is inspected, de-identified and held for review again as if an author had uploaded it.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from cases import permissions, services
from cases.document import DOCUMENT_PREFETCH, Document, case_to_document
from cases.files import release_unused_files
from cases.models import Case, Figure, Licence, Revision
from cases.storage import private_storage, storage_unavailable_on_error
from imaging import uploads
from imaging.annotations import clean_annotations
from imaging.derivatives import UnreadableImage, clean_picture

from . import citations
from .document_check import DocumentShapeError, check_document

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

MB = 1024 * 1024
# A bundle is read into memory whole: these keep one request or command within bounds.
# The per-file cap is the upload limit, since every image is uploaded again on import.
MAX_BUNDLE_BYTES = 512 * MB
MAX_EXPANDED_BYTES = 1024 * MB
MAX_MEMBERS = 1000
MAX_DOCUMENT_BYTES = 10 * MB
# One entry may expand this much; past it (and the floor) it is a zip bomb, not a file.
MAX_RATIO = 200
RATIO_FLOOR = 1 * MB

DOCUMENT_NAME = "case.json"


class BundleError(ValueError):
    """The file is not a bundle this site can import; the message says why."""


@dataclass(frozen=True)
class Bundle:
    """A checked bundle: its document and the bytes of each image it refers to."""

    document: Document
    images: dict[str, bytes] = field(default_factory=dict)


# --- Export ------------------------------------------------------------------------------------


def reader_document(case: Case, user: User | AnonymousUser | None) -> Document:
    """The document as `user` may read it (the API's rule); None is the site itself."""
    document = case_to_document(case)
    if user is not None and not permissions.can_follow_workflow(user, case):
        # The quiz's answers are for those who write and review the case.
        document["questions"] = []
    return document


def bundle_filename(case: Case, extension: str = "zip") -> str:
    slug = slugify(case.title)[:60].strip("-") or "case"
    return f"case-{case.pk}-{slug}.{extension}"


def build_bundle(case: Case, *, user: User | AnonymousUser | None) -> bytes:
    """The bundle of a case as `user` may read it (None: the site's own view, e.g. a command).

    The caller decides whether `user` may read the case at all (`visible_to`).
    """
    case = Case.objects.prefetch_related(*DOCUMENT_PREFETCH).get(pk=case.pk)
    document = reader_document(case, user)
    left_out: list[str] = []
    images: dict[str, bytes] = {}
    for s, (study, study_document) in enumerate(
        zip(case.studies.all(), document["studies"], strict=True), start=1
    ):
        kept = []
        for f, (figure, figure_document) in enumerate(
            zip(study.figures.all(), study_document["figures"], strict=True), start=1
        ):
            name = f"{study.label or study.modality} — {figure.label or f'figure {f}'}"
            if figure.status != Figure.ProcessingStatus.READY:
                left_out.append(f"{name} ({figure.get_status_display().lower()})")
                continue
            exported = _exported_image(figure)
            if exported is None:
                left_out.append(f"{name} (its image is not available)")
            path = None
            if exported is not None:
                data, extension = exported
                stem = slugify(figure.label)[:40].strip("-") or "figure"
                path = f"images/{s}-{f}-{stem}.{extension}"
                images[path] = data
            kept.append({**figure_document, "image": path})
        study_document["figures"] = kept

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DOCUMENT_NAME, json.dumps(document, indent=2, ensure_ascii=False))
        for path, data in images.items():
            archive.writestr(path, data)
        archive.writestr("LICENCE.txt", licence_text(case))
        archive.writestr("README.txt", readme_text(case, document, images, left_out))
    return buffer.getvalue()


def _exported_image(figure: Figure) -> tuple[bytes, str] | None:
    """(bytes, extension) of what may leave the site for a ready figure, if it has any."""
    if figure.kind == Figure.Kind.IMAGE:
        return _clean_png(figure)
    # DICOM: the de-identified (and, when held, redacted) copies, never the upload, which
    # still carries the patient's name and whatever else the scanner wrote.
    names = list(dict.fromkeys(frame.dicom.name for frame in figure.frames.all() if frame.dicom))
    if not names:
        return None
    storage = private_storage
    try:
        files = []
        with storage_unavailable_on_error():
            for name in names:
                with storage.open(name, "rb") as source:
                    files.append(source.read())
    except OSError:  # a missing file is left out; storage that is down fails the export
        return None
    if figure.kind == Figure.Kind.DICOM and len(files) == 1:
        return files[0], "dcm"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as series:
        for number, data in enumerate(files, start=1):
            series.writestr(f"IM{number:04d}.dcm", data)
    return buffer.getvalue(), "zip"


def _clean_png(figure: Figure) -> tuple[bytes, str] | None:
    """The original's pixels as a PNG: lossless, and carrying none of the upload's metadata."""
    if not figure.original:
        return None
    try:
        # Read whole first, so that storage failing half-way is not taken for a bad image.
        with storage_unavailable_on_error(), figure.original.open("rb") as source:
            data = source.read()
        picture = clean_picture(io.BytesIO(data))
    except (OSError, UnreadableImage):
        return None
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), "png"


def licence_text(case: Case) -> str:
    if case.licence:
        licence = f"{Licence(case.licence).label} ({case.licence})\n{Licence.url_for(case.licence)}"
    else:
        licence = "No licence was recorded: ask the copyright holder before reusing this case."
    lines = [
        f"Licence: {licence}",
        "",
        f"Copyright holder: {case.copyright_holder or 'not recorded'}",
        f"Attribution: {case.attribution or citations.vancouver(case)}",
        f"Source: {case.source or case.permanent_url}",
        "",
        f"Patient consent: {case.get_consent_display()}",
    ]
    if case.consent_statement:
        lines.append(case.consent_statement)
    return "\n".join(lines) + "\n"


def readme_text(
    case: Case, document: Document, images: dict[str, bytes], left_out: list[str]
) -> str:
    authors = ", ".join(author["name"] for author in document["authors"] if author["name"])
    lines = [
        document["title"],
        "=" * min(len(document["title"]), 79),
        "",
        f"Authors: {authors or 'not recorded'}",
        f"Permanent URL: {case.permanent_url}",
        f"Version: {case.version} ({case.get_status_display().lower()})",
        f"Exported: {timezone.now().strftime('%Y-%m-%d %H:%M UTC')}",
        "",
        "Files",
        "-----",
        f"{DOCUMENT_NAME}  the case as structured data (the site's canonical case document);",
        "           each figure's `image` names its file below, and its annotations",
        "           (arrows, ellipses, text) are in its `annotations`.",
    ]
    for path in images:
        kind = {"png": "image (PNG)", "dcm": "de-identified DICOM", "zip": "de-identified DICOM"}
        extension = path.rsplit(".", 1)[-1]
        detail = "series, one file per slice in stack order" if extension == "zip" else ""
        lines.append(f"{path}  {kind[extension]}{' ' + detail if detail else ''}")
    lines += [
        "LICENCE.txt  the licence, copyright holder, attribution, source and consent.",
        "README.txt   this file.",
        "",
    ]
    if left_out:
        lines += [
            "Figures left out (not yet processed, or held for review of identifying content):",
            *(f"- {name}" for name in left_out),
            "",
        ]
    lines += [
        "Importing",
        "---------",
        "On a Teaching File site: python manage.py import_cases bundle.zip",
        "The case becomes a draft of the importing author; its images go through the site's",
        "upload checks, de-identification and quarantine again.",
        "",
    ]
    return "\n".join(lines)


# --- Reading -----------------------------------------------------------------------------------


def _bytes_of(data: bytes | IO[bytes]) -> bytes:
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    else:
        if hasattr(data, "seek"):
            data.seek(0)
        raw = data.read(MAX_BUNDLE_BYTES + 1)
    if len(raw) > MAX_BUNDLE_BYTES:
        raise BundleError(f"The bundle is larger than {MAX_BUNDLE_BYTES // MB} MB.")
    return raw


def _check_member_name(info: zipfile.ZipInfo) -> None:
    for name in {info.filename, info.orig_filename}:
        parts = name.split("/")
        if (
            name.startswith(("/", "\\"))
            or (len(name) > 1 and name[1] == ":")
            or "\\" in name
            or "\x00" in name
            or ".." in parts
        ):
            raise BundleError(f"The bundle contains a path outside its folder: {name[:80]!r}.")
    if (info.external_attr >> 16) & 0o170000 == 0o120000:
        raise BundleError(f"The bundle contains a symbolic link: {info.filename[:80]!r}.")
    if info.flag_bits & 0x1:
        raise BundleError("The bundle is password-protected.")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    try:
        with archive.open(info) as member:
            # The declared size may lie: never read past the limit.
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError) as error:
        raise BundleError(
            f"The bundle is damaged: {info.filename[:80]!r} cannot be read."
        ) from error
    if len(data) > limit:
        raise BundleError(f"{info.filename[:80]!r} in the bundle is too large.")
    return data


def read_bundle(data: bytes | IO[bytes]) -> Bundle:
    """Check a bundle without writing anything: its zip, its document and its images."""
    raw = _bytes_of(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise BundleError("The file is not a zip: a case bundle is a .zip file.") from error
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise BundleError(f"The bundle has more than {MAX_MEMBERS} files.")
        expanded = sum(info.file_size for info in infos)
        if expanded > MAX_EXPANDED_BYTES:
            raise BundleError(
                f"The bundle expands to more than {MAX_EXPANDED_BYTES // MB} MB: "
                "it looks like a zip bomb."
            )
        for info in infos:
            _check_member_name(info)
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
                raise BundleError(
                    f"{info.filename[:80]!r} expands too much: it looks like a zip bomb."
                )
        members = {info.filename: info for info in infos if not info.is_dir()}
        if DOCUMENT_NAME not in members:
            raise BundleError(f"The bundle has no {DOCUMENT_NAME}: it is not a case bundle.")
        text = _read_member(archive, members[DOCUMENT_NAME], MAX_DOCUMENT_BYTES)
        try:
            document = json.loads(text.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise BundleError(f"{DOCUMENT_NAME} is not valid JSON: {error}") from error
        try:
            check_document(document)
        except DocumentShapeError as error:
            raise BundleError(f"{DOCUMENT_NAME} is not a case document: {error}") from error

        images: dict[str, bytes] = {}
        for s, study in enumerate(document.get("studies") or []):
            for f, figure in enumerate(study.get("figures") or []):
                where = f"studies.{s}.figures.{f}"
                path = figure.get("image")
                frames = 1
                if path:
                    if not path.startswith("images/") or path not in members:
                        raise BundleError(f"{where}: the bundle has no file {path[:80]!r}.")
                    images[path] = _read_member(archive, members[path], settings.UPLOAD_MAX_BYTES)
                    frames = _inspected_frames(path, images[path])
                try:
                    figure["annotations"] = clean_annotations(
                        figure.get("annotations") or [], frames=frames
                    )
                except ValidationError as error:
                    raise BundleError(f"{where}.annotations: {error.messages[0]}") from error
    return Bundle(document=document, images=images)


def _inspected_frames(path: str, data: bytes) -> int:
    """How many frames the image has, after the same checks as an upload; else BundleError."""
    try:
        inspected = uploads.inspect(SimpleUploadedFile(path.rsplit("/", 1)[-1], data))
    except ValidationError as error:
        raise BundleError(f"{path[:80]}: {error.messages[0]}") from error
    return max(inspected.frames or 1, 1)


# --- Import ------------------------------------------------------------------------------------


def _authors_for_import(authors: list[Document], importer: User) -> list[Document]:
    """The source's authors as named co-authors after the importing author (who comes first).

    Usernames belong to the site the bundle came from, so nobody here is linked to them.
    """
    kept = []
    for item in authors:
        if item.get("username") and item.get("username") == importer.username:
            continue
        if item.get("name"):
            kept.append({**item, "username": None})
    return kept


def import_bundle(data: bytes | IO[bytes] | Bundle, *, author: User) -> Case:
    """Recreate a bundle's case as a new draft of `author`, its images uploaded anew.

    All or nothing: a bundle that fails any check, or an image the upload pipeline refuses,
    leaves no case, no figure and no stored file behind.
    """
    bundle = data if isinstance(data, Bundle) else read_bundle(data)
    document = {
        **bundle.document,
        "authors": _authors_for_import(bundle.document.get("authors") or [], author),
    }
    paths = [
        figure.get("image")
        for study in document.get("studies") or []
        for figure in study.get("figures") or []
    ]
    stored: list[str] = []
    try:
        with transaction.atomic():
            case = services.create_case_from_document(document, author=author)
            figures = Figure.objects.filter(study__case=case).order_by(
                "study__position", "position"
            )
            for figure, path in zip(figures, paths, strict=True):
                if not path:
                    continue
                upload = SimpleUploadedFile(path.rsplit("/", 1)[-1], bundle.images[path])
                figure = uploads.attach_figure_image(figure, upload=upload, by=author)
                stored.append(figure.original.name)
            services.record_revision(
                case, kind=Revision.Kind.CREATED, by=author, summary="Imported from a case bundle"
            )
    except BaseException:
        # Originals stored for a rolled-back import go, unless another figure uses them.
        release_unused_files([(private_storage, name) for name in stored], on_commit=False)
        raise
    return case
