"""Moderation in the API: the open reports, each action with its reason, the log."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

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
    return make_comment(case, commenter, body="Ward 7, bed 3.")


@pytest.fixture
def reporter(db):
    return make_user("reporter", "trainee", display_name="Rae Reporter")


@pytest.fixture
def api(moderator):
    client = APIClient()
    client.force_authenticate(moderator)
    return client


def test_the_open_reports_list_what_was_reported_oldest_first(
    api, comment, case, reporter, commenter
):
    first = report(reporter, comment=comment, note="Bed numbers")
    second = report(reporter, case=case, reason=Flag.Reason.COPYRIGHT)

    response = api.get("/api/v1/moderation/flags/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [row["id"] for row in results] == [first.pk, second.pk]
    assert results[0]["kind"] == "comment"
    assert results[0]["reason"] == "patient_data"
    assert results[0]["note"] == "Bed numbers"
    assert results[0]["reporter"] == {
        "id": reporter.pk,
        "username": "reporter",
        "name": "Rae Reporter",
    }
    assert results[0]["comment"]["body"] == "Ward 7, bed 3."
    assert results[0]["comment"]["author"]["username"] == "commenter"
    assert results[0]["comment"]["case"]["id"] == case.pk
    assert results[0]["case"] is None
    assert results[1]["kind"] == "case"
    assert results[1]["case"]["title"] == case.title


def test_the_open_reports_filter_by_kind_and_refuse_an_unknown_kind(api, comment, case, reporter):
    report(reporter, comment=comment)
    report(reporter, case=case)
    kinds = [
        row["kind"] for row in api.get("/api/v1/moderation/flags/?kind=case").json()["results"]
    ]
    assert kinds == ["case"]
    response = api.get("/api/v1/moderation/flags/?kind=user")
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_resolved_reports_are_not_listed(api, moderator, comment, reporter):
    report(reporter, comment=comment)
    moderation.hide_comment(comment=comment, by=moderator, reason=REASON)
    assert api.get("/api/v1/moderation/flags/").json()["count"] == 0


def test_hiding_a_comment_answers_the_audit_row_and_the_resolved_reports(
    api, moderator, comment, reporter
):
    report(reporter, comment=comment)

    response = api.post(f"/api/v1/moderation/comments/{comment.pk}/hide/", {"reason": REASON})

    assert response.status_code == 200
    body = response.json()
    assert body["resolved_reports"] == 1
    audit = body["moderation_action"]
    assert audit["action"] == "hide_comment"
    assert audit["reason"] == REASON
    assert audit["comment"] == comment.pk
    assert audit["comment_text"] == "Ward 7, bed 3."
    assert audit["moderator"]["username"] == "moderator"
    comment.refresh_from_db()
    assert comment.status == "hidden"
    assert Notification.objects.filter(recipient=reporter, kind="flag_outcome").exists()


def test_restoring_and_deleting_a_comment(api, comment):
    api.post(f"/api/v1/moderation/comments/{comment.pk}/hide/", {"reason": REASON})
    assert (
        api.post(
            f"/api/v1/moderation/comments/{comment.pk}/restore/", {"reason": "Fine"}
        ).status_code
        == 200
    )
    response = api.post(f"/api/v1/moderation/comments/{comment.pk}/delete/", {"reason": REASON})
    assert response.status_code == 200
    comment.refresh_from_db()
    assert (comment.status, comment.body) == (Comment.Status.REMOVED, "")
    assert response.json()["moderation_action"]["comment_text"] == "Ward 7, bed 3."


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_an_action_without_a_reason_is_a_400_naming_the_field(api, comment, body):
    response = api.post(f"/api/v1/moderation/comments/{comment.pk}/hide/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": [moderation.REASON_REQUIRED]}
    assert not ModerationAction.objects.exists()


def test_acting_twice_is_a_409_with_the_reason_in_words_and_no_second_row(api, comment):
    url = f"/api/v1/moderation/comments/{comment.pk}/hide/"
    api.post(url, {"reason": REASON})
    response = api.post(url, {"reason": REASON})
    assert response.status_code == 409
    assert response.json() == {"detail": "This comment is already hidden.", "errors": {}}
    assert ModerationAction.objects.count() == 1


def test_dismissing_a_report_dismisses_the_items_open_reports(api, comment, reporter):
    flags = [report(reporter, comment=comment), report(make_user("b", "trainee"), comment=comment)]
    response = api.post(f"/api/v1/moderation/flags/{flags[0].pk}/dismiss/", {"reason": "Fine"})
    assert response.status_code == 200
    assert response.json()["resolved_reports"] == 2
    assert response.json()["moderation_action"]["action"] == "dismiss_flags"
    again = api.post(f"/api/v1/moderation/flags/{flags[1].pk}/dismiss/", {"reason": "Fine"})
    assert again.status_code == 409


def test_unpublishing_a_case_through_the_api(api, moderator, author, coauthor, reporter, anonymous):
    case = complete_case(author, coauthor, status=Case.Status.PUBLISHED)
    report(reporter, case=case)

    response = api.post(f"/api/v1/moderation/cases/{case.pk}/unpublish/", {"reason": REASON})

    assert response.status_code == 200
    assert response.json()["moderation_action"]["case"] == case.pk
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED
    assert CaseEvent.objects.get(case=case).actor == moderator
    assert not Case.objects.visible_to(anonymous).filter(pk=case.pk).exists()
    # Once it is off the site, moderators no longer see it: 404.
    again = api.post(f"/api/v1/moderation/cases/{case.pk}/unpublish/", {"reason": REASON})
    assert again.status_code == 404


def test_suspending_and_reinstating_through_the_api(api, commenter):
    response = api.post(f"/api/v1/moderation/users/{commenter.pk}/suspend/", {"reason": REASON})
    assert response.status_code == 200
    assert response.json()["moderation_action"]["user"]["is_suspended"] is True
    assert (
        api.post(
            f"/api/v1/moderation/users/{commenter.pk}/suspend/", {"reason": REASON}
        ).status_code
        == 409
    )
    response = api.post(f"/api/v1/moderation/users/{commenter.pk}/reinstate/", {"reason": "Ok"})
    assert response.status_code == 200
    commenter.refresh_from_db()
    assert not commenter.is_suspended


def test_suspending_yourself_is_a_403(api, moderator):
    response = api.post(f"/api/v1/moderation/users/{moderator.pk}/suspend/", {"reason": REASON})
    assert response.status_code == 403
    assert response.json()["detail"] == "You cannot suspend or reinstate yourself."


@pytest.mark.parametrize("pk", ["999999", "abc"])
def test_an_unknown_or_malformed_id_is_the_apis_404(api, pk):
    response = api.post(f"/api/v1/moderation/comments/{pk}/hide/", {"reason": REASON})
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


def test_the_log_lists_actions_newest_first_and_filters_by_action(
    api, moderator, comment, commenter
):
    moderation.hide_comment(comment=comment, by=moderator, reason="One")
    moderation.suspend_user(member=commenter, by=moderator, reason="Two")
    results = api.get("/api/v1/moderation/actions/").json()["results"]
    assert [row["reason"] for row in results] == ["Two", "One"]
    filtered = api.get("/api/v1/moderation/actions/?action=hide_comment").json()["results"]
    assert [row["reason"] for row in filtered] == ["One"]


@pytest.mark.parametrize("count", [1, 50])
def test_the_open_reports_read_in_the_same_number_of_queries_for_1_and_50_rows(
    api, case, commenter, django_assert_num_queries, count
):
    reporters = [make_user(f"r{number}", "trainee") for number in range(5)]
    for number in range(count):
        target = (
            {"comment": make_comment(case, commenter)}
            if number % 2
            else {"case": make_case(author=commenter, title=f"Case {number}")}
        )
        report(reporters[number % 5], **target)
    # roles, count, the page of reports with reporters, comments, their authors and cases
    with django_assert_num_queries(3):
        response = api.get("/api/v1/moderation/flags/?page_size=50")
    assert response.status_code == 200
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_the_log_reads_in_the_same_number_of_queries_for_1_and_50_rows(
    api, moderator, case, commenter, django_assert_num_queries, count
):
    for number in range(count):
        comment = make_comment(case, commenter)
        moderation.hide_comment(comment=comment, by=moderator, reason=f"Reason {number}")
    api.force_authenticate(type(moderator).objects.get(pk=moderator.pk))  # roles not yet read
    # roles, count, the page of actions with moderators, comments, cases and members
    with django_assert_num_queries(3):
        response = api.get("/api/v1/moderation/actions/?page_size=50")
    assert response.status_code == 200
    assert len(response.json()["results"]) == count
