"""A moderator's journey in the system Chromium: the queue, hiding a reported comment with a
reason, the comment hidden on the case page, and the reporter told the outcome.

Set SCREENSHOTS_DIR to keep screenshots of the queue, a confirmation page and the log at desktop
and phone widths (moderation-*.png).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import Role
from cases.models import Case
from community.models import Comment, Flag
from tests.browser.pages import screenshot
from tests.factories import PASSWORD, make_case, make_user

VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
REPORTED_TEXT = "Same patient as ward 7, bed 3 last week — John, the footballer."


@pytest.fixture
def scene(transactional_db):
    """Everyone and everything of the journey, made before the browser starts."""
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    author = make_user("writer", Role.AUTHOR, display_name="Dr Wren Writer")
    commenter = make_user("talker", Role.TRAINEE, display_name="Tom Talker")
    reporter = make_user("watcher", Role.TRAINEE, display_name="Wanda Watcher")
    second_reporter = make_user("second", Role.TRAINEE, display_name="Sid Second")
    make_user("mod", Role.MODERATOR, display_name="Mo Moderator")
    case = make_case(author=author, title="Osteoid osteoma of the femoral neck")
    other_case = make_case(author=author, title="Chondroblastoma of the proximal tibia")
    reported = Comment.objects.create(case=case, author=commenter, body=REPORTED_TEXT)
    Comment.objects.create(case=case, author=author, body="Note the nidus on the CT.")
    spam = Comment.objects.create(
        case=other_case, author=commenter, body="Cheap CME credits at example.com, click now!"
    )
    Flag.objects.create(
        reporter=reporter,
        comment=reported,
        reason=Flag.Reason.PATIENT_DATA,
        note="The ward, bed and first name identify the patient.",
    )
    for who in (reporter, second_reporter):
        Flag.objects.create(reporter=who, comment=spam, reason=Flag.Reason.SPAM)
    Flag.objects.create(
        reporter=second_reporter,
        case=other_case,
        reason=Flag.Reason.COPYRIGHT,
        note="Figure 1 looks like the one in a textbook.",
    )
    return {"case": case, "other_case": other_case, "reported": reported, "spam": spam}


class Visit:
    def __init__(self, browser, live_server):
        self.browser = browser
        self.url = live_server.url
        self.problems: list[str] = []

    def page(self, username: str | None = None, *, device: str = "desktop"):
        width, height = VIEWPORTS[device]
        context = self.browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        if username:
            page.goto(self.url + "/accounts/login/")
            page.locator("#id_login").fill(username)
            page.locator("#id_password").fill(PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(self.url + "/")
        return page


def shot(page, name: str) -> None:
    screenshot(page, f"moderation-{name}")


def no_horizontal_scroll(page) -> bool:
    """Nothing in the page's main content is wider than the window."""
    return page.evaluate("document.querySelector('main').scrollWidth <= window.innerWidth")


def test_a_moderator_hides_a_reported_comment_and_the_reporter_is_told(live_server, scene, browser):
    visit = Visit(browser, live_server)
    reported = scene["reported"]
    case: Case = scene["case"]

    # The moderator follows the header link to the queue.
    page = visit.page("mod")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Reports to review")).to_be_visible()
    item = page.locator(f"#comment-item-{reported.pk}")
    assert REPORTED_TEXT in item.inner_text()
    assert "Identifiable patient information" in item.inner_text()
    assert "The ward, bed and first name identify the patient." in item.inner_text()
    shot(page, "queue-desktop")

    # Hiding needs a reason: opening the disclosure shows the field and the confirming button.
    item.locator("summary", has_text="Hide…").click()
    reason = item.get_by_label("Reason").first
    expect(reason).to_be_visible()
    reason.fill("Identifies the patient by ward, bed and first name.")
    item.get_by_role("button", name="Hide the comment").click()
    page.wait_for_load_state()
    assert "The comment is hidden. 1 report resolved" in page.locator(".messages").inner_text()
    assert page.locator(f"#comment-item-{reported.pk}").count() == 0

    # On the case page the moderator sees it marked hidden; readers no longer see its text.
    page.goto(live_server.url + case.get_absolute_url())
    comment = page.locator(f"#comment-{reported.pk}")
    assert "hidden by a moderator" in comment.inner_text().lower()
    reader = visit.page()
    reader.goto(live_server.url + case.get_absolute_url())
    assert REPORTED_TEXT not in reader.content()
    assert "hidden by a moderator" in reader.locator(f"#comment-{reported.pk}").inner_text().lower()

    # The log records it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation").click()
    page.get_by_role("navigation", name="Moderation").get_by_role(
        "link", name="Moderation log"
    ).click()
    page.wait_for_load_state()
    entry = page.locator(".log-entry").first
    assert "Hid a comment" in entry.inner_text()
    assert "Identifies the patient by ward, bed and first name." in entry.inner_text()

    # The reporter has a notification of the outcome, without the moderator's reason.
    watcher = visit.page("watcher")
    watcher.goto(live_server.url + "/notifications/")
    notice = watcher.locator(".notification").first.inner_text()
    assert "Your report was reviewed: the comment was hidden" in notice
    assert "Identifies the patient by ward" not in notice

    assert visit.problems == []


def test_the_moderation_pages_read_well_on_a_phone_and_a_desktop(live_server, scene, browser):
    visit = Visit(browser, live_server)
    spam: Comment = scene["spam"]
    for device in ("phone", "desktop"):  # the desktop pass deletes the comment
        page = visit.page("mod", device=device)
        page.goto(live_server.url + "/moderation/")
        assert no_horizontal_scroll(page), device
        if device == "phone":
            shot(page, "queue-phone")
        # The confirmation page of a destructive action.
        page.goto(live_server.url + f"/moderation/comments/{spam.pk}/delete/")
        expect(page.get_by_role("heading", name="Delete this comment")).to_be_visible()
        expect(page.get_by_role("button", name="Yes, delete the comment")).to_be_visible()
        assert no_horizontal_scroll(page), device
        shot(page, f"confirm-{device}")
        if device == "desktop":
            # A reason left empty is refused with an error next to the field.
            page.get_by_role("button", name="Yes, delete the comment").click()
            page.wait_for_load_state()
            assert "Give a reason" in page.locator(".field-errors").inner_text()
            # The refusal is a 400, which the browser reports on its console: expected here.
            visit.problems = [p for p in visit.problems if "status of 400" not in p]
            page.get_by_label("Reason").fill("Advertising, posted on three cases.")
            page.get_by_role("button", name="Yes, delete the comment").click()
            page.wait_for_load_state()
            assert "The comment is deleted." in page.locator(".messages").inner_text()
        page.goto(live_server.url + "/moderation/log/")
        assert no_horizontal_scroll(page), device
        shot(page, f"log-{device}")
    assert visit.problems == []
