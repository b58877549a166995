"""Slices the browser windows itself (imaging/pixels.py): each greyscale slice's modality values
at full bit depth, made from the de-identified DICOM by the upload pipeline, served only at the
signed addresses the viewer is given, and made later for slices processed before."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pydicom
import pytest
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from pydicom.data import get_testdata_file
from pydicom.pixels import apply_modality_lut

from cases import media_urls
from cases.files import files_of, is_file_in_use
from cases.models import Figure, FigureFrame, Study
from imaging import uploads
from imaging.pixels import pixel_frame, read_pixel_frame
from imaging.quarantine import redact_figure
from imaging.viewer import viewer_data
from tests.factories import make_case
from tests.files import series_zip, upload
from tests.media import fetch, path_of

pytestmark = pytest.mark.django_db


def file_bytes(name: str) -> bytes:
    with open(get_testdata_file(name), "rb") as source:
        return source.read()


def multi_frame_bytes(frames: int = 4) -> bytes:
    """MR_small as a multi-frame file: each frame the slice with a different offset."""
    ds = pydicom.dcmread(get_testdata_file("MR_small.dcm"))
    first = ds.pixel_array
    stack = np.stack([first + number * 100 for number in range(frames)]).astype(first.dtype)
    ds.NumberOfFrames = frames
    ds.PixelData = stack.tobytes()
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def add(study: Study, author, data: bytes, name: str) -> Figure:
    """Upload through the real pipeline and run its processing, as after the request."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        figure = uploads.add_figure(study, upload=upload(data, name), by=author)
    figure.refresh_from_db()
    return figure


def stored_values(frame: FigureFrame) -> np.ndarray:
    storage = Figure.thumbnail.field.storage
    with storage.open(frame.pixels["name"], "rb") as source:
        return read_pixel_frame(source.read(), frame.pixels)


def deidentified(frame: FigureFrame) -> pydicom.Dataset:
    with frame.dicom.open("rb") as source:
        return pydicom.dcmread(source)


@pytest.fixture
def study(author) -> Study:
    case = make_case(author=author, published=False)
    return Study.objects.create(case=case, modality="CT", label="CT chest")


def test_a_ct_slices_values_are_its_stored_pixels_in_hounsfield_units(study, author):
    figure = add(study, author, file_bytes("CT_small.dcm"), "ct.dcm")
    assert figure.status == Figure.ProcessingStatus.READY
    frame = figure.frames.get()
    original = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    expected = apply_modality_lut(original.pixel_array, original)

    values = stored_values(frame)

    assert values.shape == (original.Rows, original.Columns)
    assert np.array_equal(values, expected)
    assert frame.pixels["dtype"] == "int16"
    assert frame.pixels["min"] == int(expected.min())
    assert frame.pixels["max"] == int(expected.max())
    assert frame.pixels["spacing"] == [float(v) for v in original.PixelSpacing]
    assert frame.pixels["detector"] is False
    assert frame.pixels["invert"] is False


def test_the_values_come_from_the_deidentified_dataset_not_the_upload(study, author):
    figure = add(study, author, file_bytes("MR_small.dcm"), "mr.dcm")
    frame = figure.frames.get()
    ds = deidentified(frame)
    assert "PatientName" not in ds or str(ds.PatientName) != "CompressedSamples^MR1"

    assert np.array_equal(stored_values(frame), apply_modality_lut(ds.pixel_array, ds))


def test_every_frame_of_a_multi_frame_file_gets_its_own_values(study, author):
    data = multi_frame_bytes(4)
    figure = add(study, author, data, "cine.dcm")
    original = pydicom.dcmread(io.BytesIO(data))
    frames = list(figure.frames.all())

    assert len(frames) == int(original.NumberOfFrames)
    for frame, expected in zip(frames, original.pixel_array, strict=True):
        assert np.array_equal(stored_values(frame), apply_modality_lut(expected, original))


def test_a_series_gets_values_per_slice_in_stack_order(study, author):
    figure = add(study, author, series_zip(3), "series.zip")
    frames = list(figure.frames.all())

    assert [bool(frame.pixels.get("name")) for frame in frames] == [True, True, True]
    for frame in frames:
        ds = deidentified(frame)
        assert np.array_equal(stored_values(frame), apply_modality_lut(ds.pixel_array, ds))


def test_colour_frames_get_no_values_and_the_viewer_keeps_their_pictures(study, author):
    data = file_bytes("SC_rgb_small_odd.dcm")
    ds = pydicom.dcmread(io.BytesIO(data))
    with pytest.raises(ValueError):
        pixel_frame(ds.pixel_array, ds)

    figure = add(study, author, data, "colour.dcm")
    assert figure.frames.get().pixels == {}
    assert viewer_data(figure)["windowed"] is False


def test_fractional_values_are_kept_as_floats(study):
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    ds.RescaleSlope = 0.5
    values = apply_modality_lut(ds.pixel_array, ds)

    data, header = pixel_frame(values, ds)

    assert header["dtype"] == "float32"
    assert np.array_equal(read_pixel_frame(data, header), values.astype(np.float32))


def test_monochrome1_is_marked_for_inversion(study):
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    ds.PhotometricInterpretation = "MONOCHROME1"
    _, header = pixel_frame(apply_modality_lut(ds.pixel_array, ds), ds)
    assert header["invert"] is True


# --- Served only at the signed addresses of readers who may see the case ----------------------


