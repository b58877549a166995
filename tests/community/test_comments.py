"""Comments on published cases: the rules of the services, the thread on the case page, and the
pages that post, edit and delete a comment."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from community import comment_permissions as rules
from community import comments
from community.models import Comment
from notifications.models import Notification
from tests.factories import Clock, make_case, make_user

# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def case(author) -> Case:
    return make_case(author=author, title="Osteoid osteoma of the femoral neck")


@pytest.fixture
def draft(author) -> Case:
    return make_case(author=author, published=False, title="A draft about the hip")


def post(case: Case, by, body: str = "Is the nidus always lucent?", parent=None) -> Comment:
    return comments.post_comment(case=case, by=by, body=body, parent=parent)


def suspend(user) -> None:
    user.suspended_at = timezone.now()
    user.save(update_fields=["suspended_at"])


def page_of(client, case: Case) -> str:
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- Who may comment -----------------------------------------------------------------------


def test_trainee_comments_on_a_published_case(case, trainee):
    comment = post(case, trainee, "  Is the nidus always lucent?  ")
    assert comment.body == "Is the nidus always lucent?"
    assert comment.author == trainee and comment.case == case
    assert comment.status == Comment.Status.VISIBLE


def test_nobody_comments_on_a_case_that_is_not_published(draft, author):
    with pytest.raises(PermissionDenied, match="published cases only"):
        post(draft, author)
    assert not Comment.objects.exists()


def test_a_case_the_commenter_cannot_see_is_refused(author, outsider, institution):
    hidden = make_case(author=author, visibility="institution", institution=institution)
    with pytest.raises(PermissionDenied):
        post(hidden, outsider)


def test_suspended_member_cannot_comment_even_without_the_middleware(case, trainee):
    suspend(trainee)
    with pytest.raises(PermissionDenied, match="suspended"):
        post(case, trainee)


def test_suspended_member_cannot_edit_delete_or_report(case, trainee, outsider):
    own = post(case, trainee)
    other = post(case, outsider)
    suspend(trainee)
    with pytest.raises(PermissionDenied, match="suspended"):
        comments.edit_comment(comment=own, by=trainee, body="Changed")
    with pytest.raises(PermissionDenied, match="suspended"):
        comments.delete_comment(comment=own, by=trainee)
    with pytest.raises(PermissionDenied, match="suspended"):
        comments.flag_comment(comment=other, by=trainee, reason="spam")


def test_anonymous_reader_cannot_comment(case, anonymous):
    assert not rules.can_comment(anonymous, case)
    assert rules.why_cannot_comment(anonymous, case) == rules.NOT_SIGNED_IN


def test_an_empty_comment_is_refused_with_a_clear_message(case, trainee):
    with pytest.raises(ValidationError) as error:
        post(case, trainee, "   \n ")
    assert error.value.message_dict == {"body": ["Write something before posting."]}


def test_a_comment_longer_than_the_limit_is_refused_with_its_length(case, trainee):
    with pytest.raises(ValidationError) as error:
        post(case, trainee, "x" * (comments.BODY_MAX_LENGTH + 1))
    message = error.value.message_dict["body"][0]
    assert "at most 5,000 characters" in message and "this one has 5,001" in message
    post(case, trainee, "x" * comments.BODY_MAX_LENGTH)  # the limit itself is fine


def test_a_reply_names_a_comment_of_the_same_case(case, trainee, author):
    other_case = make_case(author=author, title="Another case")
    elsewhere = post(other_case, trainee)
    with pytest.raises(ValidationError, match="another case"):
        post(case, trainee, "Reply", parent=elsewhere)


def test_nobody_replies_to_a_deleted_comment(case, trainee, outsider):
    parent = comments.delete_comment(comment=post(case, trainee), by=trainee)
    with pytest.raises(ValidationError, match="deleted"):
        post(case, outsider, "Reply", parent=parent)


# --- Editing -------------------------------------------------------------------------------


def test_author_edits_a_comment_within_the_window_and_it_shows_edited(client, case, trainee, clock):
    comment = post(case, trainee)
    clock.advance(minutes=14, seconds=59)
    comments.edit_comment(comment=comment, by=trainee, body="Is the nidus *always* lucent?")
    comment.refresh_from_db()
    assert comment.body == "Is the nidus *always* lucent?"
    assert comment.edited_at == clock.now
    html = page_of(client, case)
    assert "<em>always</em>" in html
    assert 'class="comment-edited"' in html and ">edited</span>" in html


def test_edit_after_the_window_is_refused_with_a_clear_message(case, trainee, clock):
    comment = post(case, trainee)
    clock.advance(minutes=15, seconds=1)
    with pytest.raises(PermissionDenied, match="can be edited for 15 minutes after it is posted"):
        comments.edit_comment(comment=comment, by=trainee, body="Too late")
    comment.refresh_from_db()
    assert comment.body == "Is the nidus always lucent?" and comment.edited_at is None


def test_the_edit_window_follows_the_setting(settings, case, trainee, clock):
    settings.COMMENT_EDIT_WINDOW = datetime.timedelta(minutes=2)
    comment = post(case, trainee)
    clock.advance(minutes=3)
    with pytest.raises(PermissionDenied, match="for 2 minutes"):
        comments.edit_comment(comment=comment, by=trainee, body="Too late")
    settings.COMMENT_EDIT_WINDOW = 60  # minutes
    comments.edit_comment(comment=comment, by=trainee, body="In time again")


def test_nobody_edits_another_persons_comment(case, trainee, outsider, moderator):
    comment = post(case, trainee)
    for someone in (outsider, moderator):
        with pytest.raises(PermissionDenied, match="Only its author"):
            comments.edit_comment(comment=comment, by=someone, body="Mine now")


def test_an_edit_made_from_an_older_text_is_refused(case, trainee, clock):
    comment = post(case, trainee)
    read_in_first_tab = comment.version
    read_in_second_tab = comment.version
    clock.advance(seconds=30)
    comments.edit_comment(
        comment=comment, by=trainee, body="From the first tab", base_version=read_in_first_tab
    )
    clock.advance(seconds=30)
    with pytest.raises(comments.StaleComment) as error:
        comments.edit_comment(
            comment=comment, by=trainee, body="From the second tab", base_version=read_in_second_tab
        )
    assert error.value.comment.body == "From the first tab"
    comment.refresh_from_db()
    assert comment.body == "From the first tab"
    # Having seen the newer text, the writer may replace it.
    comments.edit_comment(
        comment=comment, by=trainee, body="From the second tab", base_version=comment.version
    )


def test_saving_the_same_text_does_not_mark_the_comment_edited(case, trainee):
    comment = post(case, trainee)
    comments.edit_comment(comment=comment, by=trainee, body=comment.body)
    comment.refresh_from_db()
    assert comment.edited_at is None


def test_a_hidden_comment_cannot_be_edited_by_its_author(case, trainee):
    comment = post(case, trainee)
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.HIDDEN)
    with pytest.raises(PermissionDenied, match="hidden by a moderator"):
        comments.edit_comment(comment=comment, by=trainee, body="Sneaky")


# --- Soft delete ---------------------------------------------------------------------------


def test_deleting_erases_the_text_and_keeps_the_thread_readable(client, case, trainee, outsider):
    parent = post(case, trainee, "The parent's own words")
    reply = post(case, outsider, "A reply that stays", parent=parent)
    comments.delete_comment(comment=parent, by=trainee)
    parent.refresh_from_db()
    assert parent.status == Comment.Status.DELETED and parent.body == ""
    assert parent.status_changed_at is not None
    html = page_of(client, case)
    assert "[comment deleted]" in html
    assert "The parent&#x27;s own words" not in html and "The parent's own words" not in html
    assert "A reply that stays" in html
    assert html.index(f'id="comment-{parent.pk}"') < html.index(f'id="comment-{reply.pk}"')


def test_a_deleted_comment_without_replies_leaves_no_placeholder(client, case, trainee):
    comment = post(case, trainee)
    comments.delete_comment(comment=comment, by=trainee)
    html = page_of(client, case)
    assert "[comment deleted]" not in html
    assert "No comments yet" in html


def test_deleting_twice_changes_nothing(case, trainee):
    comment = post(case, trainee)
    comments.delete_comment(comment=comment, by=trainee)
    first = Comment.objects.get(pk=comment.pk).status_changed_at
    comments.delete_comment(comment=comment, by=trainee)
    assert Comment.objects.get(pk=comment.pk).status_changed_at == first


def test_only_its_author_deletes_a_comment(case, trainee, outsider, author):
    comment = post(case, trainee)
    for someone in (outsider, author):
        with pytest.raises(PermissionDenied, match="Only its author"):
            comments.delete_comment(comment=comment, by=someone)


def test_a_comment_may_be_deleted_after_the_edit_window(case, trainee, clock):
    comment = post(case, trainee)
    clock.advance(hours=5)
    comments.delete_comment(comment=comment, by=trainee)
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.DELETED


# --- Markdown ------------------------------------------------------------------------------


class Markup(HTMLParser):
    """The elements and attributes of a piece of HTML, as a browser would build them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert('x')</script> hello",
        "[click me](javascript:alert(1))",
        "[click me](JaVaScRiPt:alert(1))",
        '<img src=x onerror="alert(1)">',
        "<a href='https://example.org' onclick='steal()'>x</a>",
        "[data](data:text/html;base64,PHNjcmlwdD4=)",
        "![x](javascript:alert(1))",
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_comment_markdown_is_sanitised(client, case, trainee, body):
    comment = post(case, trainee, body)
    section = page_of(client, case).split('id="comments"', 1)[1].split("</section>", 1)[0]
    card = section.split(f'id="comment-{comment.pk}"', 1)[1]
    markup = Markup(card)
    assert not {"script", "img", "iframe", "style"} & set(markup.tags)
    assert not [name for name, _ in markup.attributes if name.startswith("on")]
    assert not [
        value
        for name, value in markup.attributes
        if name in ("href", "src") and value.lower().startswith(("javascript:", "data:"))
    ]


