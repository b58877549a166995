"""The API's case list: rows built from values, their addresses, its counts and its queries."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.urls import reverse, set_script_prefix
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from api.pagination import CappedCountPagination
from cases import media_urls
from cases.api.serializers import CaseSummarySerializer
from cases.models import Case, Study, System
from tests.factories import add_ready_figure, make_case

pytestmark = pytest.mark.django_db

NEWEST_FIRST = (F("published_at").desc(nulls_last=True), "-created_at", "-pk")


def serialized(cases) -> str:
    """What CaseSummarySerializer makes of the cases, in the list's order, as JSON text."""
    loaded = Case.objects.filter(pk__in=[case.pk for case in cases]).with_card_data()
    data = CaseSummarySerializer(loaded.order_by(*NEWEST_FIRST), many=True).data
    return JSONRenderer().render(data).decode()


def listed(client: APIClient, query: str = "") -> dict:
    response = client.get(f"/api/v1/cases/{query}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def varied_cases(author) -> list[Case]:
    """Cases with every shape a row can take: several studies, repeated modalities, figures
    ready or not, thumbnails in a later study, systems or none, an empty slug."""
    neuro, chest = System.objects.order_by("name")[:2]
    rich = make_case(author=author, title="Osteoid osteoma", difficulty="resident")
    rich.systems.set([chest, neuro])
    first = Study.objects.create(case=rich, modality="CT", position=0)
    Study.objects.create(case=rich, modality="MR", position=1)
    Study.objects.create(case=rich, modality="CT", position=2)
    add_ready_figure(first, position=1)
    earlier = add_ready_figure(first, position=0)
    later_study = make_case(author=author, title="Later thumbnail", in_unknown_mode=True)
    no_figure = Study.objects.create(case=later_study, modality="XR", position=0)
    Study.objects.create(case=later_study, modality="US", position=1)
    later_figure = add_ready_figure(later_study.studies.get(position=1))
    pending = Study.objects.create(case=make_case(author=author, title="Pending"), modality="NM")
    pending.figures.create(position=0)  # not ready: no thumbnail
    bare = make_case(author=author, title="No studies")
    Case.objects.filter(pk=bare.pk).update(slug="")
    assert no_figure.figures.count() == 0
    cases = [rich, later_study, pending.case, bare]
    for case in cases:
        case.refresh_from_db()
    cases[0].expected_figure_id, cases[1].expected_figure_id = earlier.pk, later_figure.pk
    return cases


def test_rows_are_exactly_what_the_case_summary_serializer_gives(varied_cases):
    page = listed(APIClient())
    assert json.dumps(page["results"], ensure_ascii=False, separators=(",", ":")) == serialized(
        varied_cases
    )


def test_rows_carry_the_addresses_of_the_case_its_page_and_its_thumbnail(varied_cases):
    rows = {row["id"]: row for row in listed(APIClient())["results"]}
    rich, later_study, pending, bare = varied_cases
    for case in varied_cases:
        assert rows[case.pk]["url"] == reverse("api-case-detail", kwargs={"pk": case.pk})
        assert rows[case.pk]["page_url"] == case.get_absolute_url()
    assert rows[bare.pk]["page_url"] == f"/cases/{bare.pk}/case/"
    assert rows[rich.pk]["thumbnail_url"] == media_urls.sign(
        reverse("figure-thumbnail", args=[rich.expected_figure_id])
    )
    assert rows[later_study.pk]["thumbnail_url"] == media_urls.sign(
        reverse("figure-thumbnail", args=[later_study.expected_figure_id])
    )
    assert rows[pending.pk]["thumbnail_url"] is None
    assert rows[rich.pk]["modalities"] == ["CT", "MR"]
    assert APIClient().get(rows[rich.pk]["url"]).json()["id"] == rich.pk


def test_row_addresses_follow_the_prefix_the_site_is_served_under(author):
    case = make_case(author=author)
    set_script_prefix("/teaching/")  # as the WSGI handler does for SCRIPT_NAME=/teaching
    try:
        row = listed(APIClient())["results"][0]
    finally:
        set_script_prefix("/")
    assert row["url"] == f"/teaching/api/v1/cases/{case.pk}/"
    assert row["page_url"] == f"/teaching{case.get_absolute_url()}"
    plain = listed(APIClient())["results"][0]
    assert plain["url"] == f"/api/v1/cases/{case.pk}/"


def test_a_body_system_added_is_listed_and_filtered_at_once(author):
    listed(APIClient(), "?system=musculoskeletal")  # the systems are now held in memory
    new = System.objects.create(code="forensic", name="Forensic")
    case = make_case(author=author)
    case.systems.add(new)
    found = listed(APIClient(), "?system=forensic")
    assert [row["systems"] for row in found["results"]] == [["forensic"]]


def test_a_body_system_added_behind_the_orms_back_is_still_listed(author):
    listed(APIClient())
    System.objects.bulk_create([System(code="forensic", name="Forensic")])  # sends no signal
    make_case(author=author).systems.add(System.objects.get(code="forensic"))
    assert listed(APIClient())["results"][0]["systems"] == ["forensic"]


# Counting ------------------------------------------------------------------------------------


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedCountPagination, "count_cap", 3)


