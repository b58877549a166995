"""Saved searches: the pages, who may see them, and the daily or weekly e-mail digest."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Study
from cases.search_vector import refresh_search_vector
from search import services, tasks
from search.models import SavedSearch
from tests.factories import make_case, make_user


def html(response) -> str:
    return response.content.decode()


# Pages ---------------------------------------------------------------------------------------


def test_the_browse_page_offers_to_save_the_search(client, trainee):
    make_case(title="Osteoid osteoma")
    client.force_login(trainee)

    content = html(client.get(reverse("browse"), {"q": "osteoma", "modality": "CT", "page": "2"}))

    assert "Save this search" in content
    assert '<input type="hidden" name="query" value="q=osteoma&amp;modality=CT">' in content
    assert reverse("saved-search-list") in content


def test_visitors_are_asked_to_log_in_to_save_a_search(client, db):
    content = html(client.get(reverse("browse"), {"q": "osteoma"}))

    assert "Log in to save this search" in content
    assert "Save this search</summary>" not in content


def test_a_trainee_saves_a_search_and_finds_it_in_the_list(client, trainee):
    client.force_login(trainee)

    response = client.post(
        reverse("saved-search-create"),
        {"name": "Osteomas on CT", "query": "q=osteoma&modality=CT&page=2", "digest": "weekly"},
    )

    saved = SavedSearch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/cases/?q=osteoma&modality=CT"
    assert (saved.user, saved.query, saved.digest) == (trainee, "q=osteoma&modality=CT", "weekly")
    listing = html(client.get(reverse("saved-search-list")))
    assert "Osteomas on CT" in listing
    assert "Modality:</span> CT" in listing
    assert "“osteoma”" in listing
    assert "Weekly e-mail of new cases" in listing


def test_saving_an_invalid_search_shows_why_and_keeps_nothing(client, trainee):
    client.force_login(trainee)
    SavedSearch.objects.create(user=trainee, name="Taken", query="")

    taken = client.post(reverse("saved-search-create"), {"name": "taken", "query": "q=x"})
    bad_filter = client.post(reverse("saved-search-create"), {"name": "New", "query": "sex=z"})

    assert taken.status_code == bad_filter.status_code == 400
    assert "You already have a saved search with this name." in html(taken)
    assert "Patient sex: Select a valid choice" in html(bad_filter)
    assert SavedSearch.objects.count() == 1


def test_saving_a_search_needs_a_sign_in(client, db):
    response = client.post(reverse("saved-search-create"), {"name": "X", "query": "q=x"})
    listing = client.get(reverse("saved-search-list"))

    assert response.status_code == listing.status_code == 302
    assert reverse("account_login") in listing["Location"]
    assert not SavedSearch.objects.exists()


def test_a_saved_search_is_renamed_on_its_edit_page(client, trainee):
    saved = SavedSearch.objects.create(user=trainee, name="Hips", query="q=hip")
    client.force_login(trainee)

    page = client.get(reverse("saved-search-edit", args=[saved.pk]))
    response = client.post(
        reverse("saved-search-edit", args=[saved.pk]),
        {"name": "Hip radiographs", "digest": "daily"},
    )

    assert 'value="Hips"' in html(page)
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.name, saved.digest) == ("Hip radiographs", "daily")


def test_deleting_a_saved_search_asks_for_confirmation_first(client, trainee):
    saved = SavedSearch.objects.create(user=trainee, name="Hips", query="q=hip")
    client.force_login(trainee)

    confirmation = client.get(reverse("saved-search-delete", args=[saved.pk]))
    assert confirmation.status_code == 200
    assert "Delete saved search" in html(confirmation)
    assert SavedSearch.objects.filter(pk=saved.pk).exists()

    response = client.post(reverse("saved-search-delete", args=[saved.pk]))
    assert response.status_code == 302
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()


def test_someone_elses_saved_search_is_a_404_on_every_page(client, trainee, author):
    saved = SavedSearch.objects.create(user=trainee, name="Hips", query="q=hip")
    client.force_login(author)

    for name in ("saved-search-edit", "saved-search-delete"):
        assert client.get(reverse(name, args=[saved.pk])).status_code == 404
        assert client.post(reverse(name, args=[saved.pk]), {"name": "Mine"}).status_code == 404
    assert "Hips" not in html(client.get(reverse("saved-search-list")))
    saved.refresh_from_db()
    assert saved.name == "Hips"


def test_the_list_says_so_when_nothing_is_saved(client, trainee):
    client.force_login(trainee)

    assert "No saved searches yet" in html(client.get(reverse("saved-search-list")))


@pytest.mark.parametrize("count", [1, 30])
def test_saved_search_list_query_count_does_not_grow(
    client, trainee, django_assert_num_queries, count
):
    for number in range(count):
        SavedSearch.objects.create(
            user=trainee,
            name=f"Search {number}",
            query=f"q=hip&system=neuro&tag=tag-{number}",
        )
    client.force_login(trainee)
    # session, user, count, page of saved searches, system names, tag names; the layout's
    # roles of the user and unread notifications
    with django_assert_num_queries(8):
        response = client.get(reverse("saved-search-list"))
    assert response.status_code == 200


# Digests -------------------------------------------------------------------------------------


def an_hour_ago_minus(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days, hours=1)


@pytest.fixture
def reader(db):
    return make_user("reader", "trainee")


def saved(user, *, digest: str, query: str, days_ago: int) -> SavedSearch:
    saved_search = SavedSearch.objects.create(
        user=user, name="Osteomas", query=query, digest=digest
    )
    SavedSearch.objects.filter(pk=saved_search.pk).update(created_at=an_hour_ago_minus(days_ago))
    saved_search.refresh_from_db()
    return saved_search


def publish(title: str, *, hours_ago: int = 1, modality: str = "", **fields) -> Case:
    case = make_case(
        title=title, published_at=timezone.now() - datetime.timedelta(hours=hours_ago), **fields
    )
    if modality:
        Study.objects.create(case=case, modality=modality)
    refresh_search_vector([case.pk])
    return case


def run_digests(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return tasks.send_saved_search_digests.delay().get()


def test_a_daily_digest_lists_new_matching_cases_once(reader, django_capture_on_commit_callbacks):
    saved_search = saved(reader, digest="daily", query="q=osteoma&modality=CT", days_ago=1)
    new = publish("Osteoid osteoma of the tibia", modality="CT")
    publish("Osteoid osteoma of the femur", hours_ago=24 * 5, modality="CT")
    publish("Osteoma of the skull", modality="XR")
    publish("Unlisted osteoma", visibility="unlisted", modality="CT")

    assert run_digests(django_capture_on_commit_callbacks) == 1

    [message] = mail.outbox
    assert message.to == [reader.email]
    assert message.subject == "[Teaching File] 1 new case: Osteomas"
    assert "Osteoid osteoma of the tibia" in message.body
    assert f"{settings.SITE_URL}{new.get_absolute_url()}" in message.body
    assert "femur" not in message.body and "skull" not in message.body
    assert "Unlisted" not in message.body
    assert f"{settings.SITE_URL}/searches/" in message.body
    saved_search.refresh_from_db()
    assert saved_search.last_sent_at is not None

    # Run again straight away (beat, or a redelivered task): nothing more is sent.
    assert run_digests(django_capture_on_commit_callbacks) == 0
    assert services.send_saved_search_digest(saved_search.pk) == 0
    assert len(mail.outbox) == 1


def test_a_weekly_digest_waits_for_its_week(reader, django_capture_on_commit_callbacks):
    saved(reader, digest="weekly", query="q=osteoma", days_ago=2)
    publish("Osteoid osteoma")

    assert run_digests(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_no_email_without_new_cases_but_the_next_digest_starts_from_now(
    reader, django_capture_on_commit_callbacks
):
    saved_search = saved(reader, digest="daily", query="q=osteoma", days_ago=1)

    assert run_digests(django_capture_on_commit_callbacks) == 1
    assert mail.outbox == []
    saved_search.refresh_from_db()
    assert saved_search.last_sent_at > timezone.now() - datetime.timedelta(minutes=1)


def test_searches_without_a_digest_or_of_inactive_people_are_skipped(
    reader, django_capture_on_commit_callbacks
):
    saved(reader, digest="none", query="q=osteoma", days_ago=3)
    gone = make_user("gone", "trainee", is_active=False)
    saved(gone, digest="daily", query="q=osteoma", days_ago=3)
    publish("Osteoid osteoma")

    assert run_digests(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_the_digest_only_lists_cases_its_owner_may_read(
    reader, institution, django_capture_on_commit_callbacks
):
    saved(reader, digest="daily", query="q=osteoma", days_ago=1)
    publish("Institution osteoma", visibility="institution", institution=institution)

    run_digests(django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_the_digest_runs_every_hour_on_celery_beat_and_from_the_command(reader):
    entry = settings.CELERY_BEAT_SCHEDULE["send-saved-search-digests"]
    assert entry["task"] == "search.tasks.send_saved_search_digests"
    saved(reader, digest="daily", query="q=osteoma", days_ago=1)
    publish("Osteoid osteoma")

    call_command("send_search_digests", stdout=None)

    assert len(mail.outbox) == 1
