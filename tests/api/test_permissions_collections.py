"""The API's permission matrix for bookmarks and collections.

The trainee owns a private, a link-shared and a public collection (each holding the world's
published case) and has bookmarked that case. Only the owner changes a collection; to anyone
else a collection they may not write is a 404, whether or not they may read it.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from bookmarks import services
from bookmarks.models import Collection
from tests.api.matrix import Row, expect, only, statuses_for, world  # noqa: F401
from tests.factories import make_case

OWNER = "trainee"

ROWS = [
    # Bookmarks
    Row("GET", "/api/v1/bookmarks/", {}, expect(200, anonymous=401)),
    Row(
        "POST",
        "/api/v1/bookmarks/",
        {},
        expect(201, anonymous=401, trainee=200),  # the trainee's is already there
        body={"case": "published"},
    ),
    Row(
        "GET",
        "/api/v1/bookmarks/{id}/",
        {"id": "bookmark"},
        only(200, OWNER, anonymous=401),
    ),
    Row(
        "DELETE",
        "/api/v1/bookmarks/{id}/",
        {"id": "bookmark"},
        only(204, OWNER, anonymous=401),
    ),
    # Collections
    Row("GET", "/api/v1/collections/", {}, expect(200)),
    Row(
        "POST",
        "/api/v1/collections/",
        {},
        expect(201, anonymous=401),
        body={"title": "Thursday unknowns", "visibility": "link"},
    ),
    Row(
        "GET",
        "/api/v1/collections/{id}/",
        {"id": "private_collection"},
        only(200, OWNER),
        note="private",
    ),
    Row(
        "GET",
        "/api/v1/collections/{id}/",
        {"id": "link_collection"},
        only(200, OWNER),
        note="shared by link: read through its link",
    ),
    Row(
        "GET",
        "/api/v1/collections/{id}/",
        {"id": "public_collection"},
        expect(200),
        note="public",
    ),
    Row(
        "PATCH",
        "/api/v1/collections/{id}/",
        {"id": "public_collection"},
        only(200, OWNER, anonymous=401),
        body={"title": "Renamed"},
        note="public",
    ),
    Row(
        "DELETE",
        "/api/v1/collections/{id}/",
        {"id": "public_collection"},
        only(204, OWNER, anonymous=401),
        note="public",
    ),
    Row(
        "POST",
        "/api/v1/collections/{id}/share-link/",
        {"id": "link_collection"},
        only(200, OWNER, anonymous=401),
    ),
    Row(
        "POST",
        "/api/v1/collections/{id}/items/",
        {"id": "public_collection"},
        only(201, OWNER, anonymous=401),
        body={"case": "spare_case", "note": "Compare with the first."},
    ),
    Row(
        "PATCH",
        "/api/v1/collections/{id}/items/{item_id}/",
        {"id": "public_collection", "item_id": "public_item"},
        only(200, OWNER, anonymous=401),
        body={"note": "Look at the cortex.", "position": 0},
    ),
    Row(
        "DELETE",
        "/api/v1/collections/{id}/items/{item_id}/",
        {"id": "public_collection", "item_id": "public_item"},
        only(204, OWNER, anonymous=401),
    ),
    Row(
        "GET",
        "/api/v1/collections/shared/{token}/",
        {"token": "link_token"},
        expect(200),
        note="shared by link",
    ),
    Row(
        "GET",
        "/api/v1/collections/shared/{token}/",
        {"token": "private_token"},
        expect(404),
        note="private: the link does not work",
    ),
]


@pytest.fixture
def collections_world(world):  # noqa: F811
    people, objects = world
    trainee = people[OWNER]
    case = objects["published"]
    collections = {}
    for visibility in Collection.Visibility.values:
        collection = services.create_collection(
            owner=trainee, title=f"{visibility} collection", visibility=visibility
        )
        item = services.add_to_collection(collection=collection, case=case, by=trainee)
        collections[f"{visibility}_collection"] = collection
        collections[f"{visibility}_item"] = item
        # A path's {token} takes the `pk` of the object named: here, the link's secret.
        collections[f"{visibility}_token"] = SimpleNamespace(pk=collection.share_token)
    bookmark, _ = services.bookmark_case(user=trainee, case=case)
    spare = make_case(title="Chondroblastoma of the proximal tibia", licence="CC-BY-4.0")
    return people, {**objects, **collections, "bookmark": bookmark, "spare_case": spare}


def with_ids_in_body(row: Row, objects: dict) -> Row:
    """The row with the objects its body names replaced by their ids."""
    if not row.body:
        return row
    body = {
        key: objects[value].pk if isinstance(value, str) and value in objects else value
        for key, value in row.body.items()
    }
    return dataclasses.replace(row, body=body)


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_persona_gets_the_expected_status(collections_world, row):
    people, objects = collections_world
    assert statuses_for(with_ids_in_body(row, objects), people, objects) == row.statuses
