"""The database and the cache the settings choose from the environment."""

from __future__ import annotations

import pytest
from django.db import connection

from teachingfile.settings import cache_from_environment, database_from_environment

POSTGRES = "postgres://reader@db.example.org:5432/teachingfile"


def test_the_embedded_default_is_a_sqlite_file_opened_per_request():
    database = database_from_environment({})

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["CONN_MAX_AGE"] == 0
    assert not database["CONN_HEALTH_CHECKS"]
    assert "options" not in database["OPTIONS"]  # jit is PostgreSQL's


def test_postgresql_connections_persist_with_health_checks_and_without_jit():
    database = database_from_environment({"DATABASE_URL": POSTGRES})

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"]
    assert database["OPTIONS"]["options"] == "-c jit=off"


def test_connection_age_and_jit_can_be_chosen():
    database = database_from_environment(
        {"DATABASE_URL": POSTGRES, "DATABASE_CONN_MAX_AGE": "0", "DATABASE_JIT": "1"}
    )

    assert database["CONN_MAX_AGE"] == 0
    assert "options" not in database.get("OPTIONS", {})


def test_jit_off_keeps_options_the_database_url_names():
    database = database_from_environment(
        {"DATABASE_URL": f"{POSTGRES}?options=-c%20statement_timeout%3D5000"}
    )

    assert database["OPTIONS"]["options"] == "-c statement_timeout=5000 -c jit=off"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="jit is PostgreSQL's")
def test_the_apps_postgresql_connections_run_without_jit(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize("variable", ["CACHE_URL", "REDIS_URL"])
def test_a_redis_url_gives_the_shared_redis_cache(variable):
    cache = cache_from_environment({variable: "redis://cache.example.org:6379/2"})

    assert cache["BACKEND"] == "teachingfile.cache.ForgivingRedisCache"
    assert cache["LOCATION"] == "redis://cache.example.org:6379/2"
    assert cache["KEY_PREFIX"] == "tf"
    # A Redis that stops answering costs each request half a second at most, not a hang.
    assert cache["OPTIONS"] == {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def test_cache_url_wins_over_redis_url_and_prefix_and_timeout_can_be_chosen():
    cache = cache_from_environment(
        {
            "CACHE_URL": "redis://cache.example.org:6379/2",
            "REDIS_URL": "redis://broker.example.org:6379/0",
            "CACHE_KEY_PREFIX": "teaching-staging",
            "CACHE_TIMEOUT_SECONDS": "0.1",
        }
    )

    assert cache["LOCATION"] == "redis://cache.example.org:6379/2"
    assert cache["KEY_PREFIX"] == "teaching-staging"
    assert cache["OPTIONS"]["socket_timeout"] == 0.1


def test_without_a_redis_url_each_process_caches_in_its_own_memory():
    cache = cache_from_environment({})

    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
