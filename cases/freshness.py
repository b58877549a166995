"""Versions that name what a cached page shows, so that a change makes new pages at once.

Each published case has a version, and so has the catalogue (home, browse, search: anything
that lists cases). A cached page's key holds the versions it was built from; whatever changes
what a page shows bumps them, and the next reader builds the page afresh under the new key.
Nothing is ever deleted or found stale: old entries are simply never asked for again and expire.

A version is a random token, not a counter: if the cache loses one (eviction, restart), the
next one made is new, so an old page can never match it again. When the cache is unreachable
there is no version (None), and callers serve the page uncached.

Bumps happen when the transaction commits: a reader who took the old version before the commit
can only have cached the page under the old key, which nobody asks for afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

CATALOGUE_KEY = "page-version:catalogue"
# What the listed cases say (their text, tags, visibility), not their order: bumped with the
# catalogue, except when only view counts change.
CONTENTS_KEY = "page-version:catalogue-contents"


def _case_key(case_id: int) -> str:
    return f"page-version:case:{case_id}"


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


def _current(key: str) -> str | None:
    version = cache.get(key)
    if version is None:
        cache.add(key, _new_token(), timeout=None)
        version = cache.get(key)
    return version


def case_version(case_id: int) -> str | None:
    """The version of one case's page, or None when the cache cannot keep one."""
    return _current(_case_key(case_id))


def case_version_and(case_id: int, keys: list[str]) -> tuple[str | None, dict]:
    """The version of one case's page and the cache entries under `keys`, in one round trip.
    When the version had to be made afresh, nothing found can belong to it: none is given."""
    version_key = _case_key(case_id)
    found = cache.get_many([version_key, *keys])
    version = found.pop(version_key, None)
    if version is None:
        return _current(version_key), {}
    return version, found


def case_versions(case_ids: Iterable[int]) -> dict[int, str]:
    """Versions of many cases in one round trip; cases the cache cannot version are left out."""
    keys = {_case_key(case_id): case_id for case_id in case_ids}
    found = cache.get_many(list(keys))
    versions = {keys[key]: version for key, version in found.items()}
    for key, case_id in keys.items():
        if case_id not in versions:
            version = _current(key)
            if version is not None:
                versions[case_id] = version
    return versions


def catalogue_version() -> str | None:
    """The version of every page that lists cases, or None when the cache cannot keep one."""
    return _current(CATALOGUE_KEY)


def contents_version() -> str | None:
    """The version of what the listed cases say, or None when the cache cannot keep one."""
    return _current(CONTENTS_KEY)


def case_changed(case_id: int, *, listed: bool = True) -> None:
    """What a case's page shows changed; `listed` when lists of cases may show it too."""

    def bump() -> None:
        cache.set(_case_key(case_id), _new_token(), timeout=None)
        if listed:
            cache.set_many({CATALOGUE_KEY: _new_token(), CONTENTS_KEY: _new_token()}, timeout=None)

    transaction.on_commit(bump, robust=True)


def catalogue_changed(*, contents: bool = True) -> None:
    """What lists of cases show changed (say, the order of "most viewed": not `contents`)."""
    keys = [CATALOGUE_KEY, CONTENTS_KEY] if contents else [CATALOGUE_KEY]
    transaction.on_commit(
        lambda: cache.set_many({key: _new_token() for key in keys}, timeout=None), robust=True
    )
