"""The API's permission matrix for search and saved searches.

Anyone may search. A saved search belongs to the person who saved it: to anyone else it is a
404, as if it did not exist.
"""

from __future__ import annotations

import pytest

from search.models import SavedSearch
from tests.api.matrix import Row, expect, only, statuses_for, world  # noqa: F401

OWNER = "trainee"

ROWS = [
    Row("GET", "/api/v1/search/", {}, expect(200)),
    Row("GET", "/api/v1/saved-searches/", {}, expect(200, anonymous=401)),
    Row(
        "POST",
        "/api/v1/saved-searches/",
        {},
        expect(201, anonymous=401),
        body={"name": "Hip MRI", "query": "q=hip&modality=MR", "digest": "weekly"},
    ),
    Row(
        "GET",
        "/api/v1/saved-searches/{id}/",
        {"id": "saved_search"},
        only(200, OWNER, anonymous=401),
    ),
    Row(
        "PATCH",
        "/api/v1/saved-searches/{id}/",
        {"id": "saved_search"},
        only(200, OWNER, anonymous=401),
        body={"name": "Knee MRI", "digest": "daily"},
    ),
    Row(
        "DELETE",
        "/api/v1/saved-searches/{id}/",
        {"id": "saved_search"},
        only(204, OWNER, anonymous=401),
    ),
]


@pytest.fixture
def search_world(world):  # noqa: F811
    people, objects = world
    saved_search = SavedSearch.objects.create(
        user=people[OWNER], name="Knee radiographs", query="q=knee&modality=XR"
    )
    return people, {**objects, "saved_search": saved_search}


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_persona_gets_the_expected_status(search_world, row):
    people, objects = search_world
    assert statuses_for(row, people, objects) == row.statuses
