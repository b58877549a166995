"""Case bundles with images on S3 object storage (moto): export, import, and import jobs."""

from __future__ import annotations

import io
import zipfile

import pydicom
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from PIL import Image

from cases.models import Case, Figure, Study
from imaging import uploads
from interchange.bundle import build_bundle, import_bundle
from interchange.models import ImportJob
from tests.factories import make_case, make_user, signed_in_api_client
from tests.files import jpeg_with_exif, series_zip
from tests.object_storage import closed_port_url

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (80, 60), 120).save(buffer, format="PNG")
    return buffer.getvalue()


def add(study: Study, author, data: bytes, name: str) -> Figure:
    with TestCase.captureOnCommitCallbacks(execute=True):
        figure = uploads.add_figure(study, upload=SimpleUploadedFile(name, data), by=author)
    figure.refresh_from_db()
    assert figure.status == "ready"
    return figure


@pytest.fixture
def case_with_images(author, object_storage) -> Case:
    case = make_case(author=author, published=False)
    radiograph = Study.objects.create(case=case, modality="XR", label="Hip")
    ct = Study.objects.create(case=case, modality="CT", label="CT pelvis", position=1)
    add(radiograph, author, jpeg_with_exif(), "hip.jpg")
    add(radiograph, author, png_bytes(), "hip.png")
    add(ct, author, series_zip(3), "series.zip")
    return case


def images_of(bundle: bytes) -> dict[str, bytes | dict[str, bytes]]:
    """The bundle's images: a PNG as its bytes, a DICOM series as its slices' pixel data (its
    UIDs are replaced anew on import, and a zip's dates differ)."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        images = {
            name: archive.read(name) for name in archive.namelist() if name.startswith("images/")
        }
    for name, data in images.items():
        if name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as series:
                images[name] = {
                    member: pydicom.dcmread(io.BytesIO(series.read(member))).PixelData
                    for member in series.namelist()
                }
    return images


def test_a_bundle_exported_from_object_storage_imports_back_onto_it(
    author, case_with_images, object_storage
):
    first = build_bundle(case_with_images, user=author)
    exported = images_of(first)
    assert len(exported) == 3
    assert sorted(name.rsplit(".", 1)[-1] for name in exported) == ["png", "png", "zip"]

    importer = make_user("importer", "author")
    before = set(object_storage.private_keys())
    with TestCase.captureOnCommitCallbacks(execute=True):
        imported = import_bundle(first, author=importer)
    figures = list(Figure.objects.filter(study__case=imported))
    assert {figure.status for figure in figures} == {"ready"}
    private, media = set(object_storage.private_keys()), set(object_storage.media_keys())
    for figure in figures:
        assert figure.original.name in private
        assert {figure.thumbnail.name, figure.web.name, figure.full.name} <= media
    assert private - before  # the images were uploaded anew (a PNG of the JPEG's pixels)

    assert images_of(build_bundle(imported, user=importer)) == exported


def test_an_import_that_fails_leaves_no_object_behind(
    author, case_with_images, object_storage, monkeypatch
):
    data = build_bundle(case_with_images, user=author)
    before = (object_storage.private_keys(), object_storage.media_keys())

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    from cases import services

    monkeypatch.setattr(services, "record_revision", broken)
    with pytest.raises(RuntimeError):
        import_bundle(data, author=make_user("importer", "author"))
    assert (object_storage.private_keys(), object_storage.media_keys()) == before


def test_an_import_job_of_a_bundle_runs_on_object_storage_and_forgets_its_upload(
    author, case_with_images, object_storage, django_capture_on_commit_callbacks
):
    data = build_bundle(case_with_images, user=author)
    importer = make_user("importer", "author")
    client = signed_in_api_client(importer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/",
            {"files": [SimpleUploadedFile("case.zip", data)]},
            format="multipart",
        )
    assert response.status_code == 202, response.content
    job = ImportJob.objects.get()
    assert (job.status, job.imported) == ("done", 1), job.results
    case = Case.objects.exclude(pk=case_with_images.pk).get()
    assert {figure.status for figure in Figure.objects.filter(study__case=case)} == {"ready"}
    # The uploaded bundle waited in private storage and is gone once imported.
    assert not [name for name in object_storage.private_keys() if name.startswith("imports/")]


def test_an_export_while_storage_is_down_answers_503_not_a_bundle_without_images(
    settings, client, author, case_with_images, object_storage
):
    settings.STORAGES = {
        **settings.STORAGES,
        **object_storage.storages(S3_ENDPOINT_URL=closed_port_url()),
    }
    client.force_login(author)
    for format in ("bundle", "mirc"):
        page = client.get(reverse("case-export", args=[case_with_images.pk, format]))
        assert page.status_code == 503
        assert "cannot be reached" in page.content.decode()
    api = signed_in_api_client(author)
    answer = api.get(f"/api/v1/cases/{case_with_images.pk}/export/?format=bundle")
    assert answer.status_code == 503
    assert "storage cannot be reached" in answer.json()["detail"]
