"""Memory is bounded per upload: the request reads headers only, the worker decodes within a
budget, and a worker that runs out of memory fails the figure with a reason."""

from __future__ import annotations

import functools
import io
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image, ImageFile
from pydicom.pixels.decoders.base import Decoder

from cases.models import Figure, Study
from imaging import processing, tasks, uploads
from imaging.derivatives import clean_picture, make_derivatives
from imaging.inspect import Limits, RefusedUpload, inspect_upload
from tests.factories import make_case
from tests.files import CT, dicom_bytes

ROOT = Path(__file__).resolve().parents[2]
BOMB_SIDE = 7700


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@functools.cache
def png_bomb(side: int = BOMB_SIDE) -> bytes:
    """A black colour PNG of side × side pixels: about 190 KB that decode to 226 MB in Pillow.

    Compressed row by row, so that making it costs the test a few megabytes, not the 226 MB
    a Pillow image of that size would hold."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + side * 3)  # filter byte "none", then black RGB pixels
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def encoded(image: Image.Image, format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format)
    return buffer.getvalue()


@pytest.fixture
def no_decoding(monkeypatch) -> list[str]:
    """Records every pixel decode, by Pillow or by pydicom."""
    decoded: list[str] = []
    load, as_array, iter_array = ImageFile.ImageFile.load, Decoder.as_array, Decoder.iter_array

    def pillow_load(self, *args, **kwargs):
        decoded.append(f"Pillow {self.format} {self.size}")
        return load(self, *args, **kwargs)

    def pydicom_as_array(self, *args, **kwargs):
        decoded.append("pydicom as_array")
        return as_array(self, *args, **kwargs)

    def pydicom_iter_array(self, *args, **kwargs):
        decoded.append("pydicom iter_array")
        return iter_array(self, *args, **kwargs)

    monkeypatch.setattr(ImageFile.ImageFile, "load", pillow_load)
    monkeypatch.setattr(Decoder, "as_array", pydicom_as_array)
    monkeypatch.setattr(Decoder, "iter_array", pydicom_iter_array)
    return decoded


# --- In the request: headers only --------------------------------------------------------------


def test_the_7700_pixel_square_png_bomb_is_made_as_the_finding_describes():
    data = png_bomb()
    assert 150_000 < len(data) < 250_000
    with Image.open(io.BytesIO(data)) as image:
        assert (image.size, image.mode) == ((BOMB_SIDE, BOMB_SIDE), "RGB")
    assert Limits().max_pixels >= BOMB_SIDE * BOMB_SIDE  # within the pixel limit on its own


def test_the_png_bomb_is_refused_in_the_request_without_decoding_a_pixel(no_decoding):
    upload = SimpleUploadedFile("bomb.png", png_bomb(), content_type="image/png")

    with pytest.raises(ValidationError) as caught:
        uploads.inspect(upload)

    assert caught.value.messages == [
        "The image is too large to process: its pixels take 226.2 MB once decoded, "
        "the limit is 192 MB."
    ]
    assert no_decoding == []


def test_inspecting_the_png_bomb_keeps_a_process_under_200_mb(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb())
    script = textwrap.dedent(
        f"""
        import io
        from imaging.inspect import RefusedUpload, inspect_upload
        try:
            inspect_upload(io.BytesIO(open({str(bomb)!r}, "rb").read()))
        except RefusedUpload:
            print("refused")
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                print(int(line.split()[1]) // 1024)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    verdict, peak_mb = result.stdout.split()
    assert verdict == "refused"
    assert int(peak_mb) < 200


def test_an_image_within_the_pixel_limit_but_over_the_decoding_budget_is_refused():
    colour = encoded(Image.new("RGB", (200, 100), "white"))
    grey = encoded(Image.new("L", (200, 100), "white"))
    # Colour takes 4 bytes a pixel in Pillow, 8-bit grey 1: the same size fits one budget only.
    limits = Limits(max_pixels=20_000, max_decoded_bytes=200 * 100 * 2)

    with pytest.raises(RefusedUpload) as caught:
        inspect_upload(io.BytesIO(colour), limits=limits)
    assert "too large to process" in caught.value.reason
    assert inspect_upload(io.BytesIO(grey), limits=limits).width == 200


def test_a_16_bit_dicom_over_the_decoding_budget_is_refused_from_its_header(no_decoding):
    data = dicom_bytes()  # 128 × 128, 16 bits allocated: 32 KB once decoded
    with pytest.raises(RefusedUpload) as caught:
        inspect_upload(io.BytesIO(data), limits=Limits(max_decoded_bytes=32 * 1024 - 1))
    assert "too large to process" in caught.value.reason
    assert inspect_upload(io.BytesIO(data), limits=Limits(max_decoded_bytes=32 * 1024)).width
    assert no_decoding == []


def test_the_decoding_budget_comes_from_settings(settings):
    settings.UPLOAD_MAX_DECODED_BYTES = 1024
    upload = SimpleUploadedFile("grey.png", encoded(Image.new("L", (64, 64))))
    with pytest.raises(ValidationError, match="the limit is 0 MB"):
        uploads.inspect(upload)


# --- In the worker: the decoding, within a ceiling ---------------------------------------------


@pytest.fixture
def study(author) -> Study:
    case = make_case(author=author, published=False)
    return Study.objects.create(case=case, modality="XR", label="Radiograph")


@pytest.mark.django_db
def test_an_accepted_large_image_is_decoded_only_in_the_task(study, author, no_decoding):
    # Wider than the full derivative, so the worker decodes a JPEG at a reduced scale.
    rows, columns = np.mgrid[0:1200, 0:8400]
    picture = Image.fromarray(((rows + columns) % 251).astype(np.uint8), mode="L")
    data = encoded(picture, "JPEG")
    upload = SimpleUploadedFile("wide.jpg", data, content_type="image/jpeg")

    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        figure = uploads.add_figure(study, upload=upload, by=author)
    assert no_decoding == []
    assert figure.status == Figure.ProcessingStatus.PENDING

    for callback in callbacks:
        callback()
    figure.refresh_from_db()
    assert figure.status == Figure.ProcessingStatus.READY
    # Drafted at half scale (later calls of load() find the pixels there and decode nothing).
    assert set(no_decoding) == {"Pillow JPEG (4200, 600)"}
    assert (figure.width, figure.height) == (4096, 585)


@pytest.mark.django_db
def test_a_dicom_upload_is_decoded_only_in_the_task(study, author, no_decoding):
    upload = SimpleUploadedFile("ct.dcm", CT.read_bytes(), content_type="application/dicom")
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        uploads.add_figure(study, upload=upload, by=author)
    assert no_decoding == []
    for callback in callbacks:
        callback()
    assert "pydicom iter_array" in no_decoding


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "where"),
    [
        ("photo.png", encoded(Image.new("RGB", (64, 48), "white")), "make_derivatives"),
        ("ct.dcm", CT.read_bytes(), "iter_frames"),
    ],
)
def test_a_memory_error_in_the_task_fails_the_figure_with_a_reason(
    study, author, monkeypatch, name, data, where
):
    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(processing, where, out_of_memory)
    with TestCase.captureOnCommitCallbacks(execute=True):
        figure = uploads.add_figure(study, upload=SimpleUploadedFile(name, data), by=author)

    figure.refresh_from_db()
    assert figure.status == Figure.ProcessingStatus.FAILED
    assert figure.processing_error == processing.OUT_OF_MEMORY


