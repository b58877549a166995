"""The API's permission matrix for citations.

Only published cases are citable, by whoever may read them: everyone for public and unlisted
cases, members of the institution (and the case's authors, editors and moderators) for an
institution case. An unpublished case is a 404 to everyone, its authors included: a citation
must point at a page readers can open.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.models import Case
from tests.api.matrix import Row, expect, only, statuses_for, world  # noqa: F401
from tests.factories import complete_case

PATH = "/api/v1/cases/{id}/citation/"

ROWS = [
    Row("GET", PATH, {"id": "published"}, expect(200), note="published"),
    Row("GET", PATH, {"id": "unlisted"}, expect(200), note="published, unlisted"),
    Row(
        "GET",
        PATH,
        {"id": "institution"},
        only(200, "author", "coauthor", "trainee", "editor", "moderator"),
        note="published to the institution",
    ),
    Row("GET", PATH, {"id": "draft"}, expect(404), note="draft"),
    Row("GET", PATH, {"id": "in_review"}, expect(404), note="in review"),
    Row("GET", PATH, {"id": "accepted"}, expect(404), note="accepted, not yet published"),
]


@pytest.fixture
def citations_world(world):  # noqa: F811
    people, objects = world
    author, coauthor = people["author"], people["coauthor"]
    published = {"status": Case.Status.PUBLISHED, "published_at": timezone.now()}
    unlisted = complete_case(
        author, coauthor, title="Unlisted case", visibility=Case.Visibility.UNLISTED, **published
    )
    institution = complete_case(
        author,
        coauthor,
        title="Institution case",
        visibility=Case.Visibility.INSTITUTION,
        institution=author.institution,
        **published,
    )
    return people, {**objects, "unlisted": unlisted, "institution": institution}


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_persona_gets_the_expected_status(citations_world, row):
    people, objects = citations_world
    assert statuses_for(row, people, objects) == row.statuses
