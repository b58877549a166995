"""The editorial journey in the system Chromium: an author writes and submits a case, an editor
assigns a reviewer, the reviewer asks for changes, the author answers, revises and resubmits,
the editor accepts and publishes, and a trainee reads it.

Set SCREENSHOTS_DIR to keep a screenshot of each step's page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import Role
from cases.models import Case, CaseEvent, System
from reviews.models import Review
from tests.factories import PASSWORD, make_user

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself (not by the live server) are still plain synchronous calls.


TITLE = "Osteoid osteoma of the femoral neck"
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")


@pytest.fixture
def people(transactional_db):
    """Everyone in the journey, made before the browser starts (see test_reader_journey.py)."""
    # Transactional tests flush the database, taking the data migrations' rows with them.
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    System.objects.get_or_create(code="musculoskeletal", defaults={"name": "Musculoskeletal"})
    return {
        "author": make_user("writer", Role.AUTHOR, display_name="Dr Wren Writer"),
        "editor": make_user("chief", Role.EDITOR, display_name="Dr Eli Chief"),
        "reviewer": make_user("peer", Role.REVIEWER, display_name="Dr Pat Peer"),
        "trainee": make_user("learner", Role.TRAINEE, display_name="Lee Learner"),
    }


class Journey:
    def __init__(self, browser, live_server):
        self.browser = browser
        self.url = live_server.url
        self.problems: list[str] = []
        self.step = 0

    def as_(self, username: str):
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        page.goto(self.url + "/accounts/login/")
        page.locator("#id_login").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(self.url + "/")
        return page

    def shot(self, page, name: str) -> None:
        if SCREENSHOTS:
            self.step += 1
            path = Path(SCREENSHOTS) / f"journey-{self.step:02d}-{name}.png"
            page.screenshot(path=str(path), full_page=True)

    @staticmethod
    def flash(page) -> str:
        return page.locator(".messages").inner_text()


def open_part(page, name: str) -> None:
    page.get_by_role("navigation", name="Parts of the case").get_by_role("link", name=name).click()
    page.wait_for_load_state()


def save(page, part: str) -> None:
    page.get_by_role("button", name=f"Save {part}").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Saved.")).to_be_visible()


def test_a_case_goes_from_draft_to_published_through_peer_review(
    live_server,
    people,
    radiograph,
    browser,
):
    journey = Journey(browser, live_server)

    # The author writes the case.
    author = journey.as_("writer")
    author.get_by_role("link", name="My cases").click()
    author.get_by_role("link", name="New case").first.click()
    author.get_by_label("Title").fill(TITLE)
    author.get_by_role("button", name="Create the case").click()
    author.wait_for_url(re.compile(r".*/cases/\d+/edit/$"))
    author.get_by_label("Clinical history").fill("A 17-year-old with night pain in the hip.")
    save(author, "overview")

    open_part(author, "Diagnosis")
    author.get_by_label("Final diagnosis").fill("Osteoid osteoma")
    author.get_by_label("Diagnostic certainty").select_option("certain")
    author.locator("#formset-teaching_points [data-rows] > li textarea").first.fill(
        "Night pain relieved by NSAIDs suggests an osteoid osteoma."
    )
    save(author, "diagnosis")

    open_part(author, "Licence and consent")
    author.get_by_label("Licence").select_option("CC-BY-NC-SA-4.0")
    author.get_by_label("Patient consent").select_option("obtained")
    save(author, "licence and consent")

    open_part(author, "Studies and images")
    study = author.locator("#formset-studies [data-rows] > li").first
    study.get_by_label("Modality").select_option("XR")
    study.get_by_label("Label").fill("Radiograph, right hip")
    save(author, "studies and images")
    author.get_by_label("Upload images").set_input_files(str(radiograph))
    author.locator(".figure-row").first.wait_for()
    author.locator(".figure-row").first.get_by_label("Alt text").fill(
        "Frontal radiograph of the right hip with thickened medial femoral neck cortex"
    )
    save(author, "studies and images")
    journey.shot(author, "editor-studies")

    # Everything publication needs is in place; the author submits.
    author.get_by_role("link", name="Editorial page").first.click()
    author.wait_for_url("**/editorial/")
    expect(author.get_by_text("Everything publication needs is in place.")).to_be_visible()
    author.locator("#note-submit").fill("First submission.")
    author.get_by_role("button", name="Submit for review").click()
    assert "The case is submitted." in journey.flash(author)
    case = Case.objects.get(title=TITLE)
    assert case.status == Case.Status.SUBMITTED

    # The editor finds it in the queue and asks the reviewer.
    editor = journey.as_("chief")
    editor.get_by_role("link", name="Editor", exact=True).click()
    expect(editor.get_by_role("heading", name=re.compile("New submissions"))).to_be_visible()
    journey.shot(editor, "editor-dashboard")
    editor.get_by_role("link", name=TITLE).first.click()
    editor.wait_for_url("**/editorial/")
    editor.get_by_label("Reviewer").select_option(label="Dr Pat Peer")
    editor.get_by_role("button", name="Assign", exact=True).click()
    assert "is asked to review" in journey.flash(editor)
    journey.shot(editor, "editorial-assigned")

    # The reviewer asks for changes.
    reviewer = journey.as_("peer")
    reviewer.get_by_role("link", name="Reviews", exact=True).click()
    reviewer.get_by_role("link", name=TITLE).first.click()
    reviewer.get_by_label("Major changes").check()
    reviewer.get_by_label("Comments to the authors").fill("Please add the CT showing the nidus.")
    reviewer.get_by_label("Confidential comments to the editor").fill("Likely publishable.")
    journey.shot(reviewer, "review-form")
    reviewer.get_by_role("button", name="Send the review to the editor").click()
    assert "your review is sent" in journey.flash(reviewer)

    # The editor passes the review on and asks for changes.
    editor.reload()
    expect(editor.get_by_text("Likely publishable.")).to_be_visible()
    editor.locator("#note-request_changes").fill("Please address the review.")
    editor.get_by_role("button", name="Request changes", exact=True).click()
    assert "The case is sent back for changes." in journey.flash(editor)

    # The author reads the review (without the confidential part), answers it and revises.
    author.reload()
    expect(author.get_by_text("Please add the CT showing the nidus.")).to_be_visible()
    expect(author.get_by_text("Likely publishable.")).not_to_be_visible()
    author.get_by_label("Your answer to this review").fill("Added the CT finding to the text.")
    author.get_by_role("button", name="Save answer").click()
    assert "Your answer is saved" in journey.flash(author)
    author.get_by_role("link", name="Edit", exact=True).click()
    author.get_by_label("Imaging findings").fill("CT shows a lucent nidus with a central dot.")
    save(author, "overview")
    author.get_by_role("link", name="Editorial page").first.click()
    author.locator("#note-submit").fill("Revised after review.")
    author.get_by_role("button", name="Submit for review").click()
    assert "The case is submitted." in journey.flash(author)

    # The editor accepts and publishes.
    editor.reload()
    editor.get_by_role("button", name="Accept", exact=True).click()
    assert "The case is accepted." in journey.flash(editor)
    editor.get_by_role("button", name="Publish", exact=True).click()
    assert "The case is published." in journey.flash(editor)
    journey.shot(editor, "editorial-published")
    case.refresh_from_db()
    assert case.status == Case.Status.PUBLISHED
    assert [event.to_status for event in CaseEvent.objects.filter(case=case)] == [
        "submitted",
        "in_review",
        "changes_requested",
        "submitted",
        "accepted",
        "published",
    ]
    assert Review.objects.get(case=case).author_response == "Added the CT finding to the text."

    # A trainee finds and reads it.
    trainee = journey.as_("learner")
    trainee.get_by_role("link", name="Browse").first.click()
    trainee.get_by_role("link", name=TITLE).first.click()
    expect(trainee.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(trainee.get_by_text("CT shows a lucent nidus with a central dot.")).to_be_visible()
    expect(
        trainee.get_by_text("Night pain relieved by NSAIDs suggests an osteoid osteoma.")
    ).to_be_visible()
    journey.shot(trainee, "published-case")

    assert journey.problems == []
