"""The comments API: /api/v1/cases/<id>/comments/ and /api/v1/comments/<id>/."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case
from community import comments
from community.models import Comment
from notifications.models import Notification
from tests.factories import Clock, make_case, make_user


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def case(author) -> Case:
    return make_case(author=author, title="Osteoid osteoma of the femoral neck")


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def comments_url(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/comments/"


def comment_url(comment: Comment) -> str:
    return f"/api/v1/comments/{comment.pk}/"


def post(case, by, body="Is the nidus always lucent?", parent=None) -> Comment:
    return comments.post_comment(case=case, by=by, body=body, parent=parent)


def test_anyone_lists_the_comments_of_a_published_case_oldest_first(case, trainee, clock):
    first = post(case, trainee, "First")
    clock.advance(minutes=1)
    reply = post(case, make_user("resident", "trainee"), "A *reply*", parent=first)
    response = api().get(comments_url(case))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["id"] for item in body["results"]] == [first.pk, reply.pk]
    item = body["results"][1]
    assert item["parent"] == first.pk and item["case"] == case.pk
    assert item["author"] == "resident"
    assert item["body"] == "A *reply*" and item["body_html"] == "<p>A <em>reply</em></p>\n"
    assert item["status"] == "visible" and item["edited_at"] is None and item["version"] == 0
    assert item["page_url"] == f"/cases/{case.pk}/#comment-{reply.pk}"


def test_deleted_and_hidden_comments_keep_their_place_without_their_text(case, trainee, moderator):
    deleted = comments.delete_comment(comment=post(case, trainee, "gone"), by=trainee)
    hidden = post(case, trainee, "hidden words")
    Comment.objects.filter(pk=hidden.pk).update(status=Comment.Status.HIDDEN)
    results = api().get(comments_url(case)).json()["results"]
    assert [(item["id"], item["status"], item["body"]) for item in results] == [
        (deleted.pk, "deleted", None),
        (hidden.pk, "hidden", None),
    ]
    assert all(item["body_html"] is None for item in results)
    as_moderator = api(moderator).get(comment_url(hidden)).json()
    assert as_moderator["body"] == "hidden words" and as_moderator["status"] == "hidden"


def test_a_case_that_is_not_published_has_no_comments(author):
    draft = make_case(author=author, published=False)
    Comment.objects.create(case=draft, author=author, body="Left over")
    assert api(author).get(comments_url(draft)).json()["count"] == 0
    response = api(author).post(comments_url(draft), {"body": "Hi"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Comments are open on published cases only."


def test_a_case_or_comment_the_reader_cannot_see_is_404(author, outsider, institution):
    hidden = make_case(author=author, visibility="institution", institution=institution)
    comment = post(hidden, author)
    client = api(outsider)
    assert client.get(comments_url(hidden)).status_code == 404
    assert client.post(comments_url(hidden), {"body": "x"}, format="json").status_code == 404
    assert client.get(comment_url(comment)).status_code == 404
    assert client.patch(comment_url(comment), {"body": "x"}, format="json").status_code == 404
    assert client.delete(comment_url(comment)).status_code == 404


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "9223372036854775808"])
def test_ids_out_of_range_are_404(case, trainee, pk):
    assert api(trainee).get(f"/api/v1/comments/{pk}/").status_code == 404
    assert api(trainee).get(f"/api/v1/cases/{pk}/comments/").status_code == 404


def test_posting_a_comment_answers_201_with_its_location_and_tells_the_authors(case, trainee):
    response = api(trainee).post(comments_url(case), {"body": "Nice case"}, format="json")
    assert response.status_code == 201
    comment = Comment.objects.get()
    assert response.json()["id"] == comment.pk
    assert response["Location"].endswith(comment_url(comment))
    assert Notification.objects.get().recipient.username == "author"


def test_posting_a_reply(case, trainee, outsider):
    parent = post(case, outsider)
    response = api(trainee).post(
        comments_url(case), {"body": "Yes", "parent": parent.pk}, format="json"
    )
    assert response.status_code == 201 and response.json()["parent"] == parent.pk


@pytest.mark.parametrize("elsewhere", [True, False])
def test_a_reply_to_a_comment_the_case_does_not_have_is_404(case, trainee, author, elsewhere):
    other = post(make_case(author=author, title="Other"), trainee).pk if elsewhere else 999999
    response = api(trainee).post(
        comments_url(case), {"body": "Yes", "parent": other}, format="json"
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "This case has no such comment.", "errors": {}}
    assert Comment.objects.filter(case=case).count() == 0


def test_a_reply_to_a_hidden_comment_is_a_409(case, trainee, outsider):
    hidden = post(case, outsider)
    Comment.objects.filter(pk=hidden.pk).update(status=Comment.Status.HIDDEN)
    response = api(trainee).post(
        comments_url(case), {"body": "Yes", "parent": hidden.pk}, format="json"
    )
    assert response.status_code == 409
    assert "cannot reply" in response.json()["detail"]
    assert response.json()["errors"] == {}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"body": "   "}, "body", "Write something before posting."),
        ({"body": "x" * 5001}, "body", "at most 5,000 characters"),
        ({}, "body", "required"),
        ({"body": "Hi", "parent": "abc"}, "parent", "valid integer"),
    ],
)
def test_bad_comments_are_400_with_the_field_named(case, trainee, body, field, message):
    response = api(trainee).post(comments_url(case), body, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"][field])


def test_anonymous_writes_are_401(case, trainee):
    comment = post(case, trainee)
    client = api()
    assert client.post(comments_url(case), {"body": "x"}, format="json").status_code == 401
    assert client.patch(comment_url(comment), {"body": "x"}, format="json").status_code == 401
    assert client.delete(comment_url(comment)).status_code == 401


def test_rate_limited_posts_answer_429_with_retry_after(case, trainee, clock):
    client = api(trainee)
    for number in range(5):
        assert (
            client.post(comments_url(case), {"body": f"{number}"}, format="json").status_code == 201
        )
        clock.advance(minutes=1)
    response = client.post(comments_url(case), {"body": "Too many"}, format="json")
    assert response.status_code == 429
    assert response["Retry-After"] == str(5 * 60)
    body = response.json()
    assert "5 comments in the last 10 minutes" in body["detail"] and body["errors"] == {}
    assert Comment.objects.count() == 5


def test_the_page_and_the_api_share_the_rate_limit(client, case, trainee):
    for number in range(3):
        post(case, trainee, f"From the API {number}")
    client.force_login(trainee)
    for number in range(2):
        client.post(f"/cases/{case.pk}/comments/", {"body": f"From the page {number}"})
    response = api(trainee).post(comments_url(case), {"body": "One too many"}, format="json")
    assert response.status_code == 429


def test_author_edits_their_comment_within_the_window(case, trainee, clock):
    comment = post(case, trainee)
    clock.advance(minutes=5)
    response = api(trainee).patch(comment_url(comment), {"body": "Edited"}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["body"] == "Edited" and data["edited_at"] is not None
    assert data["version"] == Comment.objects.get(pk=comment.pk).version != 0


def test_editing_after_the_window_is_403_with_the_reason(case, trainee, clock):
    comment = post(case, trainee)
    clock.advance(minutes=16)
    response = api(trainee).patch(comment_url(comment), {"body": "Late"}, format="json")
    assert response.status_code == 403
    assert "can be edited for 15 minutes" in response.json()["detail"]


def test_an_edit_from_an_older_version_is_412(case, trainee, clock):
    comment = post(case, trainee)
    client = api(trainee)
    read = client.get(comment_url(comment)).json()["version"]
    clock.advance(seconds=10)
    assert (
        client.patch(
            comment_url(comment), {"body": "Tab one", "version": read}, format="json"
        ).status_code
        == 200
    )
    clock.advance(seconds=10)
    response = client.patch(
        comment_url(comment), {"body": "Tab two", "version": read}, format="json"
    )
    assert response.status_code == 412
    assert "edited since you read it" in response.json()["detail"]
    assert Comment.objects.get(pk=comment.pk).body == "Tab one"


def test_others_cannot_edit_or_delete_a_comment(case, trainee, outsider, moderator, author):
    comment = post(case, trainee)
    for someone in (outsider, moderator, author):
        client = api(someone)
        assert client.patch(comment_url(comment), {"body": "x"}, format="json").status_code == 403
        assert client.delete(comment_url(comment)).status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "Is the nidus always lucent?"


def test_deleting_keeps_the_comment_as_a_placeholder(case, trainee, outsider):
    comment = post(case, trainee)
    post(case, outsider, "Reply", parent=comment)
    assert api(trainee).delete(comment_url(comment)).status_code == 204
    data = api().get(comment_url(comment)).json()
    assert data["status"] == "deleted" and data["body"] is None
    assert api().get(comments_url(case)).json()["count"] == 2


def test_suspended_member_is_refused_by_the_service_as_well(case, trainee):
    trainee.suspended_at = timezone.now()
    trainee.save()
    response = api(trainee).post(comments_url(case), {"body": "Hi"}, format="json")
    assert response.status_code == 403
    assert "suspended" in response.json()["detail"]


def test_the_list_is_paginated(case, trainee, settings):
    settings.COMMENT_RATE_LIMIT = "100/1m"
    for number in range(25):
        post(case, trainee, f"Comment {number}")
    first = api().get(comments_url(case)).json()
    assert first["count"] == 25 and len(first["results"]) == 20 and first["next"]
    second = api().get(comments_url(case), {"page": 2}).json()
    assert [item["body"] for item in second["results"]] == [f"Comment {n}" for n in range(20, 25)]


def _list_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(comments_url(case), {"page_size": 50}).status_code == 200
    return len(captured)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed in"])
def test_list_query_count_is_the_same_with_one_comment_and_with_fifty(
    case, trainee, moderator, settings, django_assert_num_queries, signed_in
):
    settings.COMMENT_RATE_LIMIT = "100/1m"
    client = api(moderator if signed_in else None)
    post(case, trainee, "One")
    _list_queries(client, case)  # the reader's roles are then known (read once per request)
    one = _list_queries(client, case)
    # the case, the count, the page of comments with their authors
    assert one == 3
    for number in range(49):
        parent = post(case, make_user(f"reader{number}", "trainee"), f"Comment {number}")
        if number % 7 == 0:
            Comment.objects.filter(pk=parent.pk).update(status=Comment.Status.HIDDEN)
    with django_assert_num_queries(one):
        response = client.get(comments_url(case), {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 50


def test_detail_query_count(case, trainee, django_assert_num_queries):
    comment = post(case, trainee)
    # the comment with its case and author, through the visibility rule
    with django_assert_num_queries(1):
        assert api().get(comment_url(comment)).status_code == 200


def test_the_version_is_the_time_of_the_last_edit_in_microseconds(case, trainee, clock):
    comment = post(case, trainee)
    clock.advance(minutes=1)
    comment = comments.edit_comment(comment=comment, by=trainee, body="Changed")
    expected = (comment.edited_at - datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)) // (
        datetime.timedelta(microseconds=1)
    )
    assert comment.version == expected
