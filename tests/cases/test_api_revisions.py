"""A case's revisions through the API: the list, one revision with its document, and the
difference between two, for the same people as the history page."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from cases.api.revisions import REVISION_PAIR
from cases.models import Case, Revision
from cases.services import record_revision
from reviews.models import Review
from tests.factories import (
    add_revisions,
    assign,
    case_under_review_with_two_revisions,
    make_case,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    # Throttles count requests in the default cache: every test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def case(author, coauthor) -> Case:
    """A case under review, written by `author` and `coauthor`, with two revisions."""
    return case_under_review_with_two_revisions(author, coauthor)


def revisions_url(case: Case, rest: str = "") -> str:
    return f"/api/v1/cases/{case.pk}/revisions/{rest}"


def client_of(user) -> APIClient:
    client = APIClient()
    if user is not None:
        # A fresh instance, as a request has: roles are cached on the user object.
        client.force_authenticate(User.objects.get(pk=user.pk))
    return client


# --- who may read them -----------------------------------------------------------------------

PERSONAS = ["anonymous", "author", "coauthor", "other_author", "editor", "assigned_reviewer",
            "unassigned_reviewer", "declined_reviewer", "trainee", "outsider",
            "moderator"]  # fmt: skip
SEES_HISTORY = {"author", "coauthor", "editor", "assigned_reviewer"}


@pytest.fixture
def persona(request, case, author, coauthor, editor, reviewer, trainee, outsider, moderator):
    name = request.param
    if name == "anonymous":
        return None
    if name == "assigned_reviewer":
        assign(case, reviewer)
        return reviewer
    if name == "declined_reviewer":
        someone = make_user("busy-reviewer", "reviewer")
        assign(case, someone, status=Review.Status.DECLINED)
        return someone
    if name == "unassigned_reviewer":
        return make_user("idle-reviewer", "reviewer")
    if name == "other_author":
        return make_user("other-author", "author")
    people = {"author": author, "coauthor": coauthor, "editor": editor, "trainee": trainee}
    return {**people, "outsider": outsider, "moderator": moderator}[name]


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("endpoint", ["list", "retrieve", "compare"])
def test_revisions_permission_matrix(case, persona, endpoint, request):
    url = revisions_url(case, {"list": "", "retrieve": "1/", "compare": "?compare=1,2"}[endpoint])

    response = client_of(persona).get(url)

    name = request.node.callspec.params["persona"]
    expected = 401 if name == "anonymous" else 200 if name in SEES_HISTORY else 404
    assert response.status_code == expected
    assert set(response.json()) >= ({"detail", "errors"} if expected != 200 else set())


def test_readers_of_a_published_case_cannot_see_its_revisions(author, trainee):
    published = make_case(author=author)
    record_revision(published, kind=Revision.Kind.PUBLISHED, by=author)

    assert client_of(trainee).get(revisions_url(published)).status_code == 404
    assert client_of(author).get(revisions_url(published)).status_code == 200


def test_an_unknown_or_malformed_case_is_not_found(author):
    client = client_of(author)

    assert client.get("/api/v1/cases/999999/revisions/").status_code == 404
    assert client.get("/api/v1/cases/nonsense/revisions/").status_code == 404


# --- the list and one revision -------------------------------------------------------------


def test_the_list_is_newest_first_without_the_documents(case, author):
    body = client_of(author).get(revisions_url(case)).json()

    assert body["count"] == 2
    assert body["next"] is None
    newest, first = body["results"]
    assert newest == {
        "number": 2,
        "kind": "edited",
        "case_version": newest["case_version"],
        "summary": "Clinical history, teaching points",
        "created_by": "Dr Co Author",
        "created_at": newest["created_at"],
    }
    assert first["number"] == 1 and first["kind"] == "created"
    assert first["created_by"] == "Dr Ada Author"


def test_a_revision_is_read_with_its_document(case, author):
    body = client_of(author).get(revisions_url(case, "2/")).json()

    assert body["number"] == 2
    assert body["document"]["clinical_history"] == "Acute right hip pain for three days."
    assert body["document"] == Revision.objects.get(case=case, number=2).document


@pytest.mark.parametrize("number", ["3", "0", "abc", "99999999999999999999"])
def test_a_revision_the_case_does_not_have_is_not_found(case, author, number):
    response = client_of(author).get(revisions_url(case, f"{number}/"))

    assert response.status_code == 404


def test_revision_numbers_of_another_case_are_unknown_here(case, author):
    other = make_case(author=author, published=False)
    for _ in range(3):
        record_revision(other, kind=Revision.Kind.EDITED, by=author)

    assert client_of(author).get(revisions_url(case, "3/")).status_code == 404
    response = client_of(author).get(revisions_url(case, "?compare=1,3"))
    assert response.status_code == 404


def test_a_revision_whose_author_left_says_so(case, author, coauthor):
    Revision.objects.filter(case=case).update(created_by=None)

    body = client_of(author).get(revisions_url(case)).json()

    assert [row["created_by"] for row in body["results"]] == [None, None]


def test_listing_revisions_takes_the_same_queries_for_one_or_fifty(author, coauthor):
    case = make_case(author=author, published=False)
    record_revision(case, kind=Revision.Kind.CREATED, by=author)

    def queries() -> tuple[int, int]:
        client = client_of(author)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(revisions_url(case, "?page_size=50"))
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    few, count = queries()
    assert count == 1
    add_revisions(case, 49, coauthor)
    many, count = queries()

    assert count == 50
    # The user's roles, the case (visibility), the count, and the page with who made each.
    assert many == few == 4


# --- comparing two revisions ----------------------------------------------------------------


def test_compare_answers_the_field_by_field_difference(case, author):
    body = client_of(author).get(revisions_url(case, "?compare=1,2")).json()

    assert body["from"]["number"] == 1 and body["to"]["number"] == 2
    assert body["to"]["created_by"] == "Dr Co Author"
    changes = {change["key"]: change for change in body["changes"]}
    history = changes["clinical_history"]
    assert history["kind"] == "text"
    assert {"op": "insert", "text": "Acute right hip pain for three days."} in history["segments"]
    points = changes["teaching_points"]
    assert points["kind"] == "list"
    assert points["items"][0]["action"] == "added"
    assert points["items"][0]["title"] == "Look for cortical erosion."
    assert points["items"][0]["new_position"] == 2


def test_compare_shows_nested_changes_of_groups_and_list_items(case, author):
    old = Revision.objects.get(case=case, number=2).document
    new = {
        **old,
        "patient": {"age": 92, "age_unit": "years", "sex": "female"},
        "sections": [{"kind": "discussion", "heading": "Discussion", "body": "New text."}],
    }
    Revision.objects.create(case=case, number=3, kind="edited", case_version=9, document=new)

    body = client_of(author).get(revisions_url(case, "?compare=2,3")).json()

    changes = {change["key"]: change for change in body["changes"]}
    assert changes["patient"]["kind"] == "group"
    assert changes["patient"]["changes"], "the patient's changed keys are listed"
    assert changes["sections"]["items"][0]["action"] == "added"


def test_comparing_a_revision_with_itself_lists_no_changes(case, author):
    body = client_of(author).get(revisions_url(case, "?compare=2,2")).json()

    assert body["changes"] == []


def test_compare_can_go_backwards(case, author):
    body = client_of(author).get(revisions_url(case, "?compare=2,1")).json()

    assert body["from"]["number"] == 2
    assert {change["key"] for change in body["changes"]} >= {"clinical_history"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Give two revision numbers separated by a comma, like compare=1,3."),
        ("1", "Give two revision numbers separated by a comma, like compare=1,3."),
        ("1,2,3", "Give two revision numbers separated by a comma, like compare=1,3."),
        ("a,b", "Enter a revision number, such as 3."),
        ("0,2", "Revision numbers start at 1."),
        ("-4,2", "Revision numbers start at 1."),
        ("1,", "Choose a revision number."),
        ("0,9", "This case has no revision 9."),
    ],
)
def test_bad_compare_values_get_a_clear_400(case, author, value, message):
    response = client_of(author).get(revisions_url(case), {"compare": value})

    assert response.status_code == 400
    assert message in response.json()["errors"]["compare"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1,9", "This case has no revision 9."),
        (" +01 , 9.0 ", "This case has no revision 9."),
        ("1,99999999999999999999", "This case has no revision 99999999999999999999."),
        ("8,9", "This case has no revision 8. This case has no revision 9."),
    ],
)
def test_comparing_with_a_revision_the_case_does_not_have_is_a_404(case, author, value, message):
    response = client_of(author).get(revisions_url(case), {"compare": value})

    assert response.status_code == 404
    assert response.json() == {"detail": message, "errors": {}}


@pytest.mark.parametrize(
    ("value", "matches"),
    [("1,3", True), (" +01 ,\t3.00 ", True), ("0,3", False), ("-1,3", False), ("1", False)],
)
def test_the_schema_pattern_of_compare_allows_only_numbers_from_1(value, matches):
    assert bool(re.search(REVISION_PAIR, value)) is matches


def test_compare_of_a_case_you_may_not_follow_is_not_found_before_checking_numbers(case, trainee):
    response = client_of(trainee).get(revisions_url(case, "?compare=x"))

    assert response.status_code == 404


def test_compare_takes_a_fixed_number_of_queries(case, author, django_assert_num_queries):
    client = client_of(author)
    # The user's roles, the case (visibility), its revision numbers, the two revisions with
    # who made them.
    with django_assert_num_queries(4):
        response = client.get(revisions_url(case, "?compare=1,2"))
    assert response.status_code == 200
