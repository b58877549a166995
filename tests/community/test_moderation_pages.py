"""The moderation pages: the queue, the confirmation of each action, the log, a member's page.

Moderators only (others get the forbidden page, anonymous visitors the login page); each page
reads in the same number of queries whatever it shows.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case, CaseEvent
from community import moderation
from community.models import Comment, Flag, ModerationAction
from notifications.models import Notification
from tests.factories import REASON, complete_case, make_case, make_comment, make_user, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(author):
    return make_case(author=author, title="Osteoid osteoma of the femoral neck")


@pytest.fixture
def commenter(db):
    return make_user("commenter", "trainee", display_name="Cal Commenter")


@pytest.fixture
def comment(case, commenter):
    return make_comment(case, commenter, body="Ward 7, bed 3: <b>same</b> patient as last week.")


@pytest.fixture
def reporter(db):
    return make_user("reporter", "trainee", display_name="Rae Reporter")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


QUEUE = reverse("moderation-queue")
LOG = reverse("moderation-log")


# --- Who may open the pages ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["author", "reviewer", "editor", "trainee"])
@pytest.mark.parametrize("name", ["moderation-queue", "moderation-log"])
def test_members_without_the_moderator_role_get_the_forbidden_page(request, client, persona, name):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert "is for moderators" in response.text


def test_other_members_cannot_open_a_members_page_or_act(client, trainee, comment, commenter):
    client.force_login(trainee)
    assert client.get(reverse("moderation-member", args=[commenter.pk])).status_code == 403
    url = reverse("moderation-comment-action", args=[comment.pk, "hide"])
    assert client.post(url, {"reason": REASON}).status_code == 403
    comment.refresh_from_db()
    assert comment.status == "visible"


@pytest.mark.parametrize(
    "url",
    [QUEUE, LOG, "/moderation/users/1/", "/moderation/comments/1/hide/"],
)
def test_anonymous_visitors_are_sent_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_moderators_see_the_moderation_link_with_the_open_report_count(
    moderator_client, comment, reporter, client
):
    report(reporter, comment=comment)
    page = moderator_client.get(reverse("home")).text
    assert f'href="{QUEUE}"' in page
    assert "1 open report" in page


def test_others_see_no_moderation_link(client, editor):
    client.force_login(editor)
    assert QUEUE not in client.get(reverse("home")).text


# --- The queue ----------------------------------------------------------------------------------


def test_the_queue_shows_the_reported_comment_its_case_author_and_reports(
    moderator_client, comment, commenter, reporter, case
):
    report(reporter, comment=comment, note="Bed numbers identify the patient.")
    report(make_user("second", "trainee"), comment=comment, reason=Flag.Reason.OFFENSIVE)

    response = moderator_client.get(QUEUE)

    page = response.text
    assert response.status_code == 200
    assert "Ward 7, bed 3: &lt;b&gt;same&lt;/b&gt;" in page  # escaped, never rendered
    assert case.title in page
    assert f"{case.get_absolute_url()}#comment-{comment.pk}" in page
    assert reverse("moderation-member", args=[commenter.pk]) in page
    assert "2 reports" in page
    assert "Identifiable patient information" in page
    assert "Offensive or abusive" in page
    assert "Bed numbers identify the patient." in page
    assert "Rae Reporter" in page
    for action in ("hide", "delete", "dismiss"):
        assert reverse("moderation-comment-action", args=[comment.pk, action]) in page
    assert reverse("moderation-member-action", args=[commenter.pk, "suspend"]) in page


def test_the_queue_shows_a_hidden_comments_text_to_moderators(
    moderator_client, moderator, comment, reporter
):
    moderation.hide_comment(comment=comment, by=moderator, reason=REASON)
    report(reporter, comment=comment)
    page = moderator_client.get(QUEUE).text
    assert "Ward 7, bed 3" in page
    assert "Hidden by a moderator" in page
    assert reverse("moderation-comment-action", args=[comment.pk, "restore"]) in page


def test_the_queue_shows_a_reported_case_with_its_actions(moderator_client, case, reporter):
    report(reporter, case=case, reason=Flag.Reason.COPYRIGHT, note="Fig 2 is from a textbook")
    page = moderator_client.get(QUEUE).text
    assert case.title in page
    assert "Copyright infringement" in page
    assert reverse("moderation-case-action", args=[case.pk, "unpublish"]) in page
    assert reverse("moderation-case-action", args=[case.pk, "dismiss"]) in page


def test_the_queue_filters_comments_and_cases(moderator_client, comment, case, reporter):
    report(reporter, comment=comment)
    report(reporter, case=case)

    comments_only = moderator_client.get(QUEUE, {"kind": "comments"}).context["items"]
    cases_only = moderator_client.get(QUEUE, {"kind": "cases"}).context["items"]
    everything = moderator_client.get(QUEUE, {"kind": "nonsense"}).context["items"]

    assert [item.kind for item in comments_only] == ["comment"]
    assert [item.kind for item in cases_only] == ["case"]
    assert len(everything) == 2


def test_an_empty_queue_says_there_is_nothing_to_review(moderator_client):
    response = moderator_client.get(QUEUE)
    assert response.status_code == 200
    assert "Nothing to review" in response.text


def test_the_queue_is_paginated(moderator_client, case, commenter, reporter):
    for number in range(25):
        report(reporter, comment=make_comment(case, commenter, body=f"Comment {number}"))
    first = moderator_client.get(QUEUE)
    second = moderator_client.get(QUEUE, {"page": 2})
    assert len(first.context["items"]) == 20
    assert len(second.context["items"]) == 5
    assert 'rel="next"' in first.text


def flag_many(count: int, case: Case, commenter, reporters) -> None:
    """`count` reported comments and `count` reported cases, each with several reports."""
    for number in range(count):
        comment = make_comment(case, commenter, body=f"Comment {number}")
        other_case = make_case(author=commenter, title=f"Case {number}")
        for reporter in reporters:
            report(reporter, comment=comment)
            report(reporter, case=other_case)


@pytest.mark.parametrize("count", [1, 30])
def test_the_queue_reads_in_the_same_number_of_queries_for_1_and_30_items(
    moderator_client, case, commenter, django_assert_num_queries, count
):
    reporters = [make_user(f"reporter{number}", "trainee") for number in range(3)]
    flag_many(count, case, commenter, reporters)
    # session, user, roles, header link's open report count, the paginator's count, the page of
    # items, their reports with reporters, the comments with authors and cases, the cases,
    # the header's unread notifications
    with django_assert_num_queries(10):
        response = moderator_client.get(QUEUE)
    assert response.status_code == 200
    assert len(response.context["items"]) == min(2 * count, 20)


# --- Actions from the pages ---------------------------------------------------------------------


def test_the_confirmation_page_shows_the_comment_and_asks_for_a_reason(
    moderator_client, comment, reporter
):
    report(reporter, comment=comment)
    response = moderator_client.get(
        reverse("moderation-comment-action", args=[comment.pk, "delete"])
    )
    assert response.status_code == 200
    page = response.text
    assert "Delete this comment" in page
    assert "Ward 7, bed 3" in page
    assert 'name="reason"' in page
    assert "Yes, delete the comment" in page


def test_hiding_a_comment_from_the_queue_returns_to_the_queue_with_a_message(
    moderator_client, comment, reporter
):
    report(reporter, comment=comment)
    back = f"{QUEUE}?kind=comments"
    response = moderator_client.post(
        reverse("moderation-comment-action", args=[comment.pk, "hide"]),
        {"reason": REASON, "next": back},
        follow=True,
    )
    assert response.redirect_chain == [(back, 302)]
    assert "The comment is hidden. 1 report resolved" in response.text
    comment.refresh_from_db()
    assert comment.status == "hidden"
    assert ModerationAction.objects.get().reason == REASON
    assert Notification.objects.filter(recipient=reporter, kind="flag_outcome").exists()


def test_an_empty_reason_is_refused_with_a_clear_error_and_nothing_changes(
    moderator_client, comment
):
    response = moderator_client.post(
        reverse("moderation-comment-action", args=[comment.pk, "hide"]), {"reason": "  "}
    )
    assert response.status_code == 400
    assert moderation.REASON_REQUIRED in response.text
    comment.refresh_from_db()
    assert comment.status == "visible"
    assert not ModerationAction.objects.exists()


def test_acting_again_on_a_hidden_comment_says_so_and_writes_no_second_row(
    moderator_client, moderator, comment
):
    moderation.hide_comment(comment=comment, by=moderator, reason=REASON)
    url = reverse("moderation-comment-action", args=[comment.pk, "hide"])

    assert "already hidden" in moderator_client.get(url).text
    response = moderator_client.post(url, {"reason": REASON}, follow=True)

    assert "Nothing changed: This comment is already hidden." in response.text
    assert ModerationAction.objects.count() == 1


def test_an_unknown_action_is_not_found(moderator_client, comment):
    url = reverse("moderation-comment-action", args=[comment.pk, "promote"])
    assert moderator_client.post(url, {"reason": REASON}).status_code == 404


def test_a_next_address_off_the_site_is_ignored(moderator_client, comment):
    response = moderator_client.post(
        reverse("moderation-comment-action", args=[comment.pk, "hide"]),
        {"reason": REASON, "next": "https://evil.example/"},
    )
    assert response.url == QUEUE


def test_sending_a_case_back_to_the_editors_from_its_page(
    moderator_client, moderator, author, coauthor, reporter
):
    case = complete_case(author, coauthor, status=Case.Status.PUBLISHED)
    report(reporter, case=case)
    url = reverse("moderation-case-action", args=[case.pk, "unpublish"])

    assert "Yes, send it back to the editors" in moderator_client.get(url).text
    response = moderator_client.post(url, {"reason": REASON}, follow=True)

    assert "The case is sent back to the editors." in response.text
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED
    assert CaseEvent.objects.get(case=case).action == "unpublish"
    assert ModerationAction.objects.get().action == "unpublish_case"


def test_dismissing_the_reports_of_a_case(moderator_client, case, reporter):
    report(reporter, case=case)
    moderator_client.post(
        reverse("moderation-case-action", args=[case.pk, "dismiss"]), {"reason": "Fine."}
    )
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    case.refresh_from_db()
    assert case.status == Case.Status.PUBLISHED


def test_suspending_and_reinstating_from_a_members_page(moderator_client, commenter):
    page = reverse("moderation-member", args=[commenter.pk])
    suspend = reverse("moderation-member-action", args=[commenter.pk, "suspend"])
    reinstate = reverse("moderation-member-action", args=[commenter.pk, "reinstate"])

    response = moderator_client.post(suspend, {"reason": REASON, "next": page}, follow=True)
    assert response.redirect_chain == [(page, 302)]
    assert "The member is suspended." in response.text
    assert "Names the patient&#x27;s ward and bed." in response.text
    commenter.refresh_from_db()
    assert commenter.is_suspended

    moderator_client.post(reinstate, {"reason": "Apologised."})
    commenter.refresh_from_db()
    assert not commenter.is_suspended


def test_a_moderator_is_not_offered_to_suspend_themselves(moderator_client, moderator):
    page = moderator_client.get(reverse("moderation-member", args=[moderator.pk])).text
    assert "You cannot suspend or reinstate yourself." in page
    suspend = reverse("moderation-member-action", args=[moderator.pk, "suspend"])
    response = moderator_client.post(suspend, {"reason": REASON}, follow=True)
    assert "You cannot suspend or reinstate yourself." in response.text
    moderator.refresh_from_db()
    assert not moderator.is_suspended


# --- The log and a member's page ------------------------------------------------------------------


def test_the_log_lists_every_action_newest_first_with_its_reason(
    moderator_client, moderator, comment, commenter
):
    moderation.delete_comment(comment=comment, by=moderator, reason="Identifies the patient.")
    moderation.suspend_user(member=commenter, by=moderator, reason="Posted patient data twice.")

    response = moderator_client.get(LOG)

    page = response.text
    assert page.index("Suspended a user") < page.index("Deleted a comment")
    assert "Identifies the patient." in page
    assert "Ward 7, bed 3" in page  # the erased text, kept in the log
    assert "Mo Moderator" in page


def test_an_empty_log_says_so(moderator_client):
    assert "Nothing logged yet" in moderator_client.get(LOG).text


@pytest.mark.parametrize("count", [1, 30])
def test_the_log_reads_in_the_same_number_of_queries_for_1_and_30_rows(
    moderator_client, moderator, case, commenter, django_assert_num_queries, count
):
    for number in range(count):
        comment = make_comment(case, commenter, body=f"Comment {number}")
        moderation.hide_comment(comment=comment, by=moderator, reason=f"Reason {number}")
        other = make_user(f"member{number}", "trainee")
        moderation.suspend_user(member=other, by=moderator, reason=f"Reason {number}")
        moderation.unpublish_case(
            case=make_case(author=commenter, title=f"Case {number}"), by=moderator, reason="R"
        )
    # session, user, roles, open report count, the paginator's count, the page of actions with
    # moderators, comments, cases and members, unread notifications
    with django_assert_num_queries(7):
        response = moderator_client.get(LOG)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(3 * count, 50)


def test_a_members_page_shows_their_comments_reports_suspension_and_history(
    moderator_client, moderator, comment, commenter, reporter
):
    report(reporter, comment=comment, note="Bed numbers")
    moderation.hide_comment(comment=comment, by=moderator, reason="Patient data.")
    moderation.suspend_user(member=commenter, by=moderator, reason="Repeated patient data.")

    page = moderator_client.get(reverse("moderation-member", args=[commenter.pk])).text

    assert "Suspended" in page
    assert "Repeated patient data." in page
    assert "Ward 7, bed 3" in page
    assert "Bed numbers" in page
    assert "The comment was hidden" in page
    assert "Hid a comment" in page
    assert "Suspended a user" in page
    assert reverse("moderation-member-action", args=[commenter.pk, "reinstate"]) in page


def test_an_unknown_member_is_not_found(moderator_client):
    assert moderator_client.get(reverse("moderation-member", args=[999999])).status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_a_members_page_reads_in_the_same_number_of_queries_for_1_and_30_rows(
    moderator_client, moderator, case, commenter, reporter, django_assert_num_queries, count
):
    for number in range(count):
        comment = make_comment(case, commenter, body=f"Comment {number}")
        report(reporter, comment=comment)
        moderation.hide_comment(comment=comment, by=moderator, reason=f"Reason {number}")
    # session, user, roles, open report count, the member, their comments with cases, reports
    # about them, the moderation history, unread notifications
    with django_assert_num_queries(9):
        response = moderator_client.get(reverse("moderation-member", args=[commenter.pk]))
    assert response.status_code == 200
    assert len(response.context["comments"]) == min(count, 20)


def test_an_erased_comment_shows_as_erased(moderator_client, moderator, comment, reporter):
    Comment.objects.filter(pk=comment.pk).update(status="deleted", body="")
    report(reporter, comment=comment)
    assert "was erased" in moderator_client.get(QUEUE).text
