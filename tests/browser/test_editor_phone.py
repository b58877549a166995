"""The editor on a phone, in the system Chromium: every part's tab is in reach, and the
publication checklist sits above the form, folded to its count.

Set SCREENSHOTS_DIR to keep a screenshot of each width.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.pages import has_no_horizontal_scroll
from tests.factories import PASSWORD, make_case, make_user

SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")


@pytest.fixture
def draft(transactional_db):
    writer = make_user("writer", Role.AUTHOR, display_name="Dr Wren Writer")
    return make_case(author=writer, published=False, title="Osteoid osteoma of the femoral neck")


def editor_page(browser, live_server, draft, width: int):
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail or username").fill("writer")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(f"{live_server.url}/cases/{draft.pk}/edit/")
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"editor-{width}.png"), full_page=True)
    return page


def test_on_a_phone_every_part_tab_is_in_view(live_server, draft, browser):
    page = editor_page(browser, live_server, draft, 390)
    assert has_no_horizontal_scroll(page)
    tabs = page.get_by_role("navigation", name="Parts of the case").get_by_role("link")
    assert tabs.count() > 5
    for index in range(tabs.count()):
        box = tabs.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, tabs.nth(index).inner_text()


def test_on_a_phone_the_checklist_comes_before_the_form_folded_to_its_count(
    live_server, draft, browser
):
    page = editor_page(browser, live_server, draft, 390)
    checklist = page.locator(".editor-checklist")
    form = page.locator(".editor-main")
    assert checklist.bounding_box()["y"] < form.bounding_box()["y"]
    summary = checklist.locator("summary")
    expect(summary).to_contain_text("Before publication")
    expect(summary).to_contain_text("still missing")
    expect(checklist.locator("ul")).to_be_hidden()
    summary.click()
    expect(checklist.locator("ul")).to_be_visible()


def test_on_a_desktop_the_checklist_is_open_beside_the_form(live_server, draft, browser):
    page = editor_page(browser, live_server, draft, 1280)
    checklist = page.locator(".editor-checklist")
    expect(checklist.locator("ul")).to_be_visible()
    assert checklist.bounding_box()["x"] > page.locator(".editor-main").bounding_box()["x"]
