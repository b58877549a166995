"""Answering an unknown: every attempt recorded with its score and time, questions scored
(skipped ones too), bad input refused clearly, and nobody reads another person's attempt or
an unknown they may not see."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case, QuizQuestion
from study import services
from study.models import Attempt
from study.views import unknown_url
from tests.factories import QUESTION_ANSWER, make_unknown, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def unknown(author):
    return make_unknown(author, questions=2)


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def answer_page(client, case, **data):
    return client.post(unknown_url(case.pk), {"answer": "Bursitis", **data})


# --- Recording --------------------------------------------------------------------------------


def test_answering_on_the_page_records_the_attempt_with_score_and_time(client, trainee, unknown):
    client.force_login(trainee)
    started = timezone.now() - datetime.timedelta(seconds=95)
    token = services.start_token(user=trainee, case=unknown, at=started)
    response = answer_page(
        client,
        unknown,
        answer="  Gluteal calcific tendinitis ",
        question_0=str(QUESTION_ANSWER),
        question_1="0",
        start_token=token,
    )
    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert (attempt.user, attempt.case, attempt.case_version) == (trainee, unknown, unknown.version)
    assert attempt.answer == "Gluteal calcific tendinitis"
    assert attempt.question_answers == [QUESTION_ANSWER, 0]
    assert (attempt.questions_correct, attempt.questions_total) == (1, 2)
    assert attempt.score_percent == 50
    assert attempt.stage == Attempt.Stage.FINDINGS
    assert abs(attempt.started_at - started) < datetime.timedelta(seconds=1)
    assert 95 <= attempt.duration_seconds <= 100
    # Judged at once: the answer names the diagnosis's title.
    assert attempt.verdict == attempt.self_assessment == Attempt.SelfAssessment.CORRECT
    assert not attempt.overruled and attempt.completed_at is not None


def test_showing_the_unknown_writes_nothing_and_carries_a_signed_start_time(
    client, trainee, unknown
):
    client.force_login(trainee)
    page = client.get(unknown_url(unknown.pk))
    token = page.content.decode().split('name="start_token" value="')[1].split('"')[0]
    assert Attempt.objects.count() == 0
    started = services.read_start_token(token, user=trainee, case=unknown)
    assert timezone.now() - started < datetime.timedelta(seconds=5)


def test_every_answer_is_a_new_attempt(client, trainee, unknown):
    client.force_login(trainee)
    answer_page(client, unknown)
    answer_page(client, unknown)
    assert Attempt.objects.filter(user=trainee, case=unknown).count() == 2
    page = client.get(unknown_url(unknown.pk)).content.decode()
    assert "You have studied this case before (2 times)" in page


def test_skipped_questions_count_as_not_right(client, trainee, unknown):
    client.force_login(trainee)
    answer_page(client, unknown, question_1=str(QUESTION_ANSWER))
    attempt = Attempt.objects.get()
    assert attempt.question_answers == [None, QUESTION_ANSWER]
    assert (attempt.questions_correct, attempt.questions_total) == (1, 2)


def test_a_case_without_questions_has_no_score(client, trainee, author):
    case = make_unknown(author, questions=0)
    client.force_login(trainee)
    answer_page(client, case)
    attempt = Attempt.objects.get()
    assert (attempt.questions_correct, attempt.questions_total, attempt.score_percent) == (
        None,
        0,
        None,
    )


@pytest.mark.parametrize("value", ["7", "-1", "abc", "1.5", "99999999999999999999"])
def test_a_tampered_option_is_a_form_error_not_a_500(client, trainee, unknown, value):
    client.force_login(trainee)
    response = answer_page(client, unknown, question_0=value)
    assert response.status_code == 400
    assert "not one of this question" in response.content.decode()
    assert Attempt.objects.count() == 0


def test_a_tampered_start_time_is_a_form_error_and_keeps_the_answer(client, trainee, unknown):
    client.force_login(trainee)
    response = answer_page(client, unknown, answer="Bursitis of the hip", start_token="forged")
    html = response.content.decode()
    assert response.status_code == 400
    assert "start time of this unknown is not valid" in html
    assert "Bursitis of the hip" in html
    assert Attempt.objects.count() == 0


def test_a_start_token_of_another_case_is_refused(client, trainee, unknown, author):
    other = make_unknown(author, questions=0)
    client.force_login(trainee)
    token = services.start_token(user=trainee, case=other)
    assert answer_page(client, unknown, start_token=token).status_code == 400


def test_an_empty_answer_is_a_form_error(client, trainee, unknown):
    client.force_login(trainee)
    response = answer_page(client, unknown, answer="   ")
    assert response.status_code == 400
    assert "Write your diagnosis" in response.content.decode()
    assert Attempt.objects.count() == 0


def test_answering_through_the_api_records_the_attempt(trainee, unknown):
    api = api_as(trainee)
    token = api.get(f"/api/v1/unknowns/{unknown.pk}/").json()["start_token"]
    response = api.post(
        f"/api/v1/unknowns/{unknown.pk}/attempts/",
        {"answer": "Bursitis", "question_answers": [QUESTION_ANSWER, None], "start_token": token},
        format="json",
    )
    body = response.json()
    assert response.status_code == 201
    assert response["Location"] == body["url"]
    assert body["stage"] == "findings" and body["next_stage"] == "diagnosis"
    assert body["question_answers"] == [QUESTION_ANSWER, None]
    # The score is told with the diagnosis.
    assert body["questions_correct"] is None and body["questions_total"] == 2
    assert body["duration_seconds"] is not None
    attempt = Attempt.objects.get()
    assert (attempt.questions_correct, attempt.questions_total) == (1, 2)


def test_the_api_takes_a_start_time_from_the_clients_clock(trainee, unknown):
    started = timezone.now() - datetime.timedelta(minutes=3)
    response = api_as(trainee).post(
        f"/api/v1/unknowns/{unknown.pk}/attempts/",
        {"answer": "Bursitis", "started_at": started.isoformat()},
        format="json",
    )
    assert response.status_code == 201
    assert 180 <= response.json()["duration_seconds"] <= 185


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answer": "X", "question_answers": [9]}, "question_answers.0"),
        ({"answer": "X", "question_answers": [0, 0, 0]}, "question_answers"),
        ({"answer": "X", "question_answers": [-1]}, "question_answers.0"),
        ({"answer": "X", "question_answers": ["B"]}, "question_answers.0"),
        ({"answer": "X", "question_answers": "0"}, "question_answers"),
        ({"answer": ""}, "answer"),
        ({"answer": "X", "start_token": "forged"}, "start_token"),
        ({"answer": "X", "started_at": "2999-01-01T00:00:00Z"}, "started_at"),
        ({"answer": "X", "started_at": "yesterday"}, "started_at"),
    ],
)
def test_bad_answers_through_the_api_are_a_clear_400(trainee, unknown, body, field):
    response = api_as(trainee).post(f"/api/v1/unknowns/{unknown.pk}/attempts/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert response.json()["detail"]
    assert Attempt.objects.count() == 0


def test_options_changed_by_the_author_after_the_page_was_shown_are_a_form_error(
    client, trainee, unknown
):
    client.force_login(trainee)
    QuizQuestion.objects.filter(case=unknown, position=0).update(options=["Only", "Two"])
    assert answer_page(client, unknown, question_0="3").status_code == 400


# --- Revealing and judging ------------------------------------------------------------------------


def answered(user, case) -> Attempt:
    return services.start_attempt(user=user, case=case, answer="Bursitis", question_answers=[])


def test_revealing_goes_findings_diagnosis_discussion_and_then_conflicts(trainee, unknown):
    attempt = answered(trainee, unknown)
    api = api_as(trainee)
    stages = [api.post(f"/api/v1/attempts/{attempt.pk}/reveal/").json()["stage"] for _ in "ab"]
    assert stages == ["diagnosis", "discussion"]
    response = api.post(f"/api/v1/attempts/{attempt.pk}/reveal/")
    assert response.status_code == 409
    assert "shown already" in response.json()["detail"]


def test_revealing_everything_on_the_page_says_so_instead_of_failing(client, trainee, unknown):
    attempt = answered(trainee, unknown)
    attempt.stage = Attempt.Stage.DISCUSSION
    attempt.save()
    client.force_login(trainee)
    response = client.post(reverse("attempt-reveal", args=[attempt.pk]), follow=True)
    assert response.status_code == 200
    assert "shown already" in response.content.decode()


def test_overruling_comes_after_the_diagnosis_and_can_be_taken_back(trainee, unknown):
    attempt = answered(trainee, unknown)
    api = api_as(trainee)
    url = f"/api/v1/attempts/{attempt.pk}/assess/"
    early = api.post(url, {"self_assessment": "correct"}, format="json")
    assert early.status_code == 409
    api.post(f"/api/v1/attempts/{attempt.pk}/reveal/")
    judged = api.post(url, {"self_assessment": "partly"}, format="json")
    assert judged.status_code == 200
    body = judged.json()
    assert (body["verdict"], body["self_assessment"], body["overruled"]) == (
        "missed",
        "partly",
        True,
    )
    assert body["completed_at"] is not None
    back = api.post(url, {"self_assessment": "missed"}, format="json").json()
    assert (back["self_assessment"], back["overruled"]) == ("missed", False)
    assert Attempt.objects.get().self_assessment == "missed"


@pytest.mark.parametrize("value", ["", "brilliant", None, 3])
def test_a_judgement_that_is_not_a_choice_is_a_400(trainee, unknown, value):
    attempt = answered(trainee, unknown)
    api = api_as(trainee)
    api.post(f"/api/v1/attempts/{attempt.pk}/reveal/")
    response = api.post(
        f"/api/v1/attempts/{attempt.pk}/assess/", {"self_assessment": value}, format="json"
    )
    assert response.status_code == 400
    assert "self_assessment" in response.json()["errors"]


def test_judging_on_the_page(client, trainee, unknown):
    attempt = answered(trainee, unknown)
    client.force_login(trainee)
    client.post(reverse("attempt-reveal", args=[attempt.pk]))
    page = client.get(reverse("attempt-detail", args=[attempt.pk])).content.decode()
    assert "Missed</strong> — your answer names neither" in page
    assert "Judge it yourself" in page and 'value="correct"' in page
    response = client.post(
        reverse("attempt-assess", args=[attempt.pk]), {"self_assessment": "correct"}, follow=True
    )
    html = response.content.decode()
    assert "Recorded as correct." in html
    assert "You overruled this" in html
    bad = client.post(
        reverse("attempt-assess", args=[attempt.pk]), {"self_assessment": "nonsense"}, follow=True
    )
    assert bad.status_code == 200
    assert Attempt.objects.get().self_assessment == "correct"


def test_the_diagnosis_stage_shows_the_score_the_right_options_and_explanations(
    client, trainee, unknown
):
    client.force_login(trainee)
    answer_page(client, unknown, question_0=str(QUESTION_ANSWER), question_1="0")
    attempt = Attempt.objects.get()
    client.post(reverse("attempt-reveal", args=[attempt.pk]))
    html = client.get(reverse("attempt-detail", args=[attempt.pk])).content.decode()
    assert "1 of 2 right" in html and "(50%)" in html
    assert html.count("Correct answer") == 2
    assert "Explanation-secret 0" in html and "Explanation-secret 1" in html
    assert "Not right: the answer is C." in html


# --- Who may see what -------------------------------------------------------------------------


def test_another_persons_attempt_is_a_404(client, trainee, outsider, unknown):
    attempt = answered(trainee, unknown)
    client.force_login(outsider)
    assert client.get(reverse("attempt-detail", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("attempt-reveal", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("attempt-assess", args=[attempt.pk])).status_code == 404
    api = api_as(outsider)
    assert api.get(f"/api/v1/attempts/{attempt.pk}/").status_code == 404
    assert api.post(f"/api/v1/attempts/{attempt.pk}/reveal/").status_code == 404
    assert api.get("/api/v1/attempts/").json()["count"] == 0
    assert Attempt.objects.get().stage == Attempt.Stage.FINDINGS


@pytest.mark.parametrize(
    "fields",
    [
        {"published": False},
        {"in_unknown_mode": False},
        {"visibility": Case.Visibility.PRIVATE},
        {"status": Case.Status.RETRACTED},
    ],
    ids=["draft", "not an unknown", "private", "retracted"],
)
def test_unknowns_a_person_may_not_study_are_a_404(client, trainee, author, fields):
    case = make_unknown(author, **fields)
    client.force_login(trainee)
    assert client.get(unknown_url(case.pk)).status_code == 404
    assert answer_page(client, case).status_code == 404
    api = api_as(trainee)
    assert api.get(f"/api/v1/unknowns/{case.pk}/").status_code == 404
    response = api.post(f"/api/v1/unknowns/{case.pk}/attempts/", {"answer": "X"}, format="json")
    assert response.status_code == 404
    assert Attempt.objects.count() == 0


def test_an_institution_unknown_is_for_members_only(client, trainee, outsider, author, institution):
    case = make_unknown(
        author, visibility=Case.Visibility.INSTITUTION, institution=institution, questions=0
    )
    client.force_login(outsider)
    assert client.get(unknown_url(case.pk)).status_code == 404
    client.force_login(trainee)
    assert client.get(unknown_url(case.pk)).status_code == 200


def test_an_attempt_on_a_case_no_longer_readable_is_a_404(client, trainee, unknown):
    attempt = answered(trainee, unknown)
    Case.objects.filter(pk=unknown.pk).update(status=Case.Status.RETRACTED)
    client.force_login(trainee)
    assert client.get(reverse("attempt-detail", args=[attempt.pk])).status_code == 404


def test_visitors_are_asked_to_log_in_to_start(client, unknown):
    response = client.get(unknown_url(unknown.pk))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert answer_page(client, unknown).status_code == 302
    assert Attempt.objects.count() == 0
    api = APIClient()
    assert api.get(f"/api/v1/unknowns/{unknown.pk}/").status_code == 401
    assert (
        api.post(
            f"/api/v1/unknowns/{unknown.pk}/attempts/", {"answer": "X"}, format="json"
        ).status_code
        == 401
    )


@pytest.mark.parametrize("persona", ["author", "reviewer", "editor", "moderator"])
def test_every_role_can_study_unknowns(client, request, persona):
    case = make_unknown(make_user("someone_else", "author"), questions=0)
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert answer_page(client, case).status_code == 302
    assert Attempt.objects.filter(user=user).count() == 1


def test_a_malformed_id_is_a_404_not_a_500(trainee):
    api = api_as(trainee)
    assert api.get("/api/v1/unknowns/abc/").status_code == 404
    assert api.get(f"/api/v1/unknowns/{2**70}/").status_code == 404
    assert api.get("/api/v1/attempts/abc/").status_code == 404
    assert api.post(f"/api/v1/attempts/{2**70}/reveal/").status_code == 404
