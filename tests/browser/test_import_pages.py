"""An author's import in the system Chromium: choose case reports in the upload form, follow
the job to its results, and open an imported case.

Set SCREENSHOTS_DIR to keep screenshots of the pages, on a desktop and on a phone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import Role
from cases.models import Case
from interchange.models import ImportJob
from tests.browser.pages import screenshot
from tests.factories import PASSWORD, make_user
from tests.files import report

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def shot(page, name: str) -> None:
    screenshot(page, f"imports-{name}")


@pytest.fixture
def writer(transactional_db):
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    return make_user("writer", Role.AUTHOR, display_name="Dr Wren Writer")


@pytest.fixture
def report_files(tmp_path) -> list[Path]:
    paths = []
    for number in (1, 2):
        name, text = report(number)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    latin = tmp_path / "scanned-letter.txt"
    latin.write_bytes("Une fracture du col fémoral.".encode("latin-1"))
    paths.append(latin)
    return paths


def signed_in_page(browser, live_server, viewport: dict, problems: list[str]):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_login").fill("writer")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    return context, page


def test_an_author_uploads_case_reports_and_reads_the_results(
    live_server, writer, report_files, browser
):
    problems: list[str] = []
    context, page = signed_in_page(browser, live_server, VIEWPORTS["phone"], problems)
    page.goto(f"{live_server.url}/imports/")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(page, "list-empty-phone")
    context.close()

    context, page = signed_in_page(browser, live_server, VIEWPORTS["desktop"], problems)

    # From the dashboard, where new cases start.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My cases").click()
    shot(page, "dashboard-desktop")
    page.get_by_role("link", name="Import cases").first.click()
    page.wait_for_url(f"{live_server.url}/imports/")
    expect(page.get_by_role("heading", name="No imports yet")).to_be_visible()
    shot(page, "list-empty-desktop")

    # Nothing chosen: the form says so and keeps nothing.
    page.get_by_role("button", name="Import").click()
    assert "Send at least one file" in page.get_by_role("alert").inner_text()
    assert not ImportJob.objects.exists()

    page.get_by_label("Case reports and bundles").set_input_files(report_files)
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(re.compile(r".*/imports/\d+/$"))
    if page.locator("[data-running]").count():
        # On a site with a separate worker the page refreshes itself until the job is done.
        page.wait_for_selector(".import-status-done", timeout=30_000)
    assert "3 files uploaded" in page.locator(".messages").inner_text()
    assert page.locator("progress").get_attribute("value") == "3"
    totals = page.locator(".import-totals").inner_text()
    assert re.search(r"Imported\s+2", totals) and re.search(r"Need attention\s+1", totals)
    latin_row = page.get_by_role("row").filter(has_text="scanned-letter.txt")
    assert "Needs attention" in latin_row.inner_text()
    assert "Is not UTF-8 text" in latin_row.inner_text()
    shot(page, "job-desktop")
    job_url = page.url

    # The imported case opens from its row.
    first = Case.objects.filter(created_by=writer).order_by("pk").first()
    page.get_by_role("link", name=first.title).click()
    page.wait_for_url(f"**{first.get_absolute_url()}")

    # The same files again: the reports are duplicates of the cases just made.
    page.goto(f"{live_server.url}/imports/")
    page.get_by_label("Case reports and bundles").set_input_files(report_files)
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(re.compile(r".*/imports/\d+/$"))
    page.wait_for_selector(".import-status-done", timeout=30_000)
    assert page.locator(".import-outcome-duplicate").count() == 2
    expect(page.get_by_role("link", name=first.title)).to_be_visible()
    shot(page, "job-duplicates-desktop")

    page.goto(f"{live_server.url}/imports/")
    assert page.get_by_role("row").filter(has_text="Done").count() == 2
    shot(page, "list-desktop")
    context.close()

    # On a phone, both pages fit the screen.
    context, page = signed_in_page(browser, live_server, VIEWPORTS["phone"], problems)
    for url, name in [(job_url, "job-phone"), (f"{live_server.url}/imports/", "list-phone")]:
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than the screen"
        shot(page, name)
    context.close()
    # The refused empty upload answers 400, which the console reports; nothing else may fail.
    assert [p for p in problems if "400 (Bad Request)" not in p] == []
