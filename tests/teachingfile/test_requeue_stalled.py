"""`manage.py requeue_stalled`: on the embedded default (tasks inline) it does the figures,
import jobs and e-mails a crash left unfinished, and leaves what is fresh alone."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from cases.models import Figure, Study
from interchange.models import ImportJob
from notifications.models import Notification
from tests.factories import make_case, signed_in_api_client
from tests.files import report

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LONG_AGO = datetime.timedelta(hours=2)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("L", (64, 48), 90).save(buffer, format="PNG")
    return SimpleUploadedFile("knee.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def interrupted_figure(author, django_capture_on_commit_callbacks):
    """A figure stored and marked processing whose processing never finished (a crash)."""
    draft = make_case(author=author, published=False)
    study = Study.objects.create(case=draft, modality="XR", label="Knee radiograph")
    with django_capture_on_commit_callbacks(execute=False):
        response = signed_in_api_client(author).post(
            f"/api/v1/cases/{draft.pk}/figures/",
            {"study": study.pk, "file": _png()},
            format="multipart",
        )
    assert response.status_code == 202, response.content
    figure = Figure.objects.get()
    Figure.objects.filter(pk=figure.pk).update(status=Figure.ProcessingStatus.PROCESSING)
    return figure


@pytest.fixture
def interrupted_job(author, django_capture_on_commit_callbacks):
    """An import job stored and marked running whose import never finished (a crash)."""
    name, text = report(1)
    upload = SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")
    with django_capture_on_commit_callbacks(execute=False):
        response = signed_in_api_client(author).post(
            "/api/v1/imports/", {"files": [upload]}, format="multipart"
        )
    assert response.status_code == 202, response.content
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    return job


def _requeue_stalled(capture) -> None:
    with capture(execute=True):
        call_command("requeue_stalled", stdout=io.StringIO())


def test_a_figure_left_processing_past_the_threshold_is_processed_by_the_command(
    interrupted_figure, django_capture_on_commit_callbacks
):
    Figure.objects.update(queued_at=timezone.now() - LONG_AGO)
    _requeue_stalled(django_capture_on_commit_callbacks)
    interrupted_figure.refresh_from_db()
    assert interrupted_figure.status == Figure.ProcessingStatus.READY
    assert interrupted_figure.web


def test_a_figure_processing_since_a_moment_ago_is_left_alone(
    interrupted_figure, django_capture_on_commit_callbacks
):
    _requeue_stalled(django_capture_on_commit_callbacks)
    interrupted_figure.refresh_from_db()
    assert interrupted_figure.status == Figure.ProcessingStatus.PROCESSING


def test_an_import_job_left_running_past_the_threshold_is_finished_by_the_command(
    interrupted_job, django_capture_on_commit_callbacks
):
    ImportJob.objects.update(updated_at=timezone.now() - LONG_AGO)
    _requeue_stalled(django_capture_on_commit_callbacks)
    interrupted_job.refresh_from_db()
    assert interrupted_job.status == ImportJob.Status.DONE


def test_an_import_job_running_since_a_moment_ago_is_left_alone(
    interrupted_job, django_capture_on_commit_callbacks
):
    _requeue_stalled(django_capture_on_commit_callbacks)
    interrupted_job.refresh_from_db()
    assert interrupted_job.status == ImportJob.Status.RUNNING


def test_a_notification_left_unsent_is_e_mailed_unless_fresh_sent_or_too_old(
    author, django_capture_on_commit_callbacks
):
    now = timezone.now()

    def note(title: str, **fields) -> Notification:
        return Notification.objects.create(
            recipient=author, kind=Notification.Kind.COMMENT, title=title, **fields
        )

    note("Unsent", created_at=now - LONG_AGO)
    note("Fresh")
    note("Sent", created_at=now - LONG_AGO, emailed_at=now - LONG_AGO)
    note("Failed", created_at=now - LONG_AGO, email_error="Refused.")
    note("Stale", created_at=now - datetime.timedelta(days=3))
    _requeue_stalled(django_capture_on_commit_callbacks)
    assert [message.subject for message in mail.outbox] == ["[Teaching File] Unsent"]


def test_make_run_takes_up_stalled_work_before_the_site_starts():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe is not None
    lines = recipe.group(1).splitlines()
    requeue = next(i for i, line in enumerate(lines) if "manage.py requeue_stalled" in line)
    serve = next(i for i, line in enumerate(lines) if "manage.py runserver" in line)
    assert requeue < serve


def test_beat_takes_up_unsent_notification_e_mails(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "cases.tasks.requeue_stalled_figures",
        "interchange.tasks.requeue_stalled_import_jobs",
        "notifications.tasks.requeue_unsent_emails",
    } <= tasks
