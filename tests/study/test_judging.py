"""Unknowns that score themselves: the answer judged against the diagnosis, its other names and
the differentials when it is given; the trainee may overrule it; progress counts it at once."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import DifferentialDiagnosis
from study import judging, labels, services
from study.models import Attempt
from study.views import unknown_url
from tests.factories import QUESTION_ANSWER, make_unknown

NAMES = judging.names_of("Osteoid osteoma (nidus)", "Osteoid osteoma of the tibia")
DIFFERENTIALS = ["Brodie abscess", "Stress fracture", "Osteoma"]


def verdict_of(answer: str) -> str:
    return judging.judge(answer, names=NAMES, differentials=DIFFERENTIALS).verdict


# --- Matching ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "Osteoid osteoma",
        "osteoid osteoma of the left tibia",
        "I think an osteoid osteoma, probably",
        "nidus",
    ],
)
def test_the_diagnosis_or_another_name_of_it_is_right(answer):
    assert verdict_of(answer) == judging.RIGHT


@pytest.mark.parametrize(
    "answer", ["osteiod osteoma", "osteoid osteomma", "ostoid osteoma", "Osteoid-Osteoma"]
)
def test_small_typing_errors_are_forgiven(answer):
    assert verdict_of(answer) == judging.RIGHT


@pytest.mark.parametrize(
    "answer", ["OSTEOID OSTEOMA!", "Ostéoïd ostéoma", "  osteoid   osteoma.  ", "osteoid_osteoma"]
)
def test_case_accents_spaces_and_punctuation_do_not_count(answer):
    assert verdict_of(answer) == judging.RIGHT


@pytest.mark.parametrize("answer", ["Brodie's abscess", "brodie abcess", "stress fracture"])
def test_a_listed_differential_is_partly_right(answer):
    assert verdict_of(answer) == judging.PARTLY


def test_the_longer_closer_name_wins_over_a_differential_inside_it():
    # "osteoma" is a differential, but the answer names osteoid osteoma as a whole.
    assert verdict_of("osteoid osteoma") == judging.RIGHT
    assert verdict_of("osteoma") == judging.PARTLY


@pytest.mark.parametrize(
    "answer", ["Ewing sarcoma", "enchondroma", "osteo", "", "!!!", "tibia", "x" * 2000]
)
def test_an_unrelated_answer_is_missed(answer):
    assert verdict_of(answer) == judging.MISSED


def test_words_must_start_alike_and_numbers_match_exactly():
    assert judging.judge("enchondroma", names=["Chondroma"]).verdict == judging.MISSED
    names = ["Neurofibromatosis type 1"]
    assert judging.judge("neurofibromatosis type 2", names=names).verdict == judging.MISSED
    assert judging.judge("neurofibromatosis type 1", names=names).verdict == judging.RIGHT


def test_words_joined_or_split_still_name_the_diagnosis():
    assert judging.judge("nonossifying fibroma", names=["Non-ossifying fibroma"]).verdict == (
        judging.RIGHT
    )
    assert judging.judge("non ossifying fibroma", names=["Nonossifying fibroma"]).verdict == (
        judging.RIGHT
    )


def test_names_include_alternatives_and_the_name_without_its_site():
    names = judging.names_of(
        "Tumoral calcinosis (Teutschlaender disease)", "Tumoral calcinosis of the hip"
    )
    assert "Teutschlaender disease" in names and "Tumoral calcinosis" in names
    assert judging.judge("tumoral calcinsis", names=names).verdict == judging.RIGHT


# --- Judged when answered, overruled by the trainee ----------------------------------------------


@pytest.fixture
def unknown(author):
    case = make_unknown(
        author,
        questions=1,
        parts=0,
        title="Tumoral calcinosis of the hip",
        final_diagnosis="Tumoral calcinosis",
    )
    DifferentialDiagnosis.objects.create(case=case, position=0, diagnosis="Myositis ossificans")
    return case


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        ("tumoral calcinsis", "correct"),
        ("Myositis ossificans", "partly"),
        ("Gout", "missed"),
    ],
)
def test_an_answer_is_judged_as_it_is_given(trainee, unknown, answer, verdict):
    attempt = services.start_attempt(
        user=trainee, case=unknown, answer=answer, question_answers=[QUESTION_ANSWER]
    )
    assert attempt.verdict == attempt.self_assessment == verdict
    assert not attempt.overruled and attempt.completed_at is not None


def test_progress_counts_a_right_answer_at_once(client, trainee, unknown):
    client.force_login(trainee)
    client.post(
        unknown_url(unknown.pk),
        {"answer": "Tumoral calcinosis", "question_0": str(QUESTION_ANSWER)},
    )
    html = client.get(reverse("progress")).content.decode()
    assert "100%" in html and "1 of 1 judged right" in html
    assert "Accuracy</dt><dd>0%" not in html


def test_progress_never_counts_an_unjudged_attempt_as_wrong(client, trainee, unknown):
    # An attempt from before answers were judged at once, never judged by the trainee.
    Attempt.objects.create(
        user=trainee, case=unknown, case_version=1, answer="x", started_at=unknown.created_at
    )
    services.start_attempt(
        user=trainee, case=unknown, answer="Tumoral calcinosis", question_answers=[QUESTION_ANSWER]
    )
    body = api_as(trainee).get("/api/v1/progress/").json()
    assert (body["attempts"], body["assessed"], body["right"]) == (2, 1, 1)
    assert body["accuracy_percent"] == 100


def test_overruling_changes_what_progress_counts(trainee, unknown):
    attempt = services.start_attempt(
        user=trainee, case=unknown, answer="Calcified haematoma", question_answers=[QUESTION_ANSWER]
    )
    api = api_as(trainee)
    assert api.get("/api/v1/progress/").json()["right"] == 0
    api.post(f"/api/v1/attempts/{attempt.pk}/reveal/")
    response = api.post(
        f"/api/v1/attempts/{attempt.pk}/assess/", {"self_assessment": "correct"}, format="json"
    )
    assert response.json()["overruled"] is True
    assert api.get("/api/v1/progress/").json()["right"] == 1
    attempt.refresh_from_db()
    assert (attempt.verdict, attempt.self_assessment, attempt.overruled) == (
        "missed",
        "correct",
        True,
    )


# --- The API -------------------------------------------------------------------------------------


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_shows_the_verdict_with_the_diagnosis_not_before(trainee, unknown):
    api = api_as(trainee)
    detail = api.get(f"/api/v1/unknowns/{unknown.pk}/").json()
    response = api.post(
        detail["attempts_url"],
        {"answer": "Myositis ossificans", "start_token": detail["start_token"]},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["verdict"], body["self_assessment"], body["overruled"]) == (None, None, False)
    assert body["can_assess"] is False
    revealed = api.post(f"/api/v1/attempts/{body['id']}/reveal/").json()
    assert (revealed["verdict"], revealed["self_assessment"]) == ("partly", "partly")
    assert revealed["can_assess"] is True


def test_the_api_names_the_unknown_by_its_code_not_its_number(trainee, unknown):
    api = api_as(trainee)
    code = labels.unknown_code(unknown)
    detail = api.get(f"/api/v1/unknowns/{unknown.pk}/").json()
    assert detail["name"] == f"Unknown {code}"
    assert detail["label"].startswith(f"Unknown {code} · ")
    listed = api.get("/api/v1/unknowns/").json()["results"]
    assert [item["label"] for item in listed] == [detail["label"]]
    assert all(f"Case {unknown.pk}" not in item["label"] for item in listed)


# --- The pages -----------------------------------------------------------------------------------


def test_the_attempt_page_says_how_the_answer_was_judged_and_offers_to_overrule(
    client, trainee, unknown
):
    client.force_login(trainee)
    response = client.post(
        unknown_url(unknown.pk),
        {"answer": "Myositis ossificans", "question_0": str(QUESTION_ANSWER)},
    )
    attempt = Attempt.objects.get()
    before = client.get(response.url).content.decode()
    assert "Partly right" not in before and "Judge it yourself" not in before
    client.post(reverse("attempt-reveal", args=[attempt.pk]))
    html = client.get(reverse("attempt-detail", args=[attempt.pk])).content.decode()
    assert "Partly right</strong> — your answer names a differential diagnosis" in html
    assert "“Myositis ossificans”" in html and "Judge it yourself" in html
    checked = re.findall(
        r'<input type="radio" name="self_assessment" value="(\w+)"[^>]*checked', html
    )
    assert checked == ["partly"]
    title = html.split("<title>")[1].split("</title>")[0]
    assert "Tumoral calcinosis" in title  # the diagnosis is shown now, title and all


def test_the_unknown_page_names_the_unknown_by_its_code(client, trainee, unknown):
    client.force_login(trainee)
    html = client.get(unknown_url(unknown.pk)).content.decode()
    title = html.split("<title>")[1].split("</title>")[0]
    assert title.strip().startswith(f"Unknown {labels.unknown_code(unknown)}")
    assert f"Case {unknown.pk}" not in html and f"case {unknown.pk}" not in html


# --- Attempts made before answers were judged ----------------------------------------------------


def test_the_migration_judges_earlier_attempts_and_keeps_the_trainees_judgements(trainee, unknown):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("study.migrations.0002_attempt_verdict")
    started = unknown.created_at
    unjudged = Attempt.objects.create(
        user=trainee, case=unknown, case_version=1, answer="Tumoral calcinosis", started_at=started
    )
    judged = Attempt.objects.create(
        user=trainee,
        case=unknown,
        case_version=1,
        answer="Myositis ossificans",
        started_at=started,
        self_assessment="correct",
    )
    migration.judge_earlier_attempts(apps, None)
    unjudged.refresh_from_db()
    judged.refresh_from_db()
    assert (unjudged.verdict, unjudged.self_assessment, unjudged.overruled) == (
        "correct",
        "correct",
        False,
    )
    assert unjudged.completed_at is not None
    assert (judged.verdict, judged.self_assessment, judged.overruled) == ("partly", "correct", True)


def test_recent_attempts_keep_the_verdict_until_the_diagnosis_is_shown(client, trainee, unknown):
    attempt = services.start_attempt(
        user=trainee, case=unknown, answer="Myositis ossificans", question_answers=[0]
    )
    client.force_login(trainee)
    recent = client.get(reverse("progress")).content.decode().split("Recent attempts")[1]
    assert "verdict shown with the diagnosis" in recent and "Partly correct" not in recent
    services.reveal_next_stage(attempt=attempt, by=trainee)
    recent = client.get(reverse("progress")).content.decode().split("Recent attempts")[1]
    assert "Partly correct" in recent
