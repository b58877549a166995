"""An author writes a case in the editor, in the system Chromium (Playwright, sync API)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import Role
from cases.models import Case, System
from tests.factories import PASSWORD, make_user

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself (not by the live server) are still plain synchronous calls.


@pytest.fixture
def writer(transactional_db):
    """An author, made before the browser starts (see tests/browser/test_reader_journey.py)."""
    # Transactional tests flush the database, taking the data migrations' rows with them.
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    for code, name in [("musculoskeletal", "Musculoskeletal"), ("paediatric", "Paediatric")]:
        System.objects.get_or_create(code=code, defaults={"name": name})
    return make_user("writer", Role.AUTHOR, display_name="Dr Wren Writer")


def teaching_points(page) -> list[str]:
    rows = page.locator("#formset-teaching_points [data-rows] > li:not(.is-removed)")
    return [rows.nth(i).locator("textarea").input_value() for i in range(rows.count())]


def test_author_writes_a_case_in_the_editor(live_server, writer, radiograph, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_login").fill("writer")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")

    # A new case.
    page.goto(live_server.url + "/cases/new/")
    page.get_by_label("Title").fill("Osteoid osteoma of the femoral neck")
    page.get_by_label("Clinical case").check()
    page.get_by_role("button", name="Create the case").click()
    page.wait_for_url(re.compile(r".*/cases/\d+/edit/$"))
    case = Case.objects.get(title="Osteoid osteoma of the femoral neck")

    # The overview.
    page.get_by_label("Age", exact=True).fill("17")
    page.get_by_label("Sex").select_option("male")
    page.get_by_label("Clinical history").fill("Night pain relieved by ibuprofen.")
    page.get_by_label("Musculoskeletal").check()
    page.get_by_label("Tags").fill("osteoid osteoma, hip pain")

    # Leaving with unsaved changes asks first; staying keeps them.
    dialogs: list[str] = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("navigation", name="Parts of the case").get_by_role(
        "link", name="Quiz"
    ).click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/edit/")
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    page.get_by_role("button", name="Save overview").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert (
        page.get_by_label("Clinical history").input_value() == "Night pain relieved by ibuprofen."
    )

    # Three teaching points: the blank one and two added.
    page.get_by_role("navigation", name="Parts of the case").get_by_role(
        "link", name="Diagnosis"
    ).click()
    page.wait_for_url("**/edit/diagnosis/")
    points = page.locator("#formset-teaching_points [data-rows] > li")
    points.nth(0).locator("textarea").fill("Night pain relieved by NSAIDs suggests the diagnosis.")
    add = page.get_by_role("button", name="Add a teaching point")
    add.click()
    assert points.nth(1).locator("textarea").evaluate("e => e === document.activeElement")
    page.keyboard.type("CT shows the nidus best.")
    add.click()
    points.nth(2).locator("textarea").fill("MRI oedema can look aggressive.")

    # The last one moves up, and focus moves with it.
    points.nth(2).get_by_role("button", name=re.compile("^Move up")).click()
    assert teaching_points(page) == [
        "Night pain relieved by NSAIDs suggests the diagnosis.",
        "MRI oedema can look aggressive.",
        "CT shows the nidus best.",
    ]
    assert (
        points.nth(1)
        .get_by_role("button", name=re.compile("^Move up"))
        .evaluate("e => e === document.activeElement")
    )

    # One is removed, with a way back.
    points.nth(2).get_by_role("button", name=re.compile("^Remove")).click()
    expect(points.nth(2).get_by_text("will be removed when you save")).to_be_visible()
    assert teaching_points(page) == [
        "Night pain relieved by NSAIDs suggests the diagnosis.",
        "MRI oedema can look aggressive.",
    ]

    # An invalid form comes back with everything typed, in the same order.
    differential = page.locator("#formset-differentials [data-rows] > li").first
    differential.get_by_label("Note").fill("Linear lucency rather than a round nidus.")
    page.get_by_label("Final diagnosis").fill("Osteoid osteoma")
    page.get_by_role("button", name="Save diagnosis").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    assert summary.evaluate("e => e === document.activeElement")
    assert teaching_points(page) == [
        "Night pain relieved by NSAIDs suggests the diagnosis.",
        "MRI oedema can look aggressive.",
    ]
    expect(points.nth(2).get_by_text("will be removed when you save")).to_be_visible()
    assert differential.get_by_label("Note").input_value() == (
        "Linear lucency rather than a round nidus."
    )
    assert page.get_by_label("Final diagnosis").input_value() == "Osteoid osteoma"

    # Corrected and saved.
    differential.get_by_label("Diagnosis", exact=True).fill("Stress fracture")
    page.get_by_role("button", name="Save diagnosis").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert list(case.teaching_points.values_list("text", flat=True)) == [
        "Night pain relieved by NSAIDs suggests the diagnosis.",
        "MRI oedema can look aggressive.",
    ]
    assert case.differential_diagnoses.get().diagnosis == "Stress fracture"

    # A study, then an image uploaded into it with a progress bar.
    page.get_by_role("navigation", name="Parts of the case").get_by_role(
        "link", name="Studies and images"
    ).click()
    page.wait_for_url("**/edit/studies/")
    expect(page.get_by_text("Save the study before uploading figures to it.")).to_be_visible()
    study = page.locator("#formset-studies [data-rows] > li").first
    study.get_by_label("Modality").select_option("XR")
    study.get_by_label("Label").fill("Radiograph, right hip")
    page.get_by_role("button", name="Save studies and images").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Saved.")).to_be_visible()

    page.get_by_label("Upload images").set_input_files(str(radiograph))
    progress = page.locator(".upload-item progress")
    progress.wait_for()
    expect(progress).to_be_visible()
    page.get_by_text("Fig 1: uploaded and processed.").wait_for()
    expect(page.locator(".upload-item img")).to_be_visible()
    # Nothing was typed, so the page reloads to list the new figure with its fields.
    figure = page.locator(".figure-row").first
    figure.wait_for()
    expect(figure.get_by_role("img", name="Thumbnail of Fig 1")).to_be_visible()
    expect(figure.get_by_text("Ready")).to_be_visible()
    assert case.studies.get().figures.get().status == "ready"

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert problems == []  # no CSP violation, no script error, no failed image
    context.close()
