"""The root URLconf's includes can stand in any order: every named address resolves the same
when the includes of the site and of /api/v1/ are reversed."""

from __future__ import annotations

import re
import types

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, include, path, resolve, reverse
from django.urls.converters import IntConverter, PathConverter
from django.urls.resolvers import RoutePattern

import teachingfile.api_urls
import teachingfile.urls

SAMPLE_ID = 7


def _sample(converter) -> object:
    if isinstance(converter, IntConverter):
        return SAMPLE_ID
    if isinstance(converter, PathConverter):
        return "a/b"
    return "sample-word"


def _regex_sample(regex: str, name: str) -> str:
    """A value for a regex group: its first word if it is a list of words, else an id."""
    group = re.search(rf"\(\?P<{name}>([\w|]+)\)", regex)
    return group.group(1).split("|")[0] if group else str(SAMPLE_ID)


def _named_patterns(resolver: URLResolver, converters: dict | None = None, namespace: str = ""):
    """(name, kwargs) for every named pattern, with a sample value for each of its arguments."""
    for entry in resolver.url_patterns:
        found = dict(converters or {})
        if isinstance(entry.pattern, RoutePattern):
            found.update(entry.pattern.converters)
        else:
            found.update(
                {
                    name: _regex_sample(entry.pattern.regex.pattern, name)
                    for name in entry.pattern.regex.groupindex
                }
            )
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, found, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            kwargs = {
                name: value if isinstance(value, str) else _sample(value)
                for name, value in found.items()
            }
            yield namespace + entry.name, kwargs


def _reversed_urlconf() -> types.ModuleType:
    *v1_includes, v1_not_found = teachingfile.api_urls.urlpatterns
    reversed_v1 = [*reversed(v1_includes), v1_not_found]
    root = []
    for entry in reversed(teachingfile.urls.urlpatterns):
        if isinstance(entry, URLResolver) and entry.urlconf_name is teachingfile.api_urls:
            entry = path("api/v1/", include(reversed_v1))
        root.append(entry)
    module = types.ModuleType("reversed_urls")
    module.urlpatterns = root
    return module


NAMED = sorted(dict(_named_patterns(get_resolver())).items())


def test_the_api_v1_include_is_found_to_be_reversed():
    assert any(
        isinstance(entry, URLResolver) and entry.urlconf_name is teachingfile.api_urls
        for entry in teachingfile.urls.urlpatterns
    )


@pytest.mark.parametrize("name,kwargs", NAMED, ids=[name for name, _ in NAMED])
def test_every_named_address_resolves_the_same_with_the_includes_reversed(name, kwargs):
    address = reverse(name, kwargs=kwargs)
    as_written = resolve(address)
    reversed_ = resolve(address, urlconf=_REVERSED)

    assert as_written.view_name == name
    assert (reversed_.view_name, reversed_.func, reversed_.kwargs) == (
        as_written.view_name,
        as_written.func,
        as_written.kwargs,
    )


@pytest.mark.parametrize("word", ["edit", "history", "unknown", "comments", "flag"])
def test_a_word_after_a_case_id_is_that_page_not_a_case_slug(word):
    assert resolve(f"/cases/{SAMPLE_ID}/{word}/").url_name != "case-detail"
    assert resolve(f"/cases/{SAMPLE_ID}/a-case-title/").url_name == "case-detail"


def test_a_case_whose_slug_is_such_a_word_still_has_an_address():
    assert reverse("case-detail", kwargs={"pk": SAMPLE_ID, "slug": "history"}) == (
        f"/cases/{SAMPLE_ID}/history/"
    )


def test_other_api_addresses_get_the_json_404_in_either_order():
    for address in ["/api/v1/no-such-thing/", "/api/nothing/", "/api/v1"]:
        assert resolve(address).func is resolve(address, urlconf=_REVERSED).func


_REVERSED = _reversed_urlconf()
