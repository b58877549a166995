"""The case resource of the API: the canonical document, edits, deletes, the workflow."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from cases.document import DOCUMENT_PREFETCH, case_to_document
from cases.models import Case, CaseEvent, Revision
from reviews.models import Review
from tests.factories import PASSWORD, complete_case, make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def document_of(case: Case) -> dict:
    return case_to_document(Case.objects.prefetch_related(*DOCUMENT_PREFETCH).get(pk=case.pk))


def case_authors_with_names(case_id: int, name: str) -> bool:
    return Case.objects.get(pk=case_id).authors.filter(name=name).exists()


def new_draft(author, **document) -> dict:
    response = client_for(author).post(
        "/api/v1/cases/",
        {"title": "Osteoid osteoma of the femoral neck", **document},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


# Reading ------------------------------------------------------------------------------------


def test_the_case_detail_is_the_canonical_document(author):
    case = make_case(author=author, clinical_history="Night pain relieved by aspirin.")
    response = client_for().get(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 200
    assert response.json() == document_of(case)
    # The version, then a digest of what was read (see api/concurrency.py).
    assert response["ETag"].startswith(f'"case-{case.pk}-v{case.version}.')


def test_a_case_nobody_may_see_is_not_found_rather_than_forbidden(author, trainee):
    draft = make_case(author=author, published=False)
    for client in (client_for(), client_for(trainee)):
        response = client.get(f"/api/v1/cases/{draft.pk}/")
        assert response.status_code == 404
        assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize("pk", ["0", "-1", "99999999999999999999999", "abc"])
def test_odd_case_ids_are_not_found(pk):
    assert client_for().get(f"/api/v1/cases/{pk}/").status_code == 404


def test_the_list_shows_published_cases_to_everyone_and_drafts_to_their_authors(author, trainee):
    published = make_case(author=author)
    draft = make_case(author=author, published=False, title="Draft")
    unlisted = make_case(author=author, visibility="unlisted", title="Unlisted")
    anonymous_ids = {row["id"] for row in client_for().get("/api/v1/cases/").json()["results"]}
    assert anonymous_ids == {published.pk}
    own = client_for(author).get("/api/v1/cases/?mine=true").json()
    assert {row["id"] for row in own["results"]} == {published.pk, draft.pk, unlisted.pk}
    drafts = client_for(author).get("/api/v1/cases/?status=draft").json()
    assert [row["id"] for row in drafts["results"]] == [draft.pk]
    assert client_for(trainee).get("/api/v1/cases/?status=draft").json()["count"] == 0


def test_the_list_is_paginated_with_counts_and_links(author):
    for number in range(3):
        make_case(author=author, title=f"Case {number}")
    page = client_for().get("/api/v1/cases/?page_size=2").json()
    assert page["count"] == 3
    assert len(page["results"]) == 2
    assert "page=2" in page["next"]
    assert page["previous"] is None


def test_the_list_searches_filters_and_orders_like_the_browse_page(author):
    make_case(author=author, title="Osteoid osteoma", final_diagnosis="Osteoid osteoma")
    make_case(author=author, title="Calcific tendinitis")
    found = client_for().get("/api/v1/cases/?q=osteoid").json()["results"]
    assert [row["title"] for row in found] == ["Osteoid osteoma"]
    ordered = client_for().get("/api/v1/cases/?ordering=title").json()["results"]
    assert [row["title"] for row in ordered] == ["Calcific tendinitis", "Osteoid osteoma"]
    bad = client_for().get("/api/v1/cases/?modality=XYZ")
    assert bad.status_code == 400
    assert "modality" in bad.json()["errors"]


def test_the_list_query_count_does_not_grow_with_rows(author, django_assert_num_queries):
    make_case(author=author)
    client = APIClient()
    client.login(username="author", password=PASSWORD)
    client.get("/api/v1/cases/")  # the body systems, read once per process
    # The session, the user, their roles, the count, the page, the systems and studies; the
    # count counted afresh, not kept from the request before (api/pagination.py).
    cache.clear()
    with django_assert_num_queries(6) as one:
        response = client.get("/api/v1/cases/?page_size=1")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1
    for number in range(60):
        make_case(author=author, title=f"Case {number}")
    cache.clear()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/api/v1/cases/?page_size=50")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 50


# Writing ------------------------------------------------------------------------------------


def test_an_author_creates_a_draft_from_a_document(author):
    document = new_draft(
        author,
        patient={"age": 14, "sex": "male"},
        clinical_history="Night pain.",
        sections=[{"kind": "discussion", "heading": "Discussion", "body": "Nidus."}],
        teaching_points=["A nidus under 1.5 cm."],
        tags=["osteoid osteoma"],
        systems=["musculoskeletal"],
        rights={"licence": "CC-BY-4.0"},
    )
    case = Case.objects.get(pk=document["id"])
    assert case.status == "draft"
    assert case.created_by == author
    assert document["patient"]["age"] == 14
    assert document["sections"][0]["body"] == "Nidus."
    assert document["teaching_points"] == ["A nidus under 1.5 cm."]
    assert [tag["name"] for tag in document["tags"]] == ["osteoid osteoma"]
    assert document["rights"]["licence"] == "CC-BY-4.0"
    assert document["authors"][0]["username"] == "author"


def test_a_trainee_cannot_create_cases(trainee):
    response = client_for(trainee).post("/api/v1/cases/", {"title": "Mine"}, format="json")
    assert response.status_code == 403


def test_a_create_with_an_invalid_part_saves_nothing(author):
    response = client_for(author).post(
        "/api/v1/cases/",
        {"title": "A case", "patient": {"age": 400}, "references": [{"doi": "nonsense"}]},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "patient.age" in body["errors"]
    assert any(field.startswith("references.0") for field in body["errors"])
    assert not Case.objects.exists()


def test_an_edit_needs_the_version_it_was_made_from(author):
    document = new_draft(author)
    url = f"/api/v1/cases/{document['id']}/"
    client = client_for(author)
    missing = client.patch(url, {"final_diagnosis": "Osteoid osteoma"}, format="json")
    assert missing.status_code == 428
    edited = client.patch(
        url,
        {"final_diagnosis": "Osteoid osteoma"},
        format="json",
        headers={"If-Match": f'"case-{document["id"]}-v{document["version"]}"'},
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["final_diagnosis"] == "Osteoid osteoma"
    assert edited.json()["version"] == document["version"] + 1
    stale = client.patch(
        url, {"final_diagnosis": "Ewing sarcoma"}, format="json", headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert Case.objects.get(pk=document["id"]).final_diagnosis == "Osteoid osteoma"


def test_an_edit_may_give_the_version_in_the_body_as_a_round_trip(author):
    document = new_draft(author, teaching_points=["One", "Two"])
    document["teaching_points"] = ["Two", "Three", "One"]
    document["title"] = "Osteoid osteoma, revisited"
    response = client_for(author).patch(f"/api/v1/cases/{document['id']}/", document, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["teaching_points"] == ["Two", "Three", "One"]
    assert response.json()["title"] == "Osteoid osteoma, revisited"
    assert Revision.objects.filter(case_id=document["id"]).count() == 3


def test_a_list_replaces_the_whole_list_and_unchanged_rows_are_kept(author):
    document = new_draft(
        author,
        sections=[
            {"kind": "discussion", "heading": "A", "body": "a"},
            {"kind": "discussion", "heading": "B", "body": "b"},
        ],
    )
    case = Case.objects.get(pk=document["id"])
    first = case.sections.get(heading="A").pk
    response = client_for(author).patch(
        f"/api/v1/cases/{case.pk}/",
        {"version": document["version"], "sections": [{"heading": "A", "body": "a"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [s["heading"] for s in response.json()["sections"]] == ["A"]
    assert case.sections.get().pk == first


def test_edit_errors_are_named_by_their_place_in_the_document(author):
    document = new_draft(author)
    response = client_for(author).patch(
        f"/api/v1/cases/{document['id']}/",
        {
            "version": document["version"],
            "title": "",
            "questions": [{"stem": "Which?", "options": ["only one"], "answer": 0}],
            "rights": {"licence": "all-rights-reserved"},
            "colour": "blue",
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"title", "questions.0.options", "rights.licence", "colour"} <= set(errors)


@pytest.mark.parametrize(
    "body",
    [
        {"sections": "not a list"},
        {"sections": [1, 2]},
        {"patient": "old"},
        {"systems": [{"code": 1}]},
        {"tags": [None]},
        {"in_unknown_mode": "yes"},
        {"questions": [{"stem": "Q", "options": "a,b", "answer": "first"}]},
        {"title": {"nested": True}},
        {"rehabilitation": ["walk"]},
    ],
)
def test_values_of_the_wrong_type_are_a_clear_400(author, body):
    document = new_draft(author)
    response = client_for(author).patch(
        f"/api/v1/cases/{document['id']}/", {"version": document["version"], **body}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]


def test_authors_keep_their_rows_and_the_creator_cannot_be_removed(author, coauthor):
    document = new_draft(author)
    client = client_for(author)
    response = client.patch(
        f"/api/v1/cases/{document['id']}/",
        {
            "version": document["version"],
            "authors": [{"username": "coauthor"}, {"name": "Dr External", "affiliation": "X"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    names = [(a["username"], a["name"]) for a in response.json()["authors"]]
    assert names == [
        ("author", "Dr Ada Author"),
        ("coauthor", "Dr Co Author"),
        (None, "Dr External"),
    ]
    round_trip = response.json()
    assert (
        client.patch(f"/api/v1/cases/{document['id']}/", round_trip, format="json").status_code
        == 200
    )
    assert not case_authors_with_names(document["id"], "Dr Co Author")


def test_only_authors_edit_and_only_while_editable(author, coauthor, editor, trainee):
    case = complete_case(author, coauthor, status="submitted")
    url = f"/api/v1/cases/{case.pk}/"
    body = {"version": case.version, "final_diagnosis": "Changed"}
    assert client_for(author).patch(url, body, format="json").status_code == 403
    assert client_for(editor).patch(url, body, format="json").status_code == 403
    assert client_for(trainee).patch(url, body, format="json").status_code == 404
    assert client_for().patch(url, body, format="json").status_code in (401, 403)


def test_the_creator_deletes_a_draft_that_was_never_submitted(author, coauthor):
    document = new_draft(author)
    client = client_for(author)
    assert client_for(coauthor).delete(f"/api/v1/cases/{document['id']}/").status_code == 404
    assert client.delete(f"/api/v1/cases/{document['id']}/").status_code == 204
    assert not Case.objects.filter(pk=document["id"]).exists()
    submitted = complete_case(author, coauthor, status="submitted")
    assert client.delete(f"/api/v1/cases/{submitted.pk}/").status_code == 409


def test_the_export_is_the_document_as_a_file(author):
    case = make_case(author=author)
    response = client_for().get(f"/api/v1/cases/{case.pk}/export/")
    assert response.status_code == 200
    assert response.json() == document_of(case)
    assert "attachment" in response["Content-Disposition"]


# The workflow -------------------------------------------------------------------------------


def test_the_whole_workflow_through_the_api(author, coauthor, editor, reviewer):
    case = complete_case(author, coauthor)
    url = f"/api/v1/cases/{case.pk}"
    actions = client_for(author).get(f"{url}/actions/").json()
    assert [a["action"] for a in actions] == ["submit"]
    assert client_for(author).post(f"{url}/submit/", {"note": "Ready"}).status_code == 200
    assigned = client_for(editor).post(f"{url}/assign-reviewer/", {"reviewer": "reviewer"})
    assert assigned.status_code == 201, assigned.json()
    assert Review.objects.get(case=case).reviewer == reviewer
    assert client_for(editor).post(f"{url}/decide/", {"decision": "reject"}).status_code == 400
    # The reviewer has not answered yet: accepting needs the editor to say so.
    unconfirmed = client_for(editor).post(f"{url}/decide/", {"decision": "accept"})
    assert unconfirmed.status_code == 400
    assert "without_review" in unconfirmed.json()["errors"], unconfirmed.json()
    accepted = client_for(editor).post(
        f"{url}/decide/", {"decision": "accept", "without_review": True}, format="json"
    )
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    published = client_for(editor).post(f"{url}/publish/", {})
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published"
    again = client_for(editor).post(f"{url}/publish/", {})
    assert again.status_code == 409
    assert "published" in again.json()["detail"]
    assert client_for(editor).post(f"{url}/retract/", {}).status_code == 400
    retracted = client_for(editor).post(f"{url}/retract/", {"reason": "Duplicate"})
    assert retracted.json()["status"] == "retracted"
    assert CaseEvent.objects.filter(case=case).count() == 5


def test_authors_cannot_take_editor_actions_and_strangers_see_nothing(author, coauthor, trainee):
    case = complete_case(author, coauthor, status="submitted")
    url = f"/api/v1/cases/{case.pk}"
    assert client_for(author).post(f"{url}/decide/", {"decision": "accept"}).status_code == 403
    assert client_for(trainee).post(f"{url}/withdraw/", {}).status_code == 404
    assert client_for().post(f"{url}/withdraw/", {}).status_code in (401, 403)


def test_publishing_with_open_checklist_items_is_refused_with_the_reasons(author, coauthor, editor):
    case = complete_case(author, coauthor, status="accepted", licence=None)
    response = client_for(editor).post(f"/api/v1/cases/{case.pk}/publish/", {})
    assert response.status_code == 400
    assert "licence" in response.json()["detail"].lower()


def test_authors_start_a_revision_of_a_published_case(author, coauthor):
    case = complete_case(author, coauthor, status="published")
    first = client_for(author).post(f"/api/v1/cases/{case.pk}/revise/")
    assert first.status_code == 201
    again = client_for(author).post(f"/api/v1/cases/{case.pk}/revise/")
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"] != case.pk


def test_an_editor_verifies_a_machine_generated_commentary(author, coauthor, editor):
    case = complete_case(author, coauthor, status="submitted")
    case.commentaries.create(
        provenance="machine_generated", heading="Analysis", body="Text", position=0
    )
    response = client_for(editor).post(
        f"/api/v1/cases/{case.pk}/verify-commentary/", {"commentary": 0}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["commentaries"][0]["verified_by"] == "editor"
    missing = client_for(editor).post(
        f"/api/v1/cases/{case.pk}/verify-commentary/", {"commentary": 5}
    )
    assert missing.status_code == 404
    assert missing.json() == {
        "detail": "The case has no commentary 5: its commentaries are numbered from 0 to 0.",
        "errors": {},
    }


def test_case_actions_read_json_only(author, coauthor):
    """A form body that names no field would read as an empty note: it is refused instead."""
    case = complete_case(author, coauthor)
    client = client_for(author)

    form = client.post(f"/api/v1/cases/{case.pk}/submit/", {"note": "x"}, format="multipart")
    number = client.post(f"/api/v1/cases/{case.pk}/submit/", 0.5, format="json")

    assert form.status_code == 415
    assert number.status_code == 400
    case.refresh_from_db()
    assert case.status == "draft"


def test_assigning_someone_who_is_not_a_reviewer_is_a_clear_400(author, coauthor, editor):
    make_user("plain", "trainee")
    case = complete_case(author, coauthor, status="submitted")
    response = client_for(editor).post(
        f"/api/v1/cases/{case.pk}/assign-reviewer/", {"reviewer": "plain"}
    )
    assert response.status_code == 400
    assert "reviewer" in response.json()["errors"]


def test_an_address_under_the_api_that_does_not_exist_is_a_json_404():
    response = client_for().get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("No API endpoint")


def test_an_address_with_a_line_break_is_a_json_404_too():
    response = client_for().get("/api/v1/comments/%0A%C3%8D/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_readers_get_the_questions_only_in_unknown_mode_not_in_the_document(author, trainee):
    case = make_case(author=author, in_unknown_mode=True)
    case.questions.create(stem="Which?", options=["Osteoid osteoma", "Abscess"], answer=0)
    for reader in (None, trainee):
        assert client_for(reader).get(f"/api/v1/cases/{case.pk}/").json()["questions"] == []
    own = client_for(author).get(f"/api/v1/cases/{case.pk}/").json()
    assert own["questions"][0]["answer"] == 0