def test_comment_markdown_renders_emphasis_lists_and_safe_links(client, case, trainee):
    post(case, trainee, "**Bold** point:\n\n- one\n- two\n\nSee [RSNA](https://www.rsna.org).")
    section = page_of(client, case).split('id="comments"', 1)[1]
    assert "<strong>Bold</strong>" in section and "<li>one</li>" in section
    assert 'href="https://www.rsna.org"' in section and 'rel="nofollow noopener"' in section


# --- Notifications -------------------------------------------------------------------------


def test_case_authors_are_told_of_a_comment(case, trainee, coauthor):
    from cases.models import CaseAuthor

    CaseAuthor.objects.create(case=case, user=coauthor, position=1)
    comment = post(case, trainee)
    told = Notification.objects.filter(kind="comment")
    assert {n.recipient.username for n in told} == {"author", "coauthor"}
    notification = told.get(recipient__username="author")
    assert notification.case == case
    assert notification.url == f"{case.get_absolute_url()}#comment-{comment.pk}"
    assert "Tess Trainee commented on your case" in notification.title
    assert notification.body == ""
    assert notification.text == "Is the nidus always lucent?"


def test_a_reply_tells_the_replied_to_author_and_the_case_authors(case, trainee, outsider):
    parent = post(case, trainee)
    Notification.objects.all().delete()
    post(case, outsider, "Not always: it may be sclerotic.", parent=parent)
    titles = dict(Notification.objects.values_list("recipient__username", "title"))
    assert set(titles) == {"trainee", "author"}
    assert titles["trainee"].startswith("outsider replied to your comment")
    assert titles["author"].startswith("outsider commented on your case")


