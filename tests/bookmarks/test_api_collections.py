"""The collections API: the same rules as the pages, in the API's error format."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from bookmarks.models import Collection
from cases.models import Case
from tests.factories import collection_of, make_case, positions_of, published, titles_in

V = Collection.Visibility


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def cases(db):
    return [published(f"Case {number}") for number in range(1, 4)]


def test_creating_a_collection_and_adding_cases(trainee, cases):
    response = api(trainee).post(
        "/api/v1/collections/",
        {"title": "Hip pain", "description": "For *Thursday*", "visibility": "link"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == body["url"]
    assert body["is_owner"] is True and body["items"] == []
    assert body["shared_url"] == f"/collections/shared/{body['share_token']}/"

    items = f"/api/v1/collections/{body['id']}/items/"
    for case in cases:
        added = api(trainee).post(items, {"case": case.pk}, format="json")
        assert added.status_code == 201
    first = api(trainee).post(
        items, {"case": published("Inserted").pk, "position": 0, "note": "**Start**"}
    )
    assert first.status_code == 201
    assert first.json()["position"] == 0
    assert first.json()["note_html"] == "<p><strong>Start</strong></p>\n"

    detail = api(trainee).get(body["url"]).json()
    assert [item["case"]["title"] for item in detail["items"]] == [
        "Inserted",
        "Case 1",
        "Case 2",
        "Case 3",
    ]
    assert [item["position"] for item in detail["items"]] == [0, 1, 2, 3]
    assert detail["case_count"] == 4 and detail["hidden_item_count"] == 0


def test_moving_an_item_through_the_api_renumbers_the_others(trainee, cases):
    collection = collection_of(trainee, *cases)
    item = collection.items.get(case=cases[0])
    response = api(trainee).patch(
        f"/api/v1/collections/{collection.pk}/items/{item.pk}/",
        {"position": 2, "note": "Last now"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["position"] == 2 and response.json()["note"] == "Last now"
    assert titles_in(collection) == ["Case 2", "Case 3", "Case 1"]
    assert positions_of(collection) == [0, 1, 2]


def test_removing_an_item_through_the_api(trainee, cases):
    collection = collection_of(trainee, *cases)
    item = collection.items.get(case=cases[1])
    response = api(trainee).delete(f"/api/v1/collections/{collection.pk}/items/{item.pk}/")
    assert response.status_code == 204
    assert titles_in(collection) == ["Case 1", "Case 3"]
    assert positions_of(collection) == [0, 1]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Fine", "visibility": "everyone"}, "visibility"),
        ({"title": "Fine", "description": "x" * 5001}, "description"),
        ({"title": "Nul\x00"}, "title"),
        ({}, "title"),
    ],
)
def test_invalid_collections_are_400s_naming_the_field(trainee, body, field):
    response = api(trainee).post("/api/v1/collections/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Collection.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "non_field_errors"),
        ({"position": -1}, "position"),
        ({"position": "first"}, "position"),
        ({"note": "x" * 5001}, "note"),
    ],
)
def test_invalid_item_changes_are_400s(trainee, cases, body, field):
    collection = collection_of(trainee, *cases)
    item = collection.items.first()
    response = api(trainee).patch(
        f"/api/v1/collections/{collection.pk}/items/{item.pk}/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_adding_a_case_twice_is_a_409_and_one_you_may_not_read_a_404(trainee, author, cases):
    collection = collection_of(trainee, cases[0])
    items = f"/api/v1/collections/{collection.pk}/items/"
    twice = api(trainee).post(items, {"case": cases[0].pk}, format="json")
    assert twice.status_code == 409
    assert twice.json() == {"detail": "This case is already in the collection.", "errors": {}}
    draft = make_case(author=author, published=False)
    hidden = api(trainee).post(items, {"case": draft.pk}, format="json")
    missing = api(trainee).post(items, {"case": 999999}, format="json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert "may read" in hidden.json()["detail"]
    assert collection.items.count() == 1


def test_the_items_leave_out_cases_the_caller_may_not_read(trainee, outsider, cases):
    collection = collection_of(trainee, *cases, visibility=V.PUBLIC)
    Case.objects.filter(pk=cases[1].pk).update(status=Case.Status.RETRACTED)

    mine = api(trainee).get(f"/api/v1/collections/{collection.pk}/").json()
    assert [item["case"]["title"] for item in mine["items"]] == ["Case 1", "Case 3"]
    assert mine["hidden_item_count"] == 1

    theirs = api(outsider).get(f"/api/v1/collections/{collection.pk}/").json()
    assert [item["case"]["title"] for item in theirs["items"]] == ["Case 1", "Case 3"]
    assert theirs["hidden_item_count"] is None
    assert theirs["share_token"] is None and theirs["shared_url"] is None
    assert theirs["is_owner"] is False


def test_only_the_owner_writes_and_others_get_404s(trainee, outsider, cases):
    collection = collection_of(trainee, *cases, visibility=V.PUBLIC)
    item = collection.items.first()
    base = f"/api/v1/collections/{collection.pk}/"
    client = api(outsider)
    assert client.patch(base, {"title": "Mine"}, format="json").status_code == 404
    assert client.delete(base).status_code == 404
    assert client.post(base + "share-link/").status_code == 404
    assert client.post(base + "items/", {"case": cases[0].pk}, format="json").status_code == 404
    assert client.patch(base + f"items/{item.pk}/", {"note": "x"}, format="json").status_code == 404
    assert client.delete(base + f"items/{item.pk}/").status_code == 404
    collection.refresh_from_db()
    assert collection.title == "Hip pain"


def test_a_new_share_link_through_the_api(trainee, cases):
    collection = collection_of(trainee, *cases, visibility=V.LINK)
    old = collection.share_token
    response = api(trainee).post(f"/api/v1/collections/{collection.pk}/share-link/")
    assert response.status_code == 200
    new = response.json()["share_token"]
    assert new != old
    assert api().get(f"/api/v1/collections/shared/{old}/").status_code == 404
    assert api().get(f"/api/v1/collections/shared/{new}/").status_code == 200


def test_editing_and_deleting_through_the_api(trainee, cases):
    collection = collection_of(trainee, *cases)
    url = f"/api/v1/collections/{collection.pk}/"
    response = api(trainee).patch(url, {"visibility": "public"}, format="json")
    assert response.status_code == 200
    assert response.json()["visibility"] == "public" and response.json()["title"] == "Hip pain"
    assert api(trainee).delete(url).status_code == 204
    assert not Collection.objects.exists()


def test_the_mine_filter(trainee, outsider, cases):
    collection_of(trainee, title="Mine")
    collection_of(outsider, visibility=V.PUBLIC, title="Theirs")

    def titles(client, **query):
        return [row["title"] for row in client.get("/api/v1/collections/", query).json()["results"]]

    assert sorted(titles(api(trainee))) == ["Mine", "Theirs"]
    assert titles(api(trainee), mine="true") == ["Mine"]
    assert titles(api(trainee), mine="false") == ["Theirs"]
    assert titles(api(), mine="true") == []
    assert api(trainee).get("/api/v1/collections/", {"mine": "maybe"}).status_code == 400


@pytest.mark.parametrize("path", ["abc", "0", str(2**70), "1.5"])
def test_malformed_collection_ids_are_404s(trainee, path):
    assert api(trainee).get(f"/api/v1/collections/{path}/").status_code == 404
    assert api(trainee).delete(f"/api/v1/collections/{path}/").status_code == 404


@pytest.mark.parametrize("token", ["x" * 200, "a b", "%00", "..", "é"])
def test_odd_tokens_are_404s(db, token):
    assert api().get(f"/api/v1/collections/shared/{token}/").status_code == 404


@pytest.mark.parametrize("rows", [1, 50])
def test_collection_list_endpoint_query_count_does_not_grow(
    django_assert_num_queries, trainee, outsider, rows
):
    case = published()
    for number in range(rows):
        collection_of(outsider, case, visibility=V.PUBLIC, title=f"Theirs {number}")
    client = api(User.objects.get(pk=trainee.pk))  # its roles not read yet
    # the user's roles (visibility rule of the case counts), count, page with owners and counts
    with django_assert_num_queries(3):
        response = client.get("/api/v1/collections/", {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_collection_detail_endpoint_query_count_does_not_grow(
    django_assert_num_queries, trainee, rows
):
    collection = collection_of(trainee, *[published(f"Case {n}") for n in range(rows)])
    client = api(User.objects.get(pk=trainee.pk))  # its roles not read yet
    # the collection; the user's roles; the collection again with its owner and case count;
    # the items, their cases, systems, studies, ready figures; all items (hidden count)
    with django_assert_num_queries(9):
        response = client.get(f"/api/v1/collections/{collection.pk}/")
    assert response.status_code == 200
    assert len(response.json()["items"]) == rows
