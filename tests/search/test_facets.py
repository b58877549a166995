"""Facets at scale: every facet answered from the case's facet tokens, the total and the
facets counted in one pass and kept per catalogue version, never shared between readers who see
different cases; the first pages of a search read from that pass in the ranked order."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from cases import facets, freshness, fulltext, page_cache
from cases.models import Case, Study, System
from cases.search_vector import refresh_search_vector
from tests.factories import make_case, make_user

POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(not POSTGRES, reason="the facet tokens are PostgreSQL's")


def titles(response) -> list[str]:
    return sorted(case.title for case in response.context["page"].object_list)


def counts(response, name: str) -> dict[str, int]:
    for group in response.context["facet_groups"]:
        if group.name == name:
            return {link.value: link.count for link in group.links}
    return {}


@pytest.fixture(autouse=True)
def lists_built_every_time(monkeypatch):
    """These tests are about the facet pass and its kept counts, read from the page's context:
    anonymous lists must be built, not served whole from the page cache (cases/page_cache.py)."""
    monkeypatch.setattr(page_cache, "may_share", lambda request: False)


@pytest.fixture
def patients(db):
    infant = make_case(
        title="Infant",
        patient_age=3,
        patient_age_unit="months",
        patient_sex="",
        diagnostic_certainty="certain",
        difficulty="student",
    )
    adult = make_case(
        title="Adult",
        patient_age=39,
        patient_age_unit="",
        patient_sex="female",
        diagnostic_certainty="probable",
        difficulty="consultant",
        case_type="topic_review",
    )
    elder = make_case(
        title="Elder",
        patient_age=80,
        patient_age_unit="years",
        patient_sex="male",
        diagnostic_certainty="certain",
        difficulty="student",
    )
    Study.objects.create(case=infant, modality="US")
    Study.objects.create(case=adult, modality="MR")
    Study.objects.create(case=elder, modality="MR")
    return infant, adult, elder


@postgres_only
def test_every_facet_value_of_a_case_is_one_of_its_tokens(patients):
    infant, _, elder = patients
    infant.systems.add(System.objects.get(code="neuro"))
    refresh_search_vector([infant.pk, elder.pk])

    tokens = dict(Case.objects.values_list("title", "facet_values"))
    assert set(tokens["Infant"].split()) == {
        "m:US",
        "s:neuro",
        "k:clinical_case",
        "c:certain",
        "d:student",
        "a:child",
        "x:unknown",
    }
    assert set(tokens["Elder"].split()) >= {"a:65-plus", "x:male", "m:MR"}
    assert tokens["Adult"] is None  # never computed: its columns answer


@pytest.mark.parametrize("with_tokens", [True, False])
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"age": "child"}, ["Infant"]),
        ({"age": "18-39"}, ["Adult"]),
        ({"age": "65-plus"}, ["Elder"]),
        ({"sex": "unknown"}, ["Infant"]),
        ({"sex": "female"}, ["Adult"]),
        ({"case_type": "topic_review"}, ["Adult"]),
        ({"certainty": "certain"}, ["Elder", "Infant"]),
        ({"difficulty": "consultant"}, ["Adult"]),
        ({"modality": "MR", "certainty": "certain"}, ["Elder"]),
        ({"modality": "MR", "age": "child"}, []),
    ],
)
def test_every_facet_filter_finds_the_same_cases_from_tokens_or_columns(
    client, patients, with_tokens, params, expected
):
    if with_tokens:
        refresh_search_vector([case.pk for case in patients])

    response = client.get(reverse("browse"), params)

    assert titles(response) == expected
    assert response.context["page"].paginator.count == len(expected)


@pytest.mark.parametrize("with_tokens", [True, False])
def test_facets_and_total_count_every_facet_from_tokens_or_columns(client, patients, with_tokens):
    if with_tokens:
        refresh_search_vector([case.pk for case in patients])

    response = client.get(reverse("browse"))

    assert response.context["page"].paginator.count == 3
    assert counts(response, "age") == {"child": 1, "18-39": 1, "65-plus": 1}
    assert counts(response, "sex") == {"female": 1, "male": 1, "unknown": 1}
    assert counts(response, "case_type") == {"clinical_case": 2, "topic_review": 1}
    assert counts(response, "certainty") == {"certain": 2, "probable": 1}
    assert counts(response, "difficulty") == {"student": 2, "consultant": 1}
    assert counts(response, "modality") == {"MR": 2, "US": 1}


def test_counts_are_kept_until_the_catalogue_changes(
    client, patients, django_capture_on_commit_callbacks
):
    later = make_case(title="Later")
    assert counts(client.get(reverse("browse")), "modality") == {"MR": 2, "US": 1}
    # Bulk inserts send no signal, so the catalogue does not know of this study: the kept
    # counts answer.
    Study.objects.bulk_create([Study(case=later, modality="CT")])

    assert counts(client.get(reverse("browse")), "modality") == {"MR": 2, "US": 1}
    with django_capture_on_commit_callbacks(execute=True):
        freshness.catalogue_changed()
    response = client.get(reverse("browse"))
    assert counts(response, "modality") == {"MR": 2, "US": 1, "CT": 1}
    assert response.context["page"].paginator.count == 4


def test_readers_who_see_different_cases_never_share_counts(client, institution, patients):
    own = make_case(title="Institution only", visibility="institution", institution=institution)
    Study.objects.create(case=own, modality="MR")
    member = make_user("member", "trainee", institution=institution)

    assert counts(client.get(reverse("browse")), "modality") == {"MR": 2, "US": 1}
    client.force_login(member)
    response = client.get(reverse("browse"))
    assert counts(response, "modality") == {"MR": 3, "US": 1}
    assert response.context["page"].paginator.count == 4
    client.force_login(make_user("stranger", "trainee"))
    assert counts(client.get(reverse("browse")), "modality") == {"MR": 2, "US": 1}
    client.logout()
    response = client.get(reverse("browse"))
    assert counts(response, "modality") == {"MR": 2, "US": 1}
    assert response.context["page"].paginator.count == 3


def test_without_a_cache_the_total_and_facets_are_counted_afresh(client, patients, monkeypatch):
    monkeypatch.setattr(facets, "catalogue_version", lambda: None)

    for _ in range(2):
        response = client.get(reverse("browse"), {"modality": "MR"})
        assert titles(response) == ["Adult", "Elder"]
        assert response.context["page"].paginator.count == 2
        assert counts(response, "age") == {"18-39": 1, "65-plus": 1}


@postgres_only
def test_the_first_pages_of_a_search_keep_the_ranked_order_when_read_from_the_pass(client, db):
    for number in range(30):
        # Every third case has the word in its title (ranked first), the others in the history.
        title = f"Osteoma {number}" if number % 3 == 0 else f"Bone lesion {number}"
        make_case(title=title, clinical_history="An osteoma of the skull.")
    refresh_search_vector(Case.objects.all())
    ranked = fulltext.search_cases(Case.objects.listed(), "osteoma")
    expected = [case.title for case in ranked]
    shown = []

    for page in ("1", "2"):
        for _ in range(2):  # counted, then read from the kept pass
            response = client.get(reverse("browse"), {"q": "osteoma", "page": page})
            in_order = [case.title for case in response.context["page"].object_list]
            assert response.context["page"].paginator.count == 30
        shown += in_order

    assert shown == expected
    assert all(title.startswith("Osteoma") for title in shown[:10])


@postgres_only
def test_a_kept_first_page_still_applies_the_readers_visibility(client, db):
    for number in range(3):
        make_case(title=f"Osteoma {number}")
    refresh_search_vector(Case.objects.all())
    assert len(titles(client.get(reverse("browse"), {"q": "osteoma"}))) == 3
    # Unpublished without telling the catalogue (as no service does): the page still hides it.
    Case.objects.filter(title="Osteoma 1").update(status=Case.Status.RETRACTED)

    assert titles(client.get(reverse("browse"), {"q": "osteoma"})) == ["Osteoma 0", "Osteoma 2"]
