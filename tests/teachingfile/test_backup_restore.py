"""The backup and restore drill of the README (Deployment → Backup and restore), end to end:
`pg_dump -Fc` of the database and a copy of both buckets, restored into a fresh database
(`createdb` + `pg_restore`) and fresh buckets, and the site started over them by gunicorn gives
back every case, image and revision as it was.

pg_dump needs PostgreSQL: the SQLite pass skips it; .ci/run runs it in its PostgreSQL pass.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.db import connections
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from accounts.services import create_token
from cases.editing import record_revision
from cases.models import Case, Figure, Revision
from tests.conftest import _database_url_of_the_test_database
from tests.factories import make_user
from tests.object_storage import ObjectStorage, new_object_storage
from tests.teachingfile.test_production import (
    ROOT,
    Processes,
    free_port,
    production_environment,
    through_proxy,
    wait_until_ready,
)

pytestmark = pytest.mark.django_db(transaction=True)

CASES = 3
SIZES = ("thumbnail", "web", "full")


@pytest.fixture(autouse=True)
def needs_postgresql():
    if connections["default"].vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL; .ci/run runs it in its second pass")
    for program in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} is not installed")


def postgres_arguments() -> tuple[list[str], dict[str, str]]:
    """The connection options of PostgreSQL's programs, and their environment (the password)."""
    settings_dict = connections["default"].settings_dict
    options = [
        *("--host", settings_dict.get("HOST") or "127.0.0.1"),
        *("--port", str(settings_dict.get("PORT") or 5432)),
        *("--username", settings_dict.get("USER") or "postgres"),
    ]
    environ = {**os.environ}
    if settings_dict.get("PASSWORD"):
        environ["PGPASSWORD"] = settings_dict["PASSWORD"]
    return options, environ


def run(command: list[str], environ: dict[str, str]) -> None:
    done = subprocess.run(command, env=environ, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stderr}"


