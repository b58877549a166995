"""The API's permission matrix for unknown mode: unknowns, attempts, the review queue, progress.

Anyone may list the unknowns; studying one needs a sign-in (any role); an attempt is its
owner's alone, so everyone else gets a 404.
"""

from __future__ import annotations

import pytest

from cases.models import Case
from study import services
from study.models import ReviewQueueEntry
from tests.api.matrix import Row, expect, only, statuses_for, world  # noqa: F401
from tests.factories import make_unknown

ROWS = [
    Row("GET", "/api/v1/unknowns/", {}, expect(200)),
    Row("GET", "/api/v1/unknowns/{id}/", {"id": "unknown"}, expect(200, anonymous=401)),
    Row(
        "GET",
        "/api/v1/unknowns/{id}/",
        {"id": "draft_unknown"},
        expect(404, anonymous=401),
        note="unpublished",
    ),
    Row(
        "POST",
        "/api/v1/unknowns/{id}/attempts/",
        {"id": "unknown"},
        expect(201, anonymous=401),
        body={"answer": "Calcific tendinitis", "question_answers": [2]},
    ),
    Row(
        "POST",
        "/api/v1/unknowns/{id}/attempts/",
        {"id": "draft_unknown"},
        expect(404, anonymous=401),
        body={"answer": "Calcific tendinitis"},
        note="unpublished",
    ),
    Row("GET", "/api/v1/attempts/", {}, expect(200, anonymous=401)),
    Row(
        "GET",
        "/api/v1/attempts/{id}/",
        {"id": "trainee_attempt"},
        only(200, "trainee", anonymous=401),
    ),
    Row(
        "POST",
        "/api/v1/attempts/{id}/reveal/",
        {"id": "trainee_attempt"},
        only(200, "trainee", anonymous=401),
    ),
    Row(
        "POST",
        "/api/v1/attempts/{id}/assess/",
        {"id": "diagnosed_attempt"},
        only(200, "trainee", anonymous=401),
        body={"self_assessment": "missed"},
    ),
    Row(
        "POST",
        "/api/v1/attempts/{id}/assess/",
        {"id": "trainee_attempt"},
        only(409, "trainee", anonymous=401),
        body={"self_assessment": "missed"},
        note="before the diagnosis",
    ),
    Row("GET", "/api/v1/review-queue/", {}, expect(200, anonymous=401)),
    Row("GET", "/api/v1/progress/", {}, expect(200, anonymous=401)),
]


@pytest.fixture
def study_world(world):  # noqa: F811
    people, objects = world
    unknown = make_unknown(people["author"], questions=1)
    draft = make_unknown(people["author"], published=False, status=Case.Status.DRAFT)
    trainee = people["trainee"]
    attempt = services.start_attempt(user=trainee, case=unknown, answer="Bursitis")
    diagnosed = services.start_attempt(user=trainee, case=unknown, answer="Bursitis")
    services.reveal_next_stage(attempt=diagnosed, by=trainee)
    ReviewQueueEntry.objects.update_or_create(
        user=trainee, case=unknown, defaults={"due_on": unknown.created_at.date()}
    )
    objects = {
        **objects,
        "unknown": unknown,
        "draft_unknown": draft,
        "trainee_attempt": attempt,
        "diagnosed_attempt": diagnosed,
    }
    return people, objects


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_persona_gets_the_expected_status(study_world, row):
    people, objects = study_world
    assert statuses_for(row, people, objects) == row.statuses
