"""What an upload is, decided from its bytes, and whether it is safe to keep.

`inspect_upload` never trusts a file's name or declared type, never writes anything, and refuses
with a reason a person can act on: disguised files (SVG, HTML, PDF, programs), polyglots that are
an image and something else at once, truncated or damaged files, decompression and zip bombs, and
zips that reach outside their folder.

It reads headers and structure only, never pixels: sizes, frames and bit depth are checked
against the limits, including the memory the pixels will take once decoded, and the decoding
itself happens in the worker (`imaging.processing`). A request costs the upload's bytes, no more.
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

import pydicom
from PIL import Image
from pydicom.dataset import Dataset
from pydicom.encaps import generate_fragments
from pydicom.pixels import get_decoder

from .dicom_render import order_stack
from .limits import (
    DEFAULT_LIMITS,
    Inspected,
    Limits,
    RefusedUpload,
    refuse_too_much_memory,
    size_text,
)
from .structure import EDGE, Damaged, gif_end, has_zip_directory, jpeg_end, png_end, webp_end
from .zip_entries import entry_label, read_entry, zip_members

__all__ = ["Inspected", "Limits", "RefusedUpload", "inspect_upload", "zip_members"]


ACCEPTED = (
    "only JPEG, PNG, WebP, GIF, TIFF and DICOM files (or a zip of one DICOM series) are accepted"
)
TRUNCATED = "The file is cut short (truncated): it could not be read to the end."

# Trailing bytes tolerated after an image's end marker: a few encoders pad their output.
TRAILING_TOLERANCE = 32

DICOMDIR_SOP_CLASS = "1.2.840.10008.1.3.10"
MARKUP = (b"<script", b"<html", b"<!doctype html", b"<iframe", b"<object", b"<embed", b"<svg")
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "TIFF": "tif"}
FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "TIFF": "TIFF"}


def inspect_upload(source: BinaryIO, *, limits: Limits = DEFAULT_LIMITS) -> Inspected:
    """What `source` is, or `RefusedUpload`. The stream is left at its start."""
    try:
        source.seek(0, io.SEEK_END)
        size = source.tell()
        if size > limits.max_bytes:
            raise RefusedUpload(
                f"The file is too large: {size_text(size)}, "
                f"the limit is {size_text(limits.max_bytes)}."
            )
        if size == 0:
            raise RefusedUpload("The file is empty.")
        source.seek(0)
        head = source.read(EDGE)
        detected = sniff(head)
        if detected == "ZIP":
            return _inspect_zip(source, size, limits)
        source.seek(0)
        data = source.read()
        _refuse_hidden_content(data, detected)
        if detected == "DICOM":
            return _inspect_dicom_file(data, limits)
        return _inspect_image(data, detected, limits)
    finally:
        source.seek(0)


def sniff(head: bytes) -> str:
    """The format named by the first bytes, or `RefusedUpload` saying what the file looks like."""
    # First, because a DICOM preamble may legitimately hold a TIFF header (dual-format files).
    if head[128:132] == b"DICM":
        return "DICOM"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "ZIP"
    raise RefusedUpload(_describe_refused(head))


def _describe_refused(head: bytes) -> str:
    text = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        what = "an SVG drawing"
    elif text.startswith((b"<!doctype html", b"<html")) or (
        text.startswith(b"<") and b"<html" in text
    ):
        what = "a web page (HTML)"
    elif text.startswith(b"<?xml"):
        what = "an XML document"
    elif text.startswith(b"%pdf"):
        what = "a PDF document"
    elif head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")):
        what = "a program"
    elif head.startswith(b"BM"):
        return "This is a BMP bitmap, which is not accepted: save it as PNG and upload that."
    elif head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return "This is a HEIC photo, which is not accepted: export it as JPEG and upload that."
    elif head[4:8] == b"ftyp":
        what = "a video"
    elif head.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf\x27\x1c")):
        return "This is a compressed archive other than zip: only zip archives are accepted."
    elif head[:2] in (b"\x02\x00", b"\x08\x00") and head[3:4] == b"\x00":
        # A bare DICOM data set starts with a little-endian group 0002 or 0008 tag.
        return (
            "This looks like a DICOM file without its standard header: export it again as a "
            "DICOM file (Part 10) and upload that."
        )
    elif _looks_like_text(head):
        what = "a text file"
    else:
        return f"This is not a recognised image: {ACCEPTED}."
    return f"This is {what}, not an image: {ACCEPTED}."


def _looks_like_text(head: bytes) -> bool:
    sample = head[:4096]
    try:
        decoded = sample.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut by the sample's end is still text.
        try:
            decoded = sample[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return all(char.isprintable() or char in "\t\r\n\f" for char in decoded)


# --- Content hidden in an image or a DICOM file ------------------------------------------------


def _refuse_hidden_content(data: bytes, detected: str) -> None:
    name = FORMAT_NAMES.get(detected, detected)
    if has_zip_directory(data):
        raise RefusedUpload(
            f"The file is both a {name} file and a zip archive (a disguised file), "
            "so it is refused."
        )
    edges = (data[:EDGE] + b"\n" + data[-EDGE:]).lower()
    for marker in MARKUP:
        if marker in edges:
            raise RefusedUpload(
                f"The {name} file contains web page code ({marker.decode()}), so it is refused: "
                "export or save the image again and upload that."
            )


# --- Images -------------------------------------------------------------------------------------


@contextmanager
def pillow_pixel_limit(max_pixels: int | None) -> Iterator[None]:
    """Pillow's decompression bomb limit, set for the block and restored after it.

    Pillow keeps the limit in a module global, so concurrent threads share it; workers here are
    processes, and every caller passes the same settings-derived value anyway.
    """
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _inspect_image(data: bytes, detected: str, limits: Limits) -> Inspected:
    """The image's header only: its pixels are decoded in the worker, never in the request."""
    name = FORMAT_NAMES[detected]
    structure_frames = _check_structure(data, detected)
    try:
        # Image.open reads the header and leaves the pixels undecoded; the decompression bomb
        # limit is ours to apply (below), with a reason a person can act on.
        with pillow_pixel_limit(None):
            image = Image.open(io.BytesIO(data), formats=[detected])
        with image:
            width, height = image.size
            mode = image.mode
            _refuse_too_many_pixels(width * height, limits)
            frames = structure_frames or getattr(image, "n_frames", 1)
            _refuse_too_many_frames(frames, limits)
    except RefusedUpload:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as error:
        if "truncated" in str(error).lower() or isinstance(error, EOFError):
            raise RefusedUpload(TRUNCATED) from error
        raise RefusedUpload(f"The {name} image is damaged and could not be decoded.") from error
    if width <= 0 or height <= 0:
        raise RefusedUpload(f"The {name} image describes an empty picture.")
    # The worker decodes the first frame only (derivatives show it), so one frame is budgeted.
    refuse_too_much_memory(width, height, pillow_bytes_per_pixel(mode), 1, limits)
    return Inspected(
        kind="image",
        format=detected,  # type: ignore[arg-type]
        extension=IMAGE_FORMATS[detected],
        width=width,
        height=height,
        frames=frames,
        modality="",
        size=len(data),
    )


