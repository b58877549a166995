"""The home page links only the modalities of the cases its reader can browse."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case, Study
from tests.factories import make_case


def modality_links(client) -> set[str]:
    page = client.get(reverse("home")).content.decode()
    return {code for code in ("XR", "CT", "MR", "US", "NM") if f"?modality={code}" in page}


def with_study(case: Case, modality: str) -> Case:
    Study.objects.create(case=case, modality=modality, position=case.studies.count())
    return case


@pytest.mark.django_db
def test_the_home_page_links_only_modalities_that_published_cases_have(client, author):
    with_study(make_case(author=author, title="Scaphoid fracture"), "XR")
    with_study(with_study(make_case(author=author, title="Pulmonary embolism"), "CT"), "XR")
    with_study(make_case(author=author, title="Draft on MR", published=False), "MR")

    assert modality_links(client) == {"XR", "CT"}


@pytest.mark.django_db
def test_without_any_case_the_home_page_has_no_modality_links(client, author):
    with_study(make_case(author=author, published=False), "MR")

    page = client.get(reverse("home")).content.decode()

    assert "Browse by modality" not in page
    assert modality_links(client) == set()


@pytest.mark.django_db
def test_a_case_only_its_institution_sees_adds_its_modality_for_them_only(
    client, author, trainee, institution
):
    with_study(make_case(author=author, title="Open case"), "CT")
    with_study(
        make_case(
            author=author,
            title="Institution case",
            visibility=Case.Visibility.INSTITUTION,
            institution=institution,
        ),
        "MR",
    )

    assert modality_links(client) == {"CT"}
    client.force_login(trainee)
    assert modality_links(client) == {"CT", "MR"}


@pytest.mark.django_db
@pytest.mark.parametrize("cases", [1, 12])
def test_finding_the_modalities_takes_one_query_whatever_the_cases(
    client, author, cases, django_assert_num_queries
):
    for number in range(cases):
        with_study(
            make_case(author=author, title=f"Case {number}", featured=True),
            ["XR", "CT", "MR"][number % 3],
        )
    # featured cases, their systems, studies, ready figures; recent cases, their systems,
    # studies, ready figures; the modalities present
    with django_assert_num_queries(9):
        client.get(reverse("home"))