def test_nobody_is_told_of_their_own_comment_or_reply(case, author, trainee):
    own = post(case, author, "A note from the author")
    assert not Notification.objects.exists()
    post(case, trainee, "A question", parent=own)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["author"]
    Notification.objects.all().delete()
    reply_to_self = post(case, trainee, "Answering myself")
    post(case, trainee, "…and again", parent=reply_to_self)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"author"}


def test_the_replied_to_case_author_is_told_once(case, author, trainee):
    own = post(case, author, "A note from the author")
    post(case, trainee, "A question", parent=own)
    assert Notification.objects.filter(recipient=author).count() == 1


# --- Rate limit ----------------------------------------------------------------------------


def test_the_sixth_comment_in_ten_minutes_is_refused_then_allowed_again(case, trainee, clock):
    for number in range(5):
        post(case, trainee, f"Comment {number}")
        clock.advance(minutes=1)
    with pytest.raises(comments.CommentRateLimited) as error:
        post(case, trainee, "One too many")
    assert "5 comments in the last 10 minutes" in str(error.value)
    # The first comment leaves the window 10 minutes after it was posted.
    assert error.value.retry_after == 5 * 60
    clock.advance(minutes=5)
    post(case, trainee, "Allowed again")


def test_deleted_comments_still_count_towards_the_rate_limit(case, trainee):
    for number in range(5):
        comments.delete_comment(comment=post(case, trainee, f"Comment {number}"), by=trainee)
    with pytest.raises(comments.CommentRateLimited):
        post(case, trainee, "One too many")


