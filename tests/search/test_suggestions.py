""" "Did you mean …?" on a search that finds nothing, on SQLite and PostgreSQL alike: the
corrected words come from the cases the reader may find, never from one they may not read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from cases import freshness
from cases.models import Case, Tag
from cases.search_vector import refresh_search_vector
from search import suggestions
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    calcinosis = make_case(
        title="Tumoral calcinosis of the hip",
        final_diagnosis="Tumoral calcinosis",
        clinical_history="A 40-year-old woman with a hard lump.",
    )
    calcinosis.tags.add(Tag.objects.create(name="Calcification", slug="calcification"))
    osteoma = make_case(
        title="Osteoid osteoma of the tibia",
        final_diagnosis="Osteoid osteoma",
        clinical_history="A teenager with night pain relieved by aspirin.",
    )
    refresh_search_vector([calcinosis.pk, osteoma.pk])
    return calcinosis, osteoma


def browse(client, text: str, **params):
    return client.get(reverse("browse"), {"q": text, **params})


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        # Typos that PostgreSQL's trigram matching does not forgive either.
        ("tumoral calcinsois", "tumoral calcinosis"),
        ("tumral calcinosis", "tumoral calcinosis"),
        ("osteiod osteoma", "osteoid osteoma"),
        ("Osteiod osteomma", "osteoid osteoma"),
    ],
)
def test_a_misspelt_search_that_finds_nothing_offers_the_corrected_one(
    client, catalogue, typed, meant
):
    response = browse(client, typed)
    assert response.context["page"].paginator.count == 0
    suggestion = response.context["suggestion"]
    assert suggestion["q"] == meant
    html = response.content.decode()
    assert f'Did you mean <a href="{suggestion["page_url"].replace("&", "&amp;")}"' in html
    followed = client.get(suggestion["page_url"])
    assert followed.context["page"].paginator.count == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default")
def test_on_sqlite_the_typos_of_the_issue_are_suggested_right(client, catalogue):
    assert browse(client, "tumoral calcinsis").context["suggestion"]["q"] == "tumoral calcinosis"
    assert browse(client, "osteiod osteoma").context["suggestion"]["q"] == "osteoid osteoma"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's typo tolerance")
def test_on_postgresql_a_typo_trigrams_forgive_finds_the_case_without_a_suggestion(
    client, catalogue
):
    response = browse(client, "tumoral calcinsis")
    assert response.context["page"].paginator.count == 1
    assert response.context["suggestion"] is None


def test_a_search_that_finds_cases_suggests_nothing(client, catalogue):
    response = browse(client, "tumoral calcinosis")
    assert response.context["page"].paginator.count == 1
    assert response.context["suggestion"] is None
    assert "Did you mean" not in response.content.decode()


@pytest.mark.parametrize(
    "text", ["zzzzqqq", "glioblastoma", "-calcinsis", "ab", '"', "x" * 300, "calcinsis\x00"]
)
def test_no_suggestion_when_nothing_close_is_known_or_the_word_is_excluded(client, catalogue, text):
    response = browse(client, text)
    assert response.status_code == 200
    assert response.context["suggestion"] is None


def test_the_suggestion_keeps_the_other_filters_and_is_only_made_when_it_finds_cases(
    client, catalogue
):
    response = browse(client, "tumoral calcinsois", case_type="clinical_case")
    suggestion = response.context["suggestion"]
    assert suggestion is not None and "case_type=clinical_case" in suggestion["page_url"]
    # With a filter no case matches, the corrected search finds nothing either: no suggestion.
    none = browse(client, "tumoral calcinsois", difficulty="consultant")
    assert none.context["suggestion"] is None


def test_quotes_are_kept_around_a_corrected_word():
    vocabularies = [{"c": ["calcinosis"], "t": ["tumoral"]}]
    assert suggestions.corrected_query('"tumoral calcinsis"', vocabularies) == (
        '"tumoral calcinosis"'
    )
    # An excluded word is the reader's to spell.
    assert suggestions.corrected_query("tumoral -calcinsis", vocabularies) is None


def test_the_api_carries_the_suggestion(catalogue):
    body = APIClient().get("/api/v1/search/", {"q": "osteiod osteoma"}).json()
    assert body["count"] == 0
    assert body["suggestion"]["q"] == "osteoid osteoma"
    assert body["suggestion"]["page_url"].startswith(reverse("browse") + "?")
    found = APIClient().get("/api/v1/search/", {"q": "osteoid osteoma"}).json()
    assert found["count"] == 1 and found["suggestion"] is None


# --- Visibility ----------------------------------------------------------------------------------


@pytest.fixture
def hidden_cases(db, catalogue):
    author = make_user("drafter", "author")
    make_case(
        author=author,
        published=False,
        status=Case.Status.DRAFT,
        title="Xanthogranulomatous pyelonephritis",
        final_diagnosis="Xanthogranulomatous pyelonephritis",
    )
    make_case(
        author=author,
        visibility=Case.Visibility.PRIVATE,
        title="Xanthogranulomatous cholecystitis",
        final_diagnosis="Xanthogranulomatous cholecystitis",
    )
    return author


def test_a_drafts_or_private_cases_words_are_never_suggested_to_another_reader(
    client, hidden_cases
):
    reader = make_user("reader", "trainee")
    for who in (None, reader):
        if who is not None:
            client.force_login(who)
        response = browse(client, "xanthogranulomatus")
        assert response.context["suggestion"] is None
        assert "anthogranulomatous" not in response.content.decode()
        api = APIClient()
        if who is not None:
            api.force_authenticate(who)
        assert api.get("/api/v1/search/", {"q": "xanthogranulomatus"}).json()["suggestion"] is None


def test_the_words_a_reader_may_see_are_kept_for_that_reader_alone(client, hidden_cases):
    author = hidden_cases
    client.force_login(author)
    # The author may find their published private case: its words are theirs to be offered.
    own = browse(client, "xanthogranulomatus cholecystitis")
    assert own.context["suggestion"]["q"] == "xanthogranulomatous cholecystitis"
    # …and once cached for them, never offered to anyone else.
    other = make_user("other", "trainee")
    client.force_login(other)
    assert browse(client, "xanthogranulomatus cholecystitis").context["suggestion"] is None
    client.logout()
    assert browse(client, "xanthogranulomatus cholecystitis").context["suggestion"] is None


def test_counting_views_keeps_the_vocabulary_and_a_change_of_a_case_renews_it(catalogue):
    calcinosis, _ = catalogue
    contents, catalogue_version = freshness.contents_version(), freshness.catalogue_version()
    freshness.catalogue_changed(contents=False)  # as counting views does
    assert freshness.catalogue_version() != catalogue_version
    assert freshness.contents_version() == contents
    freshness.case_changed(calcinosis.pk)
    assert freshness.contents_version() != contents


def test_a_case_made_private_is_no_longer_suggested(client, catalogue):
    calcinosis, _ = catalogue
    assert browse(client, "tumoral calcinsois").context["suggestion"] is not None
    Case.objects.filter(pk=calcinosis.pk).update(visibility=Case.Visibility.PRIVATE)
    freshness.case_changed(calcinosis.pk)  # as the services do after a change
    assert browse(client, "tumoral calcinsois").context["suggestion"] is None


# --- Cost ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 20], ids=["one", "twenty"])
def test_a_suggestion_costs_a_fixed_number_of_queries(
    client, catalogue, django_assert_max_num_queries, rows
):
    for number in range(rows):
        make_case(title=f"Chondroblastoma {number}", final_diagnosis="Chondroblastoma")
    # Vocabulary built (titles, diagnoses, tags) and the corrected search checked, on top of
    # the search page's own queries; the same whatever the number of cases.
    budget = 14 if connection.vendor == "postgresql" else 13
    with django_assert_max_num_queries(budget):
        response = browse(client, "chondroblastomma")
    assert response.context["suggestion"]["q"] == "chondroblastoma"
    # Once the vocabulary is cached, only the check remains.
    with django_assert_max_num_queries(budget - 3):
        browse(client, "chondroblastomma")
