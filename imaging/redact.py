"""Burning out regions of an image, such as burned-in patient names, for good.

Regions are given in fractions of the image (x, y, width, height in 0..1), so that a box drawn on
a scaled-down preview lands on the same pixels of the original.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageDraw
from pydicom.dataset import Dataset
from pydicom.pixels import pack_bits, pixel_array

REGION_KEYS = ("x", "y", "width", "height")


@dataclass(frozen=True)
class Region:
    """A rectangle in fractions of the image, already clamped to it."""

    left: float
    top: float
    right: float
    bottom: float

    def pixel_box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """Pixel edges (left, top, right, bottom), exclusive on the right and bottom. Rounded
        outwards: a pixel half inside the box is burned out too."""
        return (
            math.floor(self.left * width),
            math.floor(self.top * height),
            min(width, math.ceil(self.right * width)),
            min(height, math.ceil(self.bottom * height)),
        )


def parse_regions(regions: Sequence[Mapping[str, Any]]) -> list[Region]:
    """Checked regions, or ValueError: a region must have four finite numbers, a positive width
    and height, and must overlap the image; the part outside the image is cut off."""
    parsed = []
    for number, region in enumerate(regions, start=1):
        if not isinstance(region, Mapping):
            raise ValueError(f"Region {number} is not a rectangle.")
        values = {}
        for key in REGION_KEYS:
            value = region.get(key)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"Region {number} needs a number for {key}.")
            if not math.isfinite(value):
                raise ValueError(f"Region {number} has an invalid {key}.")
            values[key] = float(value)
        if values["width"] <= 0 or values["height"] <= 0:
            raise ValueError(f"Region {number} is empty: its width and height must be positive.")
        left, top = _clamp(values["x"]), _clamp(values["y"])
        right = _clamp(values["x"] + values["width"])
        bottom = _clamp(values["y"] + values["height"])
        if right <= left or bottom <= top:
            raise ValueError(f"Region {number} lies outside the image.")
        parsed.append(Region(left, top, right, bottom))
    return parsed


def redact_image(image: Image.Image, regions: Sequence[Mapping[str, Any]]) -> Image.Image:
    """A copy of `image` with every region filled with black."""
    boxes = parse_regions(regions)
    if image.mode in ("P", "PA"):
        # Palette index 0 need not be black.
        image = image.convert(
            "RGBA" if "transparency" in image.info or image.mode == "PA" else "RGB"
        )
    redacted = image.copy()
    draw = ImageDraw.Draw(redacted)
    black = _black(redacted.mode)
    for region in boxes:
        left, top, right, bottom = region.pixel_box(*redacted.size)
        if right > left and bottom > top:
            # ImageDraw's rectangle includes its far corner.
            draw.rectangle((left, top, right - 1, bottom - 1), fill=black)
    return redacted


def redact_dataset(ds: Dataset, regions: Sequence[Mapping[str, Any]]) -> Dataset:
    """Burn the regions out of every frame of `ds`, in place, and return it.

    Compressed pixel data is decompressed first and written back uncompressed as Explicit VR
    Little Endian; native data keeps its transfer syntax. Colour stored as YBR is written back as
    RGB. The array keeps its shape and dtype. The icon image, a miniature that would still show
    what was burned out, is removed. UIDs are left alone: whoever calls this decides on a new
    SOP Instance UID.
    """
    boxes = parse_regions(regions)
    if "PixelData" not in ds:
        raise ValueError("The DICOM file holds no image to redact.")
    transfer_syntax = ds.file_meta.TransferSyntaxUID
    if transfer_syntax.is_compressed:
        ds.decompress(generate_instance_uid=False)
    pixels = pixel_array(ds).copy()
    samples = int(ds.get("SamplesPerPixel", 1) or 1)
    rows, columns = int(ds.Rows), int(ds.Columns)
    fill = _darkest(pixels, ds)
    for region in boxes:
        left, top, right, bottom = region.pixel_box(columns, rows)
        if samples > 1:
            pixels[..., top:bottom, left:right, :] = fill
        else:
            pixels[..., top:bottom, left:right] = fill
    _write_back(ds, pixels, samples)
    if "IconImageSequence" in ds:
        del ds.IconImageSequence
    return ds


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _black(mode: str) -> int | tuple[int, ...]:
    count = Image.getmodebands(mode)
    if mode == "CMYK":
        return (0, 0, 0, 255)
    if mode in ("RGBA", "RGBa", "LA", "La"):
        return (0,) * (count - 1) + (255,)  # opaque black, not a see-through hole
    return 0 if count == 1 else (0,) * count


def _darkest(pixels: np.ndarray, ds: Dataset) -> int | float:
    """What displays as black: 0 for colour, the lowest value for MONOCHROME2 (so that signed CT
    turns black under any window) and the highest for MONOCHROME1."""
    photometric = str(ds.get("PhotometricInterpretation", "")).strip().upper()
    if int(ds.get("SamplesPerPixel", 1) or 1) > 1 or photometric == "PALETTE COLOR":
        return 0
    return pixels.max() if photometric == "MONOCHROME1" else pixels.min()


def _write_back(ds: Dataset, pixels: np.ndarray, samples: int) -> None:
    photometric = str(ds.get("PhotometricInterpretation", "")).strip().upper()
    if samples > 1 and photometric.startswith("YBR"):
        # pydicom hands YBR pixels over converted to RGB; they go back as RGB.
        ds.PhotometricInterpretation = "RGB"
    if samples > 1 and int(ds.get("PlanarConfiguration", 0) or 0) == 1:
        # Colour-by-plane: all reds, then all greens, then all blues, frame by frame.
        stored = np.moveaxis(pixels, -1, -3)
    else:
        stored = pixels
    if int(ds.BitsAllocated) == 1:
        data = pack_bits(stored.astype(np.uint8))
    else:
        # Native data keeps its transfer syntax, so also its byte order (big endian is retired
        # but still met in old archives).
        order = "<" if ds.file_meta.TransferSyntaxUID.is_little_endian else ">"
        data = np.ascontiguousarray(stored).astype(stored.dtype.newbyteorder(order)).tobytes()
    ds.PixelData = data if len(data) % 2 == 0 else data + b"\x00"
    ds["PixelData"].VR = "OB" if int(ds.BitsAllocated) <= 8 else "OW"
    ds["PixelData"].is_undefined_length = False
