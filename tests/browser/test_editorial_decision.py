"""An editor on the editorial page of a case nobody has reviewed, in the system Chromium: the
page leads with asking a reviewer, and accepting waits for the confirmation box.

Set SCREENSHOTS_DIR to keep a screenshot of each width.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cases.models import Case
from tests.browser.pages import RICH_CASE, has_no_horizontal_scroll, publish
from tests.factories import PASSWORD, make_user

SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")


@pytest.fixture
def submitted(transactional_db):
    make_user("chief", Role.EDITOR, display_name="Dr Eli Chief")
    make_user("peer", Role.REVIEWER, display_name="Dr Pat Peer")
    case = publish(RICH_CASE)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.SUBMITTED, published_at=None)
    return case


@pytest.mark.parametrize("width", [1280, 390])
def test_an_editor_is_led_to_ask_a_reviewer_and_confirms_an_unreviewed_accept(
    live_server, submitted, browser, width
):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail or username").fill("chief")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(f"{live_server.url}/cases/{submitted.pk}/editorial/")
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"editorial-{width}.png"), full_page=True)
    assert has_no_horizontal_scroll(page)

    # Asking a reviewer comes first, above the decisions.
    ask = page.get_by_role("heading", name="Ask a reviewer")
    decide = page.get_by_role("heading", name="What you can do")
    assert ask.bounding_box()["y"] < decide.bounding_box()["y"]

    # Accepting is folded away, and the button waits for the box to be ticked.
    accept = page.get_by_role("button", name="Accept without review")
    expect(accept).to_be_hidden()
    page.get_by_text("Accept without peer review…").click()
    expect(accept).to_be_visible()
    accept.click()
    # Refused, saying why, with the confirmation open again.
    expect(page.get_by_role("alert").first).to_contain_text("No reviewer has completed a review")
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.SUBMITTED

    page.get_by_label("I accept this case without peer review").check()
    page.get_by_role("button", name="Accept without review").click()
    page.wait_for_url(f"{live_server.url}/cases/{submitted.pk}/editorial/")
    expect(page.locator(".messages")).to_contain_text("The case is accepted.")
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.ACCEPTED
