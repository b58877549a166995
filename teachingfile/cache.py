"""The shared cache: Django's Redis cache, except that a Redis that is down or slow makes the
site slower, never broken. Every operation that cannot reach Redis logs a warning and answers
as a cache that holds nothing would: a miss, a write that did not stick, nothing deleted."""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# While Redis is unreachable, warn once a minute rather than on every request.
_WARNING_INTERVAL = 60.0


class ForgivingRedisCache(RedisCache):
    _last_warning = 0.0

    def _unreachable(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - ForgivingRedisCache._last_warning >= _WARNING_INTERVAL:
            ForgivingRedisCache._last_warning = now
            logger.warning("Cache unreachable (%s): %s; serving without it.", operation, error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self._unreachable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            self._unreachable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as error:
            self._unreachable("has_key", error)
            return False

    def set(self, key, value, timeout=None, version=None, **kwargs):
        try:
            return super().set(key, value, timeout, version, **kwargs)
        except RedisError as error:
            self._unreachable("set", error)
            return None

    def add(self, key, value, timeout=None, version=None, **kwargs):
        # Nothing could be stored: answer False ("it was there already") so that callers
        # using add() as a once-only guard do the cheap thing rather than the repeated one.
        try:
            return super().add(key, value, timeout, version, **kwargs)
        except RedisError as error:
            self._unreachable("add", error)
            return False

    def set_many(self, data, timeout=None, version=None, **kwargs):
        try:
            return super().set_many(data, timeout, version, **kwargs)
        except RedisError as error:
            self._unreachable("set_many", error)
            return list(data)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as error:
            self._unreachable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            self._unreachable("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except RedisError as error:
            self._unreachable("delete_many", error)
            return None

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._unreachable("incr", error)
            raise ValueError(f"Key '{key}' not found (cache unreachable)") from error

    def clear(self):
        try:
            return super().clear()
        except RedisError as error:
            self._unreachable("clear", error)
            return False
