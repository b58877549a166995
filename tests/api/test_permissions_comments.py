"""The API's permission matrix for comments and reports (see tests/api/matrix.py).

The world's published case is by `author` and `coauthor`; `trainee` wrote a comment on it.
"""

from __future__ import annotations

import pytest

from community.models import Comment
from tests.api.matrix import (  # noqa: F401
    AUTHORS,
    PERSONAS,
    SUSPENDED,
    Row,
    expect,
    only,
    statuses_for,
    world,
)

REPORT = {"reason": "incorrect", "note": "The T2 signal is described the wrong way round."}

ROWS = [
    Row(
        "GET",
        "/api/v1/cases/{case_id}/comments/",
        {"case_id": "published"},
        expect(200),
        note="published",
    ),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/comments/",
        {"case_id": "draft"},
        only(200, *AUTHORS),
        note="draft: visible to its authors, without comments",
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/comments/",
        {"case_id": "published"},
        expect(201, anonymous=401),
        body={"body": "Would MRI have shown the nidus as well?"},
        note="published",
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/comments/",
        {"case_id": "draft"},
        only(403, *AUTHORS, anonymous=401),
        body={"body": "A note on a draft"},
        note="draft: comments open once it is published",
    ),
    Row("GET", "/api/v1/comments/{id}/", {"id": "trainee_comment"}, expect(200)),
    Row(
        "PATCH",
        "/api/v1/comments/{id}/",
        {"id": "trainee_comment"},
        expect(403, anonymous=401, trainee=200),
        body={"body": "Would MRI have shown the nidus?"},
    ),
    Row(
        "DELETE",
        "/api/v1/comments/{id}/",
        {"id": "trainee_comment"},
        expect(403, anonymous=401, trainee=204),
    ),
    Row(
        "POST",
        "/api/v1/comments/{id}/flag/",
        {"id": "trainee_comment"},
        expect(201, anonymous=401, trainee=403),
        body=REPORT,
        note="no one reports their own comment",
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/flag/",
        {"case_id": "published"},
        expect(201, anonymous=401),
        body=REPORT,
        note="published",
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/flag/",
        {"case_id": "in_review"},
        {**only(403, *AUTHORS, "reviewer", "editor", anonymous=401)},
        body=REPORT,
        note="in review: only published cases are reported",
    ),
]


@pytest.fixture
def comments_world(world):  # noqa: F811
    people, objects = world
    comment = Comment.objects.create(
        case=objects["published"], author=people["trainee"], body="Would MRI show the nidus?"
    )
    return people, {**objects, "trainee_comment": comment}


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_persona_gets_the_expected_status(comments_world, row):
    people, objects = comments_world
    assert set(row.statuses) == {*PERSONAS, SUSPENDED}
    assert statuses_for(row, people, objects) == row.statuses
