"""Unknowns that score themselves and search that forgives, in the system Chromium on the
embedded default database: a trainee answers one unknown with a typo and another with a listed
differential, and sees both judged — and counted on the progress page — without judging
anything; then searches with a typo, finds nothing, and follows "Did you mean …?".

Set SCREENSHOTS_DIR (e.g. `SCREENSHOTS_DIR=/tmp/shots`) to save screenshots at 1280 and 390 px
(scoring-*.png).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.models import DifferentialDiagnosis
from study import labels
from tests.browser.pages import has_no_horizontal_scroll, make_figures_ready
from tests.factories import PASSWORD, QUESTION_ANSWER, make_unknown, make_user

DEVICES = {"desktop": (1280, 900), "phone": (390, 844)}


def sign_in(browser, base_url: str, username: str, size: tuple[int, int]):
    width, height = size
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(base_url + "/accounts/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


class Shots:
    """Screenshots of the desktop page's address at both widths, when SCREENSHOTS_DIR is set."""

    def __init__(self, browser, base_url: str, username: str) -> None:
        folder = os.environ.get("SCREENSHOTS_DIR")
        self.folder = Path(folder) if folder else None
        self.phone = sign_in(browser, base_url, username, DEVICES["phone"]) if folder else None

    def take(self, page, name: str) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(self.folder / f"scoring-{name}-desktop.png"), full_page=True)
        self.phone.goto(page.url.split("#")[0])
        self.phone.screenshot(path=str(self.folder / f"scoring-{name}-phone.png"), full_page=True)
        assert has_no_horizontal_scroll(self.phone), f"{name} scrolls sideways on a phone"


@pytest.fixture
def unknowns(transactional_db):
    author = make_user("scoring_author", "author")
    calcinosis = make_unknown(
        author,
        questions=1,
        parts=0,
        title="Tumoral calcinosis of the hip",
        final_diagnosis="Tumoral calcinosis",
        clinical_history="A 40-year-old woman presented with a hard painless lump beside the hip.",
        patient_sex="female",
        patient_age=40,
    )
    DifferentialDiagnosis.objects.create(
        case=calcinosis, position=0, diagnosis="Myositis ossificans"
    )
    osteoma = make_unknown(
        author,
        questions=0,
        parts=0,
        title="Osteoid osteoma of the tibia",
        final_diagnosis="Osteoid osteoma",
        clinical_history="A 16-year-old boy presented with night pain in the shin.",
        patient_age=16,
    )
    DifferentialDiagnosis.objects.create(case=osteoma, position=0, diagnosis="Brodie abscess")
    for case in (calcinosis, osteoma):
        make_figures_ready(case)
    make_user("scorer", "trainee", display_name="Sid Scorer")
    return calcinosis, osteoma


def answer(page, base_url: str, label: str, diagnosis: str, *, option: str | None = None):
    page.goto(base_url + "/unknowns/")
    page.get_by_role("link", name=label).click()
    expect(page.get_by_role("heading", name=label, level=1)).to_be_visible()
    page.get_by_label("Your diagnosis").fill(diagnosis)
    if option:
        page.get_by_label(option).check()
    page.get_by_role("button", name="Commit my answer and show the findings").click()
    page.wait_for_url("**/attempts/**")


def test_unknowns_judge_themselves_and_progress_counts_them_at_once(live_server, browser, unknowns):
    calcinosis, osteoma = unknowns
    page = sign_in(browser, live_server.url, "scorer", DEVICES["desktop"])
    shots = Shots(browser, live_server.url, "scorer")

    page.goto(live_server.url + "/unknowns/")
    first, second = labels.neutral_label(calcinosis), labels.neutral_label(osteoma)
    expect(page.get_by_role("link", name=first)).to_be_visible()
    listed = page.locator("main").inner_text()
    assert f"Case {calcinosis.pk}" not in listed and f"Case {osteoma.pk}" not in listed
    shots.take(page, "list")

    # A typo in the right diagnosis, and the question answered right.
    answer(page, live_server.url, first, "tumoral calcinsis", option="Linea aspera")
    assert page.title().startswith(labels.unknown_name(calcinosis))
    assert "calcinosis" not in page.title().lower()
    page.get_by_role("button", name="Show the diagnosis").click()
    page.wait_for_selector("#stage-diagnosis")
    verdict = page.locator(".verdict")
    expect(verdict).to_contain_text("Right — your answer names the diagnosis")
    expect(verdict).to_contain_text("“Tumoral calcinosis”")
    expect(page.get_by_text("1 of 1 right")).to_be_visible()
    shots.take(page, "right")

    # A listed differential: partly right, straight away.
    answer(page, live_server.url, second, "Brodies abcess")
    page.get_by_role("button", name="Show the diagnosis").click()
    page.wait_for_selector("#stage-diagnosis")
    expect(page.locator(".verdict")).to_contain_text("Partly right")
    expect(page.locator(".verdict")).to_contain_text("“Brodie abscess”")
    expect(page.get_by_text("Not fair? Judge it yourself")).to_be_visible()
    shots.take(page, "partly")

    # Nothing judged by hand, and progress counts both.
    page.get_by_role("link", name="Progress", exact=True).click()
    page.wait_for_url("**/study/progress/")
    stats = page.locator(".progress-stats").inner_text().lower()
    assert "50%" in stats and "1 of 2 judged right" in stats
    assert "nothing judged yet" not in stats
    shots.take(page, "progress")

    # Overruling the partly right answer counts it right.
    page.locator(".recent-item").filter(has_text="Osteoid osteoma").get_by_role("link").click()
    page.get_by_text("Not fair? Judge it yourself").click()
    page.get_by_label("Correct", exact=True).check()
    page.get_by_role("button", name="Record my judgement").click()
    expect(page.get_by_text("You overruled this")).to_be_visible()
    page.get_by_role("link", name="Progress", exact=True).click()
    assert "2 of 2 judged right" in page.locator(".progress-stats").inner_text().lower()
    assert QUESTION_ANSWER == 2  # "Linea aspera" above is the right option


def test_a_misspelt_search_offers_did_you_mean_on_sqlite(live_server, browser, unknowns):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    shots = Shots(browser, live_server.url, "scorer")
    page.goto(live_server.url + "/")
    header_search = page.get_by_role("banner").get_by_role("search")
    header_search.get_by_label("Search cases").fill("tumoral calcinsis")
    header_search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="No cases found")).to_be_visible()
    suggestion = page.get_by_role("link", name="tumoral calcinosis")
    expect(page.locator(".did-you-mean")).to_have_text("Did you mean tumoral calcinosis?")
    shots.take(page, "did-you-mean")
    suggestion.click()
    results = page.locator(".results .result")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Tumoral calcinosis of the hip")

    page.get_by_role("search").first.get_by_label("Search cases").fill("osteiod osteoma")
    page.get_by_role("search").first.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="osteoid osteoma").click()
    expect(page.locator(".results .result").first).to_contain_text("Osteoid osteoma of the tibia")