def test_the_rate_limit_is_per_person_and_follows_the_setting(settings, case, trainee, outsider):
    settings.COMMENT_RATE_LIMIT = "2/1h"
    post(case, trainee)
    post(case, trainee)
    with pytest.raises(comments.CommentRateLimited, match="2 comments in the last 1 hour"):
        post(case, trainee)
    post(case, outsider)


def test_a_rate_limited_page_post_keeps_the_text_and_says_why(client, case, trainee, clock):
    for number in range(5):
        post(case, trainee, f"Comment {number}")
    client.force_login(trainee)
    response = client.post(
        reverse("comment-create", args=[case.pk]), {"body": "My carefully typed question"}
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "the most allowed" in html and "Please wait 10 minutes" in html
    assert "My carefully typed question</textarea>" in html
    assert Comment.objects.count() == 5


# --- The case page -------------------------------------------------------------------------


def test_anonymous_readers_read_comments_and_are_asked_to_log_in(client, case, trainee):
    post(case, trainee, "A visible question")
    html = page_of(client, case)
    assert "A visible question" in html and "Tess Trainee" in html
    assert 'href="#comments">Comments (1)</a>' in html
    assert "to comment." in html and "/accounts/login/?next=" in html
    assert 'name="body"' not in html
    assert "Report this case" not in html and ">Report</summary>" not in html


def test_signed_in_reader_gets_the_comment_form_reply_and_report_controls(
    client, case, trainee, outsider
):
    post(case, outsider, "Someone else's comment")
    client.force_login(trainee)
    html = page_of(client, case)
    assert f'action="{reverse("comment-create", args=[case.pk])}"' in html
    assert '<label for="new-comment-body">Add a comment</label>' in html
    assert ">Reply</summary>" in html and ">Report</summary>" in html
    assert "Report this case</summary>" in html
    assert ">Edit<" not in html and ">Delete</summary>" not in html


def test_author_of_a_comment_gets_edit_and_delete_within_the_window(client, case, trainee, clock):
    comment = post(case, trainee)
    client.force_login(trainee)
    html = page_of(client, case)
    assert reverse("comment-edit", args=[comment.pk]) in html
    assert ">Delete</summary>" in html and "Yes, delete it" in html
    assert ">Report</summary>" not in html  # not one's own comment
    clock.advance(minutes=16)
    html = page_of(client, case)
    assert reverse("comment-edit", args=[comment.pk]) not in html
    assert ">Delete</summary>" in html


def test_comments_are_shown_oldest_first_and_replies_nest(client, case, trainee, outsider, clock):
    first = post(case, trainee, "First question")
    clock.advance(minutes=1)
    second = post(case, outsider, "Second question")
    clock.advance(minutes=1)
    reply = post(case, outsider, "Reply to the first", parent=first)
    html = page_of(client, case)
    assert html.index("First question") < html.index("Reply to the first")
    assert html.index("Reply to the first") < html.index("Second question")
    assert f'class="comment comment-depth-2 comment-visible" id="comment-{reply.pk}"' in html
    assert f'id="comment-{second.pk}"' in html


def test_replies_deeper_than_the_nesting_stay_at_the_deepest_level(case, trainee, outsider):
    level = post(case, trainee, "Level 1")
    chain = [level]
    for depth in range(2, 6):
        level = post(case, outsider if depth % 2 else trainee, f"Level {depth}", parent=level)
        chain.append(level)
    thread = comments.comment_thread(case, trainee)
    top = thread.entries[0]
    second = top.replies[0]
    deepest = second.replies
    assert [entry.depth for entry in deepest] == [3, 3, 3]
    assert [entry.comment for entry in deepest] == chain[2:]
    assert deepest[0].in_reply_to is None
    assert deepest[1].in_reply_to == chain[2] and deepest[2].in_reply_to == chain[3]


def test_readers_see_a_placeholder_for_hidden_comments_and_moderators_the_text(
    client, case, trainee, moderator
):
    comment = post(case, trainee, "Text a moderator hid")
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.HIDDEN)
    html = page_of(client, case)
    assert "[comment hidden by a moderator]" in html and "Text a moderator hid" not in html
    client.force_login(moderator)
    html = page_of(client, case)
    assert "Text a moderator hid" in html
    assert "Hidden by a moderator</span> Only moderators see this text." in html


def test_removed_comments_show_a_placeholder(client, case, trainee):
    comment = post(case, trainee, "Removed words")
    comment.erase(Comment.Status.REMOVED)
    html = page_of(client, case)
    assert "[comment removed by a moderator]" in html and "Removed words" not in html


