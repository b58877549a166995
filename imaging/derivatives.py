"""Reader-facing derivatives of an uploaded image: re-encoded, oriented, metadata-free.

Readers never receive an uploaded file: they get JPEGs re-created from its pixels alone, so no
EXIF (GPS, camera serials, dates), XMP, ICC profile, comment or PNG text survives.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageCms, ImageOps

from .inspect import pillow_pixel_limit

THUMBNAIL_SIZE = (480, 480)
WEB_SIZE = (1600, 1600)
FULL_LONG_SIDE = 4096
JPEG_QUALITY = 85
# Refuse decompression bombs well before they exhaust memory; uploads were already checked
# against the (lower) upload limit, this guards callers that skip inspection.
MAX_PIXELS = 80_000_000

# Only the formats uploads may have: Pillow would otherwise also try plugins such as EPS, which
# hands the file to Ghostscript.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "TIFF")
TRANSPARENT_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}
DEEP_GREY_MODES = {"I", "I;16", "I;16L", "I;16B", "I;16N", "F"}


class UnreadableImage(ValueError):
    """The file is not an image we can decode safely."""


@dataclass(frozen=True)
class Derivatives:
    thumbnail: bytes  # JPEG within 480×480
    web: bytes  # JPEG within 1600×1600
    full: bytes  # JPEG at the original size, at most 4096 on the long side
    width: int  # of `full`
    height: int


def make_derivatives(
    source: BinaryIO | Image.Image, *, max_pixels: int = MAX_PIXELS
) -> Derivatives:
    """The three JPEGs readers see, from an uploaded file or an already rendered picture."""
    full = clean_picture(source, max_pixels=max_pixels, long_side=FULL_LONG_SIDE)
    if max(full.size) > FULL_LONG_SIDE:
        full.thumbnail((FULL_LONG_SIDE, FULL_LONG_SIDE), Image.Resampling.LANCZOS)
    web = full.copy()
    web.thumbnail(WEB_SIZE, Image.Resampling.LANCZOS)
    thumbnail = web.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    return Derivatives(
        thumbnail=_jpeg(thumbnail),
        web=_jpeg(web),
        full=_jpeg(full),
        width=full.width,
        height=full.height,
    )


def make_thumbnail(
    source: BinaryIO | Image.Image, *, size: tuple[int, int] = THUMBNAIL_SIZE
) -> bytes:
    """A JPEG thumbnail with orientation applied and no metadata."""
    picture = clean_picture(source, long_side=max(size))
    picture.thumbnail(size, Image.Resampling.LANCZOS)
    return _jpeg(picture)


def clean_picture(
    source: BinaryIO | Image.Image, *, max_pixels: int = MAX_PIXELS, long_side: int | None = None
) -> Image.Image:
    """The first frame as 8-bit RGB or L pixels, upright, in sRGB, carrying nothing else.

    With `long_side`, for a picture that is to be shrunk to it anyway: a picture larger than that
    may come back smaller (never below `long_side`), decoded and converted for less memory.
    Without, the pixels are those of the file.
    """
    if isinstance(source, Image.Image):
        return _clean(source)
    try:
        with pillow_pixel_limit(max_pixels), Image.open(source, formats=FORMATS) as image:
            image.seek(0)  # first frame of a GIF or multi-page TIFF
            if long_side and image.format == "JPEG" and max(image.size) > long_side:
                # A JPEG decodes at 1/2, 1/4 or 1/8 scale for a fraction of the memory.
                image.draft(image.mode, _within(image.size, long_side))
            image.load()
            return _clean(_reduced(image, long_side) if long_side else image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UnreadableImage(f"The image has more than {max_pixels:,} pixels.") from error
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as error:
        raise UnreadableImage(str(error) or "The image could not be decoded.") from error


def _within(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    width, height = size
    scale = long_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


# Modes Image.reduce handles; "1", "P" and 16-bit grey are converted at their full size.
REDUCIBLE_MODES = {"L", "LA", "La", "RGB", "RGBA", "RGBa", "CMYK", "YCbCr", "I", "F", "PA"}


def _reduced(image: Image.Image, long_side: int) -> Image.Image:
    """A decoded picture at least twice `long_side`, shrunk by a whole factor before it is
    converted: each conversion copies the pixels, and copies of the original size would
    multiply the worker's memory for nothing readers see."""
    factor = max(image.size) // long_side
    if factor < 2 or image.mode not in REDUCIBLE_MODES:
        return image
    reduced = image.reduce(factor)
    reduced.info = dict(image.info)  # the orientation and colour profile still apply
    exif = image.getexif()
    if exif:
        reduced.info["exif"] = exif.tobytes()
    return reduced


def _clean(image: Image.Image) -> Image.Image:
    oriented = ImageOps.exif_transpose(image)
    converted = _to_display_mode(oriented)
    # A fresh image carries pixels only: nothing of the original's metadata survives.
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def _to_display_mode(image: Image.Image) -> Image.Image:
    if image.mode in DEEP_GREY_MODES:
        return _deep_grey_to_8_bit(image)
    if image.mode == "1":
        return image.convert("L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in TRANSPARENT_MODES:
        return _flatten_on_white(image)
    if image.mode in ("RGB", "CMYK") and image.info.get("icc_profile"):
        image = _to_srgb(image)
    if image.mode == "L":
        return image.copy()
    return image.convert("RGB")


def _deep_grey_to_8_bit(image: Image.Image) -> Image.Image:
    """16-bit and float greyscale stretched over its own range: clipping at 255 would leave a
    12-bit radiograph white, and dividing by 257 would leave it nearly black."""
    values = np.asarray(image, dtype=np.float64)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return Image.new("L", image.size)
    low, high = float(finite.min()), float(finite.max())
    if high <= low:
        return Image.new("L", image.size, 255 if low > 0 else 0)
    scaled = (np.nan_to_num(values, nan=low) - low) * (255.0 / (high - low))
    return Image.fromarray(np.clip(np.rint(scaled), 0, 255).astype(np.uint8), mode="L")


def _flatten_on_white(image: Image.Image) -> Image.Image:
    grey = image.mode in ("LA", "La")
    rgba = image.convert("RGBA")
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flattened = Image.alpha_composite(background, rgba).convert("RGB")
    return flattened.convert("L") if grey else flattened


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colours as the profile meant them: dropping a wide-gamut or CMYK profile without
    converting would shift every colour."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"]))
        converted = ImageCms.profileToProfile(
            image, profile, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image.convert("RGB")
    return converted if converted is not None else image.convert("RGB")


def _jpeg(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()
