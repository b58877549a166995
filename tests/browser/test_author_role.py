"""A new member's way to writing cases, in the system Chromium: refused "New case", they ask
for the author role on that page, an editor is told, opens the request and approves it, and
the member is told and now opens "New case".

Set SCREENSHOTS_DIR to keep screenshots of the refusal, the profile and the editors' list at
desktop and phone widths (author-role-*.png).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import Role, User
from community.models import AuthorRoleRequest
from tests.browser.pages import screenshot
from tests.factories import PASSWORD, make_user

VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
NOTE = "Paediatric musculoskeletal radiographs from our teaching sessions."


@pytest.fixture
def scene(transactional_db):
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    make_user("newcomer", Role.TRAINEE, display_name="Nina Newcomer")
    make_user("ed", Role.EDITOR, display_name="Dr Ed Editor")


class Visit:
    def __init__(self, browser, live_server):
        self.browser = browser
        self.url = live_server.url
        self.problems: list[str] = []

    def page(self, username: str, *, device: str = "desktop"):
        width, height = VIEWPORTS[device]
        context = self.browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        page.goto(self.url + "/accounts/login/")
        page.locator("#id_login").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(self.url + "/")
        return page


def real_problems(visit: Visit) -> list[str]:
    # Chromium reports the refusal page's own 403 status as a console error: that is the page
    # the journey means to show.
    return [problem for problem in visit.problems if "status of 403" not in problem]


def shot(page, name: str) -> None:
    screenshot(page, f"author-role-{name}")


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.querySelector('main').scrollWidth <= window.innerWidth")


def test_a_member_asks_for_the_author_role_and_an_editor_approves(live_server, scene, browser):
    visit = Visit(browser, live_server)

    # Refused "New case", the member asks on the same page.
    member = visit.page("newcomer")
    response = member.goto(visit.url + "/cases/new/")
    assert response.status == 403
    expect(member.get_by_role("heading", name="Only authors create cases")).to_be_visible()
    shot(member, "refusal-desktop")
    member.get_by_label("What would you like to write?").fill(NOTE)
    member.get_by_role("button", name="Ask for the author role").click()
    member.wait_for_url(visit.url + "/cases/new/")
    expect(member.get_by_text("Your request for the author role is sent")).to_be_visible()
    expect(member.get_by_text("You asked for the author role on")).to_be_visible()
    expect(member.get_by_role("button", name="Ask for the author role")).to_have_count(0)
    shot(member, "pending-desktop")

    # The editor is told, follows the notification to the list, and approves.
    editor = visit.page("ed")
    editor.goto(visit.url + "/notifications/")
    editor.get_by_role("link", name="Nina Newcomer asks for the author role").click()
    editor.wait_for_url(visit.url + "/author-role/requests/")
    expect(editor.get_by_role("heading", name="Requests for the author role")).to_be_visible()
    request = editor.locator(".role-request").first
    assert NOTE in request.inner_text()
    # Declining asks to confirm, with an optional reason; the editor approves instead.
    request.locator("summary", has_text="Decline…").click()
    expect(
        request.get_by_role("button", name="Decline the request of Nina Newcomer")
    ).to_be_visible()
    shot(editor, "list-decline-open-desktop")
    request.get_by_role("button", name="Approve Nina Newcomer").click()
    editor.wait_for_load_state()
    expect(editor.get_by_text("Nina Newcomer now holds the author role")).to_be_visible()
    expect(editor.get_by_role("heading", name="No request waiting")).to_be_visible()
    editor.get_by_role("link", name="Decided").click()
    expect(editor.locator(".role-request-decision")).to_contain_text("Approved")
    shot(editor, "list-decided-desktop")

    assert User.objects.get(username="newcomer").groups.filter(name=Role.AUTHOR).exists()
    assert AuthorRoleRequest.objects.get().status == AuthorRoleRequest.Status.APPROVED

    # The member is told, and "New case" now opens the editor.
    member.goto(visit.url + "/notifications/")
    member.get_by_role("link", name="You can now write cases").click()
    member.wait_for_url(visit.url + "/cases/new/")
    expect(member.get_by_role("heading", name="New case")).to_be_visible()
    member.goto(visit.url + "/accounts/profile/")
    expect(member.get_by_text("You hold the author role")).to_be_visible()

    assert real_problems(visit) == []


def test_the_author_role_pages_fit_a_phone(live_server, scene, browser):
    visit = Visit(browser, live_server)
    member = visit.page("newcomer", device="phone")
    member.goto(visit.url + "/accounts/profile/")
    expect(member.get_by_role("button", name="Ask for the author role")).to_be_visible()
    assert no_horizontal_scroll(member)
    shot(member, "profile-phone")
    member.goto(visit.url + "/cases/new/")
    assert no_horizontal_scroll(member)
    shot(member, "refusal-phone")
    member.get_by_role("button", name="Ask for the author role").click()
    member.wait_for_url(visit.url + "/cases/new/")
    shot(member, "pending-phone")

    editor = visit.page("ed", device="phone")
    editor.goto(visit.url + "/author-role/requests/")
    request = editor.locator(".role-request").first
    request.locator("summary", has_text="Decline…").click()
    expect(request.get_by_label("Reason")).to_be_visible()
    assert no_horizontal_scroll(editor)
    shot(editor, "list-decline-open-phone")

    desktop = visit.page("newcomer")
    desktop.goto(visit.url + "/accounts/profile/")
    shot(desktop, "profile-desktop")
    assert real_problems(visit) == []
