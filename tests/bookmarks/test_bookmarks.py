"""Bookmarks: the case page's toggle, the bookmarks page and the API's bookmarks."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from bookmarks import services
from bookmarks.models import Bookmark
from bookmarks.services import CASE_NOT_READABLE
from cases.models import Case
from tests.factories import make_case, published


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# Pages ----------------------------------------------------------------------------------------


def test_a_trainee_bookmarks_a_case_from_its_page_and_removes_it_again(client, trainee):
    case = published()
    client.force_login(trainee)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'action="{reverse("bookmark-add")}"' in page

    response = client.post(
        reverse("bookmark-add"), {"case": case.pk, "next": case.get_absolute_url()}
    )
    assert response["Location"] == case.get_absolute_url()
    assert Bookmark.objects.filter(user=trainee, case=case).exists()
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'action="{reverse("bookmark-remove")}"' in page
    assert "is in your bookmarks" in page  # the message after the redirect

    client.post(reverse("bookmark-remove"), {"case": case.pk})
    assert not Bookmark.objects.filter(user=trainee).exists()


def test_bookmarking_twice_keeps_one_bookmark(client, trainee):
    case = published()
    client.force_login(trainee)
    client.post(reverse("bookmark-add"), {"case": case.pk})
    client.post(reverse("bookmark-add"), {"case": case.pk})
    assert Bookmark.objects.filter(user=trainee, case=case).count() == 1


def test_a_case_you_may_not_read_cannot_be_bookmarked(client, trainee, author):
    draft = make_case(author=author, published=False)
    client.force_login(trainee)
    assert client.post(reverse("bookmark-add"), {"case": draft.pk}).status_code == 404
    assert not Bookmark.objects.exists()


def test_anonymous_visitors_see_no_bookmark_button_and_are_asked_to_log_in(client, db):
    case = published()
    assert "bookmark-form" not in client.get(case.get_absolute_url()).content.decode()
    response = client.post(reverse("bookmark-add"), {"case": case.pk})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("bookmark-list")).status_code == 302


def test_the_bookmark_toggle_answers_the_script_in_json(client, trainee):
    case = published()
    client.force_login(trainee)
    response = client.post(
        reverse("bookmark-add"), {"case": case.pk}, headers={"accept": "application/json"}
    )
    assert response.json()["bookmarked"] is True
    response = client.post(
        reverse("bookmark-remove"), {"case": case.pk}, headers={"accept": "application/json"}
    )
    assert response.json()["bookmarked"] is False


def test_an_off_site_next_address_is_ignored(client, trainee):
    case = published()
    client.force_login(trainee)
    response = client.post(
        reverse("bookmark-add"), {"case": case.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == case.get_absolute_url()


def test_the_bookmarks_page_lists_the_cases_you_can_still_read_newest_first(client, trainee):
    first, second, retracted = published("First"), published("Second"), published("Gone")
    for case in (first, second, retracted):
        services.bookmark_case(user=trainee, case=case)
    Bookmark.objects.filter(case=first).update(
        created_at=Bookmark.objects.get(case=first).created_at - datetime.timedelta(days=1)
    )
    Case.objects.filter(pk=retracted.pk).update(status=Case.Status.RETRACTED)
    client.force_login(trainee)
    response = client.get(reverse("bookmark-list"))
    assert [bookmark.case.title for bookmark in response.context["page"]] == ["Second", "First"]
    assert "Gone" not in response.content.decode()


def test_an_unlisted_case_you_bookmarked_stays_in_your_bookmarks(client, trainee):
    unlisted = published("Shared by link", visibility="unlisted")
    services.bookmark_case(user=trainee, case=unlisted)
    client.force_login(trainee)
    assert "Shared by link" in client.get(reverse("bookmark-list")).content.decode()


def test_removing_from_the_bookmarks_page(client, trainee):
    case = published()
    services.bookmark_case(user=trainee, case=case)
    client.force_login(trainee)
    page = client.get(reverse("bookmark-list")).content.decode()
    assert f'aria-label="Remove the bookmark of {case.title}"' in page
    response = client.post(
        reverse("bookmark-remove"), {"case": case.pk, "next": reverse("bookmark-list")}
    )
    assert response["Location"] == reverse("bookmark-list")
    assert not Bookmark.objects.exists()


def test_the_bookmarks_page_has_an_empty_state(client, trainee):
    client.force_login(trainee)
    assert "No bookmarks yet" in client.get(reverse("bookmark-list")).content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_bookmarks_page_query_count_does_not_grow(client, django_assert_num_queries, trainee, rows):
    for number in range(rows):
        services.bookmark_case(user=trainee, case=published(f"Case {number}"))
    client.force_login(trainee)
    # session, user, the user's roles (visibility rule), count of bookmarks, the unread
    # notification count, page of bookmarks, their cases, systems, studies, ready figures
    with django_assert_num_queries(10):
        response = client.get(reverse("bookmark-list"))
    assert response.status_code == 200


# API ------------------------------------------------------------------------------------------


def test_the_api_bookmarks_a_case_once_and_says_whether_it_was_new(trainee):
    case = published()
    first = api(trainee).post("/api/v1/bookmarks/", {"case": case.pk}, format="json")
    assert first.status_code == 201
    assert first.json()["case"]["id"] == case.pk
    again = api(trainee).post("/api/v1/bookmarks/", {"case": case.pk}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]


@pytest.mark.parametrize("case_id", ["draft", 999999])
def test_the_api_answers_a_case_you_may_not_read_with_a_404(trainee, author, case_id):
    if case_id == "draft":
        case_id = make_case(author=author, published=False).pk
    response = api(trainee).post("/api/v1/bookmarks/", {"case": case_id}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": CASE_NOT_READABLE, "errors": {}}
    assert not Bookmark.objects.exists()


@pytest.mark.parametrize("case_id", ["abc", None, 0])
def test_the_api_refuses_a_case_id_that_is_not_one_with_a_clear_400(trainee, case_id):
    response = api(trainee).post("/api/v1/bookmarks/", {"case": case_id}, format="json")
    assert response.status_code == 400
    assert "case" in response.json()["errors"]
    assert not Bookmark.objects.exists()


def test_the_api_lists_and_removes_only_your_own_bookmarks(trainee, outsider):
    case = published()
    mine, _ = services.bookmark_case(user=trainee, case=case)
    theirs, _ = services.bookmark_case(user=outsider, case=case)
    listed = api(trainee).get("/api/v1/bookmarks/").json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert api(trainee).delete(f"/api/v1/bookmarks/{theirs.pk}/").status_code == 404
    assert api(trainee).get(f"/api/v1/bookmarks/{theirs.pk}/").status_code == 404
    assert api(trainee).delete(f"/api/v1/bookmarks/{mine.pk}/").status_code == 204
    assert list(Bookmark.objects.values_list("pk", flat=True)) == [theirs.pk]


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", str(2**70)])
def test_malformed_bookmark_ids_are_404s_in_the_api_format(trainee, bad_id):
    response = api(trainee).get(f"/api/v1/bookmarks/{bad_id}/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


def test_anonymous_callers_get_401_from_bookmarks(db):
    assert api().get("/api/v1/bookmarks/").status_code == 401
    assert api().post("/api/v1/bookmarks/", {"case": 1}, format="json").status_code == 401


@pytest.mark.parametrize("rows", [1, 50])
def test_bookmark_list_endpoint_query_count_does_not_grow(django_assert_num_queries, trainee, rows):
    for number in range(rows):
        services.bookmark_case(user=trainee, case=published(f"Case {number}"))
    client = api(User.objects.get(pk=trainee.pk))  # its roles not read yet
    # the user's roles (visibility rule), count, page of bookmarks, their cases, systems,
    # studies, ready figures
    with django_assert_num_queries(7):
        response = client.get("/api/v1/bookmarks/", {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows
