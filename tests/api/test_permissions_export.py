"""The API's permission matrix for exports: whoever may read a case may download it, in any
format; a case someone may not read is a 404 whatever the format asked for."""

from __future__ import annotations

import dataclasses

import pytest

from tests.api.matrix import AUTHORS, Row, expect, only, statuses_for, world  # noqa: F401

EXPORT = "/api/v1/cases/{id}/export/"
# Drafts are read by their authors alone; once submitted, editors follow the case too.
WORKFLOW = (*AUTHORS, "editor")

ROWS = [
    Row("GET", EXPORT, {"id": "published"}, expect(200), note="published"),
    Row("GET", EXPORT, {"id": "draft"}, only(200, *AUTHORS), note="draft"),
    Row("GET", EXPORT, {"id": "submitted"}, only(200, *WORKFLOW), note="submitted"),
    Row(
        "GET",
        EXPORT,
        {"id": "in_review"},
        only(200, *WORKFLOW, "reviewer"),
        note="in review",
    ),
]

FORMATS = ("bundle", "mirc")
BY_FORMAT = [
    dataclasses.replace(row, path=f"{row.path}?format={format}", note=f"{row.note} {format}")
    for row in ROWS
    for format in FORMATS
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_persona_gets_the_expected_status(world, row):  # noqa: F811
    people, objects = world
    assert statuses_for(row, people, objects) == row.statuses


@pytest.mark.parametrize("row", BY_FORMAT, ids=[row.name for row in BY_FORMAT])
def test_every_format_follows_the_same_rule(world, row):  # noqa: F811
    people, objects = world
    assert statuses_for(row, people, objects) == row.statuses


def test_an_unknown_format_is_a_400_only_for_those_who_may_read_the_case(world):  # noqa: F811
    people, objects = world
    row = Row("GET", f"{EXPORT}?format=docx", {"id": "draft"}, only(400, *AUTHORS))
    assert statuses_for(row, people, objects) == row.statuses
