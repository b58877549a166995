"""The editorial page of a case and the review form: who sees them, what each person can do."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent
from reviews import services as review_services
from reviews.models import Review
from tests.factories import complete_case, make_user

pytestmark = pytest.mark.django_db

S = Case.Status


def in_review_with(author, coauthor, editor, reviewer) -> tuple[Case, Review]:
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    review = review_services.assign_reviewer(
        case,
        by=editor,
        reviewer=reviewer,
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    return case, review


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("author", 200),
        ("coauthor", 200),
        ("editor", 200),
        ("reviewer", 200),
        ("unassigned_reviewer", 404),
        ("moderator", 404),
        ("trainee", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_open_the_editorial_page(
    client, author, coauthor, editor, reviewer, moderator, trainee, outsider, persona, expected
):
    case, _ = in_review_with(author, coauthor, editor, reviewer)
    people = {
        "author": author,
        "coauthor": coauthor,
        "editor": editor,
        "reviewer": reviewer,
        "unassigned_reviewer": make_user("idle-reviewer", "reviewer"),
        "moderator": moderator,
        "trainee": trainee,
        "outsider": outsider,
    }
    if persona != "anonymous":
        client.force_login(people[persona])
    response = client.get(reverse("case-editorial", args=[case.pk]))
    assert response.status_code == expected


def test_an_author_submits_a_draft_from_the_editorial_page(client, author, coauthor, editor):
    case = complete_case(author, coauthor)
    client.force_login(author)
    page = client.get(reverse("case-editorial", args=[case.pk]))
    assert "Submit for review" in page.text
    response = client.post(
        reverse("case-action", args=[case.pk, "submit"]), {"note": "Ready for review."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.SUBMITTED
    page = client.get(response.url)
    assert "Ready for review." in page.text  # the audit trail shows the note
    assert "Submit for review" not in page.text


def test_a_decision_without_its_message_is_refused_and_keeps_the_page(
    client, author, coauthor, editor, reviewer
):
    case, _ = in_review_with(author, coauthor, editor, reviewer)
    client.force_login(editor)
    response = client.post(reverse("case-action", args=[case.pk, "reject"]), {"note": ""})
    assert response.status_code == 400
    assert "Message to the authors is required." in response.text
    case.refresh_from_db()
    assert case.status == S.IN_REVIEW


def test_an_illegal_action_is_explained_not_crashed(client, author, coauthor, editor):
    case = complete_case(author, coauthor, status=S.DRAFT)
    client.force_login(editor)
    # Editors do not see others' drafts at all.
    response = client.post(reverse("case-action", args=[case.pk, "publish"]))
    assert response.status_code == 404
    case.status = S.IN_REVIEW
    case.save()
    response = client.post(reverse("case-action", args=[case.pk, "publish"]))
    assert response.status_code == 400
    assert "cannot be published" in response.text


def test_an_unknown_action_is_not_found(client, author, coauthor):
    case = complete_case(author, coauthor)
    client.force_login(author)
    assert client.post(reverse("case-action", args=[case.pk, "explode"])).status_code == 404
    assert client.get(reverse("case-action", args=[case.pk, "submit"])).status_code == 405


def test_the_editorial_page_cannot_unpublish_a_case_past_the_moderation_log(
    client, author, coauthor
):
    case = complete_case(author, coauthor, status=S.PUBLISHED)
    both = make_user("editor_and_moderator", "editor", "moderator")
    client.force_login(both)
    response = client.post(
        reverse("case-action", args=[case.pk, "unpublish"]), {"note": "Reported twice."}
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == S.PUBLISHED


def test_a_trainee_cannot_act_on_a_case(client, author, coauthor, trainee):
    case = complete_case(author, coauthor, status=S.PUBLISHED)
    client.force_login(trainee)
    response = client.post(reverse("case-action", args=[case.pk, "retract"]), {"note": "x"})
    assert response.status_code == 404
    assert not CaseEvent.objects.exists()


def test_authors_read_reviews_without_the_confidential_comments(
    client, author, coauthor, editor, reviewer
):
    case, review = in_review_with(author, coauthor, editor, reviewer)
    review_services.submit_review(
        review,
        by=reviewer,
        recommendation="major_changes",
        comments_to_authors="The nidus is not shown on any figure.",
        confidential_comments="I doubt the diagnosis.",
    )
    client.force_login(editor)
    editor_page = client.get(reverse("case-editorial", args=[case.pk])).text
    assert "I doubt the diagnosis." in editor_page
    assert "Dr Rita Reviewer" in editor_page

    client.force_login(author)
    author_page = client.get(reverse("case-editorial", args=[case.pk])).text
    assert "The nidus is not shown on any figure." in author_page
    assert "I doubt the diagnosis." not in author_page
    assert "Dr Rita Reviewer" not in author_page  # reviews reach authors without names


def test_authors_answer_a_review_while_changes_are_requested(
    client, author, coauthor, editor, reviewer
):
    case, review = in_review_with(author, coauthor, editor, reviewer)
    review_services.submit_review(
        review, by=reviewer, recommendation="minor_changes", comments_to_authors="Add follow-up."
    )
    client.force_login(editor)
    client.post(reverse("case-action", args=[case.pk, "request_changes"]), {"note": "See review."})
    client.force_login(author)
    url = reverse("case-answer-review", args=[case.pk, review.pk])
    assert client.post(url, {"response": ""}).status_code == 400
    assert client.post(url, {"response": "Follow-up added."}).status_code == 302
    review.refresh_from_db()
    assert review.author_response == "Follow-up added."


def test_an_editor_assigns_a_reviewer_from_the_page(client, author, coauthor, editor, reviewer):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    client.force_login(editor)
    page = client.get(reverse("case-editorial", args=[case.pk])).text
    assert "Dr Rita Reviewer" in page
    assert "Dr Co Author" not in page.split("Ask a reviewer")[1]  # authors never offered
    # The due date is filled in, two weeks ahead, in the format a date input understands.
    two_weeks = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    assert f'value="{two_weeks}"' in page
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    response = client.post(
        reverse("case-assign-reviewer", args=[case.pk]), {"reviewer": reviewer.pk, "due_date": due}
    )
    assert response.status_code == 302
    assert Review.objects.get().reviewer == reviewer
    case.refresh_from_db()
    assert case.status == S.IN_REVIEW


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reviewer": "", "due_date": "2030-01-01"}, "This field is required."),
        ({"reviewer": "999999", "due_date": "2030-01-01"}, "Choose one of the reviewers listed."),
        ({"reviewer": "REVIEWER", "due_date": "not a date"}, "Enter a valid date."),
        ({"reviewer": "REVIEWER", "due_date": "2001-01-01"}, "cannot be in the past"),
    ],
)
def test_a_bad_assignment_is_refused_with_a_clear_error(
    client, author, coauthor, editor, reviewer, data, message
):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    client.force_login(editor)
    data = {key: str(reviewer.pk) if value == "REVIEWER" else value for key, value in data.items()}
    response = client.post(reverse("case-assign-reviewer", args=[case.pk]), data)
    assert response.status_code == 400
    assert message in response.text
    assert not Review.objects.exists()


def test_the_reviewer_writes_a_review_and_typed_text_survives_an_error(
    client, author, coauthor, editor, reviewer
):
    _, review = in_review_with(author, coauthor, editor, reviewer)
    client.force_login(reviewer)
    url = reverse("review-detail", args=[review.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"comments_to_authors": "Good figures.", "recommendation": ""})
    assert response.status_code == 400
    assert "Choose a recommendation." in response.text
    assert "Good figures." in response.text
    response = client.post(
        url,
        {
            "recommendation": "accept",
            "comments_to_authors": "Good figures.",
            "confidential_comments": "",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.COMPLETED
    assert "Good figures." in client.get(url).text


def test_only_the_invited_reviewer_opens_a_review(client, author, coauthor, editor, reviewer):
    _, review = in_review_with(author, coauthor, editor, reviewer)
    for person in (make_user("other-reviewer", "reviewer"), editor, author):
        client.force_login(person)
        assert client.get(reverse("review-detail", args=[review.pk])).status_code == 404


def test_a_reviewer_declines_with_a_reason(client, author, coauthor, editor, reviewer):
    _, review = in_review_with(author, coauthor, editor, reviewer)
    client.force_login(reviewer)
    response = client.post(reverse("review-decline", args=[review.pk]), {"reason": "Away."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.decline_reason) == ("declined", "Away.")


def test_an_editor_marks_a_machine_commentary_verified(client, author, coauthor, editor):
    from cases.models import Commentary

    case = complete_case(author, coauthor, status=S.SUBMITTED)
    commentary = Commentary.objects.create(
        case=case, provenance="machine_generated", heading="Rehabilitation analysis"
    )
    client.force_login(editor)
    assert "mark verified" in client.get(reverse("case-editorial", args=[case.pk])).text
    client.post(reverse("case-verify-commentary", args=[case.pk, commentary.pk]))
    commentary.refresh_from_db()
    assert commentary.verified_by == editor


@pytest.mark.parametrize("rows", [1, 6])
def test_the_editorial_page_takes_the_same_queries_however_many_reviews_and_events(
    client, author, coauthor, editor, django_assert_num_queries, rows
):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    for number in range(rows):
        reviewer = make_user(f"reviewer-{number}", "reviewer")
        review_services.assign_reviewer(
            case, by=editor, reviewer=reviewer, due_date=timezone.localdate()
        )
    client.force_login(editor)
    # session, user, roles; the case with studies, figures, teaching points, commentaries;
    # authorship; reviews with their people; unread notifications; reviewers who may be asked;
    # the audit trail.
    with django_assert_num_queries(13):
        response = client.get(reverse("case-editorial", args=[case.pk]))
    assert response.status_code == 200


def test_the_creator_deletes_a_draft_after_confirming(client, author, coauthor):
    case = complete_case(author, coauthor)
    client.force_login(coauthor)
    page = client.get(reverse("case-editorial", args=[case.pk])).content.decode()
    assert "Delete this draft" not in page
    assert client.post(reverse("case-delete", args=[case.pk])).status_code == 302
    assert Case.objects.filter(pk=case.pk).exists()

    client.force_login(author)
    page = client.get(reverse("case-editorial", args=[case.pk])).content.decode()
    assert "Delete this draft…" in page
    response = client.post(reverse("case-delete", args=[case.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("my-cases")
    assert "is deleted" in response.content.decode()
    assert not Case.objects.filter(pk=case.pk).exists()


def test_a_draft_that_was_submitted_before_cannot_be_deleted(client, author, coauthor, editor):
    case = complete_case(author, coauthor)
    services.submit_case(case, by=author)
    services.return_to_draft(case, by=editor, reason="Wrong case type")
    client.force_login(author)
    page = client.get(reverse("case-editorial", args=[case.pk])).content.decode()
    assert "Delete this draft" not in page
    response = client.post(reverse("case-delete", args=[case.pk]), follow=True)
    assert "keeps its record" in response.content.decode()
    assert Case.objects.filter(pk=case.pk).exists()
