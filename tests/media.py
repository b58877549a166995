"""Helpers for signed image addresses (cases/media_urls.py) in tests."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.test import Client


def path_of(url: str) -> str:
    """The path of a signed address, without its host and signature."""
    return urlsplit(url).path


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def fetch(url: str):
    """The address fetched by a client with no session and no token: as an `<img>` would."""
    return Client().get(url)


# A bucket boundary for an expiry of an hour: 1_800_000_000 % 1800 == 0.
START = 1_800_000_000


class SigningClock:
    """The clock of cases/media_urls.py, standing at `now` until a test moves it."""

    now = START
