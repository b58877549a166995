"""The permission matrix of /api/v1/author-role-requests/: members ask, editors (and
administrators) decide; a request is seen by its member and by those who decide.

Rows are collected by tests/api/test_permissions.py, which fails when an operation of the schema
has no row.
"""

from __future__ import annotations

import pytest

from community.models import AuthorRoleRequest
from tests.api.matrix import AUTHORS, Row, expect, only, statuses_for, world  # noqa: F401
from tests.factories import make_user

REASON = {"reason": "Paediatric radiographs."}

ROWS = [
    Row("GET", "/api/v1/author-role-requests/", {}, expect(200, anonymous=401)),
    Row(
        "POST",
        "/api/v1/author-role-requests/",
        {},
        expect(201, anonymous=401, trainee=409, **dict.fromkeys([*AUTHORS, "other_author"], 409)),
        body=REASON,
        note="authors hold the role; the trainee's request waits",
    ),
    Row(
        "GET",
        "/api/v1/author-role-requests/{id}/",
        {"id": "trainee_request"},
        only(200, "trainee", "editor", anonymous=401),
    ),
    Row(
        "POST",
        "/api/v1/author-role-requests/{id}/approve/",
        {"id": "other_request"},
        only(200, "editor", anonymous=401),
        note="someone else's request",
    ),
    Row(
        "POST",
        "/api/v1/author-role-requests/{id}/approve/",
        {"id": "trainee_request"},
        {**only(200, "editor", anonymous=401), "trainee": 403},
        note="the trainee's own request",
    ),
    Row(
        "POST",
        "/api/v1/author-role-requests/{id}/decline/",
        {"id": "other_request"},
        only(200, "editor", anonymous=401),
        body=REASON,
    ),
]


@pytest.fixture
def role_request_world(world):  # noqa: F811
    people, objects = world
    asker = make_user("asker", "trainee")
    objects = {
        **objects,
        "trainee_request": AuthorRoleRequest.objects.create(member=people["trainee"]),
        "other_request": AuthorRoleRequest.objects.create(member=asker),
    }
    return people, objects


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_persona_gets_the_expected_status(role_request_world, row):
    people, objects = role_request_world
    assert statuses_for(row, people, objects) == row.statuses
