"""The site header in the system Chromium: one row on a desktop, even for a member with every
role; on a phone the brand, the bell and a Menu button, the rest folded until it is opened.

Set SCREENSHOTS_DIR to keep a screenshot of each.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.pages import has_no_horizontal_scroll
from tests.factories import PASSWORD, make_user

SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")


@pytest.fixture
def member(transactional_db):
    # Every role: the most links the header ever holds.
    return make_user(
        "everything",
        Role.TRAINEE,
        Role.AUTHOR,
        Role.REVIEWER,
        Role.EDITOR,
        Role.MODERATOR,
        display_name="Dr Alexandra Longname-Example",
    )


def signed_in_page(browser, live_server, width: int):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail or username").fill("everything")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    return page


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"header-{name}.png"))


def header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_header_is_one_row_on_a_desktop_for_a_member_with_every_role(
    live_server, member, browser, width
):
    page = signed_in_page(browser, live_server, width)
    shot(page, f"{width}")
    header = page.locator(".site-header")
    expect(header.get_by_role("button", name="Menu")).to_be_hidden()
    for name in ("Browse", "Unknowns", "Progress", "Collections", "My cases", "Editor"):
        expect(header.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(header.get_by_role("search")).to_be_visible()
    account = header.locator("summary", has_text="Dr Alexandra")
    expect(account).to_be_visible()
    # Every item's top sits on the same line: nothing wrapped onto a second row.
    tops = page.evaluate(
        """() => [...document.querySelectorAll(
            '.brand, .site-nav li, .header-search, .account-nav > *, .user-menu summary')]
          .filter((el) => el.offsetParent !== null)
          .map((el) => el.getBoundingClientRect())
          .map((box) => Math.round(box.top + box.height / 2))"""
    )
    assert max(tops) - min(tops) <= 4, tops
    assert header_height(page) < 80
    assert has_no_horizontal_scroll(page)

    # The name opens the profile link and Log out; Escape closes them again.
    account.click()
    expect(header.get_by_role("button", name="Log out")).to_be_visible()
    expect(header.get_by_role("link", name="Your profile")).to_be_visible()
    shot(page, f"{width}-account")
    page.keyboard.press("Escape")
    expect(header.get_by_role("button", name="Log out")).to_be_hidden()
    expect(account).to_be_focused()


def test_on_a_small_desktop_the_header_never_pushes_the_page_sideways(live_server, member, browser):
    page = signed_in_page(browser, live_server, 1024)
    shot(page, "1024")
    expect(page.locator(".site-header").get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.locator(".site-header").get_by_role("search")).to_be_visible()
    assert has_no_horizontal_scroll(page)


def test_on_a_phone_the_menu_is_folded_and_opens_and_closes_from_the_keyboard(
    live_server, member, browser
):
    page = signed_in_page(browser, live_server, 390)
    shot(page, "390-folded")
    header = page.locator(".site-header")
    assert header_height(page) < 70
    assert has_no_horizontal_scroll(page)
    menu_button = header.get_by_role("button", name="Menu")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(header.get_by_role("link", name="Browse", exact=True)).to_be_hidden()
    expect(header.get_by_role("link", name="Notifications")).to_be_visible()

    menu_button.focus()
    page.keyboard.press("Enter")
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    expect(header.get_by_role("link", name="Browse", exact=True)).to_be_visible()
    expect(header.get_by_role("search")).to_be_visible()
    # The next stop after the button is the first link of the menu.
    page.keyboard.press("Tab")
    expect(header.get_by_role("link", name="Home", exact=True)).to_be_focused()
    header.locator("summary", has_text="Dr Alexandra").click()
    expect(header.get_by_role("button", name="Log out")).to_be_visible()
    shot(page, "390-open")
    assert has_no_horizontal_scroll(page)

    header.get_by_role("link", name="Home", exact=True).focus()
    page.keyboard.press("Escape")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(menu_button).to_be_focused()
    expect(header.get_by_role("link", name="Browse", exact=True)).to_be_hidden()


def test_without_its_script_the_phone_menu_stays_open(live_server, member, browser):
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    header = page.locator(".site-header")
    expect(header.get_by_role("button", name="Menu")).to_be_hidden()
    expect(header.get_by_role("link", name="Browse", exact=True)).to_be_visible()
    expect(header.get_by_role("link", name="Log in")).to_be_visible()
