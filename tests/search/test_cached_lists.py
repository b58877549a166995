"""Home and browse from cache for anonymous readers: never stale, never another reader's list,
and still served, uncached, when the cache is down."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import editing, freshness, published_revisions, workflow_services
from cases.models import Case, CaseAuthor, Study
from community import moderation
from tests.factories import complete_case, make_case, make_user

pytestmark = pytest.mark.django_db

HOME = reverse("home")
BROWSE = reverse("browse")


def text_at(client, url: str, params=None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def cached_text(client, url: str, params=None) -> str:
    """The list, read twice so that the second read is served from cache."""
    text_at(client, url, params)
    with CaptureQueriesContext(connection) as captured:
        text = text_at(client, url, params)
    assert len(captured) == 0, "not served from cache"
    return text


def changed_in_a_new_revision(case: Case, *, fields: dict, tags: list[str] | None = None) -> None:
    """A published case changes only through a new revision, published in its place."""
    writer = make_user("revising_author", "author")
    CaseAuthor.objects.create(case=case, user=writer, position=9)
    draft = published_revisions.start_revision(case, by=writer)
    editing.change_case_fields(
        draft, by=writer, base_version=draft.version, fields=fields, tags=tags
    )
    Case.objects.filter(pk=draft.pk).update(status=Case.Status.ACCEPTED)
    with transaction.atomic():  # the lists' concern, not the publication checklist's
        published_revisions.publish_revision(
            Case.objects.get(pk=draft.pk), by=make_user("revising_editor", "editor"), note=""
        )


@pytest.fixture
def listed(db) -> Case:
    case = make_case(title="Osteoid osteoma", featured=True)
    Study.objects.create(case=case, modality="CT")
    return case


@pytest.mark.parametrize("url", [HOME, BROWSE])
def test_a_list_from_cache_costs_no_query(client, listed, url, django_assert_num_queries):
    text_at(client, url)
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    assert "Osteoid osteoma" in response.content.decode()
    assert response["Vary"] == "Cookie"


@pytest.mark.parametrize("url", [HOME, BROWSE])
def test_a_new_publication_is_listed_at_once(client, listed, author, coauthor, editor, url):
    assert "Brodie abscess" not in cached_text(client, url)
    accepted = complete_case(author, coauthor, status=Case.Status.ACCEPTED, title="Brodie abscess")
    workflow_services.publish_case(accepted, by=editor)
    assert "Brodie abscess" in text_at(client, url)


@pytest.mark.parametrize("url", [HOME, BROWSE])
def test_an_edit_of_a_listed_case_shows_at_once(client, listed, url):
    assert "Osteoid osteoma" in cached_text(client, url)
    changed_in_a_new_revision(listed, fields={"title": "Osteoblastoma"})
    text = text_at(client, url)
    assert "Osteoblastoma" in text and "Osteoid osteoma" not in text


@pytest.mark.parametrize("url", [HOME, BROWSE])
def test_retraction_and_unpublishing_take_a_case_off_the_lists_at_once(
    client, listed, editor, moderator, url
):
    other = make_case(title="Chondroblastoma")
    assert "Osteoid osteoma" in cached_text(client, url)
    workflow_services.retract_case(listed, by=editor, reason="Duplicate publication.")
    assert "Osteoid osteoma" not in cached_text(client, url)
    moderation.unpublish_case(case=other, by=moderator, reason="Names the patient.")
    assert "Chondroblastoma" not in text_at(client, url)


def test_a_new_tag_shows_in_the_facets_at_once(client, listed):
    assert "enthesopathy" not in cached_text(client, BROWSE)
    changed_in_a_new_revision(listed, fields={}, tags=["enthesopathy"])
    assert "enthesopathy" in text_at(client, BROWSE)


def test_the_same_search_in_another_order_shares_one_entry(client, listed):
    text_at(client, BROWSE, {"modality": "CT", "sort": "new"})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{BROWSE}?sort=new&modality=CT")
    assert response.status_code == 200
    assert len(captured) == 0


def test_a_crafted_value_never_names_another_searchs_entry(client, listed):
    text_at(client, BROWSE, {"modality": "CT&sort=new"})  # one value, not two filters
    with CaptureQueriesContext(connection) as captured:
        text = text_at(client, BROWSE, {"modality": "CT", "sort": "new"})
    assert len(captured) > 0
    assert "Osteoid osteoma" in text


def test_another_search_is_another_entry(client, listed):
    assert "Osteoid osteoma" in cached_text(client, BROWSE, {"modality": "CT"})
    assert "Osteoid osteoma" not in text_at(client, BROWSE, {"modality": "MR"})


def test_invalid_page_numbers_still_show_a_page(client, listed):
    for number in ["999", "abc", "-1"]:
        assert "Osteoid osteoma" in cached_text(client, BROWSE, {"page": number})


def test_a_signed_in_readers_list_never_reaches_anonymous_readers(
    client, listed, author, coauthor, trainee
):
    complete_case(
        author,
        coauthor,
        status=Case.Status.PUBLISHED,
        visibility=Case.Visibility.INSTITUTION,
        institution=author.institution,
        title="Our own case",
    )
    client.force_login(trainee)
    assert "Our own case" in text_at(client, BROWSE)
    assert "Our own case" in text_at(client, HOME)
    assert "Log out" in text_at(client, BROWSE)
    client.logout()
    for url in (BROWSE, HOME):
        text = cached_text(client, url)
        assert "Our own case" not in text
        assert "Log out" not in text
        assert "Osteoid osteoma" in text


def test_an_anonymous_list_from_cache_never_reaches_a_signed_in_reader(
    client, listed, author, coauthor, trainee
):
    complete_case(
        author,
        coauthor,
        status=Case.Status.PUBLISHED,
        visibility=Case.Visibility.INSTITUTION,
        institution=author.institution,
        title="Our own case",
    )
    assert "Our own case" not in cached_text(client, BROWSE)
    client.force_login(trainee)
    text = text_at(client, BROWSE)
    assert "Our own case" in text and "Log out" in text


def test_unlisted_cases_and_drafts_are_never_listed(client, listed, author, coauthor, editor):
    make_case(title="Shared by link", visibility=Case.Visibility.UNLISTED)
    make_case(title="Still a draft", published=False, author=author)
    client.force_login(editor)
    text_at(client, BROWSE)
    client.logout()
    for url in (HOME, BROWSE):
        text = cached_text(client, url)
        assert "Shared by link" not in text and "Still a draft" not in text


@pytest.mark.parametrize("url", [HOME, BROWSE])
def test_an_unchanged_list_is_not_sent_again(client, listed, url, django_assert_num_queries):
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    make_case(title="Chondroblastoma")
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


# A cache that is down -------------------------------------------------------------------------


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "teachingfile.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


def test_every_page_is_served_uncached_when_the_cache_is_down(
    client, cache_down, listed, trainee, author
):
    assert freshness.catalogue_version() is None  # the cache is really unreachable
    for _ in range(2):
        assert "Osteoid osteoma" in text_at(client, HOME)
        assert "Osteoid osteoma" in text_at(client, BROWSE, {"modality": "CT"})
        assert "Osteoid osteoma" in text_at(client, listed.get_absolute_url())
    # Changes still go through, and show.
    changed_in_a_new_revision(listed, fields={"title": "Osteoblastoma"})
    listed = Case.objects.get(pk=listed.pk)  # a new title is a new address
    assert "Osteoblastoma" in text_at(client, listed.get_absolute_url())
    assert "Osteoblastoma" in text_at(client, BROWSE)
    client.force_login(trainee)
    assert "Osteoblastoma" in text_at(client, listed.get_absolute_url())
    assert "Osteoblastoma" in text_at(client, HOME)
