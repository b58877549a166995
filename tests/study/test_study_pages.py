"""The study pages: the unknowns list, an unknown, an attempt, the review queue and progress —
what they show, and query counts that do not grow with the rows shown."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from cases.models import Case, Study
from study import labels, services
from study.models import Attempt, ReviewQueueEntry
from study.views import unknown_url
from tests.factories import DIAGNOSIS, TITLE, make_attempt, make_case, make_unknown

pytestmark = pytest.mark.django_db

FEW, MANY = 1, 30


def make_unknowns(author, count: int) -> list[Case]:
    cases = []
    for number in range(count):
        case = make_unknown(author, questions=1, figures=1 + number % 2)
        Study.objects.create(case=case, modality="MR", label="MRI hip")
        cases.append(case)
    return cases


def make_history(user, cases: list[Case]) -> None:
    """Judged attempts on every case over the weeks, and every case in the review queue."""
    now = timezone.now()
    for number, case in enumerate(cases):
        make_attempt(
            user,
            case,
            answered_at=now - datetime.timedelta(days=number * 3),
            stage=Attempt.Stage.DISCUSSION,
            self_assessment=["correct", "missed", "partly"][number % 3],
            questions_total=1,
            questions_correct=number % 2,
        )
        ReviewQueueEntry.objects.create(
            user=user, case=case, due_on=timezone.localdate() + datetime.timedelta(days=number)
        )


# --- The unknowns list --------------------------------------------------------------------------


def test_visitors_see_the_unknowns_and_are_told_to_log_in_to_start(client, author):
    case = make_unknown(author)
    html = client.get(reverse("unknown-list")).content.decode()
    assert "Log in to start an unknown." in html
    assert f"{labels.neutral_label(case)}" in html
    assert f"{reverse('account_login')}?next={unknown_url(case.pk)}" in html
    assert f"/cases/{case.pk}/" not in html
    assert DIAGNOSIS not in html and TITLE not in html


def test_the_unknowns_list_marks_what_a_trainee_tried_and_what_is_due(client, trainee, author):
    tried, due = make_unknown(author), make_unknown(author)
    make_attempt(trainee, tried)
    ReviewQueueEntry.objects.create(user=trainee, case=due, due_on=timezone.localdate())
    client.force_login(trainee)
    html = client.get(reverse("unknown-list")).content.decode()
    assert "Tried 1 time" in html and "Due for review" in html
    assert "Next unknown" in html


def test_the_unknowns_list_filters_by_modality_but_not_by_text_or_tag(client, author):
    ct = make_unknown(author)
    mr = make_unknown(author)
    Study.objects.filter(case=mr).update(modality="MR")
    listed = client.get(reverse("unknown-list"), {"modality": "MR"}).content.decode()
    assert f"{labels.unknown_name(mr)} ·" in listed and f"{labels.unknown_name(ct)} ·" not in listed
    # Searching for the diagnosis must not tell which case it is.
    searched = client.get(reverse("unknown-list"), {"q": "nothing-like-this", "tag": "x"})
    assert f"{labels.unknown_name(ct)} ·" in searched.content.decode()
    assert 'id="id_q"' not in searched.content.decode()


def test_the_unknowns_list_leaves_out_unlisted_and_plain_cases(client, author):
    make_unknown(author, visibility=Case.Visibility.UNLISTED)
    make_case(author=author, title="Plain case")
    html = client.get(reverse("unknown-list")).content.decode()
    assert "No unknowns found" in html


@pytest.mark.parametrize("rows", [FEW, MANY], ids=["one", "thirty"])
def test_unknowns_list_query_count_does_not_grow(client, author, django_assert_num_queries, rows):
    make_unknowns(author, rows)
    # the system choices, count, page of cases (with attempts and due flags), their systems,
    # studies, ready figures
    with django_assert_num_queries(6):
        response = client.get(reverse("unknown-list"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [FEW, MANY], ids=["one", "thirty"])
def test_unknowns_list_query_count_for_a_trainee(
    client, trainee, author, django_assert_num_queries, rows
):
    make_history(trainee, make_unknowns(author, rows))
    client.force_login(trainee)
    # session, user, the user's roles (visibility rule), the system choices, count, page of
    # cases, their systems, studies, ready figures, the unread notification count
    with django_assert_num_queries(10):
        response = client.get(reverse("unknown-list"), {"modality": "CT"})
    assert response.status_code == 200


# --- An unknown and an attempt --------------------------------------------------------------------


@pytest.mark.parametrize("rows", [FEW, MANY], ids=["one", "thirty"])
def test_unknown_page_query_count_does_not_grow(
    client, trainee, author, django_assert_num_queries, rows
):
    case = make_unknown(author, questions=rows, figures=rows)
    client.force_login(trainee)
    # session, user, roles, the case, its studies, their ready figures, the figures' frames,
    # its questions, earlier attempts, the unread notification count
    with django_assert_num_queries(10):
        response = client.get(unknown_url(case.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [FEW, MANY], ids=["one", "thirty"])
def test_attempt_page_query_count_does_not_grow(
    client, trainee, author, django_assert_num_queries, rows
):
    case = make_unknown(author, questions=rows, figures=rows, parts=rows)
    attempt = services.start_attempt(user=trainee, case=case, answer="Bursitis")
    for _ in range(2):
        services.reveal_next_stage(attempt=attempt, by=trainee)
    services.assess_attempt(attempt=attempt, by=trainee, self_assessment="missed")
    client.force_login(trainee)
    # session, user, roles, the attempt; the case, its studies, ready figures, frames,
    # questions, differentials, tags, sections, teaching points, references; the queue entry,
    # the unread notification count
    with django_assert_num_queries(16):
        response = client.get(reverse("attempt-detail", args=[attempt.pk]))
    assert response.status_code == 200


# --- The review queue and progress --------------------------------------------------------------


@pytest.mark.parametrize("rows", [FEW, MANY], ids=["one", "thirty"])
def test_review_queue_query_count_does_not_grow(
    client, trainee, author, django_assert_num_queries, rows
):
    make_history(trainee, make_unknowns(author, rows))
    client.force_login(trainee)
    # session, user, roles, count, the page of entries with their cases, the unread count
    with django_assert_num_queries(6):
        response = client.get(reverse("review-queue"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [FEW, MANY], ids=["one", "thirty"])
def test_progress_query_count_does_not_grow(
    client, trainee, author, django_assert_num_queries, rows
):
    make_history(trainee, make_unknowns(author, rows))
    client.force_login(trainee)
    # session, user; totals, accuracy by system, by modality, the review queue, the weekly
    # activity; roles, the recent attempts with their cases; the unread count
    with django_assert_num_queries(10):
        response = client.get(reverse("progress"))
    assert response.status_code == 200


def test_progress_shows_counts_accuracy_charts_and_recent_attempts(client, trainee, author):
    cases = make_unknowns(author, 3)
    make_history(trainee, cases)
    client.force_login(trainee)
    html = client.get(reverse("progress")).content.decode()
    assert "Cases studied" in html and "<dd>3</dd>" in html
    assert "Accuracy by system" in html and "Musculoskeletal" in html
    assert "Accuracy by modality" in html and "MRI" in html and "CT" in html
    assert '<svg class="activity-chart"' in html and "Show as a table" in html
    assert html.count('class="recent-item"') == 3
    # The attempts reached the discussion: the diagnosis is theirs to see now.
    assert DIAGNOSIS in html


def test_progress_through_the_api(trainee, author):
    cases = make_unknowns(author, 4)
    make_history(trainee, cases)
    api = APIClient()
    api.force_authenticate(trainee)
    body = api.get("/api/v1/progress/").json()
    assert body["cases_studied"] == 4 and body["attempts"] == 4 and body["assessed"] == 4
    # correct+question wrong, missed+right, partly+wrong, correct+right: one is right.
    assert body["right"] == 1 and body["accuracy_percent"] == 25
    assert body["questions_total"] == 4 and body["questions_correct"] == 2
    assert body["review_queue_size"] == 4 and body["review_due"] == 1
    systems = {row["code"]: row for row in body["by_system"]}
    assert systems["musculoskeletal"] == {
        "code": "musculoskeletal",
        "name": "Musculoskeletal",
        "total": 4,
        "right": 1,
        "percent": 25,
    }
    assert {row["code"] for row in body["by_modality"]} == {"CT", "MR"}
    assert len(body["activity"]) == 12
    assert sum(week["count"] for week in body["activity"]) == 4


def test_a_new_trainee_sees_an_empty_progress_page(client, trainee):
    client.force_login(trainee)
    html = client.get(reverse("progress")).content.decode()
    assert "No attempts yet" in html


def test_progress_and_review_pages_need_a_login(client):
    for name in ("progress", "review-queue"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


# --- The API's lists -----------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [FEW, MANY], ids=["one", "thirty"])
def test_api_unknowns_list_query_count_does_not_grow(
    trainee, author, django_assert_num_queries, rows
):
    make_history(trainee, make_unknowns(author, rows))
    api = APIClient()
    api.force_authenticate(trainee)
    # roles, the system choices, count, page of cases, their systems, studies, ready figures
    with django_assert_num_queries(7):
        response = api.get("/api/v1/unknowns/", {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [FEW, MANY], ids=["one", "thirty"])
def test_api_attempts_and_queue_query_counts_do_not_grow(
    trainee, author, django_assert_num_queries, rows
):
    make_history(trainee, make_unknowns(author, rows))
    api = APIClient()
    # roles (visibility rule), count, the page of attempts (or entries) with their cases
    for url in ("/api/v1/attempts/", "/api/v1/review-queue/"):
        api.force_authenticate(User.objects.get(pk=trainee.pk))
        with django_assert_num_queries(3):
            response = api.get(url, {"page_size": 50})
        assert response.status_code == 200
        assert response.json()["count"] == rows


# --- Links from elsewhere -------------------------------------------------------------------------


def test_the_case_page_offers_an_unknown_without_an_extra_query(client, author):
    unknown = make_unknown(author)
    plain = make_unknown(author, in_unknown_mode=False)
    link = "Study as an unknown"
    with CaptureQueriesContext(connection) as for_unknown:
        response = client.get(unknown.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert link in html and f'href="{unknown_url(unknown.pk)}"' in html
    with CaptureQueriesContext(connection) as for_plain:
        response = client.get(plain.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert link not in html
    assert len(for_unknown.captured_queries) == len(for_plain.captured_queries)


def test_the_header_links_to_unknowns_and_to_progress_when_signed_in(client, trainee):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("unknown-list")}"' in html
    assert f'href="{reverse("progress")}"' not in html
    client.force_login(trainee)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("progress")}"' in html
