"""Reader-facing derivatives of an uploaded image: re-encoded, oriented, metadata-free."""

from __future__ import annotations

import io
from typing import BinaryIO

from PIL import Image, ImageOps

THUMBNAIL_SIZE = (480, 480)
# Refuse decompression bombs well before they exhaust memory.
MAX_PIXELS = 80_000_000


class UnreadableImage(ValueError):
    """The file is not an image we can decode safely."""


def make_thumbnail(source: BinaryIO, *, size: tuple[int, int] = THUMBNAIL_SIZE) -> bytes:
    """A JPEG thumbnail with orientation applied and no EXIF, ICC text or other metadata."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(source) as image:
            image.seek(0)  # first frame of a GIF or multi-page TIFF
            image.load()
            oriented = ImageOps.exif_transpose(image)
            if oriented.mode not in ("RGB", "L"):
                oriented = oriented.convert("RGB")
            oriented.thumbnail(size, Image.Resampling.LANCZOS)
            # A fresh image carries pixels only: nothing of the original's metadata survives.
            clean = Image.new(oriented.mode, oriented.size)
            clean.paste(oriented)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise UnreadableImage(str(error) or "The image could not be decoded.") from error
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()
