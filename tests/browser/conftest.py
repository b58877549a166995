"""What every journey in the system Chromium shares: the `browser` mark, a skip where Chromium
is not installed, and leave for the tests' own ORM calls to run beside Playwright's loop."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.pages import CHROMIUM

# Playwright's sync API runs an event loop in the test's thread; Django would otherwise refuse
# the test's own database calls made beside it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items: mark only the journeys in this folder.
    for item in items:
        if item.path.parent == HERE:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="the system Chromium is not installed"))
