"""A trainee's whole journey in the system Chromium: a search from the header narrowed with a
facet, a case studied as an unknown with its question answered, and the result on the progress
page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, Study, System
from cases.search_vector import refresh_search_vector
from study import labels
from tests.browser.pages import make_figures_ready
from tests.factories import DIAGNOSIS, PASSWORD, make_case, make_unknown, make_user


@pytest.fixture
def two_buttock_cases(transactional_db) -> Case:
    """The unknown (CT) and another case the same search finds (MR)."""
    author = make_user("journey_author", "author")
    unknown = make_unknown(author, questions=1, figures=1)
    make_figures_ready(unknown)
    other = make_case(
        author=author,
        title="Piriformis syndrome",
        final_diagnosis="Piriformis syndrome",
        clinical_history="A 44-year-old woman with buttock pain radiating down the leg.",
        patient_age=44,
        patient_age_unit="years",
        patient_sex="female",
    )
    Study.objects.create(case=other, modality="MR", label="MR pelvis")
    other.systems.add(System.objects.get(code="musculoskeletal"))
    refresh_search_vector(Case.objects.all())
    make_user("journey_trainee", "trainee", display_name="Jo Journey")
    return unknown


def test_trainee_finds_a_case_studies_it_as_an_unknown_and_sees_the_result_on_progress(
    live_server, browser, two_buttock_cases
):
    unknown = two_buttock_cases
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_login").fill("journey_trainee")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # Search from the header, then narrow with the modality facet.
    header_search = page.get_by_role("banner").get_by_role("search")
    header_search.get_by_label("Search cases").fill("buttock")
    header_search.get_by_role("button", name="Search").click()
    results = page.locator(".results")
    assert results.locator(".result").count() == 2
    facets = page.get_by_role("complementary", name="Refine results")
    facets.get_by_role("link", name=re.compile(r"^CT, 1 case")).click()
    assert results.locator(".result").count() == 1

    # The case page offers it as an unknown.
    results.locator(".result a").first.click()
    page.get_by_role("link", name="Study as an unknown").click()
    page.wait_for_url(f"**/unknowns/{labels.unknown_code(unknown)}/")
    assert DIAGNOSIS.lower() not in page.content().lower()

    page.get_by_label("Your diagnosis").fill("Calcific tendinitis, gluteus maximus")
    page.get_by_label("Linea aspera").check()
    page.get_by_role("button", name="Commit my answer and show the findings").click()
    page.wait_for_url("**/attempts/**")
    page.get_by_role("button", name="Show the diagnosis").click()
    page.wait_for_selector("#stage-diagnosis")
    expect(page.get_by_text("1 of 1 right")).to_be_visible()
    # Judged as it was answered: nothing to click before progress counts it.
    expect(page.locator(".verdict")).to_contain_text("Right — your answer names the diagnosis")

    page.get_by_role("link", name="Progress", exact=True).click()
    page.wait_for_url("**/study/progress/")
    stats = page.locator(".progress-stats").inner_text().lower()
    assert "cases studied\n1" in stats and "attempts\n1" in stats
    assert "1 of 1 judged right" in stats
    recent = page.locator(".recent-item")
    assert recent.count() == 1
    assert DIAGNOSIS in recent.inner_text()
