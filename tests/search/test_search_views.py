"""Case views: one per reader per case per day, counted on the published case page."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from cases.models import Case, CaseView
from cases.viewing import fold_case_views, record_case_view, viewer_key
from tests.factories import make_case

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


def views_of(case: Case) -> int:
    """The case's count once every recorded view is in it (where views wait for the fold)."""
    fold_case_views()
    return Case.objects.values_list("view_count", flat=True).get(pk=case.pk)


def visitor(user_agent: str, address: str = "203.0.113.7") -> Client:
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)


def test_a_reader_is_counted_once_a_day(db, trainee):
    case = make_case(title="Osteoid osteoma")
    reader = visitor("Firefox")

    reader.get(case.get_absolute_url())
    reader.get(case.get_absolute_url())
    assert views_of(case) == 1

    visitor("Chromium").get(case.get_absolute_url())  # another browser at the same address
    visitor("Firefox", address="198.51.100.2").get(case.get_absolute_url())
    signed_in = Client()
    signed_in.force_login(trainee)
    signed_in.get(case.get_absolute_url())
    signed_in.get(case.get_absolute_url())

    assert views_of(case) == 4
    assert CaseView.objects.filter(case=case).count() == 4


def test_the_same_reader_is_counted_again_the_next_day(db, trainee):
    case = make_case(title="Osteoid osteoma")
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)

    for day in (today, today, tomorrow):
        record_case_view(case=case, viewer=viewer_key(user_id=trainee.pk, day=day), day=day)

    assert views_of(case) == 2


def test_the_viewer_is_a_daily_hash_that_keeps_no_address(db):
    today = timezone.localdate()
    key = viewer_key(user_id=None, address="203.0.113.7", user_agent="Firefox", day=today)
    tomorrow = viewer_key(
        user_id=None,
        address="203.0.113.7",
        user_agent="Firefox",
        day=today + datetime.timedelta(days=1),
    )

    assert len(key) == 64 and int(key, 16) >= 0
    assert "203.0.113.7" not in key
    assert key != tomorrow  # the salt changes daily: no following a visitor across days
    case = make_case(title="Osteoid osteoma")
    visitor("Firefox").get(case.get_absolute_url())
    stored = CaseView.objects.get(case=case)
    assert "203.0.113" not in stored.viewer and "Firefox" not in stored.viewer


def test_unpublished_cases_and_other_requests_are_not_counted(db, author):
    draft = make_case(title="Draft", author=author, published=False)
    client = Client()
    client.force_login(author)
    client.get(draft.get_absolute_url())
    published = make_case(title="Published")
    client.head(published.get_absolute_url())
    Client().get(f"/cases/{published.pk}/wrong-slug/")  # a redirect to the page, not the page

    assert views_of(draft) == 0
    assert views_of(published) == 0


def test_counting_a_view_does_not_change_when_the_case_was_edited(db):
    case = make_case(title="Osteoid osteoma")
    updated_at = case.updated_at

    visitor("Firefox").get(case.get_absolute_url())
    fold_case_views()

    case.refresh_from_db()
    assert case.view_count == 1
    assert case.updated_at == updated_at


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_readers_arriving_at_the_same_moment_are_counted_once():
    case = make_case(title="Osteoid osteoma")
    viewer = viewer_key(user_id=None, session_key="abc", day=timezone.localdate())
    start = threading.Barrier(8)
    counted = []

    def read() -> None:
        try:
            start.wait()
            counted.append(record_case_view(case=case, viewer=viewer))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(counted) == [False] * 7 + [True]
    assert views_of(case) == 1
