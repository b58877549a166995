"""What an upload is, from its bytes: good files accepted, every bad class refused with a reason."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pydicom
import pydicom.data
import pytest
from PIL import Image
from pydicom.uid import generate_uid

from imaging.inspect import Inspected, Limits, RefusedUpload, inspect_upload

TEST_FILES = Path(os.path.dirname(pydicom.data.__file__)) / "test_files"


def bundled(name: str) -> bytes:
    """A file shipped inside pydicom: read from its folder, never fetched from the network."""
    path = TEST_FILES / name
    if not path.exists():
        pytest.skip(f"{name} is not bundled with this pydicom")
    return path.read_bytes()


def picture(mode: str = "RGB", size: tuple[int, int] = (64, 48)) -> Image.Image:
    """A gradient with some texture, so that encoders produce realistic data."""
    width, height = size
    rows, columns = np.mgrid[0:height, 0:width]
    grey = ((rows * 7 + columns * 5 + (rows * columns) % 13) % 256).astype(np.uint8)
    if mode == "L":
        return Image.fromarray(grey, mode="L")
    return Image.fromarray(np.dstack([grey, grey[::-1], np.full_like(grey, 90)]), mode="RGB")


def encoded(format: str, image: Image.Image | None = None, **options) -> bytes:
    buffer = io.BytesIO()
    (image or picture()).save(buffer, format=format, **options)
    return buffer.getvalue()


def inspected(data: bytes, **limits) -> Inspected:
    return inspect_upload(io.BytesIO(data), limits=Limits(**limits))


def refused(data: bytes, **limits) -> str:
    with pytest.raises(RefusedUpload) as caught:
        inspected(data, **limits)
    return caught.value.reason


def slice_of_ct(position: float, *, series: str, study: str, number: int) -> bytes:
    ds = pydicom.dcmread(io.BytesIO(bundled("CT_small.dcm")))
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = series
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.ImagePositionPatient = [0, 0, position]
    ds.InstanceNumber = number
    buffer = io.BytesIO()
    ds.save_as(buffer)
    return buffer.getvalue()


def zipped(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            if name.endswith("/"):
                archive.writestr(zipfile.ZipInfo(name), b"")
            else:
                archive.writestr(name, data)
    return buffer.getvalue()


def series_zip(count: int = 3, **extra: bytes) -> bytes:
    study, series = generate_uid(), generate_uid()
    # Written out of anatomical order, so the stack order comes from the positions.
    slices = {
        f"series/slice{number}.dcm": slice_of_ct(
            position, series=series, study=study, number=number
        )
        for number, position in zip(
            range(1, count + 1), [20.0, -10.0, 5.0, 0.0][:count], strict=False
        )
    }
    return zipped({**slices, **extra})


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


# --- Accepted: the type comes from the content ----------------------------------------------------


def test_jpeg_is_accepted_with_its_size():
    result = inspected(encoded("JPEG"))
    assert (result.kind, result.format, result.extension) == ("image", "JPEG", "jpg")
    assert (result.width, result.height, result.frames, result.modality) == (64, 48, 1, "")


def test_png_is_accepted():
    data = encoded("PNG")
    result = inspected(data)
    assert (result.format, result.extension, result.size) == ("PNG", "png", len(data))


def test_png_named_like_a_jpeg_is_accepted_as_png():
    upload = io.BytesIO(encoded("PNG"))
    upload.name = "scan.jpg"
    assert inspect_upload(upload).format == "PNG"


def test_webp_is_accepted():
    assert inspected(encoded("WEBP")).extension == "webp"


def test_animated_gif_is_accepted_with_its_frames_counted():
    frames = [picture("L"), picture("L").rotate(90), picture("L").rotate(180)]
    data = encoded("GIF", frames[0], save_all=True, append_images=frames[1:])
    result = inspected(data)
    assert (result.format, result.extension, result.frames) == ("GIF", "gif", 3)


def test_multi_page_tiff_is_accepted():
    data = encoded("TIFF", picture(), save_all=True, append_images=[picture()])
    result = inspected(data)
    assert (result.format, result.extension, result.frames) == ("TIFF", "tif", 2)


def test_stream_is_left_at_its_start():
    upload = io.BytesIO(encoded("PNG"))
    upload.seek(10)
    inspect_upload(upload)
    assert upload.tell() == 0


def test_single_ct_dicom_is_accepted():
    result = inspected(bundled("CT_small.dcm"))
    assert (result.kind, result.format, result.extension) == ("dicom", "DICOM", "dcm")
    assert (result.width, result.height, result.frames, result.modality) == (128, 128, 1, "CT")


def test_multi_frame_dicom_is_accepted():
    result = inspected(bundled("SC_rgb_rle_2frame.dcm"))
    assert (result.kind, result.frames) == ("dicom", 2)


@pytest.mark.parametrize("name", ["JPEG2000.dcm", "MR_small_RLE.dcm"])
def test_compressed_dicom_is_accepted(name):
    assert inspected(bundled(name)).kind == "dicom"


def test_zip_of_a_series_is_accepted_with_its_slices_in_stack_order():
    result = inspected(series_zip(3))
    assert (result.kind, result.format, result.extension) == ("dicom_series", "ZIP", "zip")
    assert (result.frames, result.modality, result.width) == (3, "CT", 128)
    assert result.members == (
        "series/slice2.dcm",
        "series/slice3.dcm",
        "series/slice1.dcm",
    )


def test_zip_with_macos_clutter_and_folders_is_accepted():
    data = series_zip(
        2,
        **{
            "series/": b"",
            "__MACOSX/series/._slice1.dcm": b"\x00\x05\x16\x07",
            ".DS_Store": b"junk",
        },
    )
    result = inspected(data)
    assert result.frames == 2
    assert all(not name.startswith(("__MACOSX", ".")) for name in result.members)


# --- Refused: disguised files ---------------------------------------------------------------------


def test_svg_is_refused():
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "SVG drawing" in refused(svg)


def test_html_is_refused():
    assert "web page (HTML)" in refused(b"<!DOCTYPE html><html><body>hi</body></html>")


def test_pdf_is_refused():
    assert "PDF document" in refused(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n")


def test_text_named_like_a_jpeg_is_refused():
    upload = io.BytesIO(b"Patient: Jane Doe\nThis is not an image.\n")
    upload.name = "scan.jpg"
    with pytest.raises(RefusedUpload) as caught:
        inspect_upload(upload)
    assert "text file" in caught.value.reason


def test_program_is_refused():
    assert "a program" in refused(b"MZ\x90\x00" + b"\x00" * 200)


def test_unknown_bytes_are_refused_as_not_an_image():
    assert "not a recognised image" in refused(bytes(range(256)) * 4)


def test_empty_file_is_refused():
    assert "empty" in refused(b"")


def test_oversize_file_is_refused_before_anything_is_read():
    reason = refused(encoded("PNG"), max_bytes=100)
    assert reason.startswith("The file is too large")


# --- Refused: polyglots ---------------------------------------------------------------------------


def test_gif_with_html_inside_is_refused():
    data = encoded("GIF", picture("L"), comment=b"<html><script>alert(document.cookie)</script>")
    assert "web page code" in refused(data)


def test_jpeg_with_a_zip_appended_is_refused():
    data = encoded("JPEG") + zipped({"evil.txt": b"payload"})
    assert "zip archive" in refused(data)


@pytest.mark.parametrize("format", ["TIFF", "DICOM"])
def test_files_without_an_end_marker_are_refused_with_a_zip_appended(format):
    data = bundled("CT_small.dcm") if format == "DICOM" else encoded("TIFF")
    assert f"both a {format} file and a zip archive" in refused(data + zipped({"a": b"b"}))


def test_png_with_trailing_garbage_is_refused():
    data = encoded("PNG") + b"hidden payload " * 20
    assert "extra data after the end of the PNG image" in refused(data)


def test_png_with_a_few_padding_zeros_is_accepted():
    assert inspected(encoded("PNG") + b"\x00" * 100).format == "PNG"


def test_dicom_with_a_program_in_its_preamble_is_refused():
    data = bundled("CT_small.dcm")
    assert "disguised" in refused(b"MZ" + data[2:])


# --- Refused: damaged and bombs -------------------------------------------------------------------


def test_truncated_jpeg_is_refused():
    data = encoded("JPEG", picture(size=(200, 200)))
    assert "truncated" in refused(data[: len(data) // 2])


def test_truncated_png_is_refused():
    data = encoded("PNG", picture(size=(200, 200)))
    assert "truncated" in refused(data[: len(data) // 2])


def test_png_declaring_a_huge_size_is_refused_before_decoding():
    rows = zlib.compress(b"\x00" * 101, 9)  # a token amount of pixel data
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0))
        + png_chunk(b"IDAT", rows)
        + png_chunk(b"IEND", b"")
    )
    assert refused(bomb) == (
        "The image is too large: 10,000,000,000 pixels, the limit is 60,000,000."
    )


def test_image_over_a_lower_pixel_limit_is_refused():
    assert "The image is too large" in refused(encoded("PNG"), max_pixels=1000)


def test_dicom_without_pixel_data_is_refused():
    assert "holds no image (RT Plan Storage)" in refused(bundled("rtplan.dcm"))


def test_truncated_dicom_is_refused():
    assert "truncated" in refused(bundled("MR_truncated.dcm"))


def test_dicom_cut_short_is_refused():
    data = bundled("CT_small.dcm")
    assert "truncated" in refused(data[: len(data) - 4000])


def test_dicom_compressed_in_a_format_without_a_decoder_is_refused():
    reason = refused(bundled("MR_small_jpeg_ls_lossless.dcm"))
    assert "compressed in a format that cannot be read here (JPEG-LS" in reason


def test_dicom_without_its_standard_header_is_refused():
    assert "without its standard header" in refused(bundled("ExplVR_LitEndNoMeta.dcm"))


def test_dicom_with_too_many_frames_is_refused():
    assert "too many frames" in refused(bundled("rtdose.dcm"), max_frames=10)


# --- Refused: unsafe zips -------------------------------------------------------------------------


def test_zip_bomb_is_refused():
    bomb = zipped({"slice.dcm": b"\x00" * (20 * 1024 * 1024)})
    assert "zip bomb" in refused(bomb)


def test_zip_expanding_past_the_total_limit_is_refused():
    assert "expands to too much data" in refused(series_zip(2), max_zip_total_bytes=1000)


def test_zip_with_parent_folder_traversal_is_refused():
    data = zipped({"../evil.dcm": bundled("CT_small.dcm")})
    assert refused(data) == "The zip contains a path outside its folder (../evil.dcm)."


def test_zip_with_an_absolute_path_is_refused():
    data = zipped({"/etc/cron.d/evil": b"* * * * * root sh"})
    assert "path outside its folder (/etc/cron.d/evil)" in refused(data)


def test_zip_with_a_windows_path_is_refused():
    data = zipped({"C:\\evil.dcm": b"x"})
    assert "path outside its folder" in refused(data)


def test_zip_with_a_symbolic_link_is_refused():
    link = zipfile.ZipInfo("slice.dcm")
    link.external_attr = 0o120777 << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(link, "/etc/passwd")
    assert "symbolic link" in refused(buffer.getvalue())


def test_password_protected_zip_is_refused():
    data = bytearray(zipped({"slice.dcm": b"ciphertext"}, zipfile.ZIP_STORED))
    # zipfile cannot encrypt: set the "encrypted" flag in the local and central headers.
    data[6] |= 0x1
    data[data.index(b"PK\x01\x02") + 8] |= 0x1
    assert "password-protected" in refused(bytes(data))


def test_zip_with_a_dicomdir_is_accepted_without_it():
    dicomdir = (TEST_FILES / "dicomdirtests" / "DICOMDIR").read_bytes()
    result = inspected(series_zip(2, DICOMDIR=dicomdir))
    assert result.frames == 2
    assert "DICOMDIR" not in result.members


def test_zip_with_a_non_dicom_entry_is_refused():
    data = series_zip(2, **{"series/notes.txt": b"Patient: Jane Doe"})
    assert "not a DICOM image (series/notes.txt)" in refused(data)


def test_zip_with_a_zip_inside_is_refused():
    data = zipped({"inner.zip": zipped({"a.dcm": bundled("CT_small.dcm")})})
    assert "another zip" in refused(data)


def test_empty_zip_is_refused():
    assert "The zip is empty" in refused(zipped({}))


def test_zip_of_only_folders_is_refused():
    assert "holds no DICOM images" in refused(zipped({"series/": b"", "__MACOSX/x": b"y"}))


def test_zip_mixing_two_series_is_refused():
    study = generate_uid()
    data = zipped(
        {
            "a.dcm": slice_of_ct(0, study=study, series=generate_uid(), number=1),
            "b.dcm": slice_of_ct(5, study=study, series=generate_uid(), number=2),
        }
    )
    assert "mixes 2 series" in refused(data)


def test_zip_with_a_truncated_slice_names_it():
    data = zipped({"a.dcm": bundled("MR_truncated.dcm")})
    reason = refused(data)
    assert reason.startswith("In the zip, a.dcm:")
    assert "truncated" in reason


def test_zip_with_too_many_entries_is_refused():
    assert "too many files" in refused(series_zip(3), max_zip_entries=2)