def test_comments_of_a_case_that_is_no_longer_published_are_not_shown(client, case, author):
    post(case, author, "Said while it was published")
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RETRACTED)
    client.force_login(author)
    html = page_of(client, case)
    assert "Said while it was published" not in html
    assert 'id="comments"' not in html and "Report this case" not in html


def test_comment_text_and_author_names_are_escaped(client, case):
    sneaky = make_user("sneaky", "trainee", display_name="<b>Dr Sneaky</b>")
    post(case, sneaky, "fine")
    html = page_of(client, case)
    assert "&lt;b&gt;Dr Sneaky&lt;/b&gt;" in html and "<b>Dr Sneaky</b>" not in html


def test_a_comment_by_a_case_author_is_marked(client, case, author, trainee):
    post(case, author, "Thanks for the question")
    html = page_of(client, case)
    assert "Case author</span>" in html


def add_comments(case: Case, count: int, *people) -> None:
    """`count` comments by turns of `people`: threads, replies beyond the nesting depth, a
    deleted one with a reply and a hidden one, so that every way of showing one is used."""
    parent = None
    for number in range(count):
        by = people[number % len(people)]
        parent = post(case, by, f"Comment **{number}**", parent=parent if number % 4 else None)
        if number % 10 == 5:
            comments.delete_comment(comment=parent, by=by)
            parent = None
        elif number % 10 == 7:
            Comment.objects.filter(pk=parent.pk).update(status=Comment.Status.HIDDEN)
            parent = None


def case_page_queries(client, case: Case) -> list[str]:
    cache.clear()  # the page as built, not as served from cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("reader", ["anonymous", "trainee", "moderator"])
def test_case_page_query_count_is_the_same_with_one_comment_and_with_thirty(
    request, client, settings, case, trainee, outsider, django_assert_num_queries, reader
):
    settings.COMMENT_RATE_LIMIT = "100/1m"
    if reader != "anonymous":
        client.force_login(request.getfixturevalue(reader))
    add_comments(case, 1, outsider)
    case_page_queries(client, case)  # once first: a reader's first view is counted, once
    with_one = case_page_queries(client, case)
    # The whole thread, authors included, is one query, whatever else the page reads.
    assert sum('FROM "community_comment"' in sql for sql in with_one) == 1
    add_comments(case, 29, trainee, outsider)
    assert Comment.objects.filter(case=case).count() == 30
    cache.clear()
    with django_assert_num_queries(len(with_one)):
        response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="comment-card"') >= 25


# --- The comment pages ---------------------------------------------------------------------