def test_the_viewer_is_given_a_signed_address_that_serves_the_values(study, author):
    figure = add(study, author, file_bytes("CT_small.dcm"), "ct.dcm")
    data = viewer_data(figure, author)
    pixels = data["frames"][0]["pixels"]

    assert data["windowed"] is True
    assert data["windows"]["lung"] == [-600, 1500]
    assert "name" not in pixels
    response = fetch(pixels["src"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    body = b"".join(response.streaming_content)
    assert np.array_equal(read_pixel_frame(body, pixels), stored_values(figure.frames.get()))
    assert "private" in response["Cache-Control"]


def test_an_unsigned_or_moved_address_of_the_values_is_not_found(study, author):
    figure = add(study, author, series_zip(2), "series.zip")
    signed = viewer_data(figure, author)["frames"][0]["pixels"]["src"]

    assert fetch(path_of(signed)).status_code == 404
    other = signed.replace("/frames/0/", "/frames/1/")
    assert fetch(other).status_code == 404
    assert fetch(signed.replace(f"/{figure.pk}/", f"/{figure.pk + 1}/")).status_code == 404


def test_a_reader_who_may_not_see_the_case_gets_no_address_of_the_values(author, trainee, client):
    draft = make_case(author=author, published=False)
    study = Study.objects.create(case=draft, modality="CT")
    figure = add(study, author, file_bytes("CT_small.dcm"), "ct.dcm")
    path = reverse("figure-pixels", args=[figure.pk, 0])

    client.force_login(trainee)
    page = client.get(draft.get_absolute_url(), follow=True)

    assert page.status_code == 404
    assert client.get(path).status_code == 404  # unsigned
    client.force_login(author)
    html = client.get(draft.get_absolute_url(), follow=True).content.decode()
    assert path in html


def test_an_image_held_for_review_gets_no_address_of_its_values_for_readers(study, author):
    figure = add(study, author, file_bytes("CT_small.dcm"), "ct.dcm")
    Figure.objects.filter(pk=figure.pk).update(status=Figure.ProcessingStatus.QUARANTINED)
    figure.refresh_from_db()

    assert media_urls.figure_pixels_url(figure, 0) is None
    assert viewer_data(figure)["frames"][0]["pixels"] is None


def test_a_slice_without_values_is_not_found_and_the_viewer_shows_its_pictures(study, author):
    figure = add(study, author, file_bytes("CT_small.dcm"), "ct.dcm")
    FigureFrame.objects.filter(figure=figure).update(pixels={})
    path = reverse("figure-pixels", args=[figure.pk, 0])

    assert fetch(media_urls.sign(path)).status_code == 404
    data = viewer_data(figure)
    assert data["windowed"] is False
    assert data["frames"][0]["pixels"] is None
    assert data["frames"][0]["src"]


# --- Made later for slices processed before, and again after a redaction ----------------------


def test_the_command_gives_earlier_slices_their_values_from_the_deidentified_dicom(study, author):
    figure = add(study, author, multi_frame_bytes(4), "cine.dcm")
    before = [stored_values(frame) for frame in figure.frames.all()]
    FigureFrame.objects.filter(figure=figure).update(pixels={})

    out = io.StringIO()
    call_command("make_pixel_frames", stdout=out)

    frames = list(figure.frames.all())
    assert "Made the pixel files of 4 slice(s)." in out.getvalue()
    assert all(np.array_equal(stored_values(f), b) for f, b in zip(frames, before, strict=True))
    call_command("make_pixel_frames", stdout=(again := io.StringIO()))
    assert "of 0 slice(s)" in again.getvalue()


def test_a_redaction_blacks_out_the_values_too(study, author, editor):
    figure = add(study, author, file_bytes("CT_small.dcm"), "ct.dcm")
    before = stored_values(figure.frames.get())
    old_name = figure.frames.get().pixels["name"]
    Figure.objects.filter(pk=figure.pk).update(status=Figure.ProcessingStatus.QUARANTINED)
    figure.refresh_from_db()

    redact_figure(figure, by=editor, regions=[{"x": 0, "y": 0, "width": 0.5, "height": 0.5}])

    frame = figure.frames.get()
    after = stored_values(frame)
    ds = deidentified(frame)
    assert frame.pixels["name"] != old_name
    assert np.array_equal(after, apply_modality_lut(ds.pixel_array, ds))
    assert not np.array_equal(after[:64, :64], before[:64, :64])
    assert len(np.unique(after[:64, :64])) == 1
    assert np.array_equal(after[64:, 64:], before[64:, 64:])


def test_the_zip_download_is_unchanged(study, author):
    figure = add(study, author, series_zip(2), "series.zip")
    response = fetch(media_urls.figure_dicom_url(figure))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 2


@pytest.mark.parametrize("stacks", [1, 3])
def test_the_case_pages_queries_do_not_grow_with_windowed_stacks(
    client, author, django_assert_num_queries, stacks
):
    case = make_case(author=author, published=False)
    study = Study.objects.create(case=case, modality="CT", label="CT chest")
    for _ in range(stacks):
        add(study, author, series_zip(2 + stacks), "series.zip")
    case.status, case.published_at = "published", timezone.now()
    case.save(update_fields=["status", "published_at"])

    # as tests/cases/test_pages.py counts them for an anonymous reader
    with django_assert_num_queries(15):
        response = client.get(case.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("/pixels.gz?") == stacks * (2 + stacks)
    assert "data-study-viewer" in html


def test_a_removed_figures_pixel_files_are_released_with_its_other_files(study, author):
    figure = add(study, author, series_zip(2), "series.zip")
    names = [frame.pixels["name"] for frame in figure.frames.all()]

    assert set(names) <= {name for _, name in files_of([figure])}
    assert all(is_file_in_use(name) for name in names)
    FigureFrame.objects.filter(figure=figure).delete()
    assert not any(is_file_in_use(name) for name in names)
