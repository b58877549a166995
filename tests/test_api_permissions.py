"""The API's permission matrix: every endpoint × method × persona, with the status expected.

One row per operation of the schema, each naming the case (or other object) it acts on, the
body it sends, and the status each of nine personas gets. Each request runs in a savepoint that
is rolled back, so every persona meets the same world. A test fails when the schema lists an
operation that has no row here: a new endpoint needs its permissions written down.
"""

from __future__ import annotations

import datetime
import io
import json
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from PIL import Image
from rest_framework.test import APIClient

from api.services import create_token
from cases.models import Case, Commentary, Figure
from notifications.models import Notification
from reviews.models import Review

from .conftest import make_user
from .test_workflow import complete_case

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
    if_match: str | None = None  # the world object whose case version goes in If-Match
    note: str = field(default="")

    @property
    def name(self) -> str:
        return f"{self.method} {self.path} {self.note}".strip()


WRITE = {"anonymous": 401}

ROWS = [
    # Tokens
    Row(
        "POST",
        "/api/v1/auth/token/",
        {},
        expect(201),
        body={"username": "author", "password": "correct-horse-battery", "name": "Script"},
    ),
    Row("GET", "/api/v1/tokens/", {}, expect(200, anonymous=401)),
    Row("POST", "/api/v1/tokens/", {}, expect(201, anonymous=401), body={"name": "Script"}),
    Row("GET", "/api/v1/tokens/{id}/", {"id": "token"}, only(200, "author", anonymous=401)),
    Row("DELETE", "/api/v1/tokens/{id}/", {"id": "token"}, only(204, "author", anonymous=401)),
    # Cases
    Row("GET", "/api/v1/cases/", {}, expect(200)),
    Row(
        "POST",
        "/api/v1/cases/",
        {},
        only(201, *AUTHORS, "other_author", others=403, anonymous=401),
        body={"title": "Chondroblastoma of the proximal tibia"},
    ),
    Row("GET", "/api/v1/cases/{id}/", {"id": "published"}, expect(200), note="published"),
    Row("GET", "/api/v1/cases/{id}/", {"id": "draft"}, only(200, *AUTHORS), note="draft"),
    Row(
        "GET",
        "/api/v1/cases/{id}/",
        {"id": "in_review"},
        only(200, *AUTHORS, "reviewer", "editor"),
        note="in review",
    ),
    Row(
        "PATCH",
        "/api/v1/cases/{id}/",
        {"id": "draft"},
        only(200, *AUTHORS, anonymous=401),
        body={"final_diagnosis": "Osteoid osteoma"},
        if_match="draft",
        note="draft",
    ),
    Row(
        "PATCH",
        "/api/v1/cases/{id}/",
        {"id": "in_review"},
        only(403, *AUTHORS, "reviewer", "editor", anonymous=401),
        body={"final_diagnosis": "Osteoid osteoma"},
        if_match="in_review",
        note="in review: content frozen",
    ),
    Row(
        "DELETE",
        "/api/v1/cases/{id}/",
        {"id": "draft"},
        {**only(204, "author", anonymous=401), "coauthor": 403},
    ),
    Row("GET", "/api/v1/cases/{id}/export/", {"id": "published"}, expect(200)),
    Row("GET", "/api/v1/cases/{id}/actions/", {"id": "draft"}, only(200, *AUTHORS)),
    Row(
        "POST",
        "/api/v1/cases/{id}/submit/",
        {"id": "draft"},
        only(200, *AUTHORS, anonymous=401),
        body={"note": "Ready for review"},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/withdraw/",
        {"id": "submitted"},
        {**only(200, *AUTHORS, anonymous=401), "editor": 403},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/reopen/",
        {"id": "withdrawn"},
        only(200, *AUTHORS, anonymous=401),
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/assign-reviewer/",
        {"id": "in_review"},
        {**only(201, "editor", anonymous=401), **dict.fromkeys((*AUTHORS, "reviewer"), 403)},
        body={"reviewer": "unassigned_reviewer"},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/decide/",
        {"id": "in_review"},
        {**only(200, "editor", anonymous=401), **dict.fromkeys((*AUTHORS, "reviewer"), 403)},
        body={"decision": "request_changes", "message": "Add the follow-up CT."},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/return-to-draft/",
        {"id": "in_review"},
        {**only(200, "editor", anonymous=401), **dict.fromkeys((*AUTHORS, "reviewer"), 403)},
        body={"reason": "Wrong case type"},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/publish/",
        {"id": "accepted"},
        {**only(200, "editor", anonymous=401), **dict.fromkeys(AUTHORS, 403)},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/retract/",
        {"id": "published"},
        expect(403, anonymous=401, editor=200),
        body={"reason": "Duplicate of another case"},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/revise/",
        {"id": "published"},
        expect(403, anonymous=401, author=201, coauthor=201),
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/verify-commentary/",
        {"id": "in_review"},
        {**only(200, "editor", "reviewer", anonymous=401), **dict.fromkeys(AUTHORS, 403)},
        body={"commentary": 0},
    ),
    # Studies and figures
    Row("GET", "/api/v1/cases/{case_id}/studies/", {"case_id": "draft"}, only(200, *AUTHORS)),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/studies/",
        {"case_id": "draft"},
        only(201, *AUTHORS, anonymous=401),
        body={"modality": "MR", "label": "MRI hip"},
        if_match="draft",
    ),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/studies/{study_id}/",
        {"case_id": "published", "study_id": "published_study"},
        expect(200),
    ),
    Row(
        "PATCH",
        "/api/v1/cases/{case_id}/studies/{study_id}/",
        {"case_id": "draft", "study_id": "draft_study"},
        only(200, *AUTHORS, anonymous=401),
        body={"findings": "A lucent nidus."},
        if_match="draft",
    ),
    Row(
        "DELETE",
        "/api/v1/cases/{case_id}/studies/{study_id}/",
        {"case_id": "draft", "study_id": "draft_study"},
        only(204, *AUTHORS, anonymous=401),
        if_match="draft",
    ),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/figures/",
        {"case_id": "published"},
        expect(200),
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/figures/",
        {"case_id": "draft"},
        only(202, *AUTHORS, anonymous=401),
        body={"study": "draft_study", "label": "Fig 2"},
        multipart=True,
        if_match="draft",
    ),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/figures/{figure_id}/",
        {"case_id": "draft", "figure_id": "draft_figure"},
        only(200, *AUTHORS),
    ),
    Row(
        "PATCH",
        "/api/v1/cases/{case_id}/figures/{figure_id}/",
        {"case_id": "draft", "figure_id": "draft_figure"},
        only(200, *AUTHORS, anonymous=401),
        body={"caption": "Axial CT: a calcified nidus."},
        if_match="draft",
    ),
    Row(
        "DELETE",
        "/api/v1/cases/{case_id}/figures/{figure_id}/",
        {"case_id": "draft", "figure_id": "draft_figure"},
        only(204, *AUTHORS, anonymous=401),
        if_match="draft",
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/figures/{figure_id}/attest-clean/",
        {"case_id": "draft", "figure_id": "quarantined_figure"},
        only(200, *AUTHORS, anonymous=401),
        body={"checked": True, "note": "The text is a side marker only."},
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/figures/{figure_id}/redact/",
        {"case_id": "draft", "figure_id": "quarantined_figure"},
        only(200, *AUTHORS, anonymous=401),
        body={"regions": [{"x": 0.0, "y": 0.0, "width": 0.2, "height": 0.1}]},
    ),
    # Revisions
    Row(
        "GET",
        "/api/v1/cases/{case_id}/revisions/",
        {"case_id": "draft"},
        only(200, *AUTHORS, anonymous=401),
    ),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/revisions/{number}/",
        {"case_id": "in_review", "number": "first_revision"},
        only(200, *AUTHORS, "reviewer", "editor", anonymous=401),
    ),
    # Reviews
    Row("GET", "/api/v1/reviews/", {}, expect(200, anonymous=401)),
    Row(
        "GET",
        "/api/v1/reviews/{id}/",
        {"id": "open_review"},
        only(200, "reviewer", "editor", anonymous=401),
    ),
    Row(
        "POST",
        "/api/v1/reviews/{id}/submit/",
        {"id": "open_review"},
        {**only(200, "reviewer", anonymous=401), "editor": 403},
        body={"recommendation": "minor_changes", "comments_to_authors": "Add a coronal image."},
    ),
    Row(
        "POST",
        "/api/v1/reviews/{id}/decline/",
        {"id": "open_review"},
        {**only(200, "reviewer", anonymous=401), "editor": 403},
        body={"reason": "On leave"},
    ),
    Row(
        "POST",
        "/api/v1/reviews/{id}/cancel/",
        {"id": "open_review"},
        {**only(200, "editor", anonymous=401), "reviewer": 403},
    ),
    Row(
        "POST",
        "/api/v1/reviews/{id}/answer/",
        {"id": "completed_review"},
        {**only(200, *AUTHORS, anonymous=401), "reviewer": 403, "editor": 403},
        body={"response": "The coronal image is added."},
    ),
    # Notifications, reference lists, me
    Row("GET", "/api/v1/notifications/", {}, expect(200, anonymous=401)),
    Row(
        "GET",
        "/api/v1/notifications/{id}/",
        {"id": "notification"},
        only(200, "author", anonymous=401),
    ),
    Row(
        "POST",
        "/api/v1/notifications/{id}/read/",
        {"id": "notification"},
        only(200, "author", anonymous=401),
    ),
    Row("POST", "/api/v1/notifications/read-all/", {}, expect(200, anonymous=401)),
    Row("GET", "/api/v1/tags/", {}, expect(200)),
    Row("GET", "/api/v1/licences/", {}, expect(200)),
    Row("GET", "/api/v1/me/", {}, expect(200, anonymous=401)),
    Row("PATCH", "/api/v1/me/", {}, expect(200, anonymous=401), body={"display_name": "Dr Z"}),
]


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
    from cases.services import record_revision

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
    from django.core.files.base import ContentFile

    buffer = io.BytesIO()
    Image.new("L", (64, 64), 90).save(buffer, format="PNG")
    figure.original.save("quarantined.png", ContentFile(buffer.getvalue()), save=False)
    figure.kind = "image"
    figure.save()


def _id_of(name: str, obj) -> str:
    return str(obj.number if name == "number" else obj.pk)


def request_as(row: Row, persona: str, people, objects) -> int:
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(people[persona])
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
        body["file"] = png_upload()
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


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_persona_gets_the_expected_status(world, row):
    people, objects = world
    got = {}
    for persona in PERSONAS:
        cache.clear()
        try:
            with transaction.atomic():
                got[persona] = request_as(row, persona, people, objects)
                raise Rollback
        except Rollback:
            pass
    assert got == row.statuses


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_operation_of_the_schema_has_a_row(db):
    covered = {(row.method, row.path) for row in ROWS}
    assert schema_operations() - covered == set()
    assert covered - schema_operations() == set()