def test_posting_from_the_page_redirects_to_the_new_comment(client, case, trainee):
    client.force_login(trainee)
    response = client.post(reverse("comment-create", args=[case.pk]), {"body": "A question"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{case.get_absolute_url()}#comment-{comment.pk}"
    assert "Your comment is posted." in page_of(client, case)


def test_posting_a_reply_from_the_page(client, case, trainee, outsider):
    parent = post(case, outsider)
    client.force_login(trainee)
    client.post(reverse("comment-create", args=[case.pk]), {"body": "Yes", "parent": parent.pk})
    assert Comment.objects.get(body="Yes").parent == parent


def test_a_too_long_comment_posted_from_the_page_keeps_the_text(client, case, trainee):
    client.force_login(trainee)
    body = "y" * 5001
    response = client.post(reverse("comment-create", args=[case.pk]), {"body": body})
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 5,000 characters" in html and f"{body}</textarea>" in html


def test_a_reply_to_a_comment_of_another_case_is_refused_on_the_page(client, case, trainee):
    other = post(make_case(title="Other"), trainee)
    client.force_login(trainee)
    response = client.post(
        reverse("comment-create", args=[case.pk]), {"body": "Hm", "parent": other.pk}
    )
    assert response.status_code == 400
    assert "not on this case" in response.content.decode()
    assert not Comment.objects.filter(body="Hm").exists()


@pytest.mark.parametrize("parent", ["abc", "-1", "99999999999999999999999"])
def test_a_nonsense_parent_is_a_form_error_not_a_crash(client, case, trainee, parent):
    client.force_login(trainee)
    response = client.post(
        reverse("comment-create", args=[case.pk]), {"body": "Hm", "parent": parent}
    )
    assert response.status_code == 400


def test_anonymous_posting_is_sent_to_log_in(client, case):
    response = client.post(reverse("comment-create", args=[case.pk]), {"body": "Hi"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_comment_pages_of_an_invisible_case_are_404(client, author, outsider, institution):
    hidden = make_case(author=author, visibility="institution", institution=institution)
    comment = post(hidden, author)
    client.force_login(outsider)
    assert (
        client.post(reverse("comment-create", args=[hidden.pk]), {"body": "x"}).status_code == 404
    )
    assert client.get(reverse("comment-flag", args=[comment.pk])).status_code == 404
    assert (
        client.post(reverse("case-flag", args=[hidden.pk]), {"reason": "spam"}).status_code == 404
    )


def test_posting_on_an_unpublished_case_is_refused_and_keeps_the_text(client, draft, author):
    client.force_login(author)
    response = client.post(reverse("comment-create", args=[draft.pk]), {"body": "Draft note"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "published cases only" in html and "Draft note</textarea>" in html


def test_edit_page_saves_within_the_window(client, case, trainee):
    comment = post(case, trainee)
    client.force_login(trainee)
    url = reverse("comment-edit", args=[comment.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="version" value="0"' in page.content.decode()
    response = client.post(url, {"body": "Better question", "version": "0"})
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).body == "Better question"


def test_edit_page_after_the_window_says_why_and_keeps_the_text(client, case, trainee, clock):
    comment = post(case, trainee)
    client.force_login(trainee)
    url = reverse("comment-edit", args=[comment.pk])
    client.get(url)
    clock.advance(minutes=20)
    response = client.post(url, {"body": "Typed too slowly", "version": "0"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "can be edited for 15 minutes" in html and "Typed too slowly</textarea>" in html
    # Opening the page after the window goes back to the case, saying why.
    response = client.get(url, follow=True)
    assert "can no longer be changed" in response.content.decode()


def test_edit_page_from_a_stale_tab_shows_the_newer_text_and_keeps_yours(client, case, trainee):
    comment = post(case, trainee)
    client.force_login(trainee)
    url = reverse("comment-edit", args=[comment.pk])
    client.post(url, {"body": "Saved from tab one", "version": "0"})
    response = client.post(url, {"body": "Typed in tab two", "version": "0"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Saved from tab one" in html and "Typed in tab two</textarea>" in html
    assert "after you started editing it" in html
    assert Comment.objects.get(pk=comment.pk).body == "Saved from tab one"
    newer = Comment.objects.get(pk=comment.pk).version
    assert f'name="version" value="{newer}"' in html
    client.post(url, {"body": "Typed in tab two", "version": str(newer)})
    assert Comment.objects.get(pk=comment.pk).body == "Typed in tab two"


def test_edit_and_delete_pages_of_someone_elses_comment_are_404(client, case, trainee, outsider):
    comment = post(case, trainee)
    client.force_login(outsider)
    assert client.get(reverse("comment-edit", args=[comment.pk])).status_code == 404
    assert client.post(reverse("comment-delete", args=[comment.pk])).status_code == 404
    assert Comment.objects.get(pk=comment.pk).is_visible


def test_delete_page_asks_then_deletes(client, case, trainee):
    comment = post(case, trainee)
    client.force_login(trainee)
    url = reverse("comment-delete", args=[comment.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Yes, delete my comment" in page.content.decode()
    assert Comment.objects.get(pk=comment.pk).is_visible
    response = client.post(url, follow=True)
    assert "Your comment is deleted." in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.DELETED


def test_a_case_whose_slug_is_a_page_name_keeps_its_address(client, author):
    named = make_case(author=author, title="Comments")
    assert named.get_absolute_url() == f"/cases/{named.pk}/comments/"
    response = client.get(named.get_absolute_url())
    assert response.status_code == 200
    assert "<h1>Comments</h1>" in response.content.decode()


def test_comment_pages_query_counts_do_not_depend_on_the_thread(
    client, settings, case, trainee, outsider, django_assert_num_queries
):
    settings.COMMENT_RATE_LIMIT = "100/1m"
    own = post(case, trainee)
    client.force_login(trainee)
    pages = [reverse("comment-edit", args=[own.pk]), reverse("comment-delete", args=[own.pk])]
    counts = []
    for url in pages:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    add_comments(case, 30, outsider)
    Comment.objects.bulk_create(
        Comment(case=case, author=outsider, parent=own, body="R") for _ in range(5)
    )
    for url, count in zip(pages, counts, strict=True):
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
