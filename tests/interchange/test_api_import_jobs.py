"""/api/v1/imports/: bulk import jobs uploaded through the API and run in the background."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from interchange import job_runner, tasks
from interchange.models import ImportJob, ImportJobFile
from tests.factories import make_user, signed_in_api_client
from tests.files import report

IMPORTS = "/api/v1/imports/"


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def reports(*numbers: int) -> list[SimpleUploadedFile]:
    return [upload(*report(number)) for number in numbers]


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def post_files(django_capture_on_commit_callbacks):
    """POST files as a user; the queued job runs (inline) once the request has committed."""

    def post(user, files, **extra):
        client = signed_in_api_client(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(IMPORTS, {"files": files, **extra}, format="multipart")
        return client, response

    return post


@pytest.mark.django_db
def test_an_upload_is_accepted_and_the_job_imports_every_file(post_files, author, settings):
    client, response = post_files(author, reports(1, 2, 3))
    assert response.status_code == 202, response.json()
    job = response.json()
    assert response["Location"] == job["url"] == f"{IMPORTS}{job['id']}/"
    status = client.get(job["url"]).json()
    assert status["status"] == "done"
    assert status["progress"] == {"done": 3, "total": 3}
    assert status["totals"] == {"imported": 3, "duplicates": 0, "attention": 0}
    cases = {case.pk: case for case in Case.objects.filter(created_by=author)}
    assert [result["case"] for result in status["results"]] == sorted(cases)
    first = status["results"][0]
    assert first["name"] == report(1)[0] and first["outcome"] == "imported"
    assert first["case_api_url"] == f"/api/v1/cases/{first['case']}/"
    assert first["case_url"].endswith(cases[first["case"]].get_absolute_url())
    assert stored_files(settings) == []  # the uploads are deleted once imported
    assert not ImportJobFile.objects.exists()


@pytest.mark.django_db
def test_the_same_files_uploaded_again_are_duplicates_of_the_first_cases(post_files, author):
    client, first = post_files(author, reports(4, 5))
    _, second = post_files(author, reports(4, 5))
    again = client.get(second.json()["url"]).json()
    assert again["totals"] == {"imported": 0, "duplicates": 2, "attention": 0}
    earlier = client.get(first.json()["url"]).json()
    assert [r["case"] for r in again["results"]] == [r["case"] for r in earlier["results"]]
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_a_duplicate_of_someone_elses_draft_does_not_show_their_case(post_files, author):
    other = make_user("other_author", "author")
    post_files(other, reports(6))
    client, response = post_files(author, reports(6))
    (result,) = client.get(response.json()["url"]).json()["results"]
    assert result["outcome"] == "duplicate"
    assert result["case"] is None and result["case_url"] is None and result["title"] is None


@pytest.mark.django_db
def test_bad_files_need_attention_and_the_good_ones_import(post_files, author):
    files = [
        upload("latin.txt", "Une fracture du col fémoral.".encode("latin-1")),
        upload("empty.md", b""),
        upload("scan.zip", b"PK\x03\x04 not really a zip"),
        *reports(8),
    ]
    client, response = post_files(author, files)
    assert response.status_code == 202
    status = client.get(response.json()["url"]).json()
    assert status["status"] == "done"
    assert status["totals"] == {"imported": 1, "duplicates": 0, "attention": 3}
    reasons = {result["name"]: result["reasons"] for result in status["results"]}
    assert reasons["latin.txt"][0].startswith("is not UTF-8 text")
    assert reasons["empty.md"] == ["is empty"]
    assert reasons["scan.zip"]
    assert reasons[report(8)[0]] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("files", "limits", "message"),
    [
        ([], {}, "at least one file"),
        (["a.txt", "b.txt", "c.txt"], {"IMPORT_MAX_FILES": 2}, "at most 2 files"),
        (["report.pdf"], {}, "only .txt, .md and .zip"),
        (["big.txt"], {"IMPORT_MAX_FILE_BYTES": 10}, "larger than"),
        (["a.txt", "b.txt"], {"IMPORT_MAX_TOTAL_BYTES": 300}, "add up to more than"),
    ],
    ids=["none", "too many", "wrong kind", "too large", "too much in all"],
)
def test_uploads_beyond_the_limits_are_refused_and_nothing_is_kept(
    post_files, author, settings, files, limits, message
):
    for name, value in limits.items():
        setattr(settings, name, value)
    _, response = post_files(author, [upload(name, "x" * 200) for name in files])
    assert response.status_code == 400
    body = response.json()
    assert message in body["detail"] and "files" in body["errors"]
    assert not ImportJob.objects.exists() and stored_files(settings) == []


@pytest.mark.django_db
def test_a_body_without_files_is_a_clear_400(author):
    response = signed_in_api_client(author).post(
        IMPORTS, {"files": "not a file"}, format="multipart"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["files.0"]


@pytest.mark.django_db
def test_a_trainee_may_not_import_and_anonymous_must_sign_in(post_files, trainee):
    _, response = post_files(trainee, reports(1))
    assert response.status_code == 403
    _, response = post_files(None, reports(1))
    assert response.status_code == 401
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_another_users_job_is_a_404_and_not_in_their_list(post_files, author, another_author):
    _, response = post_files(author, reports(1))
    stranger = signed_in_api_client(another_author)
    assert stranger.get(response.json()["url"]).status_code == 404
    assert stranger.get(IMPORTS).json()["count"] == 0
    assert stranger.get(f"{IMPORTS}nonsense/").status_code == 404
    assert stranger.get(f"{IMPORTS}{2**70}/").status_code == 404


@pytest.mark.django_db
def test_the_list_is_paginated_and_its_queries_do_not_grow_with_jobs(author):
    client = signed_in_api_client(author)

    def jobs_of(count: int) -> None:
        for _ in range(count):
            ImportJob.objects.create(
                owner=author,
                status=ImportJob.Status.DONE,
                file_count=2,
                files_done=2,
                results=[{"name": "a.txt", "outcome": "attention", "reasons": ["is empty"]}] * 2,
            )

    jobs_of(1)
    with CaptureQueriesContext(connection) as one:
        response = client.get(IMPORTS)
    assert response.status_code == 200
    assert response.json()["count"] == 1
    jobs_of(9)
    with CaptureQueriesContext(connection) as many:
        response = client.get(IMPORTS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 10 and len(body["results"]) == 10
    assert len(many) == len(one)
    assert client.get(f"{IMPORTS}?page_size=3").json()["next"]


# --- The task -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_job_whose_worker_died_carries_on_when_run_again(author, settings):
    # The first file was imported before the worker died; the second is still waiting.
    job = ImportJob.objects.create(
        owner=author,
        status=ImportJob.Status.RUNNING,
        file_count=2,
        files_done=1,
        imported=1,
        results=[{"name": "first.txt", "outcome": "imported", "case": None}],
    )
    waiting = ImportJobFile(job=job, position=1, name=report(9)[0])
    waiting.stored.save("job-waiting.txt", upload(*report(9)), save=True)
    job_runner.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.finished_at
    assert job.files_done == 2 and job.imported == 2
    assert [result["name"] for result in job.results] == ["first.txt", report(9)[0]]
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_jobs_left_unfinished_for_a_while_are_queued_again(
    author, django_capture_on_commit_callbacks
):
    stalled = ImportJob.objects.create(owner=author, file_count=1)
    waiting = ImportJobFile(job=stalled, position=0, name=report(13)[0])
    waiting.stored.save("job-stalled.txt", upload(*report(13)), save=True)
    recent = ImportJob.objects.create(owner=author, status=ImportJob.Status.RUNNING)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    ImportJob.objects.filter(pk=stalled.pk).update(updated_at=an_hour_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stalled_import_jobs() == 1
    stalled.refresh_from_db()
    recent.refresh_from_db()
    assert stalled.status == ImportJob.Status.DONE and stalled.imported == 1
    assert recent.status == ImportJob.Status.RUNNING


@pytest.mark.django_db
def test_a_task_for_a_finished_job_does_nothing(author):
    job = ImportJob.objects.create(owner=author, status=ImportJob.Status.DONE, file_count=1)
    ImportJobFile.objects.create(job=job, position=0, name="late.txt", stored="imports/late.txt")
    job_runner.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.files_done == 0
    assert not Case.objects.exists()
    job_runner.run_import_job(10**9)  # a job deleted since: nothing to do, no error


@pytest.mark.django_db
def test_a_stored_upload_that_went_missing_needs_attention(author):
    job = ImportJob.objects.create(owner=author, file_count=1)
    ImportJobFile.objects.create(job=job, position=0, name="gone.txt", stored="imports/gone.txt")
    job_runner.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.attention == 1
    assert "no longer stored" in job.results[0]["reasons"][0]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_the_job_through_the_broker(author, celery_worker_process):
    worker, log = celery_worker_process
    client = signed_in_api_client(author)
    response = client.post(IMPORTS, {"files": reports(11, 12)}, format="multipart")
    assert response.status_code == 202
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(response["Location"]).json()
        if status["status"] in ("done", "failed"):
            break
        assert worker.poll() is None, log.read_text()
        time.sleep(0.5)
    assert status["status"] == "done", log.read_text()
    assert status["totals"] == {"imported": 2, "duplicates": 0, "attention": 0}
    assert "run_import_job" in log.read_text()
