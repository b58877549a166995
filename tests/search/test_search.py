"""Search: matching, ranking, typo tolerance, snippets, facets and sort, on the browse page.

Full-text ranking and typo tolerance are PostgreSQL's (skipped elsewhere); the word-by-word
fallback is SQLite's. Facets, sorting, snippets and visibility are tested on both.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import fulltext
from cases.models import Case, Section, Study, System, Tag
from cases.search_vector import refresh_search_vector
from search import snippets
from tests.factories import make_case, make_user

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite fallback")


def indexed(*cases: Case) -> None:
    """Compute the cases' search vectors, as the services do after every edit."""
    refresh_search_vector([case.pk for case in cases])


def found(text: str, **filters) -> list[str]:
    listed = Case.objects.listed().filter(**filters)
    return [case.title for case in fulltext.search_cases(listed, text)]


def titles(response) -> list[str]:
    return [case.title for case in response.context["page"].object_list]


@pytest.fixture
def bone_cases(db):
    osteosarcoma = make_case(
        title="Osteosarcoma of the distal femur",
        final_diagnosis="Osteosarcoma",
        clinical_history="A 14-year-old boy with knee pain at night.",
        imaging_findings="Sunburst periosteal reaction and a Codman triangle.",
        patient_age=14,
        patient_age_unit="years",
        patient_sex="male",
        diagnostic_certainty="certain",
        difficulty="resident",
    )
    Study.objects.create(case=osteosarcoma, modality="MR", findings="Skip lesions absent.")
    Study.objects.create(case=osteosarcoma, modality="XR")
    osteosarcoma.systems.add(System.objects.get(code="musculoskeletal"))
    osteosarcoma.tags.add(Tag.objects.create(name="Bone tumour", slug="bone-tumour"))
    ewing = make_case(
        title="Ewing sarcoma of the fibula",
        final_diagnosis="Ewing sarcoma",
        clinical_history="Pain and fever; osteosarcoma was considered first.",
        imaging_findings="Permeative lesion with a lamellated periosteal reaction.",
        patient_age=8,
        patient_age_unit="years",
        patient_sex="female",
        diagnostic_certainty="probable",
        difficulty="fellow",
    )
    Study.objects.create(case=ewing, modality="MR")
    ewing.systems.add(System.objects.get(code="musculoskeletal"))
    ewing.tags.add(Tag.objects.get(slug="bone-tumour"))
    meningioma = make_case(
        title="Convexity meningioma",
        final_diagnosis="Meningioma",
        clinical_history="Headache for months.",
        imaging_findings="Extra-axial mass with a dural tail.",
        patient_age=70,
        patient_age_unit="years",
        patient_sex="female",
        diagnostic_certainty="certain",
        difficulty="student",
    )
    Study.objects.create(case=meningioma, modality="CT")
    meningioma.systems.add(System.objects.get(code="neuro"))
    indexed(osteosarcoma, ewing, meningioma)
    return {"osteosarcoma": osteosarcoma, "ewing": ewing, "meningioma": meningioma}


# Matching and ranking ----------------------------------------------------------------------


def test_a_title_or_diagnosis_match_ranks_above_a_history_only_match(bone_cases):
    assert found("osteosarcoma") == [
        "Osteosarcoma of the distal femur",
        "Ewing sarcoma of the fibula",
    ]


@postgres_only
def test_a_tag_match_ranks_above_a_match_in_a_section(db):
    in_section = make_case(title="Knee pain in a teenager", final_diagnosis="Stress fracture")
    Section.objects.create(case=in_section, heading="Discussion", body="Not a chondroblastoma.")
    tagged = make_case(title="Epiphyseal lesion", final_diagnosis="Giant cell tumour")
    tagged.tags.add(Tag.objects.create(name="Chondroblastoma mimic"))
    indexed(in_section, tagged)

    assert found("chondroblastoma") == ["Epiphyseal lesion", "Knee pain in a teenager"]


@postgres_only
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("osteosarcma", "Osteosarcoma of the distal femur"),
        ("menigioma", "Convexity meningioma"),
        ("bone tumor", "Osteosarcoma of the distal femur"),  # a tag, spelt the American way
    ],
)
def test_small_typos_in_titles_diagnoses_and_tags_are_forgiven(bone_cases, typed, expected):
    assert expected in found(typed)


@postgres_only
def test_typo_tolerance_does_not_match_unrelated_words(bone_cases):
    assert found("glioblastoma") == []
    assert found("osteosarcma meningioma") == []


