"""Figures on S3 object storage, against a real S3-protocol server (moto): uploads, processing,
serving, redaction, deletion, and storage that is down."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import urllib.request
import zipfile
from urllib.parse import urlsplit

import pydicom
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from PIL import Image
from pydicom.data import get_testdata_file
from rest_framework.test import APIClient

from api.concurrency import etag
from cases.models import Case, Figure, Study
from cases.workflow_services import delete_draft
from imaging import uploads
from imaging.pixels import read_pixel_frame
from imaging.viewer import viewer_data
from interchange.models import ImportJob
from teachingfile.object_storage import s3_storages
from tests.factories import make_case, wait_until_processed
from tests.files import dicom_bytes, jpeg_with_exif, series_zip, upload
from tests.media import fetch
from tests.object_storage import ObjectStorage, unsigned_get

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8"


@pytest.fixture
def study(two_author_draft) -> Study:
    return Study.objects.create(case=two_author_draft, modality="XR", label="Hip radiograph")


@pytest.fixture
def api(author) -> APIClient:
    client = APIClient()
    client.force_login(author)
    return client


@pytest.fixture
def page(client, author):
    """The editor's page session (a plain browser's posts, not the API's)."""
    client.force_login(author)
    return client


def figures_url(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/figures/"


def upload_figure(api: APIClient, study, data: bytes, name: str, on_commit, **fields) -> dict:
    """Upload through the API and run what is queued on commit (the processing)."""
    with on_commit(execute=True):
        response = api.post(
            figures_url(study.case),
            {"study": study.pk, "file": upload(data, name), **fields},
            format="multipart",
        )
    assert response.status_code == 202, response.content
    answer = api.get(response["Location"])
    assert answer.status_code == 200
    return answer.json()


def fetched(api: APIClient, url: str) -> bytes:
    """The bytes behind a figure's signed image URL, fetched without a session as an `<img>`
    would: at the presigned URL the site redirects to on object storage (from the S3 server,
    without credentials)."""
    parts = urlsplit(url)
    response = fetch(f"{parts.path}?{parts.query}")
    assert response.status_code == 302, response.status_code
    with urllib.request.urlopen(response["Location"], timeout=10) as answer:
        return answer.read()


def test_an_upload_goes_to_the_private_bucket_and_its_derivatives_to_the_media_bucket(
    api, study, object_storage, django_capture_on_commit_callbacks
):
    answer = upload_figure(
        api, study, jpeg_with_exif(), "hip.jpg", django_capture_on_commit_callbacks
    )
    assert answer["status"] == "ready"
    figure = Figure.objects.get(pk=answer["id"])
    assert object_storage.private_keys() == [figure.original.name]
    assert figure.original.name.startswith("originals/")
    assert object_storage.media_keys() == sorted(
        [figure.thumbnail.name, figure.web.name, figure.full.name]
    )
    web = object_storage.read(object_storage.media_bucket, "media", figure.web.name)
    assert web.startswith(JPEG)


def test_no_object_is_publicly_readable(
    api, study, object_storage, django_capture_on_commit_callbacks
):
    upload_figure(api, study, jpeg_with_exif(), "hip.jpg", django_capture_on_commit_callbacks)
    stored = [
        (object_storage.media_bucket, "media", name) for name in object_storage.media_keys()
    ] + [(object_storage.private_bucket, "private", name) for name in object_storage.private_keys()]
    assert len(stored) == 4
    for bucket, prefix, name in stored:
        status, _ = unsigned_get(object_storage.plain_url(bucket, prefix, name))
        assert status == 403, name
        grants = object_storage.client.get_object_acl(Bucket=bucket, Key=f"{prefix}/{name}")
        assert not [
            grant
            for grant in grants["Grants"]
            if grant["Grantee"].get("URI", "").endswith(("/AllUsers", "/AuthenticatedUsers"))
        ], name


def test_the_images_of_a_figure_are_served_from_object_storage(
    api, study, object_storage, django_capture_on_commit_callbacks
):
    answer = upload_figure(
        api, study, jpeg_with_exif(), "hip.jpg", django_capture_on_commit_callbacks
    )
    for size in ("thumbnail", "web", "full"):
        data = fetched(api, answer["images"][size])
        assert data.startswith(JPEG), size
        with Image.open(io.BytesIO(data)) as picture:
            assert picture.format == "JPEG"


def test_a_presigned_url_gives_the_object_until_it_expires(
    api, study, object_storage, django_capture_on_commit_callbacks
):
    """What the image views redirect to: `storage.url(name, expire=…)`, signed, on the S3
    server itself; the same address unsigned is refused."""
    answer = upload_figure(
        api, study, jpeg_with_exif(), "hip.jpg", django_capture_on_commit_callbacks
    )
    figure = Figure.objects.get(pk=answer["id"])
    for field in (figure.web, figure.original):
        url = field.storage.url(field.name, expire=60)
        assert url.startswith(f"{object_storage.endpoint}/")
        assert "X-Amz-Signature=" in url
        status, data = unsigned_get(url)
        assert status == 200
        assert data == field.storage.open(field.name).read()
        assert unsigned_get(url.split("?", 1)[0])[0] == 403


def test_a_dicom_series_keeps_its_slices_on_object_storage_and_serves_them(
    api, study, object_storage, django_capture_on_commit_callbacks
):
    answer = upload_figure(
        api, study, series_zip(3), "series.zip", django_capture_on_commit_callbacks
    )
    assert answer["status"] == "ready", answer
    figure = Figure.objects.get(pk=answer["id"])
    frames = list(figure.frames.all())
    assert len(frames) == 3
    private = object_storage.private_keys()
    assert {frame.dicom.name for frame in frames} <= set(private)
    assert all(name.startswith("deidentified/") for name in private if name.endswith(".dcm"))
    media = set(object_storage.media_keys())
    assert {name for frame in frames for name in frame.renders.values()} <= media
    # A slice render, and the de-identified DICOM zip read back from private storage.
    assert fetched(api, answer["images"]["frames"][1]["src"]).startswith(JPEG)
    dicom = urlsplit(answer["images"]["dicom"])
    download = fetch(f"{dicom.path}?{dicom.query}")
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        slices = [pydicom.dcmread(io.BytesIO(archive.read(name))) for name in archive.namelist()]
    assert len(slices) == 3
    assert {ds.PatientIdentityRemoved for ds in slices} == {"YES"}


def test_removing_a_figure_removes_every_object_of_it_once_committed(
    api, study, object_storage, django_capture_on_commit_callbacks
):
    answer = upload_figure(
        api, study, series_zip(2), "series.zip", django_capture_on_commit_callbacks
    )
    assert answer["status"] == "ready"
    assert object_storage.media_keys() and object_storage.private_keys()
    study.case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.delete(
            f"{figures_url(study.case)}{answer['id']}/", HTTP_IF_MATCH=etag(study.case)
        )
    assert response.status_code == 204
    # Not before the removal is committed: a rolled-back removal keeps its files.
    assert object_storage.private_keys() and object_storage.media_keys()
    for callback in callbacks:
        callback()
    assert object_storage.media_keys() == []
    assert object_storage.private_keys() == []


def test_removing_one_of_two_figures_of_the_same_upload_keeps_the_shared_objects(
    api, study, object_storage, django_capture_on_commit_callbacks
):
    data = jpeg_with_exif()
    first = upload_figure(api, study, data, "a.jpg", django_capture_on_commit_callbacks)
    upload_figure(api, study, data, "b.jpg", django_capture_on_commit_callbacks)
    kept = (object_storage.media_keys(), object_storage.private_keys())
    study.case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(
            f"{figures_url(study.case)}{first['id']}/", HTTP_IF_MATCH=etag(study.case)
        )
    assert response.status_code == 204
    assert (object_storage.media_keys(), object_storage.private_keys()) == kept


def test_deleting_a_draft_removes_the_objects_of_all_its_figures(
    author, api, study, object_storage, django_capture_on_commit_callbacks
):
    upload_figure(api, study, jpeg_with_exif(), "hip.jpg", django_capture_on_commit_callbacks)
    upload_figure(api, study, series_zip(2), "series.zip", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        delete_draft(study.case, by=author)
    assert object_storage.media_keys() == object_storage.private_keys() == []


def test_redacting_a_held_image_rewrites_its_original_object(
    api, author, study, object_storage, django_capture_on_commit_callbacks
):
    picture = Image.new("RGB", (200, 100), (255, 255, 255))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    answer = upload_figure(
        api,
        study,
        buffer.getvalue(),
        "photo.png",
        django_capture_on_commit_callbacks,
        burned_in=True,
    )
    assert answer["status"] == "quarantined"
    figure = Figure.objects.get(pk=answer["id"])
    old_original = figure.original.name
    regions = [{"x": 0, "y": 0, "width": 0.5, "height": 0.5}]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"{figures_url(study.case)}{figure.pk}/redact/",
            {"regions": regions},
            format="json",
        )
    assert response.status_code == 200, response.content
    figure.refresh_from_db()
    assert figure.status == "ready"
    assert figure.original.name != old_original
    assert object_storage.private_keys() == [figure.original.name]  # the old one is gone
    data = object_storage.read(object_storage.private_bucket, "private", figure.original.name)
    with Image.open(io.BytesIO(data)) as original:
        assert original.convert("L").getpixel((10, 10)) == 0
        assert original.convert("L").getpixel((190, 90)) > 230


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_makes_the_derivatives_in_the_same_buckets(
    author, two_author_draft, object_storage, celery_worker_process
):
    worker, log = celery_worker_process
    study = Study.objects.create(case=two_author_draft, modality="CT")
    figure = uploads.add_figure(study, upload=upload(series_zip(2), "series.zip"), by=author)
    wait_until_processed(figure, worker, log)
    assert {figure.thumbnail.name, figure.web.name, figure.full.name} <= set(
        object_storage.media_keys()
    )
    assert {frame.dicom.name for frame in figure.frames.all()} <= set(object_storage.private_keys())


# --- Storage that is down ---------------------------------------------------------------------


def test_an_api_upload_to_storage_that_is_down_answers_503_and_keeps_nothing(
    api, study, object_storage_down
):
    response = api.post(
        figures_url(study.case),
        {"study": study.pk, "file": upload(jpeg_with_exif(), "hip.jpg")},
        format="multipart",
    )
    assert response.status_code == 503
    body = response.json()
    assert "storage cannot be reached" in body["detail"]
    assert body["errors"] == {}
    assert response["Retry-After"]
    assert not Figure.objects.exists()
    assert object_storage_down.media_keys() == object_storage_down.private_keys() == []


def test_an_editor_upload_to_storage_that_is_down_answers_503_and_keeps_nothing(
    page, study, object_storage_down
):
    url = reverse("figure-upload", args=[study.case.pk, study.pk])
    response = page.post(url, {"image": upload(dicom_bytes(), "slice.dcm")})
    assert response.status_code == 503
    assert "storage cannot be reached" in response.json()["error"]
    assert not Figure.objects.exists()
    assert object_storage_down.private_keys() == []


def test_a_page_upload_to_storage_that_is_down_says_so_on_the_page(
    page, study, object_storage_down
):
    url = reverse("figure-upload", args=[study.case.pk, study.pk])
    response = page.post(
        url, {"image": upload(jpeg_with_exif(), "hip.jpg"), "then": "editor"}, follow=True
    )
    assert response.status_code == 200
    assert "storage cannot be reached" in response.content.decode()
    assert not Figure.objects.exists()


def test_a_bucket_that_refuses_the_upload_answers_503_and_keeps_nothing(
    settings, api, study, object_storage
):
    object_storage.client.delete_bucket(Bucket=object_storage.private_bucket)
    try:
        response = api.post(
            figures_url(study.case),
            {"study": study.pk, "file": upload(jpeg_with_exif(), "hip.jpg")},
            format="multipart",
        )
        assert response.status_code == 503
        assert not Figure.objects.exists()
        assert object_storage.media_keys() == []
    finally:
        object_storage.client.create_bucket(Bucket=object_storage.private_bucket)


def test_an_import_job_upload_to_storage_that_is_down_answers_503_and_keeps_nothing(
    api, object_storage_down
):
    response = api.post(
        "/api/v1/imports/",
        {"files": [upload(b"Title: A case\n\nHistory.", "case.txt")]},
        format="multipart",
    )
    assert response.status_code == 503
    assert "storage cannot be reached" in response.json()["detail"]
    assert not ImportJob.objects.exists()
    assert object_storage_down.private_keys() == []


# --- Configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "environ, variable",
    [
        ({"S3_PRIVATE_BUCKET": "originals"}, "S3_PRIVATE_BUCKET"),
        ({"S3_ENDPOINT_URL": "http://127.0.0.1:9000"}, "S3_ENDPOINT_URL"),
        ({"S3_BUCKET": "media", "MEDIA_ACCEL": "sendfile"}, "MEDIA_ACCEL"),
        ({"S3_BUCKET": "media", "MEDIA_ACCEL": "nginx"}, "MEDIA_ACCEL"),
        ({"S3_BUCKET": "media", "S3_PRIVATE_PREFIX": "media"}, "S3_PRIVATE_PREFIX"),
        ({"S3_BUCKET": "media", "S3_PRIVATE_PREFIX": "media/originals"}, "S3_PRIVATE_PREFIX"),
        ({"S3_BUCKET": "media", "S3_MEDIA_PREFIX": ""}, "S3_PRIVATE_PREFIX"),
        ({"S3_BUCKET": "media", "S3_ADDRESSING_STYLE": "sideways"}, "S3_ADDRESSING_STYLE"),
        ({"S3_BUCKET": "media", "S3_ENDPOINT_URL": "minio:9000"}, "S3_ENDPOINT_URL"),
        ({"S3_BUCKET": "media", "S3_ACCESS_KEY_ID": "key"}, "S3_SECRET_ACCESS_KEY"),
        ({"S3_BUCKET": "media", "S3_MAX_ATTEMPTS": "none"}, "S3_MAX_ATTEMPTS"),
        (
            {"S3_BUCKET": "media", "MEDIA_STORAGE_BACKEND": "x.Storage"},
            "MEDIA_STORAGE_BACKEND",
        ),
    ],
)
def test_contradictory_storage_variables_fail_at_start_naming_the_variable(environ, variable):
    with pytest.raises(ImproperlyConfigured, match=variable):
        s3_storages(environ)


