"""Uploads end to end: inspected before storage, stored once, processed on commit,
de-identified, quarantined when at risk, served only to those who may see the case."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import Path

import pydicom
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases import media_urls
from cases.models import Case, Figure, QuarantineDecision, Study
from imaging import tasks, uploads
from tests.factories import make_case
from tests.files import CT, dicom_bytes, jpeg_with_exif, series_zip
from tests.media import fetch, path_of

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "image.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def stored_files(settings) -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return sorted(
        path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()
    )


@pytest.fixture
def study(author) -> Study:
    case = make_case(author=author, published=False)
    return Study.objects.create(case=case, modality="CT", label="CT pelvis")


def add(study, author, data, name="image.jpg", **kwargs) -> Figure:
    """Upload a file and run what is queued on commit (the processing), as after a request."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        figure = uploads.add_figure(study, upload=upload(data, name), by=author, **kwargs)
    figure.refresh_from_db()
    return figure


# --- Upload: refused files leave nothing ----------------------------------------------------


def svg() -> bytes:
    return b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'


def traversal_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../evil.dcm", dicom_bytes())
    return buffer.getvalue()


BAD_UPLOADS = {
    "svg": (svg(), "drawing.jpg"),
    "html": (b"<!DOCTYPE html><html><body>hi</body></html>", "page.png"),
    "pdf": (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF", "scan.jpg"),
    "text renamed": (b"just some words, not an image", "photo.jpg"),
    "truncated jpeg": (jpeg_with_exif(400, 300)[:600], "cut.jpg"),
    "zip with traversal": (traversal_zip(), "series.zip"),
    "truncated dicom": (CT.read_bytes()[:2000], "cut.dcm"),
}


@pytest.mark.parametrize("kind", list(BAD_UPLOADS))
def test_a_refused_upload_answers_400_with_its_reason_and_leaves_nothing(
    client, settings, study, author, kind
):
    data, name = BAD_UPLOADS[kind]
    before = stored_files(settings)
    client.force_login(author)
    response = client.post(
        reverse("figure-upload", args=[study.case_id, study.pk]),
        {"image": upload(data, name)},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert Figure.objects.count() == 0
    assert stored_files(settings) == before


def test_the_upload_answers_before_processing_and_processing_follows_the_commit(
    client, study, author, django_capture_on_commit_callbacks
):
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("figure-upload", args=[study.case_id, study.pk]),
            {"image": upload(jpeg_with_exif())},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert len(callbacks) == 1
    status_url = response.json()["status_url"]
    assert client.get(status_url).json()["status"] == "pending"
    callbacks[0]()
    assert client.get(status_url).json()["status"] == "ready"


def test_the_same_image_uploaded_twice_is_stored_once(settings, study, author):
    first = add(study, author, jpeg_with_exif())
    second = add(study, author, jpeg_with_exif(), name="again.jpg")
    assert first.original.name == second.original.name
    assert first.thumbnail.name == second.thumbnail.name
    originals = list(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.jpg"))
    assert len(originals) == 1


def test_every_derivative_is_upright_and_carries_no_gps_or_exif(study, author):
    figure = add(study, author, jpeg_with_exif(120, 60))
    assert figure.status == "ready"
    for field in (figure.thumbnail, figure.web, figure.full):
        data = field.read()
        assert b"Exif" not in data and b"Scanner Maker" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif()
            assert image.width < image.height  # the orientation flag was applied
    assert figure.original.storage.location != figure.thumbnail.storage.location


# --- DICOM ---------------------------------------------------------------------------------------


def test_a_dicom_upload_is_deidentified_and_rendered_with_ct_windows(study, author):
    figure = add(study, author, CT.read_bytes(), name="ct.dcm")
    assert (figure.kind, figure.status, figure.modality) == ("dicom", "ready", "CT")
    frame = figure.frames.get()
    assert set(frame.renders) == {"default", "brain", "soft_tissue", "lung", "bone"}
    kept = frame.dicom.read()
    assert b"CompressedSamples" not in kept  # the patient's name
    assert b"JFK IMAGING CENTER" not in kept  # the institution
    ds = pydicom.dcmread(io.BytesIO(kept))
    assert ds.PatientIdentityRemoved == "YES"
    assert ds.StudyInstanceUID != pydicom.dcmread(CT).StudyInstanceUID


def test_a_series_zip_becomes_one_ordered_stack(study, author):
    figure = add(study, author, series_zip(3), name="series.zip")
    assert (figure.kind, figure.status) == ("dicom_series", "ready")
    frames = list(figure.frames.all())
    assert [frame.instance_number for frame in frames] == [1, 2, 3]
    uids = {pydicom.dcmread(frame.dicom.open("rb")).StudyInstanceUID for frame in frames}
    assert len(uids) == 1, "one study keeps one new StudyInstanceUID"


def test_readers_download_the_deidentified_series(client, author, editor, study):
    figure = add(study, author, series_zip(2), name="series.zip")
    Case.objects.filter(pk=study.case_id).update(status="published", published_at=timezone.now())
    response = client.get(media_urls.figure_dicom_url(figure))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["IM0001.dcm", "IM0002.dcm"]
    for name in archive.namelist():
        assert b"CompressedSamples" not in archive.read(name)


# --- Quarantine ----------------------------------------------------------------------------------


def test_an_ultrasound_is_held_and_readers_never_see_it(client, study, author, trainee):
    figure = add(study, author, dicom_bytes(Modality="US"), name="us.dcm")
    assert figure.status == "quarantined"
    assert figure.quarantine_reasons
    Case.objects.filter(pk=study.case_id).update(status="published", published_at=timezone.now())
    for person in (None, trainee):
        assert media_urls.figure_image_url(figure, "web", person) is None
        assert media_urls.figure_dicom_url(figure, person) is None
    assert client.get(reverse("figure-image", args=[figure.pk, "web"])).status_code == 404
    # The author decides on it: an address for its picture, still none for its DICOM.
    assert fetch(media_urls.figure_image_url(figure, "web", author)).status_code == 200
    assert media_urls.figure_dicom_url(figure, author) is None
    client.force_login(author)
    assert client.get(reverse("figure-review", args=[figure.pk])).status_code == 200


def test_a_photo_the_author_flags_is_held(study, author):
    figure = add(study, author, jpeg_with_exif(), flagged_burned_in=True)
    assert figure.status == "quarantined"
    assert "flagged" in figure.quarantine_reasons[0]


def test_attesting_a_held_image_releases_it_and_records_who_and_when(client, study, author):
    figure = add(study, author, jpeg_with_exif(), flagged_burned_in=True)
    client.force_login(author)
    url = reverse("figure-attest", args=[figure.pk])
    assert client.post(url, {"note": "Looked"}).status_code == 400  # the box is not ticked
    assert client.post(url, {"checked": "yes", "note": "No text"}).status_code == 302
    figure.refresh_from_db()
    assert figure.status == "ready"
    decision = QuarantineDecision.objects.get()
    assert (decision.decision, decision.decided_by, decision.note) == (
        "attested_clean",
        author,
        "No text",
    )


def test_redacting_blacks_out_the_regions_everywhere(client, study, author):
    image = Image.new("RGB", (200, 100), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    figure = add(study, author, buffer.getvalue(), name="photo.png", flagged_burned_in=True)
    old_original = figure.original.name
    client.force_login(author)
    regions = [{"x": 0, "y": 0, "width": 0.5, "height": 0.5}]
    response = client.post(
        reverse("figure-redact", args=[figure.pk]), {"regions": json.dumps(regions)}
    )
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.status == "ready"
    assert figure.original.name != old_original
    with Image.open(figure.full.open("rb")) as full, Image.open(figure.original.open("rb")) as orig:
        assert full.convert("L").getpixel((10, 10)) < 20
        assert full.convert("L").getpixel((190, 90)) > 230
        assert orig.convert("L").getpixel((10, 10)) == 0
    assert QuarantineDecision.objects.get().regions == regions


def test_redacting_a_held_dicom_blacks_out_its_pixels(client, study, author):
    figure = add(study, author, dicom_bytes(BurnedInAnnotation="YES"), name="sc.dcm")
    assert figure.status == "quarantined"
    client.force_login(author)
    regions = [{"x": 0, "y": 0, "width": 0.25, "height": 0.25}]
    client.post(reverse("figure-redact", args=[figure.pk]), {"regions": json.dumps(regions)})
    figure.refresh_from_db()
    assert figure.status == "ready"
    pixels = pydicom.dcmread(figure.frames.get().dicom.open("rb")).pixel_array
    before = pydicom.dcmread(CT).pixel_array
    # Blacked out: the darkest value the image has, over the whole region, and only there.
    assert (pixels[:16, :16] == pixels.min()).all()
    assert not (before[:16, :16] == before.min()).all()
    assert (pixels[40:, 40:] == before[40:, 40:]).all()


@pytest.mark.parametrize(
    "regions", ["[]", "nonsense", '[{"x": "a"}]', '[{"x":0,"y":0,"width":0,"height":0.1}]']
)
def test_bad_regions_are_refused_and_the_image_stays_held(client, study, author, regions):
    figure = add(study, author, jpeg_with_exif(), flagged_burned_in=True)
    client.force_login(author)
    response = client.post(reverse("figure-redact", args=[figure.pk]), {"regions": regions})
    assert response.status_code == 400
    figure.refresh_from_db()
    assert figure.status == "quarantined"


def test_only_authors_and_editors_decide_on_held_images(client, study, author, trainee, reviewer):
    figure = add(study, author, jpeg_with_exif(), flagged_burned_in=True)
    for person in (trainee, reviewer):
        client.force_login(person)
        assert client.get(reverse("figure-review", args=[figure.pk])).status_code == 404
        response = client.post(reverse("figure-attest", args=[figure.pk]), {"checked": "yes"})
        assert response.status_code == 404
    figure.refresh_from_db()
    assert figure.status == "quarantined"


# --- Who sees images -------------------------------------------------------------------------

MEDIA_MATRIX = [
    # state, visibility, persona, expected
    ("draft", "public", "author", 200),
    ("draft", "public", "editor", 404),
    ("draft", "public", "trainee", 404),
    ("draft", "public", "anonymous", 404),
    ("submitted", "public", "editor", 200),
    ("submitted", "public", "reviewer", 404),
    ("submitted", "public", "trainee", 404),
    ("published", "public", "anonymous", 200),
    ("published", "public", "trainee", 200),
    ("published", "private", "trainee", 404),
    ("published", "private", "author", 200),
    ("published", "institution", "trainee", 200),
    ("published", "institution", "outsider", 404),
    ("retracted", "public", "anonymous", 404),
    ("retracted", "public", "author", 200),
]


@pytest.mark.parametrize(("state", "visibility", "persona", "expected"), MEDIA_MATRIX)
def test_media_follow_the_visibility_of_their_case(
    client, author, editor, reviewer, trainee, outsider, state, visibility, persona, expected
):
    case = make_case(
        author=author, published=False, visibility=visibility, institution=author.institution
    )
    study = Study.objects.create(case=case, modality="CT")
    figure = add(study, author, jpeg_with_exif())
    Case.objects.filter(pk=case.pk).update(status=state, published_at=timezone.now())
    people = {
        "author": author,
        "editor": editor,
        "reviewer": reviewer,
        "trainee": trainee,
        "outsider": outsider,
    }
    if persona != "anonymous":
        client.force_login(people[persona])
    # Whoever may read the figure is given its addresses, which then work without a session.
    response = client.get(f"/api/v1/cases/{case.pk}/figures/{figure.pk}/")
    assert response.status_code == expected
    if expected == 200:
        images = response.json()["images"]
        for size in ("thumbnail", "web", "full"):
            assert fetch(images[size]).status_code == 200, size
        # Even signed, a size that does not exist is not found.
        huge = media_urls.sign(path_of(images["web"]).replace("/web.jpg", "/huge.jpg"))
        assert fetch(huge).status_code == 404
    for size in ("thumb", "web", "full"):
        assert client.get(reverse("figure-image", args=[figure.pk, size])).status_code == 404


def test_nginx_sends_the_file_once_django_has_checked_the_signature(settings, author, study):
    figure = add(study, author, jpeg_with_exif())
    settings.MEDIA_ACCEL = "nginx"
    response = fetch(media_urls.figure_image_url(figure, "web"))
    assert response["X-Accel-Redirect"] == "/protected-media/" + figure.web.name
    assert response.content == b""
    assert fetch(reverse("figure-image", args=[figure.pk, "web"])).status_code == 404


# --- Annotations, sweeping, retries -----------------------------------------------------------


def test_annotations_are_saved_as_an_edit_of_the_case(client, author, study):
    figure = add(study, author, jpeg_with_exif())
    case = study.case
    client.force_login(author)
    url = reverse("figure-annotate", args=[figure.pk])
    assert client.get(url).status_code == 200
    arrow = {
        "type": "arrow",
        "x1": 0.1,
        "y1": 0.2,
        "x2": 0.3,
        "y2": 0.4,
        "frame": None,
        "label": "calcification",
    }
    response = client.post(url, {"annotations": json.dumps([arrow]), "base_version": case.version})
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.annotations == [arrow]
    case.refresh_from_db()
    assert case.version == 2
    stale = client.post(url, {"annotations": "[]", "base_version": 1})
    assert stale.status_code == 409
    bad = client.post(url, {"annotations": '[{"type": "arrow", "x1": 7}]', "base_version": 2})
    assert bad.status_code == 400
    figure.refresh_from_db()
    assert figure.annotations == [arrow]


def test_the_sweeper_queues_figures_left_pending(study, author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        figure = uploads.add_figure(study, upload=upload(jpeg_with_exif()), by=author)
    Figure.objects.filter(pk=figure.pk).update(
        queued_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stalled_figures() == 1
    figure.refresh_from_db()
    assert figure.status == "ready"
    assert tasks.requeue_stalled_figures() == 0


def test_processing_retries_when_storage_is_briefly_unreachable():
    task = tasks.make_figure_derivatives
    assert OSError in task.autoretry_for
    assert task.max_retries >= 3


def test_an_editor_who_is_not_an_author_cannot_upload(client, study, editor):
    client.force_login(editor)
    response = client.post(
        reverse("figure-upload", args=[study.case_id, study.pk]),
        {"image": upload(jpeg_with_exif())},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code in (403, 404)
    assert not Figure.objects.exists()