@postgres_only
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"sunburst periosteal"', ["Osteosarcoma of the distal femur"]),
        ('"periosteal sunburst"', []),
        ("periosteal -ewing", ["Osteosarcoma of the distal femur"]),
        ("meningioma or ewing", ["Ewing sarcoma of the fibula", "Convexity meningioma"]),
        ("dural tails", ["Convexity meningioma"]),  # stemmed
        ("skip lesions", ["Osteosarcoma of the distal femur"]),  # a study's findings
    ],
)
def test_web_search_syntax_and_stemming(bone_cases, text, expected):
    assert sorted(found(text)) == sorted(expected)


@postgres_only
def test_a_case_whose_vector_was_never_computed_is_found_by_its_own_text(db):
    make_case(title="Scaphoid fracture", clinical_history="Fell on an outstretched hand.")

    assert found("outstretched") == ["Scaphoid fracture"]


@postgres_only
def test_editing_a_case_through_the_services_refreshes_its_search_vector(author):
    from cases.edit_values import SectionRow
    from cases.services import create_case, replace_sections

    case = create_case(by=author, title="Hip pain")
    replace_sections(
        case,
        by=author,
        base_version=case.version,
        sections=[
            SectionRow(kind="discussion", heading="Discussion", body="Synovial chondromatosis.")
        ],
    )
    Case.objects.filter(pk=case.pk).update(status="published", published_at=timezone.now())

    assert found("chondromatosis") == ["Hip pain"]


@postgres_only
def test_imported_and_published_cases_get_their_search_columns(author):
    from cases.services import create_case_from_document, publish_imported_case

    case = create_case_from_document(
        {
            "title": "Chondroblastoma of the proximal humerus",
            "clinical_history": "Shoulder pain.",
            "studies": [{"modality": "MR", "findings": "Fluid-fluid levels."}],
            "sections": [{"kind": "discussion", "body": "An epiphyseal lesion."}],
            "tags": [{"name": "Epiphysis"}],
            "systems": ["musculoskeletal"],
            "rights": {"licence": "CC-BY-4.0"},
        },
        author=author,
    )
    publish_imported_case(case)

    stored = Case.objects.values("search_vector", "search_terms", "facet_values").get(pk=case.pk)
    assert stored["search_vector"]
    assert "Epiphysis" in stored["search_terms"]
    assert set(stored["facet_values"].split()) >= {"m:MR", "s:musculoskeletal", "t:epiphysis"}
    assert found("epiphyseal") == found("fluid levels") == [case.title]


