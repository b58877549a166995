"""Citing a case in the system Chromium: the cite box shows both styles, the Copy buttons put
the citation on the clipboard, and the citation files download.

Set SCREENSHOTS_DIR to keep screenshots of the cite box (desktop and phone widths).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import CaseAuthor, Tag
from interchange import citations
from tests.factories import make_case, make_user

SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")


def screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.locator("#cite").screenshot(path=str(Path(SCREENSHOTS) / f"citations-{name}.png"))


@pytest.fixture
def cited_case(live_server, settings):
    settings.SITE_URL = live_server.url
    lopez = make_user("lopez", "author", display_name="Dr Maria Lopez")
    case = make_case(
        author=lopez,
        title="Osteoid osteoma of the femoral neck: the nidus & its halo",
        version=3,
    )
    for position, name in enumerate(["Smith JA", "Łukasz Żółć", "Jean-Pierre Dupont"], 1):
        CaseAuthor.objects.create(case=case, name=name, position=position)
    case.tags.add(Tag.objects.create(name="Osteoid osteoma"))
    return case


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_reader_copies_the_vancouver_citation_and_downloads_the_files(
    live_server, browser, cited_case
):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(live_server.url + cited_case.get_absolute_url())

    cite = page.locator("#cite")
    cite.scroll_into_view_if_needed()
    vancouver = cite.locator("#cite-vancouver").inner_text()
    assert vancouver.startswith("Lopez M, Smith JA, Żółć Ł, Dupont JP. Osteoid osteoma")
    today = timezone.localdate()
    assert f"[cited {today.year} {citations.MONTHS[today.month - 1]} {today.day}]" in vancouver
    assert (
        cite.locator("#cite-apa")
        .inner_text()
        .startswith("Lopez, M., Smith, J. A., Żółć, Ł., & Dupont, J.-P. (")
    )
    screenshot(page, "desktop")

    copy = cite.locator('button[data-copy-target="cite-vancouver"]')
    expect(copy).to_have_accessible_name("Copy the Vancouver citation")
    copy.click()
    expect(copy).to_have_text("Copied")
    expect(cite.locator(".copy-status")).to_have_text("Vancouver citation copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == vancouver

    cite.get_by_role("button", name="Copy the APA citation").click()
    expect(cite.locator(".copy-status")).to_have_text("APA citation copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()").startswith("Lopez, M., Smith, J. A.")

    for label, extension, start in [
        ("BibTeX", "bib", f"@misc{{teachingfile{cited_case.pk},"),
        ("RIS", "ris", "TY  - ELEC\r\n"),
        ("CSL-JSON", "json", "["),
    ]:
        with page.expect_download() as download_info:
            cite.get_by_role("link", name=label, exact=True).click()
        download = download_info.value
        assert download.suggested_filename == f"teachingfile-case-{cited_case.pk}.{extension}"
        assert Path(download.path()).read_bytes().decode("utf-8").startswith(start)

    assert errors == []
    context.close()


def test_the_cite_box_fits_a_phone(live_server, browser, cited_case):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + cited_case.get_absolute_url())
    cite = page.locator("#cite")
    cite.scroll_into_view_if_needed()

    expect(cite.get_by_role("button", name="Copy the APA citation")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "phone")
    context.close()


def test_without_javascript_the_copy_buttons_stay_hidden(live_server, browser, cited_case):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + cited_case.get_absolute_url())

    expect(page.locator("#cite-vancouver")).to_be_visible()
    expect(page.locator("#cite .copy-citation").first).not_to_be_visible()
    context.close()
