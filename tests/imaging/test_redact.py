"""Burning out regions: pixels inside become black, pixels outside are untouched."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pydicom
import pydicom.data
import pytest
from PIL import Image
from pydicom.uid import ExplicitVRLittleEndian

from imaging.redact import parse_regions, redact_dataset, redact_image

TEST_FILES = Path(os.path.dirname(pydicom.data.__file__)) / "test_files"
TOP_LEFT_QUARTER = {"x": 0, "y": 0, "width": 0.5, "height": 0.5}


def bundled(name: str) -> pydicom.Dataset:
    """A dataset shipped inside pydicom: read from its folder, never fetched from the network."""
    path = TEST_FILES / name
    if not path.exists():
        pytest.skip(f"{name} is not bundled with this pydicom")
    return pydicom.dcmread(path)


def saved_and_read(ds: pydicom.Dataset) -> pydicom.Dataset:
    buffer = io.BytesIO()
    ds.save_as(buffer)
    buffer.seek(0)
    return pydicom.dcmread(buffer)


def noise(mode: str, size: tuple[int, int] = (40, 30)) -> Image.Image:
    bands = len(mode) if mode in ("RGB", "RGBA") else 1
    values = np.random.default_rng(7).integers(1, 256, (size[1], size[0], bands), dtype=np.uint8)
    return Image.fromarray(values if bands > 1 else values[..., 0], mode=mode)


def test_rgb_pixels_inside_are_black_and_outside_unchanged():
    image = noise("RGB")
    redacted = np.asarray(redact_image(image, [TOP_LEFT_QUARTER]))
    original = np.asarray(image)
    assert (redacted[:15, :20] == 0).all()
    assert (redacted[15:, :] == original[15:, :]).all()
    assert (redacted[:, 20:] == original[:, 20:]).all()


def test_greyscale_pixels_inside_are_black_and_outside_unchanged():
    image = noise("L")
    region = {"x": 0.25, "y": 0.5, "width": 0.5, "height": 0.5}
    redacted = np.asarray(redact_image(image, [region]))
    original = np.asarray(image)
    assert redacted.shape == original.shape
    assert (redacted[15:, 10:30] == 0).all()
    mask = np.ones(original.shape, dtype=bool)
    mask[15:, 10:30] = False
    assert (redacted[mask] == original[mask]).all()


def test_the_original_image_is_left_untouched():
    image = noise("L")
    before = image.tobytes()
    redact_image(image, [TOP_LEFT_QUARTER])
    assert image.tobytes() == before


def test_transparent_images_get_opaque_black():
    redacted = redact_image(noise("RGBA"), [TOP_LEFT_QUARTER])
    assert redacted.getpixel((0, 0)) == (0, 0, 0, 255)


def test_palette_images_are_burned_out_in_true_black():
    image = Image.new("P", (10, 10), 0)
    image.putpalette([255, 255, 255] * 256)  # index 0 is white here
    redacted = redact_image(image, [TOP_LEFT_QUARTER])
    assert redacted.convert("RGB").getpixel((0, 0)) == (0, 0, 0)


def test_partly_covered_pixels_are_burned_out_too():
    image = Image.new("L", (10, 10), 200)
    redacted = redact_image(image, [{"x": 0.15, "y": 0.15, "width": 0.1, "height": 0.1}])
    values = np.asarray(redacted)
    assert (values[1:3, 1:3] == 0).all()
    assert values[0, 0] == values[3, 3] == 200


def test_regions_reaching_outside_are_clamped_to_the_image():
    image = noise("L")
    redacted = np.asarray(redact_image(image, [{"x": 0.5, "y": -0.5, "width": 2, "height": 1}]))
    assert (redacted[:15, 20:] == 0).all()
    assert (redacted[15:, :] == np.asarray(image)[15:, :]).all()


@pytest.mark.parametrize(
    "region",
    [
        {"x": float("nan"), "y": 0, "width": 0.1, "height": 0.1},
        {"x": 0, "y": 0, "width": float("inf"), "height": 0.1},
        {"x": 0, "y": 0, "width": -0.1, "height": 0.1},
        {"x": 0, "y": 0, "width": 0, "height": 0.1},
        {"x": 0, "y": 0, "width": 0.1},
        {"x": "0", "y": 0, "width": 0.1, "height": 0.1},
        {"x": True, "y": 0, "width": 0.1, "height": 0.1},
        {"x": 1.5, "y": 0, "width": 0.2, "height": 0.2},
        "0,0,1,1",
    ],
)
def test_invalid_regions_are_refused(region):
    with pytest.raises(ValueError):
        parse_regions([region])


def test_greyscale_dicom_pixels_inside_take_the_darkest_value():
    ds = bundled("CT_small.dcm")
    original = ds.pixel_array.copy()
    redact_dataset(ds, [TOP_LEFT_QUARTER])
    reread = saved_and_read(ds)
    pixels = reread.pixel_array
    assert pixels.shape == original.shape and pixels.dtype == original.dtype
    assert (pixels[:64, :64] == original.min()).all()
    assert (pixels[64:, :] == original[64:, :]).all()
    assert (pixels[:, 64:] == original[:, 64:]).all()


def test_unsigned_greyscale_dicom_is_burned_out_to_zero():
    ds = bundled("CT_small.dcm")
    signed = ds.pixel_array.astype(np.int32)
    ds.PixelRepresentation = 0
    ds.PixelData = (signed - signed.min()).astype(np.uint16).tobytes()
    original = ds.pixel_array.copy()
    assert original.min() == 0 and (original[:64, :64] > 0).any()
    redact_dataset(ds, [TOP_LEFT_QUARTER])
    pixels = saved_and_read(ds).pixel_array
    assert (pixels[:64, :64] == 0).all()
    assert (pixels[64:, :] == original[64:, :]).all()


def test_monochrome1_is_burned_out_with_its_highest_value():
    ds = bundled("CT_small.dcm")
    ds.PhotometricInterpretation = "MONOCHROME1"
    original = ds.pixel_array.copy()
    redact_dataset(ds, [TOP_LEFT_QUARTER])
    assert (ds.pixel_array[:64, :64] == original.max()).all()


def test_every_frame_of_a_compressed_multi_frame_rgb_dicom_is_redacted():
    ds = bundled("SC_rgb_rle_2frame.dcm")
    original = ds.pixel_array.copy()
    assert original.shape == (2, 100, 100, 3)
    redact_dataset(ds, [TOP_LEFT_QUARTER, {"x": 0.9, "y": 0.9, "width": 0.1, "height": 0.1}])
    assert ds.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
    reread = saved_and_read(ds)
    pixels = reread.pixel_array
    assert pixels.shape == original.shape and pixels.dtype == original.dtype
    for frame in range(2):
        assert (pixels[frame, :50, :50] == 0).all()
        assert (pixels[frame, 90:, 90:] == 0).all()
        assert (pixels[frame, 50:90, :] == original[frame, 50:90, :]).all()
        assert (pixels[frame, :50, 50:90] == original[frame, :50, 50:90]).all()


def test_multi_frame_greyscale_dicom_is_redacted_on_every_frame():
    ds = bundled("rtdose.dcm")
    original = ds.pixel_array.copy()
    redact_dataset(ds, [TOP_LEFT_QUARTER])
    pixels = saved_and_read(ds).pixel_array
    assert pixels.shape == original.shape == (15, 10, 10)
    assert pixels.dtype == original.dtype
    assert (pixels[:, :5, :5] == original.min()).all()
    assert (pixels[:, 5:, :] == original[:, 5:, :]).all()


def test_planar_colour_dicom_is_written_back_in_its_own_layout():
    ds = bundled("SC_rgb_rle_2frame.dcm")
    ds.decompress(generate_instance_uid=False)
    ds.PixelData = np.moveaxis(ds.pixel_array, -1, -3).tobytes()
    ds.PlanarConfiguration = 1
    original = ds.pixel_array.copy()
    redact_dataset(ds, [TOP_LEFT_QUARTER])
    pixels = saved_and_read(ds).pixel_array
    assert (pixels[:, :50, :50] == 0).all()
    assert (pixels[:, 50:, :] == original[:, 50:, :]).all()


def test_jpeg_compressed_ybr_dicom_becomes_uncompressed_rgb():
    ds = bundled("SC_rgb_jpeg_dcmtk.dcm")
    redact_dataset(ds, [TOP_LEFT_QUARTER])
    assert ds.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
    assert ds.PhotometricInterpretation == "RGB"
    assert (saved_and_read(ds).pixel_array[:50, :50] == 0).all()


def test_uids_are_kept_and_the_icon_is_dropped():
    ds = bundled("CT_small.dcm")
    ds.IconImageSequence = [pydicom.Dataset()]
    uid = ds.SOPInstanceUID
    redact_dataset(ds, [TOP_LEFT_QUARTER])
    assert ds.SOPInstanceUID == uid
    assert "IconImageSequence" not in ds


def test_dataset_without_pixels_is_refused():
    with pytest.raises(ValueError):
        redact_dataset(bundled("rtplan.dcm"), [TOP_LEFT_QUARTER])