@sqlite_only
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("codman", ["Osteosarcoma of the distal femur"]),
        ("KNEE pain", ["Osteosarcoma of the distal femur"]),
        ("sarcoma -ewing", ["Osteosarcoma of the distal femur"]),
        ('"dural tail"', ["Convexity meningioma"]),
        ("meningioma femur", []),
        ("meningioma or codman", ["Convexity meningioma", "Osteosarcoma of the distal femur"]),
        ("dural or -fever", ["Convexity meningioma", "Osteosarcoma of the distal femur"]),
    ],
)
def test_without_postgresql_each_word_must_appear_somewhere(bone_cases, text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", ["", "   ", '"', "-", "or", "!!! & | :*", "the of and"])
def test_odd_queries_never_fail(bone_cases, text):
    assert isinstance(found(text), list)


# Snippets ----------------------------------------------------------------------------------


def test_snippets_mark_the_matched_words_and_escape_everything_else(client, db):
    case = make_case(
        title="Injected",
        clinical_history='Mass <script>alert("x")</script> and <img src=x onerror=alert(1)> '
        "with **calcified** matrix.",
    )
    indexed(case)

    response = client.get(reverse("browse"), {"q": "calcified"})

    [result] = response.context["page"].object_list
    assert "<mark>calcified</mark>" in result.snippet
    assert "<script" not in result.snippet and "<img" not in result.snippet
    assert "**" not in result.snippet
    html = response.content.decode()
    assert '<script>alert("x")' not in html and "<img src=x" not in html


def test_simple_snippet_highlights_every_occurrence_and_keeps_only_mark():
    snippet = snippets.simple_snippet("A <b>knee</b> lesion; knee & hip.", ["knee"])

    assert snippet == "A &lt;b&gt;<mark>knee</mark>&lt;/b&gt; lesion; <mark>knee</mark> &amp; hip."


# Facets and filters ------------------------------------------------------------------------


def facet(response, name: str) -> dict[str, int]:
    groups = {group.name: group for group in response.context["facet_groups"]}
    return {link.value: link.count for link in groups[name].links} if name in groups else {}


def test_facets_count_the_cases_matching_the_query_and_filters(client, bone_cases):
    everything = client.get(reverse("browse"))
    assert facet(everything, "modality") == {"MR": 2, "XR": 1, "CT": 1}
    assert facet(everything, "system") == {"musculoskeletal": 2, "neuro": 1}
    assert facet(everything, "tag") == {"bone-tumour": 2}
    assert facet(everything, "certainty") == {"certain": 2, "probable": 1}
    assert facet(everything, "difficulty") == {"student": 1, "resident": 1, "fellow": 1}
    assert facet(everything, "age") == {"child": 2, "65-plus": 1}
    assert facet(everything, "sex") == {"female": 2, "male": 1}

    narrowed = client.get(reverse("browse"), {"q": "sarcoma", "modality": "MR", "sex": "female"})
    assert titles(narrowed) == ["Ewing sarcoma of the fibula"]
    assert facet(narrowed, "modality") == {"MR": 1}
    assert facet(narrowed, "sex") == {"female": 1}
    assert facet(narrowed, "certainty") == {"probable": 1}


def test_facets_count_a_case_whose_search_columns_were_never_computed(client, db):
    case = make_case(title="Imported without the services", patient_sex="male")
    Study.objects.create(case=case, modality="US")
    case.systems.add(System.objects.get(code="vascular"))
    case.tags.add(Tag.objects.create(name="Doppler", slug="doppler"))

    response = client.get(reverse("browse"))

    assert facet(response, "modality") == {"US": 1}
    assert facet(response, "system") == {"vascular": 1}
    assert facet(response, "tag") == {"doppler": 1}
    assert facet(response, "sex") == {"male": 1}


def test_facet_links_add_a_filter_and_a_chosen_value_removes_it(client, bone_cases):
    response = client.get(reverse("browse"), {"q": "sarcoma", "page": "1"})
    groups = {group.name: group for group in response.context["facet_groups"]}
    mri = next(link for link in groups["modality"].links if link.value == "MR")
    assert mri.url == "?q=sarcoma&modality=MR"
    assert not mri.selected

    chosen = client.get(reverse("browse") + mri.url)
    groups = {group.name: group for group in chosen.context["facet_groups"]}
    mri, radiograph = groups["modality"].links  # the osteosarcoma also has radiographs
    assert (mri.value, mri.count, mri.selected, mri.url) == ("MR", 2, True, "?q=sarcoma")
    assert (radiograph.value, radiograph.selected) == ("XR", False)
    assert radiograph.url == "?q=sarcoma&modality=XR"
    assert 'aria-current="true"' in chosen.content.decode()


@pytest.mark.parametrize(
    ("age", "unit", "band"),
    [
        (3, "months", "child"),
        (2, "weeks", "child"),
        (17, "years", "child"),
        (18, "years", "18-39"),
        (39, "", "18-39"),
        (40, "years", "40-64"),
        (64, "years", "40-64"),
        (65, "years", "65-plus"),
        (90, "years", "65-plus"),
        (None, "", "unknown"),
    ],
)
def test_age_bands(client, db, age, unit, band):
    make_case(title="Aged", patient_age=age, patient_age_unit=unit)

    assert facet(client.get(reverse("browse")), "age") == {band: 1}
    assert titles(client.get(reverse("browse"), {"age": band})) == ["Aged"]


def test_unknown_sex_includes_cases_that_do_not_say(client, db):
    make_case(title="Said unknown", patient_sex="unknown")
    make_case(title="Not said", patient_sex="")
    make_case(title="Female", patient_sex="female")

    assert sorted(titles(client.get(reverse("browse"), {"sex": "unknown"}))) == [
        "Not said",
        "Said unknown",
    ]


def test_unlisted_and_invisible_cases_are_never_in_results_or_facet_counts(
    client, author, institution
):
    make_case(title="Public osteoma", final_diagnosis="Osteoma", author=author)
    make_case(title="Unlisted osteoma", final_diagnosis="Osteoma", visibility="unlisted")
    make_case(title="Draft osteoma", final_diagnosis="Osteoma", published=False, author=author)
    make_case(
        title="Institution osteoma",
        final_diagnosis="Osteoma",
        visibility="institution",
        institution=institution,
    )
    for case in Case.objects.all():
        Study.objects.create(case=case, modality="CT")
    indexed(*Case.objects.all())
    client.force_login(make_user("stranger", "trainee"))

    response = client.get(reverse("browse"), {"q": "osteoma"})

    assert titles(response) == ["Public osteoma"]
    assert facet(response, "modality") == {"CT": 1}
    # The author still finds only what is listed: unlisted cases are reached by their link.
    client.force_login(author)
    assert sorted(titles(client.get(reverse("browse"), {"q": "osteoma"}))) == [
        "Institution osteoma",
        "Public osteoma",
    ]


# Sorting -----------------------------------------------------------------------------------


def test_sort_by_relevance_newest_or_most_viewed(client, db):
    now = timezone.now()
    old_title_match = make_case(
        title="Osteoid osteoma", published_at=now - timezone.timedelta(days=30), view_count=5
    )
    new_history_match = make_case(
        title="Night pain", clinical_history="Osteoid osteoma suspected.", published_at=now
    )
    popular = make_case(
        title="Popular osteoid osteoma",
        published_at=now - timezone.timedelta(days=60),
        view_count=50,
    )
    indexed(old_title_match, new_history_match, popular)

    relevance = titles(client.get(reverse("browse"), {"q": "osteoid osteoma"}))
    assert relevance[-1] == "Night pain"
    assert titles(client.get(reverse("browse"), {"q": "osteoid osteoma", "sort": "newest"})) == [
        "Night pain",
        "Osteoid osteoma",
        "Popular osteoid osteoma",
    ]
    assert titles(client.get(reverse("browse"), {"sort": "most_viewed"})) == [
        "Popular osteoid osteoma",
        "Osteoid osteoma",
        "Night pain",
    ]
    # Without a search, "relevance" means newest first.
    assert titles(client.get(reverse("browse"), {"sort": "relevance"}))[0] == "Night pain"


def test_sort_links_offer_relevance_only_with_a_search(client, bone_cases):
    plain = client.get(reverse("browse"))
    searched = client.get(reverse("browse"), {"q": "sarcoma"})

    assert [link["value"] for link in plain.context["sort_links"]] == ["newest", "most_viewed"]
    assert [link["value"] for link in searched.context["sort_links"] if link["current"]] == [
        "relevance"
    ]


# The page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "sideways"},
        {"age": "ancient"},
        {"sex": "x" * 300},
        {"certainty": "<b>"},
        {"q": "\x00"},
        {"q": '"unterminated'},
        {"q": "-"},
        {"q": "a" * 199},
        {"tag": "no-such-tag", "q": "knee"},
    ],
)
def test_bad_search_parameters_never_fail(client, bone_cases, params):
    response = client.get(reverse("browse"), params)

    assert response.status_code == 200


