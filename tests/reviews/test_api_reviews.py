"""The reviews API: who reads which review, the anonymised view of authors, and the writes of
reviewers, authors and editors."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from cases import services as case_services
from cases.models import Case, CaseAuthor
from reviews import services as review_services
from reviews.models import Review
from tests.factories import complete_case, make_user

pytestmark = pytest.mark.django_db

S = Case.Status
REVIEWS = "/api/v1/reviews/"
PERSONAS = ["anonymous", "trainee", "author", "coauthor", "other_author",
            "assigned_reviewer", "unassigned_reviewer", "editor", "moderator"]  # fmt: skip


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    # Throttles count requests in the default cache: every test starts with none.
    cache.clear()
    yield
    cache.clear()


def in_a_week() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=7)


def in_review(author, coauthor, editor, reviewer) -> tuple[Case, Review]:
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    review = review_services.assign_reviewer(
        case, by=editor, reviewer=reviewer, due_date=in_a_week()
    )
    return case, review


def hand_in(review: Review, reviewer) -> Review:
    return review_services.submit_review(
        review,
        by=reviewer,
        recommendation="minor_changes",
        comments_to_authors="Please add the follow-up radiograph.",
        confidential_comments="The authors overstate the certainty.",
    )


def changes_requested(author, coauthor, editor, reviewer) -> tuple[Case, Review]:
    case, review = in_review(author, coauthor, editor, reviewer)
    review = hand_in(review, reviewer)
    case_services.take_action(case, action="request_changes", by=editor, note="See the review.")
    return case, review


@pytest.fixture
def people(author, coauthor, reviewer, editor, moderator, trainee):
    return {
        "anonymous": None,
        "trainee": trainee,
        "author": author,
        "coauthor": coauthor,
        "other_author": make_user("other-author", "author"),
        "assigned_reviewer": reviewer,
        "unassigned_reviewer": make_user("idle-reviewer", "reviewer"),
        "editor": editor,
        "moderator": moderator,
    }


def client_of(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- who may read a review -----------------------------------------------------------------

# An open review: its reviewer and the editors; the authors only once it is handed in.
READS_OPEN = {"anonymous": 401, "assigned_reviewer": 200, "editor": 200}
READS_COMPLETED = {**READS_OPEN, "author": 200, "coauthor": 200}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("completed", [False, True], ids=["open", "completed"])
def test_who_may_read_a_review(people, persona, completed):
    _, review = in_review(people["author"], people["coauthor"], people["editor"],
                          people["assigned_reviewer"])  # fmt: skip
    if completed:
        hand_in(review, people["assigned_reviewer"])
    expected = (READS_COMPLETED if completed else READS_OPEN).get(persona, 404)

    response = client_of(people[persona]).get(f"{REVIEWS}{review.pk}/")

    assert response.status_code == expected, persona
    listed = client_of(people[persona]).get(REVIEWS)
    if persona == "anonymous":
        assert listed.status_code == 401
    else:
        ids = [row["id"] for row in listed.json()["results"]]
        assert (review.pk in ids) == (expected == 200), persona


def test_an_unknown_or_malformed_review_id_is_not_found(author):
    client = client_of(author)

    assert client.get(f"{REVIEWS}999999/").status_code == 404
    assert client.get(f"{REVIEWS}nonsense/").status_code == 404
    assert client.post(f"{REVIEWS}nonsense/submit/", {}).status_code == 404


# --- what each reader sees -----------------------------------------------------------------


def test_authors_read_a_completed_review_without_the_reviewers_name_or_confidential_comments(
    author, coauthor, editor, reviewer
):
    _, review = in_review(author, coauthor, editor, reviewer)
    hand_in(review, reviewer)

    for person in (author, coauthor):
        body = client_of(person).get(f"{REVIEWS}{review.pk}/").json()
        listed = client_of(person).get(REVIEWS).json()["results"]

        for shown in (body, listed[0]):
            assert shown["recommendation"] == "minor_changes"
            assert shown["comments_to_authors"] == "Please add the follow-up radiograph."
            assert shown["reviewer"] is None
            assert shown["assigned_by"] is None
            assert shown["confidential_comments"] is None
            text = json.dumps(shown)
            for secret in ("Rita", "Dr Ed Editor", "overstate"):
                assert secret not in text


def test_editors_and_the_reviewer_read_everything(author, coauthor, editor, reviewer):
    _, review = in_review(author, coauthor, editor, reviewer)
    hand_in(review, reviewer)

    for person in (editor, reviewer):
        body = client_of(person).get(f"{REVIEWS}{review.pk}/").json()

        assert body["reviewer"] == {"username": "reviewer", "name": "Dr Rita Reviewer"}
        assert body["assigned_by"] == "Dr Ed Editor"
        assert body["confidential_comments"] == "The authors overstate the certainty."


def test_an_editor_who_coauthors_a_case_reads_its_reviews_as_an_author(
    author, coauthor, editor, reviewer
):
    other_editor = make_user("second-editor", "editor")
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    CaseAuthor.objects.create(case=case, user=editor, position=2)
    review = review_services.assign_reviewer(
        case, by=other_editor, reviewer=reviewer, due_date=in_a_week()
    )

    assert client_of(editor).get(f"{REVIEWS}{review.pk}/").status_code == 404
    hand_in(review, reviewer)
    body = client_of(editor).get(f"{REVIEWS}{review.pk}/").json()

    assert body["reviewer"] is None and body["confidential_comments"] is None


def test_reviewers_keep_seeing_reviews_they_declined(author, coauthor, editor, reviewer):
    _, review = in_review(author, coauthor, editor, reviewer)
    review_services.decline_review(review, by=reviewer, reason="On leave.")

    body = client_of(reviewer).get(f"{REVIEWS}{review.pk}/").json()

    assert body["status"] == "declined"
    assert body["decline_reason"] == "On leave."


def test_the_list_filters_by_case_and_status(author, coauthor, editor, reviewer):
    case, open_review = in_review(author, coauthor, editor, reviewer)
    second = make_user("second-reviewer", "reviewer")
    done = review_services.assign_reviewer(case, by=editor, reviewer=second, due_date=in_a_week())
    hand_in(done, second)
    other_case, other_review = in_review(author, coauthor, editor, make_user("third", "reviewer"))
    client = client_of(editor)

    def ids(query: str) -> set[int]:
        return {row["id"] for row in client.get(REVIEWS + query).json()["results"]}

    assert ids("") == {open_review.pk, done.pk, other_review.pk}
    assert ids(f"?case={case.pk}") == {open_review.pk, done.pk}
    assert ids("?status=completed") == {done.pk}
    assert ids(f"?case={other_case.pk}&status=assigned") == {other_review.pk}
    assert ids("?case=987654") == set()


def test_a_bad_filter_value_is_a_400_with_the_field_named(editor):
    response = client_of(editor).get(REVIEWS + "?status=lost&case=abc")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "case"}


def test_a_filter_given_twice_is_a_400(editor):
    response = client_of(editor).get(REVIEWS + "?case=false&case=")

    assert response.status_code == 400
    assert response.json()["errors"] == {"case": ["Give this filter once."]}


def make_reviews(case: Case, editor, count: int, *, completed: bool) -> None:
    for number in range(count):
        reviewer = make_user(f"reviewer-{case.pk}-{number}", "reviewer")
        Review.objects.create(
            case=case,
            reviewer=reviewer,
            assigned_by=editor,
            case_version=case.version,
            due_date=in_a_week(),
            status=Review.Status.COMPLETED if completed else Review.Status.ASSIGNED,
            recommendation="accept" if completed else "",
            comments_to_authors="Fine." if completed else "",
        )


def queries_to_list(user) -> tuple[int, int]:
    # A fresh instance, as a request has: roles are cached on the user object.
    client = client_of(User.objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REVIEWS + "?page_size=50")
    assert response.status_code == 200
    return len(queries), response.json()["count"]


@pytest.mark.parametrize("persona", ["editor", "author"])
def test_listing_reviews_takes_the_same_queries_for_one_or_fifty(author, coauthor, editor, persona):
    case = complete_case(author, coauthor, status=S.IN_REVIEW)
    make_reviews(case, editor, 1, completed=True)
    person = {"editor": editor, "author": author}[persona]
    few, count = queries_to_list(person)
    assert count == 1

    make_reviews(complete_case(author, coauthor, status=S.IN_REVIEW), editor, 49, completed=True)
    many, count = queries_to_list(person)

    assert count == 50
    # The user's roles, the count, the page (with case, reviewer and editor joined).
    assert many == few == 3


def test_a_reviewers_list_takes_the_same_queries_for_one_or_fifty(
    author, coauthor, editor, reviewer
):
    make_reviews_for = []
    for number in range(50):
        case = complete_case(author, coauthor, status=S.IN_REVIEW, title=f"Case {number}")
        make_reviews_for.append(
            Review(
                case=case,
                reviewer=reviewer,
                assigned_by=editor,
                case_version=1,
                due_date=in_a_week(),
            )  # fmt: skip
        )
    Review.objects.bulk_create(make_reviews_for[:1])
    few, _ = queries_to_list(reviewer)
    Review.objects.bulk_create(make_reviews_for[1:])
    many, count = queries_to_list(reviewer)

    assert count == 50
    assert many == few == 3


# --- the reviewer hands in or declines ---------------------------------------------------------

REVIEW_BODY = {
    "recommendation": "major_changes",
    "comments_to_authors": "The differential misses osteomyelitis.",
    "confidential_comments": "Good case otherwise.",
}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("assigned_reviewer", 200), ("editor", 403), ("author", 404), ("coauthor", 404),
     ("other_author", 404), ("unassigned_reviewer", 404), ("trainee", 404),
     ("moderator", 404), ("anonymous", 401)],
)  # fmt: skip
def test_only_the_invited_reviewer_hands_in_a_review(people, persona, expected):
    _, review = in_review(people["author"], people["coauthor"], people["editor"],
                          people["assigned_reviewer"])  # fmt: skip

    response = client_of(people[persona]).post(f"{REVIEWS}{review.pk}/submit/", REVIEW_BODY)

    assert response.status_code == expected, response.json()
    review.refresh_from_db()
    assert (review.status == Review.Status.COMPLETED) == (expected == 200)
    if expected == 200:
        assert response.json()["recommendation"] == "major_changes"
        assert review.confidential_comments == "Good case otherwise."


def test_a_review_without_comments_is_refused_with_the_forms_message(
    author, coauthor, editor, reviewer
):
    _, review = in_review(author, coauthor, editor, reviewer)

    response = client_of(reviewer).post(
        f"{REVIEWS}{review.pk}/submit/", {"recommendation": "accept", "comments_to_authors": " "}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "comments_to_authors": ["Write your comments to the authors."]
    }
    review.refresh_from_db()
    assert review.is_open


@pytest.mark.parametrize(
    "body",
    [
        {"recommendation": "maybe", "comments_to_authors": "Fine."},
        {"recommendation": ["accept"], "comments_to_authors": "Fine."},
        {"recommendation": "accept", "comments_to_authors": None},
        {"recommendation": "accept", "comments_to_authors": {"text": "Fine."}},
        ["accept", "Fine."],
    ],
)
def test_a_malformed_review_is_a_400_not_a_crash(author, coauthor, editor, reviewer, body):
    _, review = in_review(author, coauthor, editor, reviewer)

    response = client_of(reviewer).post(f"{REVIEWS}{review.pk}/submit/", body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]


def test_a_review_handed_in_twice_is_a_conflict(author, coauthor, editor, reviewer):
    _, review = in_review(author, coauthor, editor, reviewer)
    client = client_of(reviewer)
    client.post(f"{REVIEWS}{review.pk}/submit/", REVIEW_BODY)

    response = client.post(f"{REVIEWS}{review.pk}/submit/", REVIEW_BODY)

    assert response.status_code == 409
    assert "completed" in response.json()["detail"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("assigned_reviewer", 200), ("editor", 403), ("author", 404), ("unassigned_reviewer", 404),
     ("trainee", 404), ("anonymous", 401)],
)  # fmt: skip
def test_only_the_invited_reviewer_declines(people, persona, expected):
    _, review = in_review(people["author"], people["coauthor"], people["editor"],
                          people["assigned_reviewer"])  # fmt: skip

    response = client_of(people[persona]).post(
        f"{REVIEWS}{review.pk}/decline/", {"reason": "Away until May."}
    )

    assert response.status_code == expected
    review.refresh_from_db()
    assert (review.status == Review.Status.DECLINED) == (expected == 200)
    if expected == 200:
        assert review.decline_reason == "Away until May."


def test_declining_without_a_reason_is_allowed_but_only_once(author, coauthor, editor, reviewer):
    _, review = in_review(author, coauthor, editor, reviewer)
    client = client_of(reviewer)

    assert client.post(f"{REVIEWS}{review.pk}/decline/", {}).status_code == 200
    assert client.post(f"{REVIEWS}{review.pk}/decline/", {}).status_code == 409


# --- the authors answer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("author", 200), ("coauthor", 200), ("assigned_reviewer", 403), ("editor", 403),
     ("other_author", 404), ("unassigned_reviewer", 404), ("trainee", 404),
     ("moderator", 404), ("anonymous", 401)],
)  # fmt: skip
def test_the_authors_answer_a_review_while_changes_are_requested(people, persona, expected):
    _, review = changes_requested(people["author"], people["coauthor"], people["editor"],
                                  people["assigned_reviewer"])  # fmt: skip

    response = client_of(people[persona]).post(
        f"{REVIEWS}{review.pk}/answer/", {"response": "Follow-up radiograph added as Fig 3."}
    )

    assert response.status_code == expected
    review.refresh_from_db()
    assert bool(review.author_response) == (expected == 200)
    if expected == 200:
        body = response.json()
        assert body["author_response"] == "Follow-up radiograph added as Fig 3."
        assert body["reviewer"] is None


def test_answering_before_the_editor_decides_is_a_conflict(author, coauthor, editor, reviewer):
    _, review = in_review(author, coauthor, editor, reviewer)
    hand_in(review, reviewer)

    response = client_of(author).post(f"{REVIEWS}{review.pk}/answer/", {"response": "Done."})

    assert response.status_code == 409


def test_an_empty_answer_is_refused(author, coauthor, editor, reviewer):
    _, review = changes_requested(author, coauthor, editor, reviewer)

    response = client_of(author).post(f"{REVIEWS}{review.pk}/answer/", {"response": ""})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["response"]


# --- the editor cancels ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("editor", 200), ("assigned_reviewer", 403), ("author", 404), ("coauthor", 404),
     ("unassigned_reviewer", 404), ("trainee", 404), ("moderator", 404), ("anonymous", 401)],
)  # fmt: skip
def test_only_an_editor_cancels_a_review_request(people, persona, expected):
    _, review = in_review(people["author"], people["coauthor"], people["editor"],
                          people["assigned_reviewer"])  # fmt: skip

    response = client_of(people[persona]).post(f"{REVIEWS}{review.pk}/cancel/")

    assert response.status_code == expected
    review.refresh_from_db()
    assert (review.status == Review.Status.CANCELLED) == (expected == 200)


def test_a_completed_review_cannot_be_cancelled(author, coauthor, editor, reviewer):
    _, review = in_review(author, coauthor, editor, reviewer)
    hand_in(review, reviewer)

    response = client_of(editor).post(f"{REVIEWS}{review.pk}/cancel/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Only a review still to be written can be cancelled.",
        "errors": {},
    }
