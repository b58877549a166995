"""The canonical case document reads back unchanged, in a fixed number of queries."""

import copy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.document import DOCUMENT_PREFETCH, case_to_document, empty_document
from cases.models import Case
from tests.factories import full_document


def saved_document(case: Case) -> dict:
    return case_to_document(Case.objects.prefetch_related(*DOCUMENT_PREFETCH).get(pk=case.pk))


def test_a_saved_document_reads_back_the_same(author):
    document = full_document()
    case = services.create_case_from_document(copy.deepcopy(document), author=author)
    read = saved_document(case)
    for key in document:
        if key == "authors":
            continue
        assert read[key] == document[key], key
    assert [a["username"] for a in read["authors"]] == ["author", None]
    assert read["authors"][1]["name"] == "Dr External"
    assert read["status"] == "draft"
    assert read["cite"]["url"].endswith(f"/cases/{case.pk}/")


def test_reading_a_document_takes_the_same_queries_however_many_parts(
    author, django_assert_num_queries
):
    small = services.create_case_from_document(full_document(), author=author)
    big_document = full_document()
    big_document["studies"] = big_document["studies"] * 6
    big_document["sections"] = big_document["sections"] * 8
    big_document["teaching_points"] = big_document["teaching_points"] * 5
    big = services.create_case_from_document(big_document, author=author)
    # The case, its rehabilitation, and one query each for tags, systems, sections, differential
    # diagnoses, teaching points, references, questions, authors (with users), studies, figures,
    # the figures' frames and commentaries (with their rehabilitation and verifier).
    counts = []
    for case in (small, big):
        with django_assert_num_queries(14) as captured:
            saved_document(case)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_ages_of_ninety_and_over_are_kept_only_as_ninety_plus(author):
    document = full_document()
    document["patient"] = {"age": 97, "age_unit": "years", "sex": "female"}
    case = services.create_case_from_document(document, author=author)
    case.refresh_from_db()
    assert case.patient_age == 90
    assert case.age_display == "90+ years"
    assert saved_document(case)["patient"]["age_display"] == "90+"


def test_a_topic_review_has_no_patient(author):
    document = empty_document() | {"title": "Hip bursitis", "case_type": "topic_review"}
    case = services.create_case_from_document(document, author=author)
    assert saved_document(case)["patient"] is None


def test_a_document_without_a_title_is_refused_and_saves_nothing(author):
    with pytest.raises(ValidationError):
        services.create_case_from_document(empty_document(), author=author)
    assert not Case.objects.exists()


def test_only_authors_create_cases(trainee):
    with pytest.raises(PermissionDenied):
        services.create_case_from_document(full_document(), author=trainee)


def test_an_imported_case_is_published_only_with_a_licence(author):
    licensed = services.create_case_from_document(full_document(), author=author)
    services.publish_imported_case(licensed)
    licensed.refresh_from_db()
    assert licensed.status == "published" and licensed.published_at is not None
    assert licensed.version == 2

    document = full_document()
    document["rights"]["licence"] = None
    unlicensed = services.create_case_from_document(document, author=author)
    with pytest.raises(ValidationError):
        services.publish_imported_case(unlicensed)
    unlicensed.refresh_from_db()
    assert unlicensed.status == "draft"


def test_licence_links_point_at_creative_commons(author):
    case = services.create_case_from_document(full_document(), author=author)
    assert case.licence_url == "https://creativecommons.org/licenses/by/4.0/"
    case.licence = "CC-BY-NC-SA-4.0"
    assert case.licence_url == "https://creativecommons.org/licenses/by-nc-sa/4.0/"
    case.licence = "CC0-1.0"
    assert case.licence_url == "https://creativecommons.org/publicdomain/zero/1.0/"


def test_only_editors_feature_cases_and_only_published_ones(author, editor):
    case = services.create_case_from_document(full_document(), author=author)
    with pytest.raises(PermissionDenied):
        services.feature_case(case, by=author)
    with pytest.raises(ValidationError):
        services.feature_case(case, by=editor)
    services.publish_imported_case(case)
    assert services.feature_case(case, by=editor).featured
    assert not services.feature_case(case, by=editor, featured=False).featured