def picture(shade: int) -> bytes:
    image = Image.new("L", (120, 80), shade)
    image.paste(255 - shade, (20 + shade % 40, 10, 70 + shade % 40, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def copy_bucket(storage: ObjectStorage, source: str, target: str) -> None:
    """What `aws s3 sync s3://source s3://target` does, with boto3: every object, same key."""
    for key in storage.all_keys(source):
        storage.client.copy_object(
            Bucket=target, Key=key, CopySource={"Bucket": source, "Key": key}
        )


def checksums(storage: ObjectStorage, bucket: str) -> dict[str, str]:
    return {
        key: sha256(storage.client.get_object(Bucket=bucket, Key=key)["Body"].read())
        for key in storage.all_keys(bucket)
    }


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def without_signatures(document: bytes) -> str:
    """A JSON answer with its addresses' host and query strings (the signature and expiry of
    media URLs, which each server signs afresh) set aside."""
    text = re.sub(r"https?://[^/\"]+", "", document.decode())
    return re.sub(r"\?[^\"]*\"", '"', text)


def published_cases_with_figures(author, storage: ObjectStorage) -> list[Case]:
    """Cases made as authors make them (API: create, add a study, upload, edit), processed on
    the buckets, then published: revisions `created`, `edited`… and `published`."""
    api = APIClient()
    api.force_login(author)
    cases = []
    for number in range(CASES):
        made = api.post("/api/v1/cases/", {"title": f"Backup case {number}"}, format="json")
        assert made.status_code == 201, made.content
        case_id, version = made.json()["id"], made.json()["version"]
        match = {"HTTP_IF_MATCH": f'"case-{case_id}-v{version}"'}
        study = api.post(
            f"/api/v1/cases/{case_id}/studies/",
            {"modality": "XR", "label": "Radiograph"},
            format="json",
            **match,
        )
        assert study.status_code == 201, study.content
        for shade in (40 + number * 30, 60 + number * 30):
            uploaded = api.post(
                f"/api/v1/cases/{case_id}/figures/",
                {
                    "study": study.json()["id"],
                    "label": f"Figure {shade}",
                    "file": io.BytesIO(picture(shade)),
                },
                format="multipart",
            )
            assert uploaded.status_code == 202, uploaded.content
        version = Case.objects.get(pk=case_id).version
        edited = api.patch(
            f"/api/v1/cases/{case_id}/",
            {"final_diagnosis": f"Diagnosis {number}", "clinical_history": "Night pain."},
            format="json",
            HTTP_IF_MATCH=f'"case-{case_id}-v{version}"',
        )
        assert edited.status_code == 200, edited.content
        case = Case.objects.get(pk=case_id)
        case.status, case.published_at = Case.Status.PUBLISHED, timezone.now()
        case.save(update_fields=["status", "published_at"])
        record_revision(case, kind=Revision.Kind.PUBLISHED, by=author, summary="Published")
        cases.append(case)
    figures = Figure.objects.filter(study__case__in=cases)
    assert figures.count() == 2 * CASES
    assert {figure.status for figure in figures} == {Figure.ProcessingStatus.READY}
    return cases


def revision_answers(api, cases: list[Case]) -> dict[str, bytes]:
    """Every revision of every case, as the API gives it (list and detail): path → body."""
    answers = {}
    for case in cases:
        paths = [f"/api/v1/cases/{case.pk}/revisions/"] + [
            f"/api/v1/cases/{case.pk}/revisions/{number}/"
            for number in case.revisions.values_list("number", flat=True)
        ]
        for path in paths:
            answer = api(path)
            assert answer.status_code == 200, (path, answer.status_code)
            answers[path] = answer.content
    return answers


@pytest.fixture
def restored_database() -> Iterator[str]:
    """The name of a fresh database for the restore, dropped at the end."""
    name = f"{connections['default'].settings_dict['NAME']}_restored"
    options, environ = postgres_arguments()
    run(["dropdb", *options, "--if-exists", name], environ)
    try:
        yield name
    finally:
        run(["dropdb", *options, "--if-exists", "--force", name], environ)


@pytest.fixture
def restored_buckets(object_storage) -> Iterator[ObjectStorage]:
    storage = new_object_storage(object_storage.endpoint)
    storage.create()
    try:
        yield storage
    finally:
        storage.remove()


def test_a_dump_and_a_bucket_copy_restore_every_case_image_and_revision(
    tmp_path, object_storage, restored_database, restored_buckets
):
    author = make_user("backup-author", "author")
    _, key = create_token(author, name="workstation")
    cases = published_cases_with_figures(author, object_storage)
    reader = APIClient()
    reader.force_login(author)
    revisions = revision_answers(reader.get, cases)
    documents = {
        case.pk: without_signatures(reader.get(f"/api/v1/cases/{case.pk}/").content)
        for case in cases
    }
    originals = {
        bucket: checksums(object_storage, bucket)
        for bucket in (object_storage.media_bucket, object_storage.private_bucket)
    }
    images = {
        (figure.pk, size): sha256(
            object_storage.read(
                object_storage.media_bucket,
                object_storage.media_prefix,
                getattr(figure, size).name,
            )
        )
        for figure in Figure.objects.filter(study__case__in=cases)
        for size in SIZES
    }
    assert len(originals[object_storage.private_bucket]) == 2 * CASES

    # Back up: the database in pg_dump's custom format, and both buckets.
    options, environ = postgres_arguments()
    dump = tmp_path / "teachingfile.dump"
    source = connections["default"].settings_dict["NAME"]
    run(["pg_dump", *options, "-Fc", "--file", str(dump), source], environ)
    copy_bucket(object_storage, object_storage.media_bucket, restored_buckets.media_bucket)
    copy_bucket(object_storage, object_storage.private_bucket, restored_buckets.private_bucket)

    # Restore: a fresh database from the dump; the copies are the fresh buckets.
    run(["createdb", *options, restored_database], environ)
    run(
        ["pg_restore", *options, "--no-owner", "--exit-on-error", "-d", restored_database, dump],
        environ,
    )
    assert (
        checksums(restored_buckets, restored_buckets.media_bucket)
        == (originals[object_storage.media_bucket])
    )
    assert (
        checksums(restored_buckets, restored_buckets.private_bucket)
        == (originals[object_storage.private_bucket])
    )

    # The site, pointed at the restored database and buckets, started as production starts it.
    environ = production_environment(tmp_path, restored_buckets.environ)
    environ["DATABASE_URL"] = _database_url_of_the_test_database().rsplit("/", 1)[0] + (
        f"/{restored_database}"
    )
    # Nothing shared with the suite's site: its own cache in memory, tasks inline.
    environ.update({"CACHE_URL": "", "REDIS_URL": "", "CELERY_BROKER_URL": ""})
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    processes = Processes(tmp_path, environ)
    processes.start(
        "restored-web",
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "python:teachingfile.gunicorn"]
        + ["teachingfile.wsgi"],
        PORT=str(port),
    )
    try:
        wait_until_ready(base, processes)
        token = {"Authorization": f"Token {key}", "X-Forwarded-Proto": "https"}

        def restored(path: str) -> requests.Response:
            return requests.get(f"{base}{path}", headers=token, timeout=30, allow_redirects=False)

        # Every case page, to a reader without an account, and every case document.
        for case in cases:
            page = requests.get(
                f"{base}{case.get_absolute_url()}",
                headers={"X-Forwarded-Proto": "https"},
                timeout=30,
            )
            assert page.status_code == 200, case.get_absolute_url()
            assert case.title in page.text
            assert case.final_diagnosis in page.text
            assert (
                without_signatures(restored(f"/api/v1/cases/{case.pk}/").content)
                == (documents[case.pk])
            )

        # Every revision, byte for byte.
        assert revision_answers(restored, cases) == revisions

        # Every image, through its signed URL and the presigned redirect to the restored bucket.
        fetched = {}
        for figure in Figure.objects.filter(study__case__in=cases):
            detail = restored(f"/api/v1/cases/{figure.study.case_id}/figures/{figure.pk}/")
            assert detail.status_code == 200, detail.text
            for size in SIZES:
                signed = requests.get(
                    through_proxy(detail.json()["images"][size]),
                    headers={"X-Forwarded-Proto": "https"},
                    timeout=30,
                    allow_redirects=False,
                )
                assert signed.status_code == 302, (size, signed.status_code)
                presigned = signed.headers["Location"]
                assert f"/{restored_buckets.media_bucket}/" in presigned
                body = requests.get(presigned, timeout=30)
                assert body.status_code == 200
                fetched[(figure.pk, size)] = sha256(body.content)
        assert fetched == images
    finally:
        processes.stop()
