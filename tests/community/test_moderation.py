"""Moderation's actions (community/moderation.py): each writes one audit row with its reason,
resolves the reports of its target, tells the reporters and the people concerned, and an action
taken twice changes nothing the second time."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from cases.models import Case, CaseEvent
from community import moderation
from community.models import Comment, Flag, ModerationAction
from community.moderation import AlreadyDone
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
    return make_comment(case, commenter)


@pytest.fixture
def reporters(db):
    return [make_user(f"reporter{number}", "trainee") for number in range(2)]


def notifications_of(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


# --- Comments -----------------------------------------------------------------------------------


def test_hiding_a_comment_keeps_its_text_writes_the_audit_row_and_resolves_its_reports(
    moderator, comment, commenter, reporters
):
    flags = [report(reporter, comment=comment) for reporter in reporters]

    result = moderation.hide_comment(comment=comment, by=moderator, reason=f"  {REASON} ")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    assert comment.body.startswith("The ward 7 patient")
    assert comment.status_changed_at is not None
    audit = ModerationAction.objects.get()
    assert audit == result.action
    assert (audit.moderator, audit.action, audit.reason, audit.comment) == (
        moderator,
        ModerationAction.Action.HIDE_COMMENT,
        REASON,
        comment,
    )
    assert audit.comment_text == comment.body
    assert result.resolved == 2
    for flag in flags:
        flag.refresh_from_db()
        assert (flag.resolved_by, flag.outcome) == (moderator, Flag.Outcome.HIDDEN)
        assert flag.resolved_at is not None


def test_reporters_are_told_the_outcome_but_not_the_moderators_reason(
    moderator, comment, reporters
):
    for reporter in reporters:
        report(reporter, comment=comment)

    moderation.hide_comment(comment=comment, by=moderator, reason=REASON)

    for reporter in reporters:
        (told,) = notifications_of(reporter, "flag_outcome")
        assert told.title == "Your report was reviewed: the comment was hidden"
        assert "Osteoid osteoma of the femoral neck" in told.body
        assert REASON not in told.body
        assert told.url.endswith(f"#comment-{comment.pk}")


def test_the_comments_author_is_told_when_it_is_hidden_with_the_reason(
    moderator, comment, commenter
):
    moderation.hide_comment(comment=comment, by=moderator, reason=REASON)

    (told,) = notifications_of(commenter, "moderation")
    assert "hid your comment" in told.title
    assert REASON in told.body


def test_restoring_a_hidden_comment_shows_it_again_and_tells_its_author(
    moderator, comment, commenter
):
    moderation.hide_comment(comment=comment, by=moderator, reason=REASON)

    moderation.restore_comment(comment=comment, by=moderator, reason="The ward is fictional.")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    assert [row.action for row in ModerationAction.objects.order_by("pk")] == [
        "hide_comment",
        "restore_comment",
    ]
    assert "visible again" in notifications_of(commenter, "moderation")[0].title


def test_restoring_dismisses_reports_made_while_it_was_hidden(moderator, comment, reporters):
    moderation.hide_comment(comment=comment, by=moderator, reason=REASON)
    late = report(reporters[0], comment=comment)

    result = moderation.restore_comment(comment=comment, by=moderator, reason="Harmless.")

    late.refresh_from_db()
    assert result.resolved == 1
    assert late.outcome == Flag.Outcome.DISMISSED


def test_deleting_a_comment_erases_its_text_and_keeps_it_in_the_log(
    moderator, comment, commenter, reporters
):
    text = comment.body
    flag = report(reporters[0], comment=comment)

    moderation.delete_comment(comment=comment, by=moderator, reason=REASON)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    assert comment.body == ""
    audit = ModerationAction.objects.get()
    assert (audit.action, audit.comment_text) == ("delete_comment", text)
    flag.refresh_from_db()
    assert flag.outcome == Flag.Outcome.REMOVED
    assert "removed your comment" in notifications_of(commenter, "moderation")[0].title
    assert "removed" in notifications_of(reporters[0], "flag_outcome")[0].title


def test_a_hidden_comment_can_be_deleted(moderator, comment):
    moderation.hide_comment(comment=comment, by=moderator, reason=REASON)
    moderation.delete_comment(comment=comment, by=moderator, reason=REASON)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED


@pytest.mark.parametrize(
    "status,action,message",
    [
        ("hidden", "hide", "This comment is already hidden."),
        ("visible", "restore", "This comment is already visible."),
        ("removed", "delete", "This comment is already removed."),
        ("removed", "hide", "This comment was removed by a moderator: its text is gone."),
        ("deleted", "restore", "This comment was deleted by its author: its text is gone."),
        ("deleted", "delete", "This comment was deleted by its author: its text is gone."),
    ],
)
def test_an_action_the_comments_state_does_not_allow_changes_nothing_and_says_why(
    moderator, case, commenter, status, action, message
):
    comment = make_comment(case, commenter, status=status)
    service = {
        "hide": moderation.hide_comment,
        "restore": moderation.restore_comment,
        "delete": moderation.delete_comment,
    }[action]

    with pytest.raises(AlreadyDone) as error:
        service(comment=comment, by=moderator, reason=REASON)

    assert error.value.messages == [message]
    assert not ModerationAction.objects.exists()
    assert Comment.objects.get(pk=comment.pk).status == status


def test_hiding_twice_writes_one_audit_row_and_tells_people_once(moderator, comment, commenter):
    moderation.hide_comment(comment=comment, by=moderator, reason=REASON)
    with pytest.raises(AlreadyDone):
        moderation.hide_comment(comment=comment, by=moderator, reason=REASON)

    assert ModerationAction.objects.count() == 1
    assert len(notifications_of(commenter, "moderation")) == 1


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_every_action_needs_a_reason(moderator, comment, case, commenter, reason):
    report(commenter, case=case)
    attempts = [
        lambda: moderation.hide_comment(comment=comment, by=moderator, reason=reason),
        lambda: moderation.delete_comment(comment=comment, by=moderator, reason=reason),
        lambda: moderation.dismiss_reports(case=case, by=moderator, reason=reason),
        lambda: moderation.unpublish_case(case=case, by=moderator, reason=reason),
        lambda: moderation.suspend_user(member=commenter, by=moderator, reason=reason),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert error.value.message_dict == {"reason": [moderation.REASON_REQUIRED]}
    assert not ModerationAction.objects.exists()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE


def test_a_reason_longer_than_the_log_keeps_is_refused(moderator, comment):
    with pytest.raises(ValidationError, match="under 2000 characters"):
        moderation.hide_comment(comment=comment, by=moderator, reason="x" * 2001)


@pytest.mark.parametrize("persona", ["author", "editor", "trainee", "reviewer"])
def test_only_moderators_act(request, persona, comment, case, commenter):
    user = request.getfixturevalue(persona)
    attempts = [
        lambda: moderation.hide_comment(comment=comment, by=user, reason=REASON),
        lambda: moderation.restore_comment(comment=comment, by=user, reason=REASON),
        lambda: moderation.delete_comment(comment=comment, by=user, reason=REASON),
        lambda: moderation.dismiss_reports(comment=comment, by=user, reason=REASON),
        lambda: moderation.unpublish_case(case=case, by=user, reason=REASON),
        lambda: moderation.suspend_user(member=commenter, by=user, reason=REASON),
        lambda: moderation.reinstate_user(member=commenter, by=user, reason=REASON),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert not ModerationAction.objects.exists()


# --- Reports ------------------------------------------------------------------------------------


def test_dismissing_closes_every_open_report_of_the_item_and_leaves_it_as_it_is(
    moderator, comment, reporters
):
    flags = [report(reporter, comment=comment) for reporter in reporters]

    result = moderation.dismiss_flag(flag=flags[0], by=moderator, reason="Not patient data.")

    assert result.resolved == 2
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 0
    assert set(Flag.objects.values_list("outcome", flat=True)) == {"dismissed"}
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    audit = ModerationAction.objects.get()
    assert (audit.action, audit.comment, audit.comment_text) == (
        "dismiss_flags",
        comment,
        comment.body,
    )
    told = notifications_of(reporters[1], "flag_outcome")[0]
    assert "needs no action" in told.body
    assert "Not patient data" not in told.body


def test_dismissing_reports_of_a_case_leaves_the_case_published(moderator, case, reporters):
    report(reporters[0], case=case, reason=Flag.Reason.COPYRIGHT, note="Figure 2 is from a book")
    moderation.dismiss_reports(case=case, by=moderator, reason="The figure is the author's own.")
    case.refresh_from_db()
    assert case.status == Case.Status.PUBLISHED
    assert ModerationAction.objects.get().case == case


def test_dismissing_reports_already_resolved_changes_nothing(moderator, comment, reporters):
    flag = report(reporters[0], comment=comment)
    moderation.dismiss_flag(flag=flag, by=moderator, reason="Fine.")
    flag.refresh_from_db()

    with pytest.raises(AlreadyDone, match="already resolved"):
        moderation.dismiss_flag(flag=flag, by=moderator, reason="Fine.")
    with pytest.raises(AlreadyDone, match="no open reports"):
        moderation.dismiss_reports(comment=comment, by=moderator, reason="Fine.")
    assert ModerationAction.objects.count() == 1


def test_resolved_reports_of_earlier_rounds_are_left_alone(moderator, comment, reporters):
    old = report(reporters[0], comment=comment)
    moderation.dismiss_flag(flag=old, by=moderator, reason="Fine.")
    report(reporters[0], comment=comment, reason=Flag.Reason.OFFENSIVE)

    moderation.hide_comment(comment=comment, by=moderator, reason=REASON)

    old.refresh_from_db()
    assert old.outcome == Flag.Outcome.DISMISSED
    assert sorted(Flag.objects.values_list("outcome", flat=True)) == ["dismissed", "hidden"]


# --- Cases --------------------------------------------------------------------------------------


def test_unpublishing_a_case_goes_through_the_editorial_workflow(
    author, coauthor, editor, moderator, reporters, anonymous
):
    case = complete_case(author, coauthor, status=Case.Status.PUBLISHED, featured=True)
    flag = report(reporters[0], case=case, reason=Flag.Reason.PATIENT_DATA)

    result = moderation.unpublish_case(case=case, by=moderator, reason=REASON)

    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED
    assert not case.featured
    assert not Case.objects.visible_to(anonymous).filter(pk=case.pk).exists()
    event = CaseEvent.objects.get(case=case)
    assert (event.actor, event.action, event.from_status, event.to_status, event.note) == (
        moderator,
        "unpublish",
        "published",
        "accepted",
        REASON,
    )
    assert result.action.action == "unpublish_case"
    assert result.action.case == case
    flag.refresh_from_db()
    assert flag.outcome == Flag.Outcome.UNPUBLISHED
    # Editors and authors read the reason; the reporter is told the outcome only.
    for person in (editor, author, coauthor):
        (told,) = notifications_of(person, "moderation")
        assert REASON in told.body
    (told,) = notifications_of(reporters[0], "flag_outcome")
    assert "taken off the site" in told.title
    assert REASON not in told.body
    assert told.url == ""


def test_editors_can_publish_a_case_sent_back_to_them_again(author, coauthor, editor, moderator):
    from cases import services

    case = complete_case(author, coauthor, status=Case.Status.PUBLISHED)
    moderation.unpublish_case(case=case, by=moderator, reason=REASON)

    services.publish_case(case, by=editor, note="The ward was removed from figure 2.")

    case.refresh_from_db()
    assert case.status == Case.Status.PUBLISHED


def test_unpublishing_a_case_no_longer_published_changes_nothing(author, coauthor, moderator):
    case = complete_case(author, coauthor, status=Case.Status.PUBLISHED)
    moderation.unpublish_case(case=case, by=moderator, reason=REASON)

    with pytest.raises(AlreadyDone, match="no longer published"):
        moderation.unpublish_case(case=case, by=moderator, reason=REASON)

    assert ModerationAction.objects.count() == 1
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_a_moderator_does_not_unpublish_a_case_they_author(coauthor, moderator):
    case = complete_case(moderator, coauthor, status=Case.Status.PUBLISHED)
    with pytest.raises(PermissionDenied, match="cases they"):
        moderation.unpublish_case(case=case, by=moderator, reason=REASON)
    case.refresh_from_db()
    assert case.status == Case.Status.PUBLISHED
    assert not ModerationAction.objects.exists()


def test_the_workflow_offers_unpublishing_on_no_editorial_page(author, coauthor, moderator):
    from cases.permissions import available_actions

    case = complete_case(author, coauthor, status=Case.Status.PUBLISHED)
    assert [t.action for t in available_actions(moderator, case)] == []


# --- Members ------------------------------------------------------------------------------------


def test_suspending_a_member_records_why_and_tells_them(moderator, commenter):
    result = moderation.suspend_user(member=commenter, by=moderator, reason=REASON)

    commenter.refresh_from_db()
    assert commenter.is_suspended
    assert commenter.suspension_reason == REASON
    assert (result.action.action, result.action.user) == ("suspend_user", commenter)
    (told,) = notifications_of(commenter, "moderation")
    assert told.title == "Your account is suspended"
    assert REASON in told.body


def test_reinstating_lifts_the_suspension(moderator, commenter):
    moderation.suspend_user(member=commenter, by=moderator, reason=REASON)

    moderation.reinstate_user(member=commenter, by=moderator, reason="Apologised.")

    commenter.refresh_from_db()
    assert not commenter.is_suspended
    assert commenter.suspension_reason == ""
    assert [row.action for row in ModerationAction.objects.order_by("pk")] == [
        "suspend_user",
        "reinstate_user",
    ]
    assert notifications_of(commenter, "moderation")[0].title == "Your account is reinstated"


def test_suspending_twice_or_reinstating_someone_not_suspended_changes_nothing(
    moderator, commenter
):
    with pytest.raises(AlreadyDone, match="is not suspended"):
        moderation.reinstate_user(member=commenter, by=moderator, reason=REASON)
    moderation.suspend_user(member=commenter, by=moderator, reason=REASON)
    with pytest.raises(AlreadyDone, match="already suspended"):
        moderation.suspend_user(member=commenter, by=moderator, reason=REASON)
    assert ModerationAction.objects.count() == 1


def test_moderators_cannot_suspend_themselves_or_a_superuser(moderator):
    admin = make_user("root", is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied, match="yourself"):
        moderation.suspend_user(member=moderator, by=moderator, reason=REASON)
    with pytest.raises(PermissionDenied, match="Administrators"):
        moderation.suspend_user(member=admin, by=moderator, reason=REASON)
    moderator.refresh_from_db()
    assert not moderator.is_suspended
    assert not ModerationAction.objects.exists()


def test_another_moderator_can_be_suspended(moderator):
    other = make_user("other_moderator", "moderator")
    moderation.suspend_user(member=other, by=moderator, reason=REASON)
    other.refresh_from_db()
    assert other.is_suspended


# --- The queue ----------------------------------------------------------------------------------


def test_the_queue_groups_reports_by_item_the_longest_waiting_first(
    moderator, case, commenter, reporters
):
    first = make_comment(case, commenter, body="First")
    second = make_comment(case, commenter, body="Second")
    report(reporters[0], comment=second)
    report(reporters[0], case=case)
    report(reporters[1], comment=second, reason=Flag.Reason.SPAM)
    report(reporters[1], comment=first)

    targets = list(moderation.queue_targets(moderator))
    items = moderation.queue_items(moderator, targets)

    assert [(item.kind, item.report_count) for item in items] == [
        ("comment", 2),
        ("case", 1),
        ("comment", 1),
    ]
    assert items[0].comment == second
    assert items[0].reasons == ["Identifiable patient information", "Spam or advertising"]
    assert [
        item.kind
        for item in moderation.queue_items(
            moderator, list(moderation.queue_targets(moderator, kind="cases"))
        )
    ] == ["case"]
    assert len(moderation.queue_targets(moderator, kind="comments")) == 2


def test_reports_about_a_case_no_longer_published_leave_the_queue(
    author, coauthor, moderator, reporters
):
    case = complete_case(author, coauthor, status=Case.Status.RETRACTED)
    report(reporters[0], case=case)
    report(reporters[0], comment=make_comment(case, reporters[1]))
    assert list(moderation.queue_targets(moderator)) == []


# --- Two moderators at the same moment ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need a database that has them"
)
def test_two_moderators_hiding_the_same_comment_at_once_write_one_audit_row(
    case, commenter, moderator
):
    comment = make_comment(case, commenter)
    second = make_user("moderator-two", "moderator")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def hide(by) -> None:
        try:
            barrier.wait()
            moderation.hide_comment(comment=Comment.objects.get(pk=comment.pk), by=by, reason="x")
            outcomes.append("done")
        except AlreadyDone:
            outcomes.append("already done")
        except Exception as error:  # reported in the assertion below, not lost in the thread
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=hide, args=(who,)) for who in (moderator, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already done", "done"]
    assert ModerationAction.objects.count() == 1
