"""DICOM pixels to pictures: rescale, windows and presets, colour, multi-frame, stack order."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import numpy as np
import pydicom
import pydicom.data
import pytest
from pydicom.dataset import Dataset

from imaging.dicom_render import (
    PRESET_LABELS,
    PRESETS,
    frames_of,
    is_ct,
    iter_frames,
    order_stack,
    render,
)

TEST_FILES = Path(os.path.dirname(pydicom.data.__file__)) / "test_files"


def bundled(name: str) -> Dataset:
    """A dataset shipped inside pydicom: read from its folder, never fetched from the network."""
    path = TEST_FILES / name
    if not path.exists():
        pytest.skip(f"{name} is not bundled with this pydicom")
    return pydicom.dcmread(path)


def synthetic(pixels: np.ndarray, photometric: str = "MONOCHROME2") -> Dataset:
    ds = Dataset()
    ds.file_meta = pydicom.dataset.FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = pydicom.uid.ExplicitVRLittleEndian
    ds.Modality = "CR"
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.PixelData = pixels.astype(np.uint16).tobytes()
    return ds


def ramp() -> np.ndarray:
    return np.tile(np.arange(0, 4096, 16, dtype=np.uint16), (8, 1))


def test_presets_are_the_usual_ct_windows_with_labels():
    assert PRESETS["lung"] == (-600, 1500)
    assert PRESETS["soft_tissue"] == (40, 400)
    assert set(PRESET_LABELS) == set(PRESETS)
    assert PRESET_LABELS["soft_tissue"] == "Soft tissue"


def test_ct_frames_hold_hounsfield_units():
    ds = bundled("CT_small.dcm")
    [frame] = frames_of(ds)
    assert is_ct(ds)
    raw = ds.pixel_array
    expected = raw * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    assert np.allclose(frame, expected)


def test_each_ct_preset_gives_a_different_picture():
    ds = bundled("CT_small.dcm")
    [frame] = frames_of(ds)
    pictures = {name: render(frame, ds, preset=name).tobytes() for name in PRESETS}
    assert len(set(pictures.values())) == len(PRESETS)
    picture = render(frame, ds, preset="lung")
    assert (picture.mode, picture.size) == ("L", (128, 128))


def test_preset_window_maps_its_edges_to_black_and_white():
    ds = bundled("CT_small.dcm")
    hounsfield = np.array([[-1000.0, 40.0, 1000.0]])
    values = np.asarray(render(hounsfield, ds, preset="soft_tissue"))
    assert values[0, 0] == 0 and values[0, 2] == 255
    assert 120 <= values[0, 1] <= 135


def test_presets_are_ignored_for_other_modalities():
    ds = synthetic(ramp())
    [frame] = frames_of(ds)
    assert not is_ct(ds)
    assert render(frame, ds, preset="bone").tobytes() == render(frame, ds).tobytes()


def test_unknown_preset_is_refused():
    ds = bundled("CT_small.dcm")
    with pytest.raises(ValueError):
        render(frames_of(ds)[0], ds, preset="liver")


def test_without_a_window_the_full_range_is_stretched():
    ds = synthetic(ramp())
    values = np.asarray(render(frames_of(ds)[0], ds))
    assert values.min() == 0 and values.max() == 255


def test_the_files_own_window_is_used_and_multiple_values_take_the_first():
    ds = synthetic(ramp())
    ds.WindowCenter = [1024, 3000]
    ds.WindowWidth = [512, 100]
    values = np.asarray(render(frames_of(ds)[0], ds))
    row = values[0]
    assert row[0] == 0  # 0 is below 1024 - 256
    assert row[-1] == 255  # 4080 is above 1024 + 256
    assert 0 < row[64] < 255  # 1024 sits in the middle of the first window


def test_monochrome1_is_inverted():
    normal = synthetic(ramp())
    inverted = synthetic(ramp(), photometric="MONOCHROME1")
    plain = np.asarray(render(frames_of(normal)[0], normal)).astype(int)
    flipped = np.asarray(render(frames_of(inverted)[0], inverted)).astype(int)
    assert (plain + flipped == 255).all()
    assert flipped[0, 0] == 255  # the lowest value is white in MONOCHROME1


def test_multi_frame_files_give_every_frame():
    ds = bundled("rtdose.dcm")
    frames = frames_of(ds)
    assert len(frames) == int(ds.NumberOfFrames) == 15
    assert all(frame.shape == (10, 10) for frame in frames)
    assert render(frames[3], ds, frame=3).size == (10, 10)


def test_colour_multi_frame_renders_rgb():
    ds = bundled("SC_rgb_rle_2frame.dcm")
    frames = list(iter_frames(ds))
    assert len(frames) == 2
    picture = render(frames[1], ds, frame=1)
    assert (picture.mode, picture.size) == ("RGB", (100, 100))
    assert np.array_equal(np.asarray(picture), ds.pixel_array[1])


def test_ybr_colour_is_converted_to_rgb():
    ds = bundled("SC_ybr_full_422_uncompressed.dcm")
    picture = render(frames_of(ds)[0], ds)
    assert picture.mode == "RGB"
    # The file's top-left block is pure red once converted.
    red, green, blue = picture.getpixel((2, 2))
    assert red > 200 and green < 40 and blue < 40


@pytest.mark.parametrize("name", ["MR_small_RLE.dcm", "JPEG2000.dcm"])
def test_compressed_files_decode_and_render(name):
    ds = bundled(name)
    [frame] = frames_of(ds)
    picture = render(frame, ds)
    assert picture.mode == "L"
    assert picture.size == (int(ds.Columns), int(ds.Rows))
    assert np.asarray(picture).std() > 0


def positioned(base: Dataset, z: float | None, number: int | None) -> Dataset:
    ds = copy.deepcopy(base)
    ds.SOPInstanceUID = pydicom.uid.generate_uid()
    if z is None:
        del ds.ImagePositionPatient
    else:
        ds.ImagePositionPatient = [0, 0, z]
    if number is None:
        if "InstanceNumber" in ds:
            del ds.InstanceNumber
    else:
        ds.InstanceNumber = number
    return ds


def test_stack_is_ordered_along_the_slice_normal():
    base = bundled("CT_small.dcm")
    base.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    shuffled = [positioned(base, z, n) for z, n in [(10.0, 1), (-5.0, 2), (2.5, 3), (0.0, 4)]]
    ordered = order_stack(shuffled)
    assert [float(ds.ImagePositionPatient[2]) for ds in ordered] == [-5.0, 0.0, 2.5, 10.0]


def test_stack_follows_an_oblique_normal():
    base = bundled("CT_small.dcm")
    base.ImageOrientationPatient = [1, 0, 0, 0, 0, -1]  # coronal: the normal points along y
    slices = [positioned(base, 0, n) for n in (1, 2, 3)]
    for ds, y in zip(slices, [30.0, 10.0, 20.0], strict=True):
        ds.ImagePositionPatient = [0, y, 0]
    ordered = order_stack(slices)
    assert [float(ds.ImagePositionPatient[1]) for ds in ordered] == [10.0, 20.0, 30.0]


def test_stack_falls_back_to_instance_numbers():
    base = bundled("CT_small.dcm")
    shuffled = [positioned(base, None, n) for n in (3, 1, 2)]
    assert [ds.InstanceNumber for ds in order_stack(shuffled)] == [1, 2, 3]


def test_stack_keeps_the_given_order_without_positions_or_numbers():
    base = bundled("CT_small.dcm")
    given = [positioned(base, None, None) for _ in range(3)]
    assert order_stack(given) == given
    assert [id(ds) for ds in order_stack(given)] == [id(ds) for ds in given]


def test_stack_order_is_stable_for_equal_positions():
    base = bundled("CT_small.dcm")
    base.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    twins = [positioned(base, 1.0, n) for n in (1, 2, 3)]
    assert [ds.InstanceNumber for ds in order_stack(twins)] == [1, 2, 3]
