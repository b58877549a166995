"""Slices the browser windows itself: one DICOM frame's modality values at full bit depth.

JPEG renders hold 8 bits of a window chosen on the server; to window freely, the viewer
(static/js/viewer.js) needs the values themselves. Each greyscale slice of a de-identified
DICOM gets a file of its values after the modality rescale (Hounsfield units for CT) as a
gzip-compressed, little-endian array, row by row, and a small header kept on the slice
(`FigureFrame.pixels`):

    {"name": stored file, "dtype": "int16" | "uint16" | "float32", "rows": …, "columns": …,
     "min": …, "max": …, "window": [center, width] or null, "spacing": [row mm, column mm]
     or null, "detector": true when the spacing is the detector's, "invert": true for
     MONOCHROME1}

The values are those of the de-identified (and, after a redaction, redacted) dataset only.
Colour images get none: the viewer shows their renders.
"""

from __future__ import annotations

import gzip
import math
from typing import Any

import numpy as np
from pydicom.dataset import Dataset

from .dicom_render import _file_window, _frame_item, _photometric, is_colour

DTYPES = {"int16": np.dtype("<i2"), "uint16": np.dtype("<u2"), "float32": np.dtype("<f4")}
COMPRESSION = 6


def pixel_frame(array: np.ndarray, ds: Dataset, frame: int = 0) -> tuple[bytes, dict[str, Any]]:
    """The compressed values of one frame from `dicom_render.iter_frames`, and its header
    (without the stored name). ValueError for a colour frame or one that is not 2-D."""
    if is_colour(ds) or array.ndim != 2:
        raise ValueError("Only greyscale frames are windowed in the browser.")
    values, dtype = _narrowest(array)
    finite = values[np.isfinite(values)] if dtype == "float32" else values
    low = float(finite.min()) if finite.size else 0.0
    high = float(finite.max()) if finite.size else 0.0
    spacing, detector = _spacing(ds, frame)
    window = _file_window(ds, frame)
    header = {
        "dtype": dtype,
        "rows": int(array.shape[0]),
        "columns": int(array.shape[1]),
        "min": _plain(low),
        "max": _plain(high),
        "window": [_plain(window[0]), _plain(window[1])] if window else None,
        "spacing": spacing,
        "detector": detector,
        "invert": _photometric(ds) == "MONOCHROME1",
    }
    data = np.ascontiguousarray(values.astype(DTYPES[dtype], copy=False)).tobytes()
    return gzip.compress(data, compresslevel=COMPRESSION, mtime=0), header


def read_pixel_frame(data: bytes, header: dict[str, Any]) -> np.ndarray:
    """The values of a stored frame, as the browser reads them (for checks and tests)."""
    values = np.frombuffer(gzip.decompress(data), dtype=DTYPES[header["dtype"]])
    return values.reshape(header["rows"], header["columns"])


def _narrowest(array: np.ndarray) -> tuple[np.ndarray, str]:
    """Whole numbers in 16 bits when they fit, else 32-bit floats."""
    if array.dtype.kind in "iu":
        whole = True
    elif array.dtype.kind == "f":
        whole = bool(np.isfinite(array).all()) and bool(np.array_equal(array, np.rint(array)))
    else:
        raise ValueError(f"Unexpected pixel type {array.dtype}.")
    if whole and array.size:
        low, high = array.min(), array.max()
        if low >= -32768 and high <= 32767:
            return array, "int16"
        if low >= 0 and high <= 65535:
            return array, "uint16"
    return array, "float32"


def _spacing(ds: Dataset, frame: int) -> tuple[list[float] | None, bool]:
    """(row, column) spacing in mm in the patient, else at the detector; None when unknown."""
    measures = _frame_item(ds, frame, "PixelMeasuresSequence")
    for source, keyword, detector in (
        (measures, "PixelSpacing", False),
        (ds, "PixelSpacing", False),
        (ds, "ImagerPixelSpacing", True),
    ):
        if source is None:
            continue
        value = source.get(keyword)
        try:
            numbers = [float(item) for item in value]
        except (TypeError, ValueError):
            continue
        if len(numbers) == 2 and all(math.isfinite(n) and n > 0 for n in numbers):
            return numbers, detector
    return None, False


def _plain(value: float) -> float | int:
    """A JSON number: whole numbers without a decimal point."""
    number = float(value)
    return int(number) if number.is_integer() else round(number, 6)
