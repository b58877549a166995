"""A newcomer's first visit after `make run`, in the system Chromium: the home page shows the
demo cases with their images, and the MR stack scrolls in the viewer.

Set SCREENSHOTS_DIR to keep screenshots of the home page at 1280 and 390 px and of the stack.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import Case, Figure
from teachingfile.demo_cases import READING_A_STACK
from tests.browser.pages import has_no_horizontal_scroll, screenshot


def shot(page, name: str) -> None:
    screenshot(page, f"demo-{name}")


@pytest.fixture
def demo(live_server, settings, tmp_path) -> None:
    settings.SEED_CASES_DIR = tmp_path / "no-seeds"  # the project's own demo files
    call_command("demo", stdout=StringIO(), stderr=StringIO())


def test_a_first_visit_shows_the_demo_cases_with_images_and_a_stack_that_scrolls(
    live_server, demo, browser
):
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(live_server.url + "/")
    cards = page.locator(".case-card")
    assert cards.count() >= 4
    pictures = page.locator(".case-card .card-media img")
    assert pictures.count() == cards.count()  # no grey placeholder
    page.wait_for_function(
        "() => [...document.querySelectorAll('.case-card img')]"
        ".every(image => image.complete && image.naturalWidth > 0)"
    )
    links = page.get_by_role("navigation", name="Browse by modality").get_by_role("link")
    assert sorted(links.all_inner_texts()) == ["CT", "MRI", "Radiograph"]
    shot(page, "home")
    page.set_viewport_size({"width": 390, "height": 844})
    assert has_no_horizontal_scroll(page)
    shot(page, "home-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    stack = Case.objects.get(title=READING_A_STACK["title"])
    figure = Figure.objects.get(study__case=stack)
    page.goto(live_server.url + stack.get_absolute_url())
    viewer = page.locator(f"#viewer-{figure.pk}")
    status = viewer.locator("[data-viewer-status]")
    assert status.inner_text() == "Slice 1 of 10"
    viewer.locator("[data-viewer-stage]").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert status.inner_text() == "Slice 3 of 10"
    viewer.scroll_into_view_if_needed()
    shot(page, "stack")
    assert problems == []