def pillow_bytes_per_pixel(mode: str) -> int:
    """What one pixel of `mode` takes in Pillow's memory: every multi-band mode (RGB included)
    is stored in 4 bytes."""
    if mode in ("1", "L", "P"):
        return 1
    if mode.startswith("I;16"):
        return 2
    return 4


def _refuse_too_many_pixels(pixels: int, limits: Limits) -> None:
    if pixels > limits.max_pixels:
        raise RefusedUpload(
            f"The image is too large: {pixels:,} pixels, the limit is {limits.max_pixels:,}."
        )


def _refuse_too_many_frames(frames: int, limits: Limits) -> None:
    if frames > limits.max_frames:
        raise RefusedUpload(
            f"The file has too many frames: {frames:,}, the limit is {limits.max_frames:,}."
        )


def _check_structure(data: bytes, detected: str) -> int:
    """Walk the format's own structure to its end: a missing end means truncation, bytes after it
    mean a second file riding along. Returns the frame count when the walk yields one, else 0."""
    name = FORMAT_NAMES[detected]
    frames = 0
    try:
        if detected == "JPEG":
            end = jpeg_end(data)
        elif detected == "PNG":
            end = png_end(data)
        elif detected == "GIF":
            walked = gif_end(data)
            end, frames = walked if walked else (None, 0)
        elif detected == "WEBP":
            end = webp_end(data)
        else:
            # TIFF has no end marker: its parts are found by offsets, in any order.
            return 0
    except Damaged as error:
        raise RefusedUpload(f"The {name} image is damaged and could not be decoded.") from error
    if end is None:
        raise RefusedUpload(TRUNCATED)
    trailing = data[end:]
    if len(trailing) > TRAILING_TOLERANCE and trailing.strip(b"\x00"):
        raise RefusedUpload(
            f"The file has {len(trailing):,} bytes of extra data after the end of the {name} "
            "image, where another file can hide: export or save the image again and upload that."
        )
    return frames


