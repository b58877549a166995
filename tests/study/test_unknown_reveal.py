"""The staged reveal never sends anything of a later stage before it is revealed: not in the
HTML (hidden elements and data attributes included), not in the API's answers."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from cases import media_urls
from study import labels
from study.models import Attempt
from study.views import unknown_url
from tests.factories import (
    DIAGNOSIS,
    DIAGNOSIS_SECRETS,
    DISCUSSION_SECRETS,
    FINDINGS_SECRETS,
    SLUG,
    make_unknown,
)

pytestmark = pytest.mark.django_db

LATER = {
    0: FINDINGS_SECRETS + DIAGNOSIS_SECRETS + DISCUSSION_SECRETS + (SLUG,),
    1: DIAGNOSIS_SECRETS + DISCUSSION_SECRETS + (SLUG,),
    2: DISCUSSION_SECRETS + (SLUG,),
    3: (),
}
SHOWN = {
    0: (),
    1: FINDINGS_SECRETS,
    2: FINDINGS_SECRETS + DIAGNOSIS_SECRETS,
    3: FINDINGS_SECRETS + DIAGNOSIS_SECRETS + DISCUSSION_SECRETS + (SLUG,),
}


def assert_no_leak(text: str, stage: int) -> None:
    lowered = text.lower()
    leaked = [secret for secret in LATER[stage] if secret.lower() in lowered]
    assert not leaked, f"stage {stage} sends {leaked}"


def assert_stage(text: str, stage: int) -> None:
    """Nothing of a later stage, and everything of this one (so the check can fail)."""
    assert_no_leak(text, stage)
    lowered = text.lower()
    missing = [secret for secret in SHOWN[stage] if secret.lower() not in lowered]
    assert not missing, f"stage {stage} does not show {missing}"


@pytest.fixture
def unknown(author):
    return make_unknown(author)


def test_each_page_of_the_staged_reveal_sends_only_what_is_revealed(client, trainee, unknown):
    client.force_login(trainee)
    listing = client.get(reverse("unknown-list"))
    assert_stage(listing.content.decode(), 0)

    page = client.get(unknown_url(unknown.pk))
    assert page.status_code == 200
    assert_stage(page.content.decode(), 0)
    assert "option-correct" not in page.content.decode()

    response = client.post(
        unknown_url(unknown.pk),
        {"answer": "Gluteal tendinopathy", "question_0": "1"},
    )
    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert response.url.startswith(reverse("attempt-detail", args=[attempt.pk]))
    assert_no_leak(response.content.decode() + response.url, 0)

    for stage in (1, 2, 3):
        page = client.get(reverse("attempt-detail", args=[attempt.pk]))
        html = page.content.decode()
        assert_stage(html, stage)
        assert ("option-correct" in html) == (stage >= 2)
        if stage < 3:
            reveal = client.post(reverse("attempt-reveal", args=[attempt.pk]))
            assert reveal.status_code == 302
            assert_no_leak(reveal.content.decode() + reveal.url, stage)


def test_each_api_answer_of_the_staged_reveal_sends_only_what_is_revealed(trainee, unknown):
    api = APIClient()
    api.force_authenticate(trainee)
    listing = api.get("/api/v1/unknowns/")
    assert listing.status_code == 200
    assert_stage(json.dumps(listing.json()), 0)

    detail = api.get(f"/api/v1/unknowns/{unknown.pk}/")
    assert detail.status_code == 200
    assert_stage(json.dumps(detail.json()), 0)
    assert [question["answer"] for question in detail.json()["questions"]] == [None]
    assert detail.json()["diagnosis"] is None and detail.json()["discussion"] is None

    created = api.post(
        detail.json()["attempts_url"],
        {"answer": "Gluteal tendinopathy", "question_answers": [1]},
        format="json",
    )
    assert created.status_code == 201
    assert_stage(json.dumps(created.json()), 1)
    attempt_url = created.json()["url"]

    for stage in (1, 2, 3):
        body = api.get(attempt_url).json()
        assert_stage(json.dumps(body), stage)
        assert (body["content"]["questions"][0]["answer"] is not None) == (stage >= 2)
        listed = json.dumps(api.get("/api/v1/attempts/").json()).lower()
        assert not [secret for secret in LATER[stage] if secret.lower() in listed]
        if stage < 3:
            revealed = api.post(f"{attempt_url}reveal/")
            assert revealed.status_code == 200
            assert_stage(json.dumps(revealed.json()), stage + 1)


def test_the_attempt_list_shows_the_diagnosis_only_once_revealed(trainee, unknown):
    api = APIClient()
    api.force_authenticate(trainee)
    created = api.post(
        f"/api/v1/unknowns/{unknown.pk}/attempts/", {"answer": "Bursitis"}, format="json"
    ).json()
    assert api.get("/api/v1/attempts/").json()["results"][0]["final_diagnosis"] is None
    api.post(f"{created['url']}reveal/")
    assert api.get("/api/v1/attempts/").json()["results"][0]["final_diagnosis"] == DIAGNOSIS


def test_a_history_that_names_the_diagnosis_is_withheld_until_the_diagnosis(
    client, trainee, author
):
    case = make_unknown(
        author,
        clinical_history=f"A 57-year-old man with known {DIAGNOSIS.lower()} of the other hip.",
    )
    client.force_login(trainee)
    page = client.get(unknown_url(case.pk)).content.decode()
    assert DIAGNOSIS.lower() not in page.lower()
    assert "withheld until the diagnosis" in page
    client.post(unknown_url(case.pk), {"answer": "Bursitis"})
    attempt = Attempt.objects.get()
    client.post(reverse("attempt-reveal", args=[attempt.pk]))
    page = client.get(reverse("attempt-detail", args=[attempt.pk])).content.decode()
    assert f"known {DIAGNOSIS.lower()}" in page.lower()


def test_the_unknown_shows_images_by_label_with_a_neutral_alt_text(client, trainee, unknown):
    client.force_login(trainee)
    html = client.get(unknown_url(unknown.pk)).content.decode()
    figure = unknown.studies.get().figures.get()
    assert escape(media_urls.figure_image_url(figure, "web")) in html
    assert 'alt="Fig 1, CT pelvis"' in html
    assert "Download DICOM" not in html


def test_the_page_title_of_the_unknown_is_neutral(client, trainee, unknown):
    client.force_login(trainee)
    html = client.get(unknown_url(unknown.pk)).content.decode()
    title = html.split("<title>")[1].split("</title>")[0]
    assert title.startswith(f"Unknown {labels.unknown_code(unknown)}")
    assert f"case {unknown.pk}" not in html.lower()
