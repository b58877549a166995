"""If-Match on the API's writes, as RFC 9110 reads it: 412 when the condition is false (a
weak tag, a list none of whose tags match, a malformed value), `*` matches the existing case,
and 428 only when the write names no version at all."""

from __future__ import annotations

import pytest

from api.concurrency import etag
from cases.models import Case, Figure, Study
from tests.factories import signed_in_api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(two_author_draft) -> Case:
    return two_author_draft


@pytest.fixture
def study(draft) -> Study:
    return Study.objects.create(case=draft, modality="CT", label="CT pelvis", position=0)


def case_url(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/"


def study_url(case: Case, study: Study) -> str:
    return f"/api/v1/cases/{case.pk}/studies/{study.pk}/"


def patch_case(client, case: Case, if_match: str | None = None, **body):
    headers = {} if if_match is None else {"If-Match": if_match}
    body = body or {"final_diagnosis": "Osteoid osteoma"}
    return client.patch(case_url(case), body, format="json", headers=headers)


def patch_study(client, case: Case, study: Study, if_match: str | None = None, **body):
    headers = {} if if_match is None else {"If-Match": if_match}
    body = body or {"label": "CT knee"}
    return client.patch(study_url(case, study), body, format="json", headers=headers)


def current(case: Case) -> str:
    case.refresh_from_db()
    return etag(case)


NOT_MATCHING = {
    "a weak tag of the current version": lambda case: f"W/{etag(case)}",
    "a list of other tags": lambda case: f'"case-{case.pk}-v99", "something-else"',
    "a list of weak tags only": lambda case: f'W/{etag(case)}, W/"case-{case.pk}-v99"',
    "a malformed value": lambda case: "not an entity tag",
    "an unquoted version": lambda case: f"case-{case.pk}-v{case.version}",
    "the tag of another case": lambda case: f'"case-{case.pk + 1000}-v{case.version}"',
    "an empty value": lambda case: "",
}


@pytest.mark.parametrize("value", NOT_MATCHING.values(), ids=NOT_MATCHING.keys())
def test_a_case_edit_whose_if_match_does_not_match_is_refused_with_412(author, draft, value):
    before = draft.version
    response = patch_case(signed_in_api_client(author), draft, value(draft))
    assert response.status_code == 412, response.json()
    assert response.json()["detail"]
    draft.refresh_from_db()
    assert draft.version == before
    assert draft.final_diagnosis != "Osteoid osteoma"


@pytest.mark.parametrize("value", NOT_MATCHING.values(), ids=NOT_MATCHING.keys())
def test_a_study_edit_whose_if_match_does_not_match_is_refused_with_412(
    author, draft, study, value
):
    response = patch_study(signed_in_api_client(author), draft, study, value(draft))
    assert response.status_code == 412, response.json()
    study.refresh_from_db()
    assert study.label == "CT pelvis"


def test_a_list_of_tags_one_of_which_is_current_matches(author, draft, study):
    client = signed_in_api_client(author)
    listed = f'W/"case-{draft.pk}-v99", "case-{draft.pk}-v77", {current(draft)}'
    assert patch_case(client, draft, listed).status_code == 200
    listed = f'"case-{draft.pk}-v77", {current(draft)}'
    assert patch_study(client, draft, study, listed).status_code == 200


def test_the_etag_of_a_read_matches_with_its_digest(author, draft):
    client = signed_in_api_client(author)
    read = client.get(case_url(draft))
    assert patch_case(client, draft, read["ETag"]).status_code == 200


def test_a_star_matches_the_existing_case(author, draft, study):
    client = signed_in_api_client(author)
    assert patch_case(client, draft, "*").status_code == 200
    assert patch_study(client, draft, study, "*").status_code == 200
    draft.refresh_from_db()
    assert draft.final_diagnosis == "Osteoid osteoma"


def test_only_a_write_that_names_no_version_gets_428(author, draft, study):
    client = signed_in_api_client(author)
    assert patch_case(client, draft).status_code == 428
    assert patch_study(client, draft, study).status_code == 428
    body = {"final_diagnosis": "Osteoid osteoma", "version": draft.version}
    assert patch_case(client, draft, None, **body).status_code == 200


def test_an_older_version_of_the_case_is_412_saying_it_changed(author, draft, study):
    client = signed_in_api_client(author)
    old = current(draft)
    assert patch_case(client, draft, old).status_code == 200
    stale = patch_study(client, draft, study, old)
    assert stale.status_code == 412
    assert stale.json()["detail"].startswith("This case was changed by someone else")


@pytest.mark.parametrize("value", NOT_MATCHING.values(), ids=NOT_MATCHING.keys())
def test_a_figure_edit_whose_if_match_does_not_match_is_refused_with_412(
    author, draft, study, value
):
    figure = Figure.objects.create(study=study, label="Fig 1", caption="As written")
    response = signed_in_api_client(author).patch(
        f"/api/v1/cases/{draft.pk}/figures/{figure.pk}/",
        {"caption": "Changed"},
        format="json",
        headers={"If-Match": value(draft)},
    )
    assert response.status_code == 412, response.json()
    assert Figure.objects.get(pk=figure.pk).caption == "As written"
