"""A trainee's journey through an unknown in the system Chromium: the unknowns list, the
unknown, a diagnosis and a question answered, each stage revealed, the verdict on the answer
overruled, and the result on the progress page.

Set SCREENSHOTS_DIR (e.g. `SCREENSHOTS_DIR=/tmp/shots`) to save screenshots of every stage and
of the progress page at desktop and phone widths (unknowns-*.png).
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

from study import labels
from tests.browser.pages import has_no_horizontal_scroll, make_figures_ready
from tests.factories import DIAGNOSIS, PASSWORD, QUESTION_ANSWER, make_unknown, make_user

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are plain
# synchronous calls.


# The elements wider than the window, to say what makes a page scroll sideways.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 8)
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""

DEVICES = {"desktop": (1280, 900), "phone": (390, 844)}


class Trainee:
    """One signed-in browser context per device; the phone follows the desktop's pages."""

    def __init__(self, browser, base_url: str, username: str) -> None:
        self.base_url = base_url
        folder = os.environ.get("SCREENSHOTS_DIR")
        self.folder = Path(folder) if folder else None
        self.pages = {}
        for device, (width, height) in DEVICES.items():
            if device == "phone" and self.folder is None:
                continue
            page = browser.new_context(viewport={"width": width, "height": height}).new_page()
            page.goto(base_url + "/accounts/login/")
            page.locator("#id_login").fill(username)
            page.locator("#id_password").fill(PASSWORD)
            page.locator("#id_password").press("Enter")
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            self.pages[device] = page
        self.page = self.pages["desktop"]

    def shoot(self, name: str) -> None:
        """Screenshots of the desktop's current page, at both widths."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        phone = self.pages["phone"]
        phone.goto(self.page.url.split("#")[0])
        for device, page in self.pages.items():
            page.screenshot(path=str(self.folder / f"unknowns-{name}-{device}.png"), full_page=True)
        assert has_no_horizontal_scroll(phone), f"{name} scrolls sideways on a phone: " + str(
            phone.evaluate(WIDEST)
        )


def test_trainee_studies_an_unknown_stage_by_stage_and_sees_the_progress(
    live_server, browser, transactional_db
):
    author = make_user("unknown_author", "author")
    case = make_unknown(author, questions=1, figures=2)
    make_figures_ready(case)
    make_user("learner", "trainee", display_name="Lee Learner")
    trainee = Trainee(browser, live_server.url, "learner")
    page = trainee.page

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Unknowns", exact=True).click()
    page.wait_for_url("**/unknowns/")
    label = labels.neutral_label(case)
    assert f"Case {case.pk}" not in label
    expect(page.get_by_role("link", name=label)).to_be_visible()
    trainee.shoot("list")

    page.get_by_role("link", name=label).click()
    page.wait_for_url(f"**/unknowns/{labels.unknown_code(case)}/")
    assert f"/cases/{case.pk}/" not in page.content()
    expect(page.get_by_role("heading", name=label, level=1)).to_be_visible()
    assert page.locator("figure.viewer img").count() == 2
    assert DIAGNOSIS.lower() not in page.content().lower()
    trainee.shoot("stage-0-unknown")

    page.get_by_label("Your diagnosis").fill("Gluteal calcific tendinitis")
    page.get_by_label("Linea aspera").check()
    page.get_by_role("button", name="Commit my answer and show the findings").click()
    page.wait_for_url("**/attempts/**")
    expect(page.get_by_text("Findings-secret amorphous focus")).to_be_visible()
    expect(page.get_by_text("Caption-secret").first).to_be_visible()
    assert DIAGNOSIS.lower() not in page.content().lower()
    trainee.shoot("stage-1-findings")

    # Keyboard: the reveal button is reached and pressed without a mouse.
    reveal = page.get_by_role("button", name="Show the diagnosis")
    reveal.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#stage-diagnosis")
    assert page.locator(".final-diagnosis").inner_text() == DIAGNOSIS
    expect(page.get_by_text("1 of 1 right")).to_be_visible()
    expect(page.get_by_text("Explanation-secret 0")).to_be_visible()
    assert "Discussion-secret" not in page.content()
    trainee.shoot("stage-2-diagnosis")

    # Judged when answered: the answer names the diagnosis. The trainee overrules it.
    expect(page.locator(".verdict")).to_contain_text("Right — your answer names the diagnosis")
    page.get_by_text("Not fair? Judge it yourself").click()
    page.get_by_label("Partly correct").check()
    page.get_by_role("button", name="Record my judgement").click()
    page.wait_for_selector("text=You overruled this")
    expect(page.get_by_text("This case will come back in your review queue")).to_be_visible()

    page.get_by_role("button", name="Show the discussion and teaching points").click()
    page.wait_for_selector("#stage-discussion")
    expect(page.get_by_text("Teaching-secret 0")).to_be_visible()
    expect(page.get_by_role("link", name="Read the whole case page")).to_be_visible()
    trainee.shoot("stage-3-discussion")

    page.get_by_role("link", name="Progress", exact=True).click()
    page.wait_for_url("**/study/progress/")
    stats = page.locator(".progress-stats").inner_text().lower()
    assert "cases studied\n1" in stats and "attempts\n1" in stats
    assert "0 of 1 judged right" in stats
    expect(page.locator(".accuracy-table").first.get_by_text("Musculoskeletal")).to_be_visible()
    assert page.locator(".recent-item").count() == 1
    assert DIAGNOSIS in page.locator(".recent-item").inner_text()
    expect(page.locator(".activity-chart")).to_be_visible()
    trainee.shoot("progress")

    page.get_by_role("link", name="Review queue").first.click()
    page.wait_for_url("**/study/review/")
    expect(page.get_by_role("link", name=label)).to_be_visible()
    trainee.shoot("review-queue")

    assert QUESTION_ANSWER == 2  # "Linea aspera" above is the right option
