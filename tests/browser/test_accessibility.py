"""The site's main pages pass axe-core's serious and critical rules, at a desktop's width and a
phone's, for a visitor and for a member with every role. The journeys audit the pages they
visit as well; this covers the pages none of them passes through.

Set SCREENSHOTS_DIR to keep a screenshot of each page at each width.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Role
from cases.models import Case, CaseAuthor
from community import comments, moderation
from tests.browser.accessibility import assert_accessible
from tests.browser.pages import RICH_CASE, publish
from tests.factories import PASSWORD, make_user

SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")


@pytest.fixture
def site(transactional_db):
    member = make_user(
        "everything",
        Role.TRAINEE,
        Role.AUTHOR,
        Role.REVIEWER,
        Role.EDITOR,
        Role.MODERATOR,
        display_name="Dr Every Role",
    )
    writer = make_user("writer", Role.AUTHOR, display_name="Dr Wren Writer")
    case = publish(RICH_CASE)
    # The member wrote the case, so the comments on it reach their notifications: one as it
    # is, one hidden since.
    CaseAuthor.objects.create(case=case, user=member)
    comments.post_comment(case=case, by=writer, body="**Is** the nidus _always_ lucent?")
    hidden = comments.post_comment(case=case, by=writer, body="Bed 3 had this too.")
    moderator = make_user("mo", Role.MODERATOR, display_name="Mo Moderator")
    moderation.hide_comment(comment=hidden, by=moderator, reason="Names a bed.")
    submitted = publish({**RICH_CASE, "title": "Osteoid osteoma of the tibia"})
    Case.objects.filter(pk=submitted.pk).update(status=Case.Status.SUBMITTED, published_at=None)
    return {"member": member, "case": case, "submitted": submitted}


def visit(page, url: str, who: str, width: int) -> None:
    page.goto(url)  # audited by the `browser` fixture
    if SCREENSHOTS:
        name = re.sub(r"[^a-z0-9]+", "-", url.split("/", 3)[-1].lower()).strip("-") or "home"
        page.screenshot(path=str(Path(SCREENSHOTS) / f"audit-{who}-{width}-{name}.png"))


def public_pages(site) -> list[str]:
    return [
        reverse("home"),
        reverse("browse"),
        reverse("browse") + "?q=osteoma",
        site["case"].get_absolute_url(),
        reverse("unknown-list"),
        reverse("collection-list"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        "/no/such/page/",
    ]


def member_pages(site) -> list[str]:
    return [
        reverse("home"),
        reverse("notifications"),
        reverse("progress"),
        reverse("my-cases"),
        reverse("reviewer-dashboard"),
        reverse("editor-dashboard"),
        reverse("moderation-queue"),
        reverse("account_profile"),
        reverse("case-editorial", args=[site["submitted"].pk]),
        site["case"].get_absolute_url(),
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_public_pages_pass_the_audit(live_server, site, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    for path in public_pages(site):
        visit(page, live_server.url + path, "visitor", width)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_members_pages_pass_the_audit(live_server, site, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(live_server.url + reverse("account_login"))
    page.get_by_label("E-mail or username").fill("everything")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    for path in member_pages(site):
        visit(page, live_server.url + path, "member", width)


def test_the_audit_runs_under_the_sites_csp_and_names_what_fails(live_server, site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("home"))
    # An image without a text alternative, and a second search landmark of the same name.
    page.evaluate(
        """() => {
          const image = document.createElement("img");
          image.src = "/static/img/favicon.svg";
          document.querySelector("main").append(image);
          const form = document.createElement("form");
          form.setAttribute("role", "search");
          form.setAttribute("aria-label", "Site");
          document.querySelector("main").append(form);
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    report = str(failure.value)
    assert "image-alt (critical, 1 element(s))" in report
    assert "landmark-unique" in report
    assert "main > img" in report
