"""The client's address (api/client_address.py): the peer's unless it is a trusted proxy, then
the right-most X-Forwarded-For entry that is not one; the anonymous read throttle counts by it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from rest_framework.test import APIClient

from api.client_address import client_address, parse_trusted_proxies
from api.throttles import ScopedByMethodThrottle

PROXY = "10.0.0.2"


def address(forwarded: str | None = None, peer: str = PROXY) -> str:
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address("203.0.113.9", peer="192.0.2.4") == "192.0.2.4"


def test_behind_a_trusted_proxy_the_address_it_forwarded_is_the_clients(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert address("203.0.113.9") == "203.0.113.9"


def test_a_made_up_left_most_entry_is_ignored(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert address("198.51.100.1, 203.0.113.9") == "203.0.113.9"
    assert address("not an address, 203.0.113.9") == "203.0.113.9"


def test_a_peer_that_is_not_a_trusted_proxy_is_the_client_whatever_it_forwards(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert address("203.0.113.9", peer="192.0.2.4") == "192.0.2.4"


def test_every_trusted_hop_is_passed_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address("198.51.100.1, 203.0.113.9, 10.1.1.1, 10.2.2.2") == "203.0.113.9"


def test_when_every_hop_is_a_trusted_proxy_the_farthest_one_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address("10.1.1.1, 10.2.2.2") == "10.1.1.1"
    assert address(None) == PROXY


def test_a_malformed_entry_where_a_proxy_wrote_one_stops_the_walk(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address("203.0.113.9, garbage, 10.2.2.2") == "10.2.2.2"


@pytest.mark.parametrize(
    "forwarded,expected",
    [
        ("[2001:db8::7]:4711", "2001:db8::7"),
        ("2001:db8::7", "2001:db8::7"),
        ("203.0.113.9:4711", "203.0.113.9"),
    ],
)
def test_addresses_are_read_as_proxies_write_them(settings, forwarded, expected):
    settings.TRUSTED_PROXIES = [PROXY]
    assert address(forwarded) == expected


def test_a_trusted_proxy_seen_as_an_ipv4_mapped_ipv6_address_is_trusted(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert address("203.0.113.9", peer=f"::ffff:{PROXY}") == "203.0.113.9"


def test_a_trusted_proxy_that_is_not_an_address_refuses_to_start():
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        parse_trusted_proxies(["10.0.0.0/8", "proxy.example.org"])


# The anonymous read throttle counts by the same address


@pytest.fixture
def two_anonymous_reads_a_minute(monkeypatch):
    monkeypatch.setitem(ScopedByMethodThrottle.THROTTLE_RATES, "anonymous_read", "2/minute")


def read(api: APIClient, **extra) -> int:
    return api.get("/api/v1/licences/", **extra).status_code


def test_made_up_forwarded_addresses_share_the_peers_anonymous_reads(
    db, settings, two_anonymous_reads_a_minute
):
    settings.TRUSTED_PROXIES = []
    api = APIClient()
    answers = [read(api, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(1, 4)]
    assert answers == [200, 200, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_anonymous_reads(
    db, settings, two_anonymous_reads_a_minute
):
    settings.TRUSTED_PROXIES = [PROXY]
    api = APIClient()

    def from_(forwarded: str) -> int:
        return read(api, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)

    assert [from_(f"198.51.100.{n}, 203.0.113.9") for n in range(1, 4)] == [200, 200, 429]
    assert from_("203.0.113.10") == 200
