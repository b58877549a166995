"""The search API: `GET /api/v1/search/` and `/api/v1/saved-searches/`."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from cases.models import Case, Study, System, Tag
from cases.search_vector import refresh_search_vector
from search import services as search_services
from search.models import SavedSearch
from tests.factories import make_case, make_user


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def cases(db, institution):
    hip = make_case(
        title="Slipped capital femoral epiphysis",
        final_diagnosis="Slipped capital femoral epiphysis",
        clinical_history="A 13-year-old boy with a limp and <b>knee</b> pain.",
        patient_age=13,
        patient_age_unit="years",
        patient_sex="male",
        diagnostic_certainty="certain",
    )
    Study.objects.create(case=hip, modality="XR")
    hip.systems.add(System.objects.get(code="paediatric"))
    hip.tags.add(Tag.objects.create(name="Hip", slug="hip"))
    knee = make_case(
        title="Anterior cruciate ligament tear",
        final_diagnosis="ACL tear",
        clinical_history="Knee gave way while skiing.",
        patient_age=25,
        patient_age_unit="years",
        patient_sex="female",
        diagnostic_certainty="almost_certain",
        view_count=9,
    )
    Study.objects.create(case=knee, modality="MR")
    hidden = [
        make_case(title="Unlisted knee", clinical_history="Knee.", visibility="unlisted"),
        make_case(title="Draft knee", clinical_history="Knee.", published=False),
        make_case(
            title="Institution knee",
            clinical_history="Knee.",
            visibility="institution",
            institution=institution,
        ),
    ]
    for case in hidden:
        Study.objects.create(case=case, modality="MR")
    refresh_search_vector(Case.objects.all())
    return {"hip": hip, "knee": knee}


def test_search_answers_results_with_snippets_and_facets(cases):
    response = client_for().get("/api/v1/search/", {"q": "knee"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {row["title"] for row in body["results"]} == {
        "Anterior cruciate ligament tear",
        "Slipped capital femoral epiphysis",
    }
    snippets = {row["title"]: row["snippet"] for row in body["results"]}
    assert "<mark>knee</mark>" in snippets["Slipped capital femoral epiphysis"].lower()
    assert "<b>" not in snippets["Slipped capital femoral epiphysis"]
    assert body["results"][0]["view_count"] in (0, 9)
    facets = body["facets"]
    assert {f["value"]: f["count"] for f in facets["modality"]} == {"MR": 1, "XR": 1}
    assert {f["value"]: f["count"] for f in facets["sex"]} == {"female": 1, "male": 1}
    assert {f["value"]: f["count"] for f in facets["age"]} == {"child": 1, "18-39": 1}
    assert facets["tag"] == [{"value": "hip", "label": "Hip", "count": 1}]
    assert all(type(item["count"]) is int for values in facets.values() for item in values)
    assert set(facets) == {
        "modality",
        "system",
        "tag",
        "case_type",
        "certainty",
        "difficulty",
        "age",
        "sex",
    }


def test_search_takes_the_browse_pages_filters_and_sort(cases):
    client = client_for()

    narrowed = client.get("/api/v1/search/", {"q": "knee", "age": "child", "modality": "XR"})
    assert [row["title"] for row in narrowed.json()["results"]] == [
        "Slipped capital femoral epiphysis"
    ]
    viewed = client.get("/api/v1/search/", {"sort": "most_viewed"})
    assert viewed.json()["results"][0]["title"] == "Anterior cruciate ligament tear"


def test_search_never_finds_unlisted_or_invisible_cases(cases, trainee):
    # The trainee belongs to the institution: its case is theirs to search.
    outsider = make_user("another", "trainee")
    for user, expected in [(None, 2), (outsider, 2), (trainee, 3)]:
        body = client_for(user).get("/api/v1/search/", {"q": "knee"}).json()
        assert body["count"] == expected
        assert "Unlisted knee" not in {row["title"] for row in body["results"]}
        assert sum(f["count"] for f in body["facets"]["modality"]) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "sideways"}, "sort"),
        ({"age": "old"}, "age"),
        ({"q": "x" * 201}, "q"),
        ({"q": "nul\x00"}, "q"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_bad_search_parameters_are_400_with_the_field_named(cases, params, field):
    response = client_for().get("/api/v1/search/", params)

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_the_case_list_takes_the_new_filters_too(cases):
    response = client_for().get(
        "/api/v1/cases/", {"certainty": "almost_certain", "sex": "female", "sort": "most_viewed"}
    )

    assert [row["title"] for row in response.json()["results"]] == [
        "Anterior cruciate ligament tear"
    ]


def make_results(count: int) -> None:
    tag = Tag.objects.create(name="Fracture", slug="fracture")
    system = System.objects.get(code="trauma")
    for number in range(count):
        case = make_case(title=f"Fracture {number}", final_diagnosis="Fracture")
        Study.objects.create(case=case, modality="XR")
        Study.objects.create(case=case, modality="CT")
        case.tags.add(tag)
        case.systems.add(system)
    refresh_search_vector(Case.objects.all())


@pytest.mark.parametrize("count", [1, 30])
def test_search_query_count_does_not_grow_with_results(db, django_assert_num_queries, count):
    make_results(count)
    # system choices, count, page, its systems, studies, ready figures; the facets (on
    # PostgreSQL counted by the count's one pass, four queries elsewhere); on PostgreSQL whether
    # the words as typed find enough, and the snippets' headlines
    expected = 6 + (0 + 2 if connection.vendor == "postgresql" else 4)
    with django_assert_num_queries(expected):
        response = client_for().get("/api/v1/search/", {"q": "fracture", "page_size": "50"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == count


# Saved searches -----------------------------------------------------------------------------


def test_a_signed_in_reader_saves_a_search_with_its_filters_in_order(trainee):
    response = client_for(trainee).post(
        "/api/v1/saved-searches/",
        {"name": "Paediatric hips", "query": "?page=3&modality=XR&q=hip&utm=x", "digest": "daily"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["query"] == "q=hip&modality=XR"
    assert body["page_url"] == "/cases/?q=hip&modality=XR"
    assert body["digest"] == "daily"
    assert SavedSearch.objects.get().user == trainee


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "query": "q=hip"}, "name"),
        ({"name": "Bad", "query": "modality=ZZ"}, "query"),
        ({"name": "Bad", "query": "q=hip", "digest": "hourly"}, "digest"),
        ({"name": "Bad", "query": "q=" + "x" * 3000}, "query"),
        ({"name": "Bad", "query": 12}, "query"),
        ({"name": 12}, "name"),
    ],
)
def test_an_invalid_saved_search_is_400_with_the_field_named(trainee, body, field):
    response = client_for(trainee).post("/api/v1/saved-searches/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not SavedSearch.objects.exists()


def test_names_of_saved_searches_are_unique_per_person(trainee, author):
    SavedSearch.objects.create(user=trainee, name="Hips", query="q=hip")

    mine = client_for(trainee).post("/api/v1/saved-searches/", {"name": "hips"}, format="json")
    theirs = client_for(author).post("/api/v1/saved-searches/", {"name": "Hips"}, format="json")

    assert mine.status_code == 409
    assert mine.json() == {
        "detail": "You already have a saved search with this name.",
        "errors": {},
    }
    assert theirs.status_code == 201


def test_a_saved_search_past_the_most_allowed_is_a_409(trainee, monkeypatch):
    monkeypatch.setattr(search_services, "MAX_SAVED_SEARCHES", 1)
    SavedSearch.objects.create(user=trainee, name="Hips", query="q=hip")

    response = client_for(trainee).post("/api/v1/saved-searches/", {"name": "K"}, format="json")

    assert response.status_code == 409
    assert "delete one first" in response.json()["detail"]


@pytest.mark.parametrize("name", ["", "  ", "\x1d"])
def test_a_saved_search_needs_a_name_that_is_not_blank(trainee, name):
    response = client_for(trainee).post("/api/v1/saved-searches/", {"name": name}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["Give the search a name."]}


def test_saved_searches_are_written_as_json_only(trainee):
    """A form body cannot tell an empty `digest` from one left out."""
    response = client_for(trainee).post(
        "/api/v1/saved-searches/", {"name": "Hips", "digest": ""}, format="multipart"
    )

    assert response.status_code == 415
    assert not SavedSearch.objects.exists()


def test_a_saved_search_is_renamed_and_its_digest_changed(trainee):
    saved = SavedSearch.objects.create(user=trainee, name="Hips", query="q=hip")

    response = client_for(trainee).patch(
        f"/api/v1/saved-searches/{saved.pk}/", {"name": "Hip radiographs", "digest": "weekly"}
    )

    assert response.status_code == 200
    saved.refresh_from_db()
    assert (saved.name, saved.digest, saved.query) == ("Hip radiographs", "weekly", "q=hip")
    assert saved.last_sent_at is not None  # the digest starts from now, not from the save


def test_someone_elses_saved_search_is_a_404(trainee, author):
    saved = SavedSearch.objects.create(user=trainee, name="Hips", query="q=hip")
    client = client_for(author)

    assert client.get(f"/api/v1/saved-searches/{saved.pk}/").status_code == 404
    assert client.patch(f"/api/v1/saved-searches/{saved.pk}/", {"name": "x"}).status_code == 404
    assert client.delete(f"/api/v1/saved-searches/{saved.pk}/").status_code == 404
    assert client.get("/api/v1/saved-searches/").json()["count"] == 0
    assert client.get("/api/v1/saved-searches/not-a-number/").status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


@pytest.mark.parametrize("count", [1, 30])
def test_saved_search_list_query_count_does_not_grow(trainee, django_assert_num_queries, count):
    for number in range(count):
        SavedSearch.objects.create(user=trainee, name=f"Search {number}", query="q=hip")
    # count, page
    with django_assert_num_queries(2):
        response = client_for(trainee).get("/api/v1/saved-searches/?page_size=50")
    assert response.status_code == 200
    assert response.json()["count"] == count


def test_the_schema_documents_the_facets_of_the_search():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/search/"]["get"]
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    ref = response["$ref"].split("/")[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert set(properties["facets"]["properties"]) >= {"modality", "age", "sex"}
    parameters = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "modality", "age", "sex", "certainty", "sort", "page", "page_size"} <= parameters