def test_an_invalid_filter_is_named_and_ignored(client, bone_cases):
    response = client.get(reverse("browse"), {"sort": "sideways", "q": "sarcoma"})

    assert "Sort by: Select a valid choice" in response.content.decode()
    assert len(titles(response)) == 2


def test_a_new_search_keeps_the_filters_in_use(client, bone_cases):
    response = client.get(reverse("browse"), {"q": "sarcoma", "modality": "MR", "page": "1"})

    html = response.content.decode()
    assert '<input type="hidden" name="modality" value="MR">' in html
    assert 'name="page"' not in html.split('class="search-bar"')[1].split("</form>")[0]


def make_results(count: int) -> None:
    tag = Tag.objects.create(name="Fracture", slug="fracture")
    system = System.objects.get(code="trauma")
    for number in range(count):
        case = make_case(
            title=f"Fracture {number}",
            final_diagnosis="Fracture",
            clinical_history="Fell on the outstretched hand.",
            patient_age=30,
            patient_age_unit="years",
        )
        Study.objects.create(case=case, modality="XR")
        Study.objects.create(case=case, modality="CT")
        case.tags.add(tag)
        case.systems.add(system)
    indexed(*Case.objects.all())


POSTGRES = connection.vendor == "postgresql"
# the system choices, count, page of cases, their systems, studies, ready figures
PAGE_QUERIES = 6
# the facets: on PostgreSQL the count's pass counted them too (and kept them); elsewhere the
# case's own columns, then modalities, systems and tags
FACET_QUERIES = 0 if POSTGRES else 4
# a search on PostgreSQL: whether the words as typed find enough, and the snippets' headlines
# (SQLite's snippets come from the loaded text)
SEARCH_QUERIES = 2 if POSTGRES else 0


@pytest.mark.parametrize("count", [1, 30])
def test_search_page_query_count_does_not_grow_with_results(
    client, db, django_assert_num_queries, count
):
    make_results(count)
    with django_assert_num_queries(PAGE_QUERIES + FACET_QUERIES + SEARCH_QUERIES):
        response = client.get(reverse("browse"), {"q": "fracture", "modality": "XR"})
    assert response.status_code == 200
    assert len(titles(response)) == min(count, 20)


@pytest.mark.parametrize("count", [1, 30])
def test_browse_page_query_count_does_not_grow_with_results(
    client, db, django_assert_num_queries, count
):
    make_results(count)
    with django_assert_num_queries(PAGE_QUERIES + FACET_QUERIES):
        response = client.get(reverse("browse"), {"sort": "most_viewed"})
    assert response.status_code == 200
    assert len(titles(response)) == min(count, 20)
