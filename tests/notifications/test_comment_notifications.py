"""Notifications about comments keep no copy of the comment: they show what it says now, as
plain words, and only that it is gone once a moderator or its author takes it down."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from community import comments, moderation
from notifications import tasks
from notifications.models import Notification
from tests.factories import REASON, make_case, make_comment

MARKDOWN = "**Is** the _nidus_ always [lucent](https://example.org/nidus)?\n\n- one\n- two"
PLAIN = "Is the nidus always lucent? one two"


@pytest.fixture
def case(author):
    return make_case(author=author, title="Osteoid osteoma of the femoral neck")


@pytest.fixture
def comment(case, trainee):
    return comments.post_comment(case=case, by=trainee, body=MARKDOWN)


def notification_for(user) -> Notification:
    return Notification.objects.get(recipient=user, kind="comment")


def list_page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    return response.content.decode()


def api_body(user) -> str:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/notifications/")
    assert response.status_code == 200
    return response.json()["results"][0]["body"]


def test_a_comment_notification_stores_no_copy_of_the_comment(comment, author):
    notification = notification_for(author)
    assert notification.body == ""
    assert notification.subject == comment


def test_a_comment_notification_shows_the_comment_as_plain_words_not_markdown(
    client, comment, author
):
    assert notification_for(author).text == PLAIN
    page = list_page(client, author)
    assert PLAIN in page
    assert "**" not in page and "_nidus_" not in page and "](https://" not in page
    assert api_body(author) == PLAIN


def test_a_long_comment_is_cut_short_in_its_notification(case, trainee, author):
    comments.post_comment(case=case, by=trainee, body="word " * 200)
    text = notification_for(author).text
    assert len(text) <= 280 and text.endswith("…")


def test_an_edited_comment_shows_its_new_words(comment, author, trainee):
    comments.edit_comment(comment=comment, by=trainee, body="A better question.")
    assert notification_for(author).text == "A better question."


@pytest.mark.parametrize(
    ("take_down", "line"),
    [
        ("hide", "A moderator hid this comment."),
        ("delete", "A moderator removed this comment."),
        ("author_delete", "Its author deleted this comment."),
    ],
)
def test_a_comment_taken_down_shows_a_neutral_line_on_the_page_the_api_and_the_email(
    client, comment, author, trainee, moderator, take_down, line
):
    if take_down == "hide":
        moderation.hide_comment(comment=comment, by=moderator, reason=REASON)
    elif take_down == "delete":
        moderation.delete_comment(comment=comment, by=moderator, reason=REASON)
    else:
        comments.delete_comment(comment=comment, by=trainee)

    page = list_page(client, author)
    assert line in page
    assert "nidus" not in page.split('class="notification-list"', 1)[1]
    assert api_body(author) == line

    # An e-mail not sent yet says what the site says.
    notification = notification_for(author)
    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
    mail.outbox.clear()
    tasks.send_notification_email(notification.pk)
    assert line in mail.outbox[0].body
    assert "nidus" not in mail.outbox[0].body


def test_a_comment_gone_from_the_database_leaves_a_neutral_line(comment, author):
    comment.delete()
    assert notification_for(author).text == "This is no longer on the site."


def test_older_comment_notifications_forget_the_text_they_copied(comment, author):
    migration = __import__(
        "notifications.migrations.0004_comment_subject", fromlist=["forget_comment_text"]
    )
    notification = notification_for(author)
    Notification.objects.filter(pk=notification.pk).update(
        body="The copied text", subject_type=None, subject_id=None
    )
    migration.forget_comment_text(apps, None)
    notification.refresh_from_db()
    assert notification.body == ""
    assert notification.subject == comment


@pytest.mark.parametrize("rows", [1, 12])
def test_the_list_of_comment_notifications_takes_the_same_queries_for_many(
    client, case, author, trainee, django_assert_num_queries, rows
):
    for number in range(rows):
        make_comment(case, trainee, body=f"Comment {number}")
    for comment in case.comments.all():
        comments._notify_about(comment, by=trainee)
    client.force_login(author)
    # session, user, roles, the paginator's count, the page, the comments it is about,
    # the unread count
    with django_assert_num_queries(7):
        response = client.get(reverse("notifications"))
    assert response.status_code == 200
