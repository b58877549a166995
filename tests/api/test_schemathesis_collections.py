"""Schemathesis over the bookmark and collection operations, with path ids drawn from seeded
collections, items, bookmarks and shared links (tests/api/test_schemathesis.py, which also
covers anonymous callers, draws them at random): no server error, and every answer as the
schema describes it."""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from schemathesis.generation import GenerationMode

from accounts.services import create_token
from bookmarks import services
from bookmarks.models import Collection
from tests.api.schemathesis_run import CONFIG, draw_seeded_ids, run
from tests.factories import published

OURS = ("/api/v1/collections", "/api/v1/bookmarks")


@pytest.fixture
def seeded_collections(trainee, outsider):
    cases = [published(f"Case {number}") for number in range(3)]
    ids = {"collection": [], "item": [], "bookmark": [], "token": []}
    for owner in (trainee, outsider):
        for visibility in Collection.Visibility.values:
            collection = services.create_collection(
                owner=owner, title=f"{visibility} of {owner}", visibility=visibility
            )
            ids["collection"].append(collection.pk)
            ids["token"].append(collection.share_token)
            for case in cases:
                item = services.add_to_collection(collection=collection, case=case, by=owner)
                ids["item"].append(item.pk)
        ids["bookmark"].append(services.bookmark_case(user=owner, case=cases[0])[0].pk)
    _, key = create_token(trainee, name="Schemathesis")
    return {**ids, "key": key}


def kind_of(path: str, name: str) -> str | None:
    if name == "item_id":
        return "item"
    if name == "token":
        return "token"
    if name == "id":
        return "bookmark" if path.startswith("/api/v1/bookmarks") else "collection"
    return None


@pytest.fixture
def collections_schema(db, seeded_collections, no_throttling, one_connection):  # noqa: F811
    from teachingfile.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=CONFIG)
    return draw_seeded_ids(schema, seeded_collections, kind_of)


def test_bookmark_and_collection_operations_answer_as_the_schema_says(
    collections_schema, seeded_collections
):
    headers = {"Authorization": f"Token {seeded_collections['key']}"}
    failures, statuses = [], {}
    for result in collections_schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(OURS):
            continue
        answered = statuses.setdefault(operation.label, set())
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                run(operation, mode, headers, answered)
            except hypothesis.errors.Unsatisfiable:
                pass  # no invalid request exists (any string is a token to look up)
            except Exception as failure:  # reported together at the end
                failures.append(f"{operation.label} ({mode.value}): {str(failure)[:3000]}")
    assert len(statuses) == 14
    assert not failures, "\n\n".join(failures)
    succeeded = [label for label, codes in statuses.items() if any(c < 300 for c in codes)]
    assert len(succeeded) >= 10, sorted(statuses.items())
