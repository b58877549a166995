"""A trainee's journey in the system Chromium: bookmark a case, make a collection from a case
page, add cases with notes, put them in order, open the shared link signed out, and present
the collection in conference mode with the keyboard.

Set SCREENSHOTS_DIR to keep screenshots of the pages on the way.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import Role
from bookmarks.models import Collection
from tests.browser.pages import RICH_CASE, publish, screenshot
from tests.factories import PASSWORD, make_user


def simple_case(title: str, modality: str, age: int) -> dict:
    return {
        "title": title,
        "patient": {"age": age, "age_unit": "years", "sex": "female"},
        "clinical_history": f"A patient with a history that suggests {title.lower()}.",
        "studies": [
            {
                "modality": modality,
                "label": f"{modality} study",
                "findings": f"The findings of {title.lower()}.",
                "figures": [{"label": "Fig 1", "alt_text": title, "caption": title}],
            }
        ],
        "final_diagnosis": title,
        "teaching_points": [f"Recognise {title.lower()}."],
        "rights": {"licence": "CC-BY-4.0", "consent": "not_required"},
    }


@pytest.fixture
def library(transactional_db):
    """The trainee and three published cases, made before the browser starts."""
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    make_user("learner", Role.TRAINEE, display_name="Lee Learner")
    return [
        publish(RICH_CASE),
        publish(simple_case("Tension pneumothorax", "XR", 24)),
        publish(simple_case("Acute subdural haematoma", "CT", 78)),
    ]


def shot(page, name: str) -> None:
    screenshot(page, f"collections-{name}")


def current_step(page) -> str:
    return page.locator(".conference-steps [aria-current=step]").inner_text()


def test_a_trainee_collects_shares_and_presents_cases(live_server, library, browser):
    osteoma, pneumothorax, haematoma = library
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_login").fill("learner")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")

    # A bookmark, toggled in place by the script.
    page.goto(live_server.url + osteoma.get_absolute_url())
    page.get_by_role("button", name="Bookmark", exact=True).click()
    bookmarked = page.get_by_role("button", name="Bookmarked — remove the bookmark")
    bookmarked.wait_for()
    assert page.url.endswith(osteoma.get_absolute_url())
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Collections").click()
    page.get_by_role("link", name="Bookmarks").click()
    expect(page.get_by_role("link", name=osteoma.title)).to_be_visible()

    # A new collection, from the case page.
    page.goto(live_server.url + osteoma.get_absolute_url())
    page.get_by_text("Add to collection").click()
    page.get_by_role("link", name="New collection with this case").click()
    page.get_by_label("Title").fill("Thursday unknowns")
    page.get_by_label("Shared: anyone with the link").check()
    page.get_by_role("button", name="Create the collection").click()
    page.wait_for_url(re.compile(r".*/collections/\d+/$"))
    assert "Collection created" in page.locator(".messages").inner_text()
    collection = Collection.objects.get(title="Thursday unknowns")

    # Two more cases, one with a note, from their pages.
    for case, note in [(pneumothorax, "Look at the **mediastinum**."), (haematoma, "")]:
        page.goto(live_server.url + case.get_absolute_url())
        page.get_by_text("Add to collection").click()
        page.get_by_label("Your collection").select_option(label="Thursday unknowns")
        page.get_by_label("Note (optional)").fill(note)
        page.get_by_role("button", name="Add to this collection").click()
        page.wait_for_url(f"**{case.get_absolute_url()}")
        assert "was added to “Thursday unknowns”" in page.locator(".messages").inner_text()

    # A note on the first case, and the last case moved to the top.
    page.goto(live_server.url + collection.get_absolute_url())
    page.get_by_text(f"Add a note: {osteoma.title}").click()
    page.locator(f"#note-{collection.items.get(case=osteoma).pk}").fill("Ask for the *nidus*.")
    page.get_by_role("button", name="Save note").first.click()
    page.wait_for_load_state()
    expect(page.locator(".item-note em", has_text="nidus")).to_be_visible()
    for _ in range(2):
        page.get_by_role("button", name=f"Move up: {haematoma.title}").click()
        page.wait_for_load_state()
    titles = page.locator(".collection-items .case-summary-title").all_inner_texts()
    assert titles == [haematoma.title, osteoma.title, pneumothorax.title]
    expect(page.locator(".item-note strong", has_text="mediastinum")).to_be_visible()
    shot(page, "journey-collection")
    shared_link = page.get_by_label("Shared link").input_value()
    context.close()

    # Signed out, with the shared link.
    visitor = browser.new_context(viewport={"width": 1280, "height": 900})
    page = visitor.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(shared_link)
    expect(page.get_by_role("heading", name="Thursday unknowns", level=1)).to_be_visible()
    assert page.locator(".collection-items .case-summary-title").count() == 3
    assert page.get_by_role("button", name=re.compile("Move up")).count() == 0

    # Conference mode, with the keyboard.
    page.get_by_role("link", name="Present as unknowns").click()
    page.wait_for_url(re.compile(r".*/present/$"))
    expect(page.get_by_role("heading", name="Case 1", level=1)).to_be_visible()
    assert current_step(page) == "Unknown"
    assert haematoma.title not in page.content()
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r".*item=1&step=1$"))
    assert current_step(page) == "Findings"
    page.keyboard.press(" ")
    page.wait_for_url(re.compile(r".*item=1&step=2$"))
    assert page.locator(".conference-diagnosis").inner_text() == haematoma.title
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(r".*item=1&step=1$"))
    assert page.locator(".conference-diagnosis").count() == 0
    for _ in range(3):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(50)
    page.wait_for_url(re.compile(r".*item=2&step=0$"))
    expect(page.get_by_role("heading", name="Case 2", level=1)).to_be_visible()
    assert osteoma.title not in page.locator("[data-conference]").inner_html()
    shot(page, "journey-conference")

    # The Fullscreen API, and it lasts from one step to the next.
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement !== null")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r".*item=2&step=1$"))
    assert page.evaluate("document.fullscreenElement !== null")
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === null")

    # Back in the browser's history, then out.
    page.go_back()
    page.wait_for_url(re.compile(r".*item=2&step=0$"))
    page.locator(".conference-steps [aria-current=step]", has_text="Unknown").wait_for()
    page.keyboard.press("Escape")
    page.wait_for_url(shared_link)
    assert problems == []
    visitor.close()


def test_conference_mode_works_without_javascript(live_server, library, browser):
    osteoma, pneumothorax, _ = library
    owner = make_user("owner", Role.TRAINEE)
    from bookmarks import services

    collection = services.create_collection(owner=owner, title="Plain", visibility="public")
    for case in (osteoma, pneumothorax):
        services.add_to_collection(collection=collection, case=case, by=owner)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + f"/collections/{collection.pk}/present/")
    page.get_by_role("link", name="Reveal the findings").click()
    page.wait_for_url(re.compile(r".*item=1&step=1#current$"))
    page.get_by_role("link", name="Reveal the diagnosis").click()
    assert page.locator(".conference-diagnosis").inner_text() == osteoma.final_diagnosis
    page.get_by_role("link", name="Back").click()
    assert page.locator(".conference-diagnosis").count() == 0
    page.get_by_role("link", name="Exit").click()
    page.wait_for_url(f"**{collection.get_absolute_url()}")
    context.close()
