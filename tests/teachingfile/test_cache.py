"""The shared cache: limits hold across workers through Redis, and a Redis that is down makes
the site forget, never fail."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.test import APIClient

from api.throttles import ScopedByMethodThrottle
from teachingfile.cache import ForgivingRedisCache
from tests.factories import make_case

# Nothing listens on port 1: every operation is refused at once.
CLOSED_PORT = "redis://127.0.0.1:1/0"
TIMEOUTS = {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}


def redis_location() -> str:
    """This test worker's Redis database when the suite runs with one (conftest.py gives each
    worker its own), otherwise the machine's Redis."""
    configured = settings.CACHES["default"]
    if configured["BACKEND"].endswith("RedisCache"):
        return configured["LOCATION"]
    return "redis://127.0.0.1:6379/15"


def redis_answers(location: str) -> bool:
    try:
        return redis.Redis.from_url(location, socket_connect_timeout=0.2).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def two_workers():
    """Two processes' caches on the same Redis, under a key prefix of this test's own."""
    location = redis_location()
    if not redis_answers(location):
        pytest.skip(f"no Redis answers at {location}")
    params = {"KEY_PREFIX": f"test-{uuid.uuid4().hex}", "OPTIONS": TIMEOUTS}
    first, second = ForgivingRedisCache(location, params), ForgivingRedisCache(location, params)
    yield first, second
    client = redis.Redis.from_url(location)
    for key in client.scan_iter(f"{params['KEY_PREFIX']}:*"):
        client.delete(key)


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "teachingfile.cache.ForgivingRedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": TIMEOUTS,
        }
    }


@pytest.fixture
def two_reads_a_minute(monkeypatch):
    rates = dict.fromkeys(ScopedByMethodThrottle.THROTTLE_RATES, "2/minute")
    monkeypatch.setattr(ScopedByMethodThrottle, "THROTTLE_RATES", rates)


def anonymous_read(throttle_cache) -> bool:
    """Whether a worker whose throttle keeps its counts in `throttle_cache` lets one more
    anonymous read from the same address through."""
    request = Request(RequestFactory().get("/api/v1/cases/", REMOTE_ADDR="203.0.113.7"))
    request.user = AnonymousUser()
    throttle = ScopedByMethodThrottle()
    throttle.cache = throttle_cache
    return throttle.allow_request(request, view=None)


def test_a_cache_that_cannot_be_reached_answers_as_an_empty_one():
    down = ForgivingRedisCache(CLOSED_PORT, {"OPTIONS": TIMEOUTS})

    assert down.get("case", "missing") == "missing"
    assert down.get_many(["case", "figure"]) == {}
    assert not down.has_key("case")
    assert down.set("case", 1) is None
    assert not down.add("case", 1)  # "already there": once-only guards do the cheap thing
    assert down.set_many({"case": 1, "figure": 2}) == ["case", "figure"]
    assert not down.touch("case")
    assert not down.delete("case")
    assert down.delete_many(["case"]) is None
    assert not down.clear()
    with pytest.raises(ValueError):
        down.incr("case")


def test_a_throttle_limit_holds_across_workers_sharing_redis(two_workers, two_reads_a_minute):
    first_worker, second_worker = two_workers

    assert anonymous_read(first_worker)
    assert anonymous_read(second_worker)
    assert not anonymous_read(first_worker)  # the second worker's read counted here too
    assert not anonymous_read(second_worker)


def test_a_value_cached_by_one_worker_is_read_by_the_other(two_workers):
    first_worker, second_worker = two_workers

    first_worker.set("catalogue", "v1")

    assert second_worker.get("catalogue") == "v1"


def test_the_api_answers_without_a_cache_and_throttles_stop_counting(
    db, cache_down, two_reads_a_minute
):
    make_case(title="Osteoid osteoma")
    client = APIClient()

    statuses = [client.get("/api/v1/cases/").status_code for _ in range(4)]

    assert statuses == [200] * 4


def test_the_api_throttles_with_the_cache_up(db, two_reads_a_minute):
    make_case(title="Osteoid osteoma")
    client = APIClient()

    statuses = [client.get("/api/v1/cases/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]  # the rate of the test above does limit when counted


def test_pages_answer_without_a_cache(client, db, cache_down):
    case = make_case(title="Osteoid osteoma")

    assert client.get("/").status_code == 200
    assert client.get("/cases/").status_code == 200
    assert client.get(case.get_absolute_url()).status_code == 200
    assert case.daily_views.count() == 1  # the view is counted by the table alone
