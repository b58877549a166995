"""A reader's journey through the site in the system Chromium (Playwright, sync API).

Set SCREENSHOTS_DIR (e.g. `SCREENSHOTS_DIR=screenshots pytest tests/browser/test_reader_journey.py`)
to save full-page screenshots of the main pages at desktop and phone widths.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import Role
from cases.models import Case, System
from interchange.importer import parse_case_report
from tests.browser.pages import RICH_CASE, has_no_horizontal_scroll, publish
from tests.factories import make_case, make_user

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself (not by the live server) are still plain synchronous calls.


OTHER_CASES = [
    ("Acute subdural haematoma", "CT", ["neuro", "trauma"], 78, "female"),
    ("Multiple sclerosis with active plaques", "MR", ["neuro"], 32, "female"),
    ("Tension pneumothorax", "XR", ["chest", "trauma"], 24, "male"),
    ("Acute appendicitis", "US", ["abdominal", "paediatric"], 11, "male"),
    ("Pulmonary embolism", "CT", ["chest", "vascular"], 93, "female"),
    ("Scaphoid waist fracture", "XR", ["musculoskeletal", "trauma"], 22, "male"),
]


def seed_documents() -> list[tuple[str, dict]]:
    """The seed case reports parsed by the importer, when they are beside the checkout."""
    seeds = Path(settings.SEED_CASES_DIR)
    if not seeds.is_dir():
        return []
    documents = []
    for path in sorted(seeds.glob("*.txt")):
        parsed = parse_case_report(path.read_text(encoding="utf-8"), source_name=path.name)
        documents.append((path.name, parsed.document))
    return documents


@pytest.fixture
def published_cases(transactional_db) -> Case:
    """A rich case of our own (returned), a few simple ones, and the seed cases if importable."""
    # Transactional tests flush the database, taking the data migrations' rows with them.
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    for code in {"musculoskeletal", "paediatric", "neuro", "trauma", "chest", "abdominal",
                 "vascular"}:  # fmt: skip
        System.objects.get_or_create(code=code, defaults={"name": code.replace("_", " ").title()})

    for title, modality, systems, age, sex in OTHER_CASES:
        publish(
            {
                "title": title,
                "patient": {"age": age, "age_unit": "years", "sex": sex},
                "clinical_history": f"A teaching case of {title.lower()}.",
                "studies": [
                    {
                        "modality": modality,
                        "label": f"{modality} study",
                        "figures": [{"label": "Fig 1", "alt_text": title}],
                    }
                ],
                "final_diagnosis": title,
                "teaching_points": [f"Recognise {title.lower()}."],
                "systems": systems,
                "rights": {"licence": "CC-BY-4.0", "consent": "not_required"},
            },
            featured=title == "Pulmonary embolism",
        )
    for name, document in seed_documents():
        if (document.get("rights") or {}).get("licence"):
            publish(document, source=name)
    return publish(RICH_CASE, featured=True)


@pytest.fixture
def seed_case(published_cases) -> Case | None:
    """An imported seed case with a commentary, if the importer loaded any.

    A fixture so that it is read before the browser starts: ORM calls made once Playwright's
    sync API is running happen in another greenlet and leave a database connection open.
    """
    return Case.objects.exclude(source="").exclude(commentaries=None).order_by("pk").first()


def save_screenshots(browser, base_url: str, pages: dict[str, str]) -> None:
    target = os.environ.get("SCREENSHOTS_DIR")
    if not target:
        return
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    for device, viewport in {"desktop": (1280, 900), "phone": (390, 844)}.items():
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        page = context.new_page()
        for name, path in pages.items():
            page.goto(base_url + path)
            page.screenshot(path=str(folder / f"{name}-{device}.png"), full_page=True)
        context.close()


def test_reader_browses_filters_and_reads_a_case(live_server, published_cases, seed_case, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console_errors: list[str] = []
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )

    page.goto(live_server.url)
    expect(page.get_by_role("heading", name="Radiology teaching cases")).to_be_visible()
    expect(page.get_by_role("heading", name="Featured cases")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Browse").click()
    page.wait_for_url("**/cases/")
    expect(page.get_by_role("heading", name="Browse cases", level=1)).to_be_visible()

    facets = page.get_by_role("complementary", name="Refine results")
    facets.get_by_role("link", name=re.compile(r"^MRI, \d+ cases?$")).click()
    page.wait_for_url("**/cases/?*modality=MR*")
    results = page.locator(".results")
    expect(
        results.get_by_role("link", name="Multiple sclerosis with active plaques")
    ).to_be_visible()
    assert results.get_by_role("link", name="Tension pneumothorax").count() == 0
    expect(page.get_by_role("link", name="Remove filter Modality: MRI")).to_be_visible()

    results.get_by_role("link", name=RICH_CASE["title"]).click()
    page.wait_for_url(f"**{published_cases.get_absolute_url()}")
    expect(page.get_by_role("heading", name=RICH_CASE["title"], level=1)).to_be_visible()
    assert page.locator(".final-diagnosis").inner_text() == RICH_CASE["final_diagnosis"]
    teaching_points = page.locator("#teaching-points li")
    assert teaching_points.count() == 3
    expect(teaching_points.first).to_be_visible()
    machine_label = "Machine-generated analysis — not verified by a radiologist"
    expect(page.get_by_text(machine_label)).to_be_visible()
    assert page.locator(".figure img").count() == 4

    page.get_by_role("link", name="3", exact=True).first.click()
    assert page.url.endswith("#ref-3")

    page.set_viewport_size({"width": 375, "height": 800})
    for path in ["/", "/cases/", published_cases.get_absolute_url(), "/accounts/login/"]:
        page.goto(live_server.url + path)
        assert has_no_horizontal_scroll(page), f"{path} scrolls sideways on a phone"

    assert console_errors == []  # no CSP violation, no failed image
    context.close()

    save_screenshots(
        browser,
        live_server.url,
        {
            "home": "/",
            "browse": "/cases/",
            "browse-filtered": "/cases/?system=trauma",
            "case": published_cases.get_absolute_url(),
            **({"case-seed": seed_case.get_absolute_url()} if seed_case else {}),
            "login": "/accounts/login/",
            "signup": "/accounts/signup/",
            "not-found": "/cases/999999/",
        },
    )


def test_keyboard_user_can_skip_to_the_content(live_server, published_cases, browser):
    page = browser.new_page()
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert skip_link.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    # Following a fragment link is a navigation of its own: wait for it, do not race it.
    page.wait_for_url("**/#main")
    page.close()


@pytest.fixture
def author_with_a_draft(published_cases):
    """The demo-like author and one of their drafts, made before the browser starts."""

    author = make_user("drafting-author", Role.AUTHOR, display_name="Dr Drafting Author")
    draft = make_case(
        author=author, published=False, title="Pigmented villonodular synovitis", licence=None
    )
    return draft


def test_author_finds_a_draft_and_sees_what_blocks_its_publication(
    live_server, author_with_a_draft, browser
):
    page = browser.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail or username").fill("drafting-author")
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My cases").click()
    page.wait_for_url("**/cases/mine/")
    drafts = page.get_by_role("region", name="Drafts")
    card = drafts.locator(".dash-card", has_text="Pigmented villonodular synovitis")
    expect(card.get_by_text("Draft", exact=True)).to_be_visible()
    card.get_by_text("still block publication").click()  # the list of what blocks it opens
    expect(card.get_by_text("A licence is chosen")).to_be_visible()

    card.get_by_role("link", name="Pigmented villonodular synovitis", exact=True).click()
    page.wait_for_url(f"**{author_with_a_draft.get_absolute_url()}")
    checklist = page.get_by_role("region", name="Before publication")
    expect(checklist.get_by_text("still block publication")).to_be_visible()
    expect(checklist.locator("li.missing", has_text="A licence is chosen")).to_be_visible()
    expect(checklist.locator("li.met", has_text="A final diagnosis is given")).to_be_visible()

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/cases/mine/")
    assert has_no_horizontal_scroll(page)
    page.close()


def test_reader_searches_for_a_seed_case_and_reads_it(live_server, seed_case, browser):
    if seed_case is None:
        pytest.skip("the seed case reports (settings.SEED_CASES_DIR) are not beside the checkout")
    title, diagnosis = seed_case.title, seed_case.final_diagnosis
    page = browser.new_page()
    page.goto(live_server.url)
    header_search = page.get_by_role("banner").get_by_role("search")
    header_search.get_by_label("Search cases").fill(title.split()[0])
    header_search.get_by_role("button", name="Search").click()
    page.wait_for_url("**/cases/?q=*")
    page.locator(".results").get_by_role("link", name=title).click()
    page.wait_for_url(f"**{seed_case.get_absolute_url()}")

    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    assert page.locator(".final-diagnosis").inner_text() == diagnosis
    expect(
        page.get_by_text("Machine-generated analysis — not verified by a radiologist")
    ).to_be_visible()
    expect(page.get_by_role("table", name="FITT-VP exercise prescription").first).to_be_visible()
    expect(page.get_by_text(seed_case.licence, exact=True)).to_be_visible()
    page.close()
