"""The studies of a case through the API: who may read and change them, versioned edits."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from api.concurrency import etag
from cases.models import Case, Figure, Revision, Study
from imaging import uploads
from tests.factories import API_PERSONAS, make_case, signed_in_api_client

pytestmark = pytest.mark.django_db

PERSONAS = API_PERSONAS
client_for = signed_in_api_client


@pytest.fixture
def draft(two_author_draft) -> Case:
    return two_author_draft


@pytest.fixture
def study(draft) -> Study:
    return Study.objects.create(case=draft, modality="CT", label="CT pelvis", position=0)


def url(case: Case, study: Study | None = None) -> str:
    base = f"/api/v1/cases/{case.pk}/studies/"
    return f"{base}{study.pk}/" if study else base


def if_match(case: Case) -> dict[str, str]:
    case.refresh_from_db()
    return {"HTTP_IF_MATCH": etag(case)}


def png_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("L", (64, 64), 90).save(buffer, format="PNG")
    return SimpleUploadedFile("knee.png", buffer.getvalue(), content_type="image/png")


def stored_files(settings) -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


# --- Who may read ---------------------------------------------------------------------------

DRAFT_READ = {
    "anonymous": 404,
    "trainee": 404,
    "author": 200,
    "coauthor": 200,
    "another_author": 404,
    "editor": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_studies_of_a_draft_are_read_by_its_authors_only(api_personas, draft, study, persona):
    client = client_for(api_personas[persona])
    assert client.get(url(draft)).status_code == DRAFT_READ[persona]
    assert client.get(url(draft, study)).status_code == DRAFT_READ[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_reads_the_studies_of_a_published_public_case(api_personas, author, persona):
    case = make_case(author=author)
    study = Study.objects.create(case=case, modality="XR", label="Pelvis radiograph")
    client = client_for(api_personas[persona])
    listed = client.get(url(case))
    assert listed.status_code == 200
    assert [row["label"] for row in listed.json()["results"]] == ["Pelvis radiograph"]
    assert client.get(url(case, study)).status_code == 200


def test_editors_read_the_studies_of_a_submitted_case(editor, draft, study):
    Case.objects.filter(pk=draft.pk).update(status=Case.Status.SUBMITTED)
    assert client_for(editor).get(url(draft, study)).status_code == 200


def test_a_study_of_another_case_is_not_found(author, draft, study):
    other = make_case(author=author, published=False)
    assert client_for(author).get(url(other, study)).status_code == 404


def test_the_list_gives_the_studies_in_order_with_their_figures_and_the_case_etag(
    author, draft, study
):
    first = Study.objects.create(case=draft, modality="XR", label="Radiograph", position=0)
    Study.objects.filter(pk=study.pk).update(position=1)
    figure = Figure.objects.create(study=study, label="Fig 1")
    response = client_for(author).get(url(draft))
    assert response.status_code == 200
    assert response["ETag"].startswith(etag(draft)[:-1] + ".")
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [first.pk, study.pk]
    assert body["results"][1] == {
        "id": study.pk,
        "position": 1,
        "modality": "CT",
        "modality_display": "CT",
        "label": "CT pelvis",
        "timing": "",
        "findings": "",
        "figures": [figure.pk],
    }


# --- Who may write --------------------------------------------------------------------------

DRAFT_WRITE = {
    "anonymous": 401,
    "trainee": 404,
    "author": 201,
    "coauthor": 201,
    "another_author": 404,
    "editor": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_authors_add_studies_to_their_draft(api_personas, draft, persona):
    response = client_for(api_personas[persona]).post(
        url(draft), {"modality": "MR", "label": "MRI hip"}, **if_match(draft)
    )
    assert response.status_code == DRAFT_WRITE[persona]
    assert draft.studies.count() == (1 if DRAFT_WRITE[persona] == 201 else 0)


PATCH_DRAFT = {**DRAFT_WRITE, "author": 200, "coauthor": 200}
DELETE_DRAFT = {**DRAFT_WRITE, "author": 204, "coauthor": 204}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_authors_change_and_remove_studies_of_their_draft(
    api_personas, draft, study, persona
):
    client = client_for(api_personas[persona])
    changed = client.patch(url(draft, study), {"label": "CT abdomen"}, **if_match(draft))
    assert changed.status_code == PATCH_DRAFT[persona]
    removed = client.delete(url(draft, study), **if_match(draft))
    assert removed.status_code == DELETE_DRAFT[persona]


SUBMITTED_WRITE = {
    "anonymous": 401,
    "trainee": 404,
    "author": 403,
    "coauthor": 403,
    "another_author": 404,
    "editor": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_nobody_changes_the_studies_of_a_submitted_case(api_personas, draft, study, persona):
    Case.objects.filter(pk=draft.pk).update(status=Case.Status.SUBMITTED)
    client = client_for(api_personas[persona])
    expected = SUBMITTED_WRITE[persona]
    assert client.post(url(draft), {"modality": "US"}, **if_match(draft)).status_code == expected
    assert client.patch(url(draft, study), {"label": "x"}, **if_match(draft)).status_code == (
        expected
    )
    assert client.delete(url(draft, study), **if_match(draft)).status_code == expected
    assert Study.objects.get(pk=study.pk).label == "CT pelvis"


@pytest.mark.parametrize("persona", PERSONAS)
def test_nobody_changes_the_studies_of_a_published_case_in_place(api_personas, author, persona):
    case = make_case(author=author)
    expected = 401 if persona == "anonymous" else 403
    response = client_for(api_personas[persona]).post(
        url(case), {"modality": "US"}, **if_match(case)
    )
    assert response.status_code == expected


def test_an_author_of_a_locked_case_is_told_why(author, draft):
    Case.objects.filter(pk=draft.pk).update(status=Case.Status.SUBMITTED)
    response = client_for(author).post(url(draft), {"modality": "US"}, **if_match(draft))
    assert response.status_code == 403
    assert "withdraw" in response.json()["detail"]


# --- Edits are versioned ----------------------------------------------------------------------


def test_adding_a_study_appends_it_raises_the_version_and_records_a_revision(author, draft, study):
    response = client_for(author).post(
        url(draft),
        {"modality": "MR", "label": "MRI hip", "timing": "a week later", "findings": "Oedema."},
        **if_match(draft),
    )
    assert response.status_code == 201
    created = Study.objects.get(pk=response.json()["id"])
    assert (created.position, created.label, created.timing) == (1, "MRI hip", "a week later")
    assert response["Location"].endswith(url(draft, created))
    draft.refresh_from_db()
    assert draft.version == 2
    assert response["ETag"] == etag(draft)
    revision = Revision.objects.filter(case=draft).latest("number")
    assert revision.case_version == 2
    assert [s["label"] for s in revision.document["studies"]] == ["CT pelvis", "MRI hip"]


def test_the_version_may_be_sent_in_the_body(author, draft):
    response = client_for(author).post(
        url(draft), {"modality": "XR", "version": draft.version}, format="json"
    )
    assert response.status_code == 201


def test_a_write_without_the_version_is_refused_with_428(author, draft, study):
    client = client_for(author)
    assert client.post(url(draft), {"modality": "XR"}).status_code == 428
    assert client.patch(url(draft, study), {"label": "x"}).status_code == 428
    assert client.delete(url(draft, study)).status_code == 428
    assert draft.studies.count() == 1


def test_a_write_from_an_older_version_is_refused_with_412_and_changes_nothing(
    author, coauthor, draft, study
):
    stale = if_match(draft)
    assert client_for(coauthor).patch(url(draft, study), {"label": "CT"}, **stale).status_code == (
        200
    )
    client = client_for(author)
    response = client.patch(url(draft, study), {"label": "Mine"}, **stale)
    assert response.status_code == 412
    assert response.json()["detail"].startswith("This case was changed by someone else")
    assert client.post(url(draft), {"modality": "XR"}, **stale).status_code == 412
    assert client.delete(url(draft, study), **stale).status_code == 412
    assert list(draft.studies.values_list("label", flat=True)) == ["CT"]


def test_a_study_follows_the_editor_rules(author, draft, study):
    client = client_for(author)
    wrong = client.post(url(draft), {"modality": "XX", "label": "y" * 201}, **if_match(draft))
    assert wrong.status_code == 400
    assert set(wrong.json()["errors"]) == {"modality"}
    too_long = client.patch(url(draft, study), {"label": "y" * 201}, **if_match(draft))
    assert too_long.status_code == 400
    assert too_long.json()["errors"]["label"] == [
        "Ensure this value has at most 200 characters (it has 201)."
    ]
    assert client.post(url(draft), {"label": "no modality"}, **if_match(draft)).status_code == 400
    assert client.post(url(draft), ["a list"], **if_match(draft)).status_code == 400
    assert client.patch(url(draft, study), {"label": {"a": 1}}, **if_match(draft)).status_code == (
        400
    )
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_patch_without_changes_is_refused(author, draft, study):
    response = client_for(author).patch(url(draft, study), {}, **if_match(draft))
    assert response.status_code == 400
    assert "Nothing to change" in response.json()["detail"]


def test_changing_a_study_keeps_the_fields_not_sent(author, draft, study):
    Study.objects.filter(pk=study.pk).update(findings="Calcification.")
    response = client_for(author).patch(
        url(draft, study), {"timing": "at presentation"}, **if_match(draft)
    )
    assert response.status_code == 200
    study.refresh_from_db()
    assert (study.label, study.timing, study.findings) == (
        "CT pelvis",
        "at presentation",
        "Calcification.",
    )


def test_a_study_is_moved_by_its_position(author, draft, study):
    second = Study.objects.create(case=draft, modality="MR", position=1)
    third = Study.objects.create(case=draft, modality="US", position=2)
    client = client_for(author)
    assert client.patch(url(draft, third), {"position": 0}, **if_match(draft)).status_code == 200
    assert list(draft.studies.values_list("pk", "position")) == [
        (third.pk, 0),
        (study.pk, 1),
        (second.pk, 2),
    ]
    assert client.patch(url(draft, third), {"position": 99}, **if_match(draft)).status_code == 200
    assert list(draft.studies.values_list("pk", flat=True)) == [study.pk, second.pk, third.pk]
    negative = client.patch(url(draft, third), {"position": -1}, **if_match(draft))
    assert negative.status_code == 400


def test_removing_a_study_removes_its_figures_and_their_files_once_committed(
    settings, author, draft, study, django_capture_on_commit_callbacks
):
    with TestCase.captureOnCommitCallbacks(execute=True):
        uploads.add_figure(study, upload=png_upload(), by=author)
    second = Study.objects.create(case=draft, modality="MR", position=1)
    assert stored_files(settings)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(author).delete(url(draft, study), **if_match(draft))
    assert response.status_code == 204
    assert not Study.objects.filter(pk=study.pk).exists()
    assert Figure.objects.count() == 0
    # As the editor does: the original and the thumbnail go (the other sizes are shared by name).
    left = stored_files(settings)
    assert not any("originals" in str(path) or "-thumb" in path.name for path in left)
    second.refresh_from_db()
    assert second.position == 0
    draft.refresh_from_db()
    assert response["ETag"] == etag(draft)
    assert draft.version == 2


# --- Query counts -------------------------------------------------------------------------------


def add_studies(case: Case, count: int) -> None:
    for number in range(count):
        study = Study.objects.create(case=case, modality="CT", position=number)
        Figure.objects.create(study=study, label="Fig 1")
        Figure.objects.create(study=study, label="Fig 2", position=1)


@pytest.mark.parametrize("rows", [1, 50])
def test_the_study_list_reads_as_many_queries_for_one_study_as_for_many(
    author, draft, rows, django_assert_num_queries
):
    add_studies(draft, rows)
    client = client_for(author)
    # session, user, roles, the case (with the visibility rule), count, studies, their figures
    with django_assert_num_queries(7):
        response = client.get(url(draft), {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows
