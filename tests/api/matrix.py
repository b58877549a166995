"""The API's permission matrix: the personas, the world they meet, and how a row is checked.

Each resource's test module (`test_permissions*.py`) lists one `Row` per operation of the
schema: the object it acts on, the body it sends, and the status each of nine personas gets.
Each request runs in a savepoint that is rolled back, so every persona meets the same world.

A tenth persona, `suspended`, is the author suspended by a moderator: unless a row says
otherwise, it reads what the author reads and every write of it is refused with 403.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from accounts.services import create_token
from cases.models import Case, Commentary, Figure
from cases.services import record_revision
from notifications.models import Notification
from reviews.models import Review
from tests.factories import complete_case, make_user

PERSONAS = [
    "anonymous",
    "trainee",
    "author",
    "coauthor",
    "other_author",
    "reviewer",
    "unassigned_reviewer",
    "editor",
    "moderator",
]
SIGNED_IN = PERSONAS[1:]
# The author, suspended for the request: see Row.__post_init__ for what it gets by default.
SUSPENDED = "suspended"
SUSPENDED_AS = "author"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def expect(default: int | None = None, **statuses: int) -> dict[str, int]:
    """Statuses by persona: `default` for everyone not named."""
    table = {persona: default for persona in PERSONAS}
    table.update(statuses)
    missing = [persona for persona, status in table.items() if status is None]
    assert not missing, f"no status for {missing}"
    return table


def only(status: int, *personas: str, others: int = 404, anonymous: int | None = None):
    """`status` for the named personas, `others` for the rest (anonymous: 401 for writes)."""
    table = {persona: others for persona in PERSONAS}
    table.update(dict.fromkeys(personas, status))
    if anonymous is not None:
        table["anonymous"] = anonymous
    return table


AUTHORS = ("author", "coauthor")


@dataclass
class Row:
    method: str
    path: str  # as the schema writes it, e.g. /api/v1/cases/{id}/
    ids: dict[str, str]  # path parameter -> object of the world
    statuses: dict[str, int]
    body: dict | None = None
    multipart: bool = False
    # The file parts of a multipart row; by default one PNG figure under `file`.
    uploads: Callable[[], dict] | None = None
    if_match: str | None = None  # the world object whose case version goes in If-Match
    note: str = field(default="")
    # The endpoint signs in by the credentials in its body: every persona calls it without a
    # session or token of its own.
    signs_in_by_body: bool = False

    def __post_init__(self) -> None:
        if SUSPENDED not in self.statuses:
            self.statuses = {
                **self.statuses,
                SUSPENDED: self.statuses[SUSPENDED_AS] if self.method in SAFE_METHODS else 403,
            }

    @property
    def name(self) -> str:
        return f"{self.method} {self.path} {self.note}".strip()


WRITE = {"anonymous": 401}


def png_upload() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("L", (64, 64), 90).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "hip.png"
    return buffer


@pytest.fixture
def world(db, author, coauthor, editor, moderator, trainee):
    people = {
        "author": author,
        "coauthor": coauthor,
        "editor": editor,
        "moderator": moderator,
        "trainee": trainee,
        "other_author": make_user("other_author", "author"),
        "reviewer": make_user("assigned_reviewer", "reviewer"),
        "unassigned_reviewer": make_user("unassigned_reviewer", "reviewer"),
    }
    due = timezone.localdate() + datetime.timedelta(days=14)
    cases = {
        state: complete_case(author, coauthor, status=status, title=f"{state} case")
        for state, status in {
            "draft": Case.Status.DRAFT,
            "submitted": Case.Status.SUBMITTED,
            "withdrawn": Case.Status.WITHDRAWN,
            "in_review": Case.Status.IN_REVIEW,
            "changes": Case.Status.CHANGES_REQUESTED,
            "accepted": Case.Status.ACCEPTED,
            "published": Case.Status.PUBLISHED,
        }.items()
    }
    first_revision = record_revision(cases["in_review"], kind="created", by=author)
    record_revision(cases["draft"], kind="created", by=author)
    Commentary.objects.create(
        case=cases["in_review"], provenance="machine_generated", heading="Analysis", body="…"
    )
    open_review = Review.objects.create(
        case=cases["in_review"],
        reviewer=people["reviewer"],
        assigned_by=editor,
        case_version=cases["in_review"].version,
        due_date=due,
    )
    completed_review = Review.objects.create(
        case=cases["changes"],
        reviewer=people["reviewer"],
        assigned_by=editor,
        case_version=cases["changes"].version,
        due_date=due,
        status=Review.Status.COMPLETED,
        recommendation=Review.Recommendation.MINOR_CHANGES,
        comments_to_authors="Add a coronal image.",
        completed_at=timezone.now(),
    )
    draft_study = cases["draft"].studies.get()
    quarantined = Figure.objects.create(
        study=draft_study,
        label="Fig 2",
        status=Figure.ProcessingStatus.QUARANTINED,
        flagged_burned_in=True,
        quarantine_reasons=["Text found in the image"],
        width=64,
        height=64,
    )
    _store_original(quarantined)
    notification = Notification.objects.create(
        recipient=author, kind="submitted", title="Submitted", body="", url="/"
    )
    token, _ = create_token(author, name="Existing")
    objects = {
        **cases,
        "draft_study": draft_study,
        "draft_figure": draft_study.figures.exclude(pk=quarantined.pk).get(),
        "quarantined_figure": quarantined,
        "published_study": cases["published"].studies.get(),
        "first_revision": first_revision,
        "open_review": open_review,
        "completed_review": completed_review,
        "notification": notification,
        "token": token,
    }
    return people, objects


def _store_original(figure: Figure) -> None:
    buffer = io.BytesIO()
    Image.new("L", (64, 64), 90).save(buffer, format="PNG")
    figure.original.save("quarantined.png", ContentFile(buffer.getvalue()), save=False)
    figure.kind = "image"
    figure.save()


def _id_of(name: str, obj) -> str:
    return str(obj.number if name == "number" else obj.pk)


def request_as(row: Row, persona: str, people, objects) -> int:
    client = APIClient()
    if persona == SUSPENDED:
        # Inside the savepoint statuses_for rolls back: the author is in good standing again
        # for the next persona.
        member = people[SUSPENDED_AS]
        member.suspended_at = timezone.now()
        member.suspension_reason = "Posted identifiable patient data."
        member.save(update_fields=["suspended_at", "suspension_reason"])
        try:
            return _request(client, row, member, objects)
        finally:
            member.suspended_at = None
            member.suspension_reason = ""
    return _request(client, row, None if persona == "anonymous" else people[persona], objects)


def _request(client: APIClient, row: Row, user, objects) -> int:
    if user is not None and not row.signs_in_by_body:
        client.force_authenticate(user)
    path = row.path
    for parameter, object_name in row.ids.items():
        path = path.replace("{" + parameter + "}", _id_of(parameter, objects[object_name]))
    headers = {}
    if row.if_match:
        case = Case.objects.get(pk=objects[row.if_match].pk)
        headers["If-Match"] = f'"case-{case.pk}-v{case.version}"'
    body = dict(row.body or {})
    if row.multipart:
        body = {
            key: objects[value].pk if value in objects else value for key, value in body.items()
        }
        body.update(row.uploads() if row.uploads else {"file": png_upload()})
        response = client.post(path, body, format="multipart", headers=headers)
    else:
        response = client.generic(
            row.method,
            path,
            data=json.dumps(body) if body else "",
            content_type="application/json",
            headers=headers,
        )
    return response.status_code


class Rollback(Exception):
    pass


def statuses_for(row: Row, people, objects) -> dict[str, int]:
    """The status each persona gets for this row, each request rolled back afterwards."""
    got = {}
    for persona in [*PERSONAS, SUSPENDED]:
        cache.clear()
        try:
            with transaction.atomic():
                got[persona] = request_as(row, persona, people, objects)
                raise Rollback
        except Rollback:
            pass
    return got