@pytest.mark.django_db
def test_a_worker_runs_the_task_under_the_memory_ceiling_and_inline_runs_without(
    settings, monkeypatch
):
    settings.FIGURE_TASK_MEMORY_MB = 1234
    limits: list[int | None] = []
    monkeypatch.setattr(
        tasks, "process_figure", lambda figure_id, memory_limit_mb: limits.append(memory_limit_mb)
    )

    tasks.make_figure_derivatives.apply(args=[1])  # inline, as in the web process
    tasks.make_figure_derivatives.run(1)  # as a worker calls it

    assert limits == [None, 1234]


def test_the_memory_ceiling_turns_an_oversized_allocation_into_a_memory_error():
    # In a process of its own: an address-space limit binds the whole process.
    script = textwrap.dedent(
        """
        from imaging.memory import memory_ceiling
        try:
            with memory_ceiling(64):
                bytearray(512 * 1024 * 1024)
        except MemoryError:
            print("refused")
        print(len(bytearray(512 * 1024 * 1024)) // (1024 * 1024))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["refused", "512"]


def test_only_derivatives_are_decoded_at_a_reduced_size_and_exports_keep_every_pixel():
    rows, columns = np.mgrid[0:1200, 0:8400]
    wide = Image.fromarray(((rows + columns) % 251).astype(np.uint8), mode="L")
    for format in ("JPEG", "PNG"):
        data = encoded(wide, format)
        assert clean_picture(io.BytesIO(data)).size == (8400, 1200)
        assert clean_picture(io.BytesIO(data), long_side=4096).size == (4200, 600)
        assert make_derivatives(io.BytesIO(data)).width == 4096
