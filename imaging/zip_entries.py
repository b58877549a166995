"""The entries of an uploaded zip, checked before anything in it is read.

A zip is refused whole if any entry reaches outside its folder, is a link, is encrypted, is too
large or expands like a zip bomb.
"""

from __future__ import annotations

import re
import zipfile

from .limits import DEFAULT_LIMITS, MB, Limits, RefusedUpload, size_text

# Entries smaller than this cannot do harm whatever they expand by, and an all-black DICOM slice
# legitimately deflates far beyond any ratio worth setting.
ZIP_RATIO_FLOOR = 1 * MB


def zip_members(archive: zipfile.ZipFile, limits: Limits = DEFAULT_LIMITS) -> list[zipfile.ZipInfo]:
    """The entries of a series zip that may hold slices, after refusing the whole zip if any
    entry is unsafe. Folders, `__MACOSX/` and dotfiles are left out. Nothing is extracted."""
    infos = archive.infolist()
    if not infos:
        raise RefusedUpload("The zip is empty: it holds no DICOM files.")
    if len(infos) > limits.max_zip_entries:
        raise RefusedUpload(
            f"The zip has too many files: {len(infos):,}, the limit is {limits.max_zip_entries:,}."
        )
    expanded = sum(info.file_size for info in infos)
    if expanded > limits.max_zip_total_bytes:
        raise RefusedUpload(
            f"The zip expands to too much data: {size_text(expanded)}, "
            f"the limit is {size_text(limits.max_zip_total_bytes)}."
        )
    members = []
    for info in infos:
        _refuse_unsafe_entry(info, limits)
        if info.is_dir() or _is_clutter(info.filename):
            continue
        members.append(info)
    return members


WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def _refuse_unsafe_entry(info: zipfile.ZipInfo, limits: Limits) -> None:
    label = entry_label(info.filename)
    for name in {info.filename, info.orig_filename}:
        parts = name.split("/")
        if (
            name.startswith(("/", "\\"))
            or WINDOWS_DRIVE.match(name)
            or "\\" in name
            or "\x00" in name
            or ".." in parts
        ):
            raise RefusedUpload(
                f"The zip contains a path outside its folder ({entry_label(name)})."
            )
    if (info.external_attr >> 16) & 0o170000 == 0o120000:
        raise RefusedUpload(
            f"The zip contains a symbolic link ({label}): only plain files are accepted."
        )
    if info.flag_bits & 0x1:
        raise RefusedUpload(
            f"The zip is password-protected ({label}): upload a zip without a password."
        )
    if info.file_size > limits.max_bytes:
        raise RefusedUpload(
            f"The zip contains a file that is too large ({label}): "
            f"{size_text(info.file_size)}, the limit is {size_text(limits.max_bytes)}."
        )
    if info.file_size > ZIP_RATIO_FLOOR:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_zip_ratio:
            raise RefusedUpload(
                f"The zip contains a file that expands {ratio:,.0f} times ({label}): "
                "it looks like a zip bomb."
            )


def _is_clutter(name: str) -> bool:
    parts = [part for part in name.split("/") if part]
    return not parts or parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts)


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    label = entry_label(info.filename)
    try:
        with archive.open(info) as entry:
            # The declared size may lie: never read more than one upload's worth.
            data = entry.read(limits.max_bytes + 1)
    except NotImplementedError as error:
        raise RefusedUpload(
            f"The zip uses a compression method that cannot be read here ({label})."
        ) from error
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise RefusedUpload(f"The zip is damaged: {label} could not be read.") from error
    if len(data) > limits.max_bytes:
        raise RefusedUpload(
            f"The zip contains a file that is too large ({label}): "
            f"the limit is {size_text(limits.max_bytes)}."
        )
    return data


def entry_label(name: str) -> str:
    printable = "".join(char if char.isprintable() else "?" for char in name)
    return printable if len(printable) <= 80 else "…" + printable[-79:]