def test_without_s3_bucket_the_storages_stay_on_the_disk():
    assert s3_storages({}) is None


def test_one_bucket_holds_both_storages_under_distinct_prefixes():
    built = s3_storages({"S3_BUCKET": "teaching"})
    assert built is not None
    media, private = built["default"]["OPTIONS"], built["private"]["OPTIONS"]
    assert (media["bucket_name"], media["location"]) == ("teaching", "media")
    assert (private["bucket_name"], private["location"]) == ("teaching", "private")
    for options in (media, private):
        assert options["querystring_auth"] is True
        assert options["file_overwrite"] is False
        assert options["default_acl"] is None


def test_the_settings_follow_the_environment_in_a_fresh_process(object_storage: ObjectStorage):
    """What a server or worker started by a test gets: the S3 storages from S3_* alone."""
    script = (
        "import django, json; django.setup(); "
        "from django.conf import settings; "
        "print(json.dumps({k: v['OPTIONS'].get('bucket_name') "
        "for k, v in settings.STORAGES.items() if k in ('default', 'private')}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "teachingfile.settings"}
    env = {**env, **object_storage.environ}
    env.pop("MEDIA_ACCEL", None)
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "default": object_storage.media_bucket,
        "private": object_storage.private_bucket,
    }


def test_a_slices_values_are_streamed_from_object_storage_through_the_site(
    author, object_storage, django_capture_on_commit_callbacks
):
    """The viewer's script fetches them, and the page's policy lets it read only its own
    origin: no redirect to the bucket's address."""
    case = make_case(author=author, published=False)
    study = Study.objects.create(case=case, modality="CT")
    with open(get_testdata_file("CT_small.dcm"), "rb") as source:
        data = source.read()
    with django_capture_on_commit_callbacks(execute=True):
        figure = uploads.add_figure(study, upload=upload(data, "ct.dcm"), by=author)
    figure.refresh_from_db()
    pixels = viewer_data(figure, author)["frames"][0]["pixels"]
    frame = figure.frames.get()
    assert frame.pixels["name"] in object_storage.media_keys()

    response = fetch(pixels["src"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    body = b"".join(response.streaming_content)
    assert read_pixel_frame(body, pixels).shape == (128, 128)

    object_storage.client.delete_object(
        Bucket=object_storage.media_bucket, Key=f"media/{frame.pixels['name']}"
    )
    assert fetch(pixels["src"]).status_code == 404
