"""What an upload may weigh, why one is refused, and what an accepted one is.

Shared by the inspection of single files (`imaging.inspect`) and of zip entries
(`imaging.zip_entries`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MB = 1024 * 1024
GB = 1024 * MB


@dataclass(frozen=True)
class Limits:
    """What an upload may weigh. Callers pass values derived from settings.

    - `max_bytes` (50 MB): the file as uploaded; also the cap on each file inside a zip.
    - `max_pixels` (60,000,000): one image, or one frame of a DICOM file.
    - `max_zip_entries` (2,000): files and folders in a zip.
    - `max_zip_total_bytes` (1.5 GB): everything in a zip once expanded.
    - `max_zip_ratio` (200): how much one zip entry may expand (a zip bomb expands far more).
    - `max_frames` (2,000): frames of one file, or slices of a series.
    - `max_total_pixels` (1,000,000,000): all frames or slices together.
    - `max_decoded_bytes` (192 MB): one file's pixels once decoded — width × height × bytes per
      pixel × frames — so that the worker that decodes it has a known memory bound. Colour
      images count 4 bytes a pixel (as Pillow holds them), 8-bit grey 1, 16-bit grey 2.
    """

    max_bytes: int = 50 * MB
    max_pixels: int = 60_000_000
    max_zip_entries: int = 2000
    max_zip_total_bytes: int = 3 * GB // 2
    max_zip_ratio: int = 200
    max_frames: int = 2000
    max_total_pixels: int = 1_000_000_000
    max_decoded_bytes: int = 192 * MB


DEFAULT_LIMITS = Limits()


class RefusedUpload(ValueError):
    """The upload is not kept; `reason` says why in words for the person who uploaded it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Inspected:
    kind: Literal["image", "dicom", "dicom_series"]
    format: Literal["JPEG", "PNG", "WEBP", "GIF", "TIFF", "DICOM", "ZIP"]
    extension: str
    width: int
    height: int
    frames: int
    modality: str
    size: int
    # For a zip: the entries holding the slices, in stack order. Other entries (folders,
    # __MACOSX, dotfiles, DICOMDIR) are to be ignored by whatever processes the zip next.
    members: tuple[str, ...] = ()


def refuse_too_much_memory(
    width: int, height: int, bytes_per_pixel: int, frames: int, limits: Limits
) -> None:
    """Refuse a file whose decoded pixels would not fit the decoding budget."""
    decoded = width * height * bytes_per_pixel * frames
    if decoded > limits.max_decoded_bytes:
        raise RefusedUpload(
            f"The image is too large to process: its pixels take {size_text(decoded)} "
            f"once decoded, the limit is {size_text(limits.max_decoded_bytes)}."
        )


def size_text(size: int) -> str:
    if size >= GB:
        value, unit = size / GB, "GB"
    else:
        value, unit = size / MB, "MB"
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text} {unit}"
