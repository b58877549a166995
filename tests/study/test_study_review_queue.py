"""The spaced-repetition review queue: cases answered wrongly come back, right answers given when
due space them out (1 → 3 → 7 → 14 → 30 days), a miss starts again, and after 30 days a right
answer takes the case out of the queue."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from study import labels, services
from study.models import Attempt, ReviewQueueEntry
from study.views import unknown_url
from tests.factories import DIAGNOSIS, QUESTION_ANSWER, make_unknown

pytestmark = pytest.mark.django_db


@pytest.fixture
def unknown(author):
    return make_unknown(author, questions=1)


def study(user, case, *, judged: str, questions_right: bool = True) -> Attempt:
    """Answer (the diagnosis when `judged` is correct: judged so at once), reveal the
    diagnosis, and overrule the verdict when it is not `judged`, as the pages and the API do."""
    attempt = services.start_attempt(
        user=user,
        case=case,
        answer=DIAGNOSIS if judged == "correct" else "An answer",
        question_answers=[QUESTION_ANSWER if questions_right else 0] * case.questions.count(),
    )
    attempt = services.reveal_next_stage(attempt=attempt, by=user)
    if attempt.self_assessment == judged:
        return attempt
    return services.assess_attempt(attempt=attempt, by=user, self_assessment=judged)


def entry_of(user, case) -> ReviewQueueEntry | None:
    return ReviewQueueEntry.objects.filter(user=user, case=case).first()


def make_due(entry: ReviewQueueEntry) -> None:
    ReviewQueueEntry.objects.filter(pk=entry.pk).update(due_on=timezone.localdate())


@pytest.mark.parametrize(
    ("judged", "questions_right"),
    [("missed", True), ("partly", True), ("correct", False)],
    ids=["missed", "partly", "a question wrong"],
)
def test_a_case_answered_wrongly_is_due_again_tomorrow(trainee, unknown, judged, questions_right):
    attempt = study(trainee, unknown, judged=judged, questions_right=questions_right)
    entry = entry_of(trainee, unknown)
    assert entry.due_on == timezone.localdate() + datetime.timedelta(days=1)
    assert (entry.interval_days, entry.misses, entry.right_in_a_row) == (1, 1, 0)
    assert entry.last_attempt == attempt


def test_a_case_answered_right_the_first_time_does_not_enter_the_queue(trainee, unknown):
    study(trainee, unknown, judged="correct")
    assert entry_of(trainee, unknown) is None


def test_a_missed_answer_enters_the_queue_at_once_and_leaves_it_when_overruled(trainee, unknown):
    attempt = services.start_attempt(
        user=trainee, case=unknown, answer="Bursitis", question_answers=[QUESTION_ANSWER]
    )
    assert entry_of(trainee, unknown).last_attempt == attempt
    attempt = services.reveal_next_stage(attempt=attempt, by=trainee)
    services.assess_attempt(attempt=attempt, by=trainee, self_assessment="correct")
    assert entry_of(trainee, unknown) is None
    services.assess_attempt(attempt=attempt, by=trainee, self_assessment="missed")
    assert entry_of(trainee, unknown).misses == 1


def test_right_answers_from_the_queue_space_the_case_out_until_it_leaves(trainee, unknown):
    study(trainee, unknown, judged="missed")
    intervals = []
    for _ in range(4):
        make_due(entry_of(trainee, unknown))
        study(trainee, unknown, judged="correct")
        entry = entry_of(trainee, unknown)
        assert entry.due_on == timezone.localdate() + datetime.timedelta(days=entry.interval_days)
        intervals.append(entry.interval_days)
    assert intervals == [3, 7, 14, 30]
    make_due(entry_of(trainee, unknown))
    study(trainee, unknown, judged="correct")
    assert entry_of(trainee, unknown) is None


def test_a_miss_resets_the_interval(trainee, unknown):
    study(trainee, unknown, judged="missed")
    for _ in range(2):
        make_due(entry_of(trainee, unknown))
        study(trainee, unknown, judged="correct")
    assert entry_of(trainee, unknown).interval_days == 7
    study(trainee, unknown, judged="partly")
    entry = entry_of(trainee, unknown)
    assert (entry.interval_days, entry.misses, entry.right_in_a_row) == (1, 2, 0)
    assert entry.due_on == timezone.localdate() + datetime.timedelta(days=1)


def test_a_right_answer_before_the_case_is_due_changes_nothing(trainee, unknown):
    study(trainee, unknown, judged="missed")
    study(trainee, unknown, judged="correct")
    entry = entry_of(trainee, unknown)
    assert (entry.interval_days, entry.right_in_a_row) == (1, 0)


def test_queues_are_per_person(trainee, outsider, unknown):
    study(trainee, unknown, judged="missed")
    assert entry_of(outsider, unknown) is None
    api = APIClient()
    api.force_authenticate(outsider)
    assert api.get("/api/v1/review-queue/").json()["count"] == 0


def test_the_review_queue_page_lists_due_cases_first_by_neutral_label(
    client, trainee, author, unknown
):
    later = make_unknown(author, questions=0, clinical_history="Right knee pain after a fall.")
    study(trainee, unknown, judged="missed")
    study(trainee, later, judged="missed")
    make_due(entry_of(trainee, unknown))
    client.force_login(trainee)
    html = client.get(reverse("review-queue")).content.decode()
    assert html.index(f"{labels.unknown_name(unknown)} ·") < html.index(
        f"{labels.unknown_name(later)} ·"
    )
    assert "Review the next due case" in html
    assert f'href="{unknown_url(unknown.pk)}"' in html
    assert unknown.final_diagnosis not in html and unknown.title not in html


def test_the_review_queue_through_the_api(trainee, unknown):
    study(trainee, unknown, judged="missed")
    api = APIClient()
    api.force_authenticate(trainee)
    body = api.get("/api/v1/review-queue/").json()
    assert body["count"] == 1
    entry = body["results"][0]
    assert entry["case"] == unknown.pk
    assert entry["interval_days"] == 1 and entry["is_due"] is False
    assert entry["unknown_url"] == f"/api/v1/unknowns/{unknown.pk}/"
    assert unknown.final_diagnosis not in str(body)


def test_an_empty_review_queue_says_what_it_is_for(client, trainee):
    client.force_login(trainee)
    html = client.get(reverse("review-queue")).content.decode()
    assert "Nothing to review" in html