def test_a_short_list_is_counted_exactly(author):
    for number in range(3):
        make_case(author=author, title=f"Case {number}")
    page = listed(APIClient(), "?page_size=2")
    assert (page["count"], page["count_exact"]) == (3, True)


def test_a_long_unfiltered_list_is_counted_only_up_to_the_cap(author, small_cap):
    for number in range(6):
        make_case(author=author, title=f"Case {number}")
    page = listed(APIClient(), "?page_size=2")
    assert len(page["results"]) == 2
    assert page["next"] is not None
    if connection.vendor == "postgresql":
        # PostgreSQL's estimate, never fewer than the rows counted (cap + 1).
        assert page["count_exact"] is False
        assert page["count"] >= 4
    else:  # elsewhere the list is counted in full
        assert (page["count"], page["count_exact"]) == (6, True)


def test_a_filtered_list_is_counted_exactly_however_long(author, small_cap):
    for number in range(6):
        make_case(author=author, title=f"Case {number}")
    page = listed(APIClient(), "?case_type=clinical_case&page_size=2")
    assert (page["count"], page["count_exact"]) == (6, True)


def test_the_last_pages_of_a_long_list_are_reached_and_counted_exactly(author, small_cap):
    for number in range(7):
        make_case(author=author, title=f"Case {number}")
    last = listed(APIClient(), "?page_size=2&page=4")
    assert len(last["results"]) == 1
    assert (last["count"], last["count_exact"], last["next"]) == (7, True, None)
    assert listed(APIClient(), "?page_size=2&page=last")["results"] == last["results"]


def test_a_page_past_the_end_is_not_found(author, small_cap):
    make_case(author=author)
    assert APIClient().get("/api/v1/cases/?page=2").status_code == 404


# Queries -------------------------------------------------------------------------------------


def test_the_list_takes_the_same_queries_for_one_row_and_for_fifty(
    author, django_assert_num_queries
):
    systems = list(System.objects.all()[:2])
    for number in range(50):
        case = make_case(author=author, title=f"Case {number}")
        case.systems.set(systems)
        add_ready_figure(Study.objects.create(case=case, modality="CT"))
    client = APIClient()
    listed(client)  # the body systems, read once per process
    # The count, the page, and the cases' systems and studies with their card figures; the
    # count counted afresh (not kept from the request before).
    cache.clear()
    with django_assert_num_queries(3):
        assert len(listed(client, "?page_size=1")["results"]) == 1
    cache.clear()
    with django_assert_num_queries(3):
        assert len(listed(client, "?page_size=50")["results"]) == 50


def test_an_unfiltered_lists_count_is_kept_until_a_case_changes(author, django_assert_num_queries):
    for number in range(3):
        make_case(author=author, title=f"Case {number}")
    client = APIClient()
    assert listed(client)["count"] == 3
    with django_assert_num_queries(2):  # the page, and the cases' systems and studies
        assert listed(client)["count"] == 3

    make_case(author=author, title="Later")

    assert listed(client)["count"] == 4


def test_readers_who_see_different_cases_never_share_a_kept_count(author):
    make_case(author=author, title="Published")
    make_case(author=author, title="Draft", published=False)
    anonymous, signed_in = APIClient(), APIClient()
    signed_in.force_authenticate(author)

    assert listed(anonymous)["count"] == 1
    assert listed(signed_in)["count"] == 2
    assert listed(anonymous)["count"] == 1


def test_a_filtered_list_is_counted_every_time(author, django_assert_num_queries):
    make_case(author=author, title="Case", difficulty="student")
    client = APIClient()
    listed(client, "?difficulty=student")
    with django_assert_num_queries(3):
        assert listed(client, "?difficulty=student")["count"] == 1


def test_an_empty_list_takes_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):  # the count: an empty page needs no other
        assert listed(APIClient())["results"] == []
