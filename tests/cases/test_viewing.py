"""Views are recorded in their own table and folded into the cases' counts, so that reading a
case never writes the case row; "most viewed" follows once folded (at once with tasks inline)."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import freshness
from cases.models import Case, CaseView
from cases.viewing import fold_case_views, record_case_view, viewer_key, views_fold_at_once
from teachingfile.celery import app as celery_app
from tests.factories import make_case

CLOSED_PORT = {
    "default": {
        "BACKEND": "teachingfile.cache.ForgivingRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def views_wait_for_the_fold(settings):
    settings.VIEW_COUNTS_AT_ONCE = False


def view_count(case: Case) -> int:
    return Case.objects.values_list("view_count", flat=True).get(pk=case.pk)


def reader(number: int, day=None) -> str:
    return viewer_key(user_id=number, day=day or timezone.localdate())


def test_a_view_waits_for_the_fold_without_writing_the_case(
    db, views_wait_for_the_fold, django_assert_num_queries
):
    case = make_case(title="Osteoid osteoma")

    with django_assert_num_queries(1):  # the day's view, inserted; the case row is left alone
        assert record_case_view(case=case, viewer=reader(1))

    assert view_count(case) == 0
    assert fold_case_views() == 1
    assert view_count(case) == 1
    assert fold_case_views() == 0  # nothing is folded twice
    assert view_count(case) == 1


def test_views_of_many_cases_are_folded_in_one_update(
    db, views_wait_for_the_fold, django_assert_num_queries
):
    cases = [make_case(title=f"Case {number}") for number in range(6)]
    for index, case in enumerate(cases):
        for number in range(index + 1):
            record_case_view(case=case, viewer=reader(number))

    # PostgreSQL: savepoint, the fold lock, the views to fold, marking them folded, one UPDATE
    # of the cases, release; SQLite has no lock to take.
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 5):
        assert fold_case_views() == 21

    assert [view_count(case) for case in cases] == [1, 2, 3, 4, 5, 6]
    assert not CaseView.objects.filter(folded=False).exists()


def test_a_fold_reads_only_the_views_not_yet_folded(db, views_wait_for_the_fold):
    case = make_case(title="Osteoid osteoma")
    record_case_view(case=case, viewer=reader(1))
    fold_case_views()
    record_case_view(case=case, viewer=reader(2))
    record_case_view(case=case, viewer=reader(3))

    assert fold_case_views(batch=1) == 2  # batches repeat until every new view is in
    assert view_count(case) == 3


def test_most_viewed_follows_the_readers_once_folded(
    client, db, views_wait_for_the_fold, django_capture_on_commit_callbacks
):
    quiet = make_case(title="Quiet case", view_count=1)
    popular = make_case(title="Popular case")
    for number in range(3):
        Client(HTTP_USER_AGENT=f"Browser {number}").get(popular.get_absolute_url())

    def most_viewed() -> list[str]:
        response = client.get(reverse("browse"), {"sort": "most_viewed"})
        return [case.title for case in response.context["page"].object_list]

    assert most_viewed() == ["Quiet case", "Popular case"]
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # a cached list is renewed
        call_command("fold_case_views", stdout=output)
    assert output.getvalue() == "Folded 3 views.\n"
    assert most_viewed() == ["Popular case", "Quiet case"]
    assert view_count(quiet) == 1


def test_a_fold_that_changed_counts_renews_the_lists(
    db, views_wait_for_the_fold, django_capture_on_commit_callbacks
):
    case = make_case(title="Osteoid osteoma")
    before = freshness.catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        fold_case_views()
    assert freshness.catalogue_version() == before  # nothing folded, lists unchanged

    record_case_view(case=case, viewer=reader(1))
    with django_capture_on_commit_callbacks(execute=True):
        fold_case_views()
    assert freshness.catalogue_version() != before


def test_with_tasks_inline_a_view_is_in_the_count_at_once(db, settings):
    settings.VIEW_COUNTS_AT_ONCE = None
    case = make_case(title="Osteoid osteoma")

    assert views_fold_at_once()  # tests run tasks inline, as the embedded default does
    record_case_view(case=case, viewer=reader(1))

    assert view_count(case) == 1
    assert CaseView.objects.get().folded
    assert fold_case_views() == 0


def test_with_a_worker_views_wait_for_beat(db, settings):
    settings.VIEW_COUNTS_AT_ONCE = None
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        assert not views_fold_at_once()
    finally:
        celery_app.conf.task_always_eager = eager
    settings.VIEW_COUNTS_AT_ONCE = True
    assert views_fold_at_once()


def test_beat_folds_views_every_minute(db, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["fold-case-views"]
    celery_app.loader.import_default_modules()  # what a worker does when it starts
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] <= 60


def test_the_fold_task_folds(db, views_wait_for_the_fold):
    from cases.tasks import fold_case_views as task

    case = make_case(title="Osteoid osteoma")
    record_case_view(case=case, viewer=reader(1))

    assert task.delay().get() == 1
    assert view_count(case) == 1


def test_a_reader_coming_back_costs_a_cache_lookup_not_a_query(db, django_assert_num_queries):
    case = make_case(title="Osteoid osteoma")
    assert record_case_view(case=case.pk, viewer=reader(1))

    with django_assert_num_queries(0):
        assert not record_case_view(case=case.pk, viewer=reader(1))


def test_the_table_still_counts_once_when_the_cache_forgot(db, views_wait_for_the_fold):
    case = make_case(title="Osteoid osteoma")
    record_case_view(case=case, viewer=reader(1))
    cache.clear()

    assert not record_case_view(case=case, viewer=reader(1))
    fold_case_views()
    assert view_count(case) == 1


def test_with_the_cache_down_views_are_counted_once_by_the_table(db, settings):
    settings.CACHES = CLOSED_PORT
    settings.VIEW_COUNTS_AT_ONCE = False
    case = make_case(title="Osteoid osteoma")

    assert record_case_view(case=case, viewer=reader(1))
    assert not record_case_view(case=case, viewer=reader(1))
    assert record_case_view(case=case, viewer=reader(2))
    assert fold_case_views() == 2
    assert view_count(case) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent folds need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_folds_running_at_once_add_each_view_once(settings):
    settings.VIEW_COUNTS_AT_ONCE = False
    cases = [make_case(title=f"Case {number}") for number in range(4)]
    for case in cases:
        for number in range(30):
            record_case_view(case=case, viewer=reader(number))
    start = threading.Barrier(6)
    folded = []

    def fold() -> None:
        try:
            start.wait()
            folded.append(fold_case_views(batch=7))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fold) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    folded.append(fold_case_views())  # whatever a fold that found the lock taken left

    assert sum(folded) == 120
    assert [view_count(case) for case in cases] == [30] * 4


def test_visitors_behind_a_trusted_proxy_are_told_apart_by_their_forwarded_address(db, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    case = make_case(title="Osteoid osteoma")

    def visit(forwarded: str) -> None:
        page = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded).get(
            case.get_absolute_url()
        )
        assert page.status_code == 200

    visit("203.0.113.9")
    visit("198.51.100.1, 203.0.113.9")  # a made-up left-most entry: the same visitor
    visit("203.0.113.10")

    assert view_count(case) == 2


def test_without_trusted_proxies_a_made_up_forwarded_address_is_not_a_new_visitor(db, settings):
    settings.TRUSTED_PROXIES = []
    case = make_case(title="Osteoid osteoma")

    for forwarded in ("203.0.113.9", "203.0.113.10"):
        Client(HTTP_X_FORWARDED_FOR=forwarded).get(case.get_absolute_url())

    assert view_count(case) == 1
