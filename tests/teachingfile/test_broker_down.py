"""A broker that is down never fails a write that committed: the work stays pending, the failure
is logged with the task's name, and the sweepers queue it once the broker is back."""

from __future__ import annotations

import datetime
import io
import json
import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import kombu.pools
import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from cases.models import Figure, Study
from community.models import Comment
from imaging.tasks import requeue_stalled_figures
from interchange.models import ImportJob
from interchange.tasks import requeue_stalled_import_jobs
from notifications.models import Notification
from notifications.tasks import requeue_unsent_emails
from teachingfile.celery import app as celery_app
from tests.factories import make_case, make_user

REDIS_SERVER = shutil.which("redis-server")

pytestmark = [
    # Not the autouse inline tasks: these publish to a broker of their own.
    pytest.mark.worker,
    pytest.mark.django_db,
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs the redis-server binary on PATH"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Broker:
    """A redis-server of the test's own, on a free port, that the test stops and starts."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)

    def queued_tasks(self) -> list[str]:
        """The names of the tasks waiting in the site's queue."""
        messages = self.client().lrange(celery_app.conf.task_default_queue, 0, -1)
        return sorted(json.loads(message)["headers"]["task"] for message in messages)


def _forget_connections() -> None:
    """Drop Celery's pooled broker connections, so that the next publish uses the new URL."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker() -> Iterator[Broker]:
    server = Broker()
    server.start()
    conf = celery_app.conf
    previous = (conf.get("broker_write_url"), conf.task_always_eager)
    # The write URL: Celery prefers a CELERY_BROKER_URL in the environment to conf.broker_url.
    conf.broker_write_url = server.url
    conf.task_always_eager = False
    _forget_connections()
    try:
        yield server
    finally:
        server.stop()
        conf.broker_write_url, conf.task_always_eager = previous
        _forget_connections()


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("L", (64, 48), 90).save(buffer, format="PNG")
    return SimpleUploadedFile("knee.png", buffer.getvalue(), content_type="image/png")


def _signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_with_the_broker_down_writes_answer_success_and_the_sweepers_queue_their_work_later(
    broker, author, trainee, moderator, caplog, django_capture_on_commit_callbacks
):
    draft = make_case(author=author, published=False)
    study = Study.objects.create(case=draft, modality="XR", label="Knee radiograph")
    published = make_case(author=author, title="Osteoid osteoma of the femoral neck")
    member = make_user("member", "trainee")
    broker.stop()
    caplog.set_level(logging.WARNING, logger="api.queueing")

    with django_capture_on_commit_callbacks(execute=True):
        figure_answer, figure_took = _timed(
            lambda: _signed_in(author).post(
                f"/api/v1/cases/{draft.pk}/figures/",
                {"study": study.pk, "file": _png(), "label": "Fig 1"},
                format="multipart",
            )
        )
    with django_capture_on_commit_callbacks(execute=True):
        comment_answer, comment_took = _timed(
            lambda: _signed_in(trainee).post(
                f"/api/v1/cases/{published.pk}/comments/", {"body": "Nice case"}, format="json"
            )
        )
    with django_capture_on_commit_callbacks(execute=True):
        suspend_answer, suspend_took = _timed(
            lambda: _signed_in(moderator).post(
                f"/api/v1/moderation/users/{member.pk}/suspend/",
                {"reason": "Posted a patient's name."},
                format="json",
            )
        )

    assert figure_answer.status_code == 202, figure_answer.content
    assert comment_answer.status_code == 201, comment_answer.content
    assert suspend_answer.status_code == 200, suspend_answer.content
    assert max(figure_took, comment_took, suspend_took) < 2
    figure = Figure.objects.get()
    assert figure.status == Figure.ProcessingStatus.PENDING
    assert Comment.objects.filter(case=published, body="Nice case").exists()
    member.refresh_from_db()
    assert member.suspended_at is not None
    unsent = Notification.objects.filter(emailed_at__isnull=True, email_error="")
    assert {note.recipient for note in unsent} == {author, member}
    failures = [record.getMessage() for record in caplog.records if record.name == "api.queueing"]
    assert any("cases.tasks.make_figure_derivatives" in message for message in failures)
    assert sum("send_notification_email" in message for message in failures) == 2

    # Back up: the sweepers, once the work is old enough, queue it.
    broker.start()
    _forget_connections()
    a_while_ago = timezone.now() - datetime.timedelta(hours=1)
    Figure.objects.update(queued_at=a_while_ago)
    Notification.objects.update(created_at=a_while_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stalled_figures() == 1
        assert requeue_unsent_emails() == 2
    assert broker.queued_tasks() == [
        "cases.tasks.make_figure_derivatives",
        "notifications.tasks.send_notification_email",
        "notifications.tasks.send_notification_email",
    ]


def test_with_the_broker_down_an_import_job_stays_queued_and_is_queued_again_later(
    broker, author, caplog, django_capture_on_commit_callbacks
):
    broker.stop()
    caplog.set_level(logging.WARNING, logger="api.queueing")
    upload = SimpleUploadedFile("report-1.txt", b"Knee radiograph. No fracture.", "text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        response = _signed_in(author).post(
            "/api/v1/imports/", {"files": [upload]}, format="multipart"
        )
    assert response.status_code == 202, response.content
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED
    assert any("run_import_job" in record.getMessage() for record in caplog.records)

    broker.start()
    _forget_connections()
    ImportJob.objects.update(updated_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stalled_import_jobs() == 1
    assert broker.queued_tasks() == ["interchange.tasks.run_import_job"]