# --- DICOM --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _DicomFacts:
    width: int
    height: int
    frames: int
    modality: str
    series: tuple[str, str]


def _inspect_dicom_file(data: bytes, limits: Limits) -> Inspected:
    ds = _read_dicom(data)
    if _is_dicomdir(ds):
        raise RefusedUpload(
            "This is a DICOM directory (DICOMDIR), not an image: upload the image files, "
            "or a zip of the series."
        )
    facts = _check_dicom_image(ds, limits)
    return Inspected(
        kind="dicom",
        format="DICOM",
        extension="dcm",
        width=facts.width,
        height=facts.height,
        frames=facts.frames,
        modality=facts.modality,
        size=len(data),
    )


def _read_dicom(data: bytes) -> Dataset:
    preamble = data[:128]
    if preamble.startswith((b"MZ", b"\x7fELF", b"#!")) or any(
        marker in preamble.lower() for marker in MARKUP
    ):
        raise RefusedUpload(
            "The DICOM file carries a program or web page code in its header (a disguised file), "
            "so it is refused."
        )
    try:
        with warnings.catch_warnings():
            # Untidy element values are common in real files and harmless here.
            warnings.simplefilter("ignore")
            return pydicom.dcmread(io.BytesIO(data), force=False)
    except EOFError as error:
        raise RefusedUpload(TRUNCATED) from error
    except Exception as error:
        # pydicom reports malformed input with many exception types; all mean the same here.
        raise RefusedUpload("The DICOM file is damaged and could not be read.") from error


def _is_dicomdir(ds: Dataset) -> bool:
    meta = getattr(ds, "file_meta", None)
    sop_class = str(meta.get("MediaStorageSOPClassUID", "")) if meta is not None else ""
    return DICOMDIR_SOP_CLASS in (sop_class, str(ds.get("SOPClassUID", "")))


def _check_dicom_image(ds: Dataset, limits: Limits) -> _DicomFacts:
    if "PixelData" not in ds:
        sop_class = ds.get("SOPClassUID")
        what = f" ({sop_class.name})" if sop_class is not None and sop_class.name else ""
        raise RefusedUpload(
            f"This DICOM file holds no image{what}: only DICOM images are accepted."
        )
    try:
        rows, columns = int(ds.Rows), int(ds.Columns)
        frames = int(ds.get("NumberOfFrames", 1) or 1)
    except (AttributeError, TypeError, ValueError) as error:
        raise RefusedUpload(
            "The DICOM file does not say how large its image is, so it cannot be read."
        ) from error
    if rows <= 0 or columns <= 0 or frames <= 0:
        raise RefusedUpload("The DICOM file describes an empty image, so it cannot be read.")
    _refuse_too_many_pixels(rows * columns, limits)
    _refuse_too_many_frames(frames, limits)
    if rows * columns * frames > limits.max_total_pixels:
        raise RefusedUpload(
            f"The DICOM file is too large: {rows * columns * frames:,} pixels in all, "
            f"the limit is {limits.max_total_pixels:,}."
        )
    transfer_syntax = ds.file_meta.get("TransferSyntaxUID")
    try:
        decoder = get_decoder(transfer_syntax)
    except (NotImplementedError, ValueError, TypeError) as error:
        raise RefusedUpload(
            "The DICOM image is stored in a way that cannot be read here "
            f"({getattr(transfer_syntax, 'name', transfer_syntax)})."
        ) from error
    if not decoder.is_available:
        raise RefusedUpload(
            "The DICOM image is compressed in a format that cannot be read here "
            f"({transfer_syntax.name})."
        )
    _refuse_short_pixel_data(ds, rows * columns * frames, transfer_syntax)
    refuse_too_much_memory(columns, rows, _dicom_bytes_per_pixel(ds), frames, limits)
    return _DicomFacts(
        width=columns,
        height=rows,
        frames=frames,
        modality=str(ds.get("Modality", "") or "").strip(),
        series=(str(ds.get("StudyInstanceUID", "")), str(ds.get("SeriesInstanceUID", ""))),
    )


