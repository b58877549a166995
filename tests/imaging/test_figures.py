"""An uploaded figure gets a clean thumbnail through a task queued after commit."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from pydicom.data import get_testdata_file

from cases import media_urls
from cases.models import Figure, Study
from imaging import tasks, uploads
from tests.factories import make_case, wait_until_processed
from tests.files import jpeg_with_exif, upload
from tests.media import fetch


@pytest.fixture
def draft_figure(author):
    case = make_case(author=author, published=False)
    study = Study.objects.create(case=case, modality="XR", label="Radiograph of the hip")
    return Figure.objects.create(study=study, label="Fig 1", alt_text="Hip radiograph")


def test_uploaded_figure_gets_a_thumbnail_without_metadata_and_upright(
    draft_figure, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        uploads.attach_figure_image(draft_figure, upload=upload(jpeg_with_exif()), by=author)
    draft_figure.refresh_from_db()
    assert draft_figure.status == "ready"
    assert draft_figure.processing_error == ""
    with draft_figure.thumbnail.open("rb") as thumb, Image.open(thumb) as image:
        assert image.format == "JPEG"
        assert image.size == (60, 120)  # orientation 6 applied: portrait now
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"Scanner Maker" not in Path(draft_figure.thumbnail.path).read_bytes()


def test_derivatives_are_queued_only_after_the_upload_commits(
    draft_figure, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        uploads.attach_figure_image(draft_figure, upload=upload(jpeg_with_exif()), by=author)
        draft_figure.refresh_from_db()
        assert draft_figure.status == "pending"
    assert len(callbacks) == 1


def test_running_the_task_twice_changes_nothing(
    draft_figure, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        uploads.attach_figure_image(draft_figure, upload=upload(jpeg_with_exif()), by=author)
    draft_figure.refresh_from_db()
    first = draft_figure.thumbnail.name
    tasks.make_figure_derivatives(draft_figure.pk)
    draft_figure.refresh_from_db()
    assert draft_figure.thumbnail.name == first
    assert draft_figure.status == "ready"


def test_a_file_that_is_not_an_image_is_refused_before_anything_is_kept(draft_figure, author):
    with pytest.raises(ValidationError, match="not an image"):
        uploads.attach_figure_image(draft_figure, upload=upload(b"not an image at all"), by=author)
    draft_figure.refresh_from_db()
    assert not draft_figure.original
    assert draft_figure.status == "pending"


def test_an_original_that_cannot_be_decoded_any_more_is_marked_failed_with_a_reason(
    draft_figure,
):
    # Storage damaged after the upload was inspected: the task records why, and stops.
    draft_figure.original.save("broken.jpg", ContentFile(b"\xff\xd8\xff garbage"), save=False)
    draft_figure.kind = Figure.Kind.IMAGE
    draft_figure.save()
    tasks.make_figure_derivatives(draft_figure.pk)
    draft_figure.refresh_from_db()
    assert draft_figure.status == "failed"
    assert "could not be read" in draft_figure.processing_error
    assert not draft_figure.thumbnail


def test_the_task_ignores_a_figure_that_no_longer_exists(db):
    tasks.make_figure_derivatives(987654)


def test_only_an_author_of_the_case_may_attach_images(draft_figure, trainee, editor):
    for person in (trainee, editor):
        with pytest.raises(PermissionDenied):
            uploads.attach_figure_image(draft_figure, upload=upload(jpeg_with_exif()), by=person)


def test_thumbnails_of_unpublished_cases_are_reachable_only_at_the_address_given_to_readers(
    client, draft_figure, author, trainee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        uploads.attach_figure_image(draft_figure, upload=upload(jpeg_with_exif()), by=author)
    url = f"/figures/{draft_figure.pk}/thumbnail.jpg"
    for person in (None, trainee, author):
        if person:
            client.force_login(person)
        assert client.get(url).status_code == 404
    status = client.get(reverse("figure-status", args=[draft_figure.pk])).json()
    response = fetch(status["thumbnail_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_thumbnails_of_published_cases_are_served_to_anyone(
    client, author, django_capture_on_commit_callbacks
):
    case = make_case(author=author, published=False)
    study = Study.objects.create(case=case, modality="CT")
    figure = Figure.objects.create(study=study, label="Fig 1")
    with django_capture_on_commit_callbacks(execute=True):
        uploads.attach_figure_image(figure, upload=upload(jpeg_with_exif()), by=author)
    case.status = "published"
    case.save()
    figure.refresh_from_db()
    assert client.get(f"/figures/{figure.pk}/thumbnail.jpg").status_code == 404
    assert client.get(media_urls.figure_image_url(figure, "thumb")).status_code == 200


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_makes_the_thumbnail_through_the_broker(author, celery_worker_process):
    worker, log = celery_worker_process
    case = make_case(author=author, published=False)
    study = Study.objects.create(case=case, modality="XR")
    photo = uploads.add_figure(study, upload=upload(jpeg_with_exif()), by=author)
    ct = Path(get_testdata_file("CT_small.dcm"))
    dicom = uploads.add_figure(study, upload=upload(ct.read_bytes(), "slice.dcm"), by=author)
    for figure in (photo, dicom):
        wait_until_processed(figure, worker, log)
        assert Path(figure.thumbnail.path).exists()
    assert dicom.frames.count() == 1
    assert b"CompressedSamples" not in dicom.frames.get().dicom.read()  # de-identified
    assert "make_figure_derivatives" in log.read_text()


def test_a_thumbnail_lost_from_storage_is_a_404_not_an_error(client, author):
    case = make_case(author=author)
    study = Study.objects.create(case=case, modality="CT")
    figure = Figure.objects.create(
        study=study, status="ready", thumbnail="derivatives/case-1/gone-thumb.jpg"
    )
    assert client.get(media_urls.figure_image_url(figure, "thumb")).status_code == 404


def test_processing_again_replaces_the_thumbnail_and_only_editors_of_the_case_may_ask(
    draft_figure, author, trainee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        uploads.attach_figure_image(draft_figure, upload=upload(jpeg_with_exif()), by=author)
    draft_figure.refresh_from_db()
    old_thumbnail = Path(draft_figure.thumbnail.path)
    with pytest.raises(PermissionDenied):
        uploads.process_figure_again(draft_figure, by=trainee)
    with django_capture_on_commit_callbacks(execute=True):
        uploads.process_figure_again(draft_figure, by=author)
    draft_figure.refresh_from_db()
    assert draft_figure.status == "ready"
    assert Path(draft_figure.thumbnail.path).exists()
    assert old_thumbnail == Path(draft_figure.thumbnail.path) or not old_thumbnail.exists()
