"""A trainee's search in the system Chromium: a query, two facets, one removed, a result opened,
and the search saved. With SEARCH_SCREENSHOTS set, screenshots of the search page with its
facets are saved there (desktop and phone)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.models import Case, Study, System, Tag
from cases.search_vector import refresh_search_vector
from search.models import SavedSearch
from tests.factories import PASSWORD, make_case, make_user


@pytest.fixture
def searchable(transactional_db):
    """Fracture cases over two modalities and systems, made before the browser starts."""
    trauma = System.objects.get(code="trauma")
    spine = System.objects.get(code="spine")
    paediatric = System.objects.get(code="paediatric")
    tag = Tag.objects.create(name="Fracture", slug="fracture")
    made = [
        ("Scaphoid waist fracture", "XR", [trauma], 24, "female"),
        ("Occult scaphoid fracture on MRI", "MR", [trauma], 31, "male"),
        ("Vertebral compression fracture", "CT", [trauma, spine], 78, "female"),
        ("Supracondylar fracture of the humerus", "XR", [trauma, paediatric], 6, "male"),
        ("Toddler's fracture of the tibia", "XR", [paediatric], 2, "female"),
        ("Glioblastoma of the frontal lobe", "MR", [], 61, "male"),
    ]
    for title, modality, systems, age, sex in made:
        case = make_case(
            title=title,
            final_diagnosis=title.split(" of ")[0],
            clinical_history=f"A {age}-year-old with pain after a fall.",
            imaging_findings="A lucent fracture line." if "fracture" in title else "A mass.",
            patient_age=age,
            patient_age_unit="years",
            patient_sex=sex,
        )
        Study.objects.create(case=case, modality=modality, label=f"{modality} study")
        case.systems.add(*systems)
        if "fracture" in title:
            case.tags.add(tag)
    refresh_search_vector(Case.objects.all())
    return make_user("searching-trainee", "trainee", display_name="Sam Searcher")


def sign_in(page, base_url: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("E-mail or username").fill("searching-trainee")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base_url + "/")


def test_trainee_searches_narrows_with_facets_removes_one_and_opens_a_result(
    live_server, searchable, browser
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url)

    header_search = page.get_by_role("banner").get_by_role("search")
    header_search.get_by_label("Search cases").fill("fracture")
    header_search.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", name="Search results", level=1)).to_be_visible()
    results = page.locator(".results")
    assert results.locator(".result").count() == 5
    assert results.locator(".result-snippet mark").first.inner_text().lower() == "fracture"

    facets = page.get_by_role("complementary", name="Refine results")
    facets.get_by_role("link", name="Radiograph, 3 cases").click()
    assert results.locator(".result").count() == 3
    facets.get_by_role("link", name="Trauma, 2 cases").click()
    assert results.locator(".result").count() == 2
    expect(page.get_by_role("link", name="Remove filter Modality: Radiograph")).to_be_visible()
    expect(page.get_by_role("link", name="Remove filter System: Trauma")).to_be_visible()
    if os.environ.get("SEARCH_SCREENSHOTS"):
        save_screenshots(context.browser, page.url)

    # Removing the modality keeps the system and the search.
    page.get_by_role("link", name="Remove filter Modality: Radiograph").click()
    assert results.locator(".result").count() == 4
    expect(page.get_by_role("link", name="Remove filter System: Trauma")).to_be_visible()
    expect(page.get_by_role("link", name="Remove filter Search: fracture")).to_be_visible()

    page.get_by_role("navigation", name="Sort results").get_by_role("link", name="Newest").click()
    page.locator(".results").get_by_role("link", name="Occult scaphoid fracture on MRI").click()
    expect(
        page.get_by_role("heading", name="Occult scaphoid fracture on MRI", level=1)
    ).to_be_visible()

    page.go_back()
    page.get_by_text("Save this search").click()
    page.get_by_label("Name").fill("Trauma fractures")
    page.get_by_label("E-mail me new cases").select_option("weekly")
    page.get_by_role("button", name="Save search").click()
    expect(page.get_by_text("Saved “Trauma fractures”")).to_be_visible()
    page.get_by_role("link", name="Your saved searches").click()
    expect(page.get_by_role("heading", name="Trauma fractures")).to_be_visible()
    context.close()

    saved = SavedSearch.objects.get()
    assert (saved.name, saved.digest) == ("Trauma fractures", "weekly")
    assert "system=trauma" in saved.query and "q=fracture" in saved.query


def save_screenshots(browser, url: str) -> None:
    folder = Path(os.environ["SEARCH_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    for device, (width, height) in {"desktop": (1280, 900), "phone": (390, 844)}.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(url)
        page.screenshot(path=str(folder / f"search-facets-{device}.png"), full_page=True)
        if device == "phone":
            page.get_by_text("Refine results").click()  # folded on a phone: open it
            page.screenshot(path=str(folder / "search-facets-phone-open.png"), full_page=True)
        context.close()
