"""DICOM pixels to 8-bit pictures: modality rescale, windowing, colour and stack order.

The arrays that `frames_of` returns hold modality values (Hounsfield units for CT), so that
`render` can apply a CT window preset to them; `render` turns one such frame into a picture.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from PIL import Image
from pydicom.dataset import Dataset
from pydicom.pixels import apply_color_lut, apply_modality_lut, apply_voi, iter_pixels

# (window center, window width) in Hounsfield units.
PRESETS: dict[str, tuple[float, float]] = {
    "brain": (40, 80),
    "soft_tissue": (40, 400),
    "lung": (-600, 1500),
    "bone": (400, 1800),
}
PRESET_LABELS: dict[str, str] = {
    "brain": "Brain",
    "soft_tissue": "Soft tissue",
    "lung": "Lung",
    "bone": "Bone",
}

CT_SOP_CLASSES = {
    "1.2.840.10008.5.1.4.1.1.2",  # CT Image Storage
    "1.2.840.10008.5.1.4.1.1.2.1",  # Enhanced CT Image Storage
    "1.2.840.10008.5.1.4.1.1.2.2",  # Legacy Converted Enhanced CT Image Storage
}


def is_ct(ds: Dataset) -> bool:
    """Whether the pixel values are Hounsfield units, so that CT window presets apply."""
    return str(ds.get("Modality", "")).upper() == "CT" or str(ds.get("SOPClassUID", "")) in (
        CT_SOP_CLASSES
    )


def is_colour(ds: Dataset) -> bool:
    return int(ds.get("SamplesPerPixel", 1) or 1) > 1 or _photometric(ds) == "PALETTE COLOR"


def iter_frames(ds: Dataset) -> Iterator[np.ndarray]:
    """Each frame in turn, with the modality LUT or rescale applied; colour frames as RGB.

    Frames are decoded one at a time, so a long multi-frame file never sits in memory whole.
    """
    for index, frame in enumerate(iter_pixels(ds)):
        yield _modality_values(frame, ds, index)


def frames_of(ds: Dataset) -> list[np.ndarray]:
    """Every frame of a single or multi-frame dataset; see `iter_frames`."""
    return list(iter_frames(ds))


def render(
    array: np.ndarray,
    ds: Dataset,
    *,
    preset: str | None = None,
    frame: int = 0,
) -> Image.Image:
    """An 8-bit picture of one frame from `frames_of`: mode "L", or "RGB" for colour images.

    Greyscale windowing, in order of preference: the CT `preset` (ignored for other modalities),
    the file's own window or VOI LUT, then the frame's full range. MONOCHROME1 is inverted so that
    it reads like every other image. `frame` picks the per-frame window of enhanced multi-frame
    files.
    """
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"Unknown window preset {preset!r}.")
    if array.ndim == 3 and array.shape[-1] in (3, 4):
        return Image.fromarray(_colour_to_8_bit(array[..., :3], ds), mode="RGB")
    if array.ndim != 2:
        raise ValueError(f"Expected one frame of pixels, got an array shaped {array.shape}.")

    values = array.astype(np.float64, copy=False)
    if preset is not None and is_ct(ds):
        center, width = PRESETS[preset]
        picture = _window(values, center, width, "LINEAR")
    elif (window := _file_window(ds, frame)) is not None:
        picture = _window(values, *window)
    elif ds.get("VOILUTSequence"):
        picture = _stretch(_apply_voi_lut_sequence(array, ds).astype(np.float64))
    else:
        picture = _stretch(values)
    if _photometric(ds) == "MONOCHROME1":
        picture = 255 - picture
    return Image.fromarray(picture, mode="L")


def order_stack(datasets: Sequence[Dataset]) -> list[Dataset]:
    """Slices in anatomical order: by position along the slice normal when every slice has one,
    else by Instance Number when every slice has one, else as given. The sort is stable."""
    items = list(datasets)
    if not items:
        return items
    normal = _slice_normal(items[0])
    positions = [_position(ds) for ds in items]
    if normal is not None and all(position is not None for position in positions):
        distances = [float(np.dot(normal, position)) for position in positions]
        return [ds for _, ds in sorted(zip(distances, items, strict=True), key=_first)]
    numbers = [_number(ds.get("InstanceNumber")) for ds in items]
    if all(number is not None for number in numbers):
        return [ds for _, ds in sorted(zip(numbers, items, strict=True), key=_first)]
    return items


def _first(pair: tuple[float, Dataset]) -> float:
    return pair[0]


def _photometric(ds: Dataset) -> str:
    return str(ds.get("PhotometricInterpretation", "MONOCHROME2")).strip().upper()


def _modality_values(frame: np.ndarray, ds: Dataset, index: int) -> np.ndarray:
    if is_colour(ds):
        if _photometric(ds) == "PALETTE COLOR":
            return apply_color_lut(frame, ds)
        return frame
    rescale = _frame_item(ds, index, "PixelValueTransformationSequence")
    if rescale is not None and "RescaleSlope" in rescale and "RescaleIntercept" in rescale:
        return apply_modality_lut(frame, rescale)
    return apply_modality_lut(frame, ds)


def _frame_item(ds: Dataset, index: int, sequence: str) -> Dataset | None:
    """The first item of a functional group macro for one frame of an enhanced multi-frame file:
    per-frame values win over shared ones."""
    for groups, position in (
        ("PerFrameFunctionalGroupsSequence", index),
        ("SharedFunctionalGroupsSequence", 0),
    ):
        items = ds.get(groups)
        if items and position < len(items):
            nested = items[position].get(sequence)
            if nested:
                return nested[0]
    return None


def _file_window(ds: Dataset, frame: int) -> tuple[float, float, str] | None:
    source = _frame_item(ds, frame, "FrameVOILUTSequence") or ds
    center = _number(_first_value(source.get("WindowCenter")))
    width = _number(_first_value(source.get("WindowWidth")))
    if center is None or width is None or width <= 0:
        return None
    function = str(source.get("VOILUTFunction", "LINEAR") or "LINEAR").strip().upper()
    return center, width, function


def _apply_voi_lut_sequence(array: np.ndarray, ds: Dataset) -> np.ndarray:
    # A VOI LUT is indexed by stored integers; rescaled values are floats.
    integers = np.rint(array).astype(np.int64) if array.dtype.kind == "f" else array
    return apply_voi(integers, ds)


def _window(values: np.ndarray, center: float, width: float, function: str) -> np.ndarray:
    """PS3.3 C.11.2.1.2: the linear, exact-linear and sigmoid VOI functions, onto 0..255."""
    # One working copy, changed in place: a 60-megapixel frame is 480 MB in float64, and each
    # temporary of a chained expression would cost as much again.
    if function == "SIGMOID":
        scaled = values - center
        scaled *= -4.0
        scaled /= width
        np.exp(scaled, out=scaled)
        scaled += 1.0
        np.divide(255.0, scaled, out=scaled)
    elif function == "LINEAR_EXACT":
        scaled = values - center
        scaled /= width
        scaled += 0.5
        scaled *= 255.0
    else:
        if width < 1:
            width = 1.0
        scaled = values - (center - 0.5)
        scaled /= max(width - 1.0, 1.0)
        scaled += 0.5
        scaled *= 255.0
    return _to_uint8(scaled)


def _to_uint8(scaled: np.ndarray) -> np.ndarray:
    """Round and clip a working copy in place, then narrow it to bytes."""
    np.rint(scaled, out=scaled)
    np.clip(scaled, 0, 255, out=scaled)
    return scaled.astype(np.uint8)


def _stretch(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return np.zeros(values.shape, dtype=np.uint8)
    finite = np.isfinite(values)
    if finite.all():
        # The common case, without copying the frame to find its range.
        low, high = float(values.min()), float(values.max())
    else:
        kept = values[finite]
        if kept.size == 0:
            return np.zeros(values.shape, dtype=np.uint8)
        low, high = float(kept.min()), float(kept.max())
        del kept
    del finite
    if high <= low:
        return np.zeros(values.shape, dtype=np.uint8)
    scaled = np.nan_to_num(values.astype(np.float64), nan=low, copy=False)
    scaled -= low
    scaled *= 255.0 / (high - low)
    return _to_uint8(scaled)


def _colour_to_8_bit(array: np.ndarray, ds: Dataset) -> np.ndarray:
    if array.dtype == np.uint8:
        return np.ascontiguousarray(array)
    # Deeper colour (16-bit RGB, or a palette with 16-bit entries): scale the nominal range down
    # rather than clip it, so that the picture keeps its contrast.
    if _photometric(ds) == "PALETTE COLOR":
        bits = 16 if array.dtype.itemsize > 1 else 8
    else:
        bits = int(ds.get("BitsStored", array.dtype.itemsize * 8) or array.dtype.itemsize * 8)
    top = float(2**bits - 1)
    scaled = array.astype(np.float64) * (255.0 / top)
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def _first_value(value: Any) -> Any:
    if value is None or isinstance(value, str | bytes):
        return value
    try:
        return value[0] if len(value) else None
    except TypeError:
        return value


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _vector(value: Any, length: int) -> np.ndarray | None:
    try:
        numbers = [float(item) for item in value]
    except (TypeError, ValueError):
        return None
    if len(numbers) != length or not all(math.isfinite(item) for item in numbers):
        return None
    return np.asarray(numbers)


def _slice_normal(ds: Dataset) -> np.ndarray | None:
    orientation = _vector(ds.get("ImageOrientationPatient"), 6)
    if orientation is None:
        return None
    normal = np.cross(orientation[:3], orientation[3:])
    length = float(np.linalg.norm(normal))
    return normal / length if length > 0 else None


def _position(ds: Dataset) -> np.ndarray | None:
    return _vector(ds.get("ImagePositionPatient"), 3)