def _dicom_bytes_per_pixel(ds: Dataset) -> int:
    """What one decoded pixel takes: pydicom gives each sample a whole number of bytes."""
    try:
        bits = int(ds.get("BitsAllocated", 16) or 16)
        samples = int(ds.get("SamplesPerPixel", 1) or 1)
    except (TypeError, ValueError):
        bits, samples = 16, 1
    return max(1, -(-bits // 8)) * max(1, samples)


def _refuse_short_pixel_data(ds: Dataset, pixels: int, transfer_syntax: object) -> None:
    """Pixel data that ends before the header's promise, found without decoding a pixel:
    native data by its length, compressed data by walking its fragments."""
    try:
        data = ds.PixelData
        if getattr(transfer_syntax, "is_encapsulated", False):
            fragments = sum(1 for _ in generate_fragments(data[8 + _offset_table_length(data) :]))
            if fragments == 0:
                raise RefusedUpload(TRUNCATED)
            return
        bits = int(ds.get("BitsAllocated", 16) or 16)
        samples = int(ds.get("SamplesPerPixel", 1) or 1)
        expected = -(-pixels * samples * bits // 8)
    except RefusedUpload:
        raise
    except (EOFError, ValueError, TypeError, AttributeError, struct.error) as error:
        raise RefusedUpload(TRUNCATED) from error
    if len(data) < expected:
        raise RefusedUpload(TRUNCATED)


def _offset_table_length(data: bytes) -> int:
    """The length of an encapsulated pixel data's Basic Offset Table item."""
    if len(data) < 8 or data[:4] != b"\xfe\xff\x00\xe0":
        raise ValueError("The compressed pixel data does not start with an item.")
    length = struct.unpack("<I", data[4:8])[0]
    if 8 + length > len(data):
        raise ValueError("The offset table runs past the end of the pixel data.")
    return length


# --- A DICOM series in a zip --------------------------------------------------------------------


def _inspect_zip(source: BinaryIO, size: int, limits: Limits) -> Inspected:
    source.seek(0)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise RefusedUpload("The zip is damaged and could not be read.") from error
    with archive:
        entries = zip_members(archive, limits)
        headers: list[Dataset] = []
        names: dict[int, str] = {}
        facts: dict[int, _DicomFacts] = {}
        for entry in entries:
            data = read_entry(archive, entry, limits)
            label = entry_label(entry.filename)
            if data.startswith(ZIP_SIGNATURES):
                raise RefusedUpload(
                    f"The zip contains another zip ({label}): put all the DICOM files in one zip."
                )
            if data[128:132] != b"DICM":
                raise RefusedUpload(f"The zip contains a file that is not a DICOM image ({label}).")
            try:
                _refuse_hidden_content(data, "DICOM")
                ds = _read_dicom(data)
                if _is_dicomdir(ds):
                    continue
                fact = _check_dicom_image(ds, limits)
            except RefusedUpload as refused:
                raise RefusedUpload(f"In the zip, {label}: {refused.reason}") from refused
            del ds.PixelData  # only the header is needed from here on
            headers.append(ds)
            names[id(ds)] = entry.filename
            facts[id(ds)] = fact
    if not facts:
        raise RefusedUpload("The zip holds no DICOM images.")
    series = {fact.series for fact in facts.values()}
    if len(series) > 1:
        raise RefusedUpload(f"The zip mixes {len(series)} series: upload one series per zip.")
    frames = sum(fact.frames for fact in facts.values())
    _refuse_too_many_frames(frames, limits)
    total_pixels = sum(fact.width * fact.height * fact.frames for fact in facts.values())
    if total_pixels > limits.max_total_pixels:
        raise RefusedUpload(
            f"The series is too large: {total_pixels:,} pixels in all, "
            f"the limit is {limits.max_total_pixels:,}."
        )
    ordered = order_stack(headers)
    first = facts[id(ordered[0])]
    return Inspected(
        kind="dicom_series",
        format="ZIP",
        extension="zip",
        width=first.width,
        height=first.height,
        frames=frames,
        modality=first.modality,
        size=size,
        members=tuple(names[id(ds)] for ds in ordered),
    )
