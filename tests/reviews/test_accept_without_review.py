"""Accepting a case no reviewer has reviewed is a decision the editor confirms, on the page and
in the API; the editorial page leads with asking a reviewer while the case waits for one."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent
from reviews import services as review_services
from tests.factories import complete_case

pytestmark = pytest.mark.django_db

S = Case.Status


def ask(case, editor, reviewer):
    return review_services.assign_reviewer(
        case,
        by=editor,
        reviewer=reviewer,
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )


def reviewed(author, coauthor, editor, reviewer) -> Case:
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    review = ask(case, editor, reviewer)
    review_services.submit_review(
        review, by=reviewer, recommendation="accept", comments_to_authors="Clear figures."
    )
    return case


def editorial_page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(reverse("case-editorial", args=[case.pk]))
    assert response.status_code == 200
    return response.text


# --- The service -----------------------------------------------------------------------------


@pytest.mark.parametrize("state", [S.SUBMITTED, S.IN_REVIEW])
def test_accepting_a_case_nobody_reviewed_is_refused_unless_confirmed(
    author, coauthor, editor, state
):
    case = complete_case(author, coauthor, status=state)
    with pytest.raises(ValidationError) as error:
        services.accept_case(case, by=editor)
    assert "without_review" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == state and not CaseEvent.objects.filter(case=case).exists()

    services.accept_case(case, by=editor, without_review=True)
    case.refresh_from_db()
    assert case.status == S.ACCEPTED


def test_a_review_still_owed_does_not_count_as_a_review(author, coauthor, editor, reviewer):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    ask(case, editor, reviewer)
    with pytest.raises(ValidationError):
        services.take_action(case, action="accept", by=editor)


def test_a_reviewed_case_is_accepted_without_confirming(author, coauthor, editor, reviewer):
    case = reviewed(author, coauthor, editor, reviewer)
    services.take_action(case, action="accept", by=editor)
    case.refresh_from_db()
    assert case.status == S.ACCEPTED


def test_someone_who_may_not_accept_is_told_that_first(author, coauthor, trainee):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.accept_case(case, by=trainee, without_review=True)
    with pytest.raises(PermissionDenied):
        services.accept_case(case, by=author)


@pytest.mark.parametrize("action", ["request_changes", "reject"])
def test_the_other_decisions_need_no_review(author, coauthor, editor, action):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    services.take_action(case, action=action, by=editor, note="Outside our scope.")
    case.refresh_from_db()
    assert case.status != S.SUBMITTED


# --- The editorial page ----------------------------------------------------------------------


def test_the_page_leads_with_asking_a_reviewer_while_the_case_waits(
    client, author, coauthor, editor
):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    page = editorial_page(client, editor, case)
    assert page.index("Ask a reviewer") < page.index('id="actions-title"')
    assert page.index('id="reviews-title"') < page.index("Request changes")


def test_the_page_folds_accept_behind_a_confirmation_when_nobody_reviewed(
    client, author, coauthor, editor
):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    page = editorial_page(client, editor, case)
    confirm = page.split('<details class="action action-confirm">', 1)[1].split("</details>", 1)[0]
    assert "<summary>Accept without peer review…</summary>" in confirm
    assert 'name="without_review" value="on" required' in confirm
    assert "I accept this case without peer review" in confirm
    assert ">Accept without review</button>" in confirm


def test_accepting_from_the_page_without_the_tick_changes_nothing_and_says_why(
    client, author, coauthor, editor
):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    client.force_login(editor)
    url = reverse("case-action", args=[case.pk, "accept"])
    response = client.post(url, {"note": "Fine as it is."})
    assert response.status_code == 400
    assert "No reviewer has completed a review of this case" in response.text
    assert "Fine as it is." in response.text  # the typed message is kept
    assert '<details class="action action-confirm" open>' in response.text
    case.refresh_from_db()
    assert case.status == S.SUBMITTED

    response = client.post(url, {"note": "Fine as it is.", "without_review": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.ACCEPTED


def test_a_reviewed_case_shows_a_plain_accept_button(client, author, coauthor, editor, reviewer):
    case = reviewed(author, coauthor, editor, reviewer)
    page = editorial_page(client, editor, case)
    assert "action-confirm" not in page and "without_review" not in page
    assert ">Accept</button>" in page
    response = client.post(reverse("case-action", args=[case.pk, "accept"]), {"note": ""})
    assert response.status_code == 302
