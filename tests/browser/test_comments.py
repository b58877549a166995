"""A discussion on a case page in the system Chromium: reading a thread, commenting, replying,
editing, deleting and reporting, with the keyboard and without any script of ours.

Set SCREENSHOTS_DIR to keep screenshots of the thread and the report forms (desktop and phone).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from community import comments
from community.models import Comment, Flag
from tests.factories import PASSWORD, make_case, make_user

SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")
DEVICES = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def discussed_case(author, trainee, moderator) -> Case:
    """A published case with a thread: a question, its replies three deep and beyond, a reply
    to a deleted comment, and a comment a moderator hid."""
    case = make_case(
        author=author,
        title="Osteoid osteoma of the femoral neck",
        clinical_history="A 17-year-old footballer with night pain in the right hip, relieved "
        "by ibuprofen.",
        imaging_findings="CT shows a 6 mm intracortical lucent nidus with central mineralisation.",
    )
    resident = make_user("resident", "trainee", display_name="Dr Rafael Resident")
    fellow = make_user("fellow", "trainee", display_name="Dr Fiona Fellow")
    start = timezone.now() - datetime.timedelta(hours=3)

    def say(by, body, parent=None, minutes=0):
        comment = comments.post_comment(case=case, by=by, body=body, parent=parent)
        Comment.objects.filter(pk=comment.pk).update(
            created_at=start + datetime.timedelta(minutes=minutes)
        )
        return comment

    question = say(
        resident,
        "Would MRI have shown the nidus as clearly? In our department we usually go "
        "straight to MRI for hip pain in adolescents.",
        minutes=0,
    )
    answer = say(
        author,
        "MRI often shows the **oedema** far better than the nidus itself, which can be "
        "mistaken for a stress injury or an infection. Thin-section CT remains the test "
        "that *finds* the nidus.",
        question,
        minutes=12,
    )
    follow_up = say(resident, "Thanks. Would you add a dynamic contrast MRI?", answer, 20)
    say(author, "Yes: early arterial enhancement of the nidus helps. See [2].", follow_up, 31)
    gone = say(fellow, "(deleted later)", minutes=40)
    comments.delete_comment(comment=gone, by=fellow)
    say(trainee, "What was the treatment: RF ablation or surgery?", gone, 55)
    hidden = say(fellow, "This is a stupid question.", minutes=70)
    Comment.objects.filter(pk=hidden.pk).update(status=Comment.Status.HIDDEN)
    return case


def sign_in(browser, url: str, username: str, device: str = "desktop"):
    width, height = DEVICES[device]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(url + "/accounts/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(url + "/")
    return page


def shot(page, name: str, *, element: str | None = None) -> None:
    if not SCREENSHOTS:
        return
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    path = str(folder / f"comments-{name}.png")
    if element:
        page.locator(element).screenshot(path=path)
    else:
        page.screenshot(path=path)


def fits_the_screen(page, selector: str) -> bool:
    """Nothing in these elements reaches past the right edge of the screen."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(`${selector}, ${selector} *`)].every(
            (element) => element.getBoundingClientRect().right <= window.innerWidth + 1)""",
        selector,
    )


def test_a_trainee_reads_a_thread_comments_replies_and_reports(
    live_server, browser, discussed_case
):
    case_url = live_server.url + discussed_case.get_absolute_url()
    page = sign_in(browser, live_server.url, "trainee")
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(case_url)

    section = page.locator("#comments")
    expect(page.get_by_role("link", name="Comments (5)")).to_be_visible()
    expect(section.get_by_text("[comment deleted]")).to_be_visible()
    expect(section.get_by_text("[comment hidden by a moderator]")).to_be_visible()
    assert section.get_by_text("This is a stupid question.").count() == 0
    assert section.locator(".comment-depth-3").count() == 2
    assert section.get_by_text("in reply to").count() == 1
    page.locator("#comments").scroll_into_view_if_needed()
    shot(page, "thread-desktop", element="#comments")

    # A new comment, typed and posted with the keyboard.
    box = page.get_by_label("Add a comment")
    box.fill("Is the *central dot* always mineralised?")
    box.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{case_url}#comment-*")
    expect(page.get_by_text("Your comment is posted.")).to_be_visible()
    mine = Comment.objects.get(body__startswith="Is the *central dot*")
    card = page.locator(f"#comment-{mine.pk}")
    expect(card.locator("em", has_text="central dot")).to_be_visible()

    # A reply, from the disclosure under the author's answer.
    answer = Comment.objects.get(body__startswith="MRI often shows")
    answer_card = page.locator(f"#comment-{answer.pk} > .comment-card")
    answer_card.get_by_text("Reply", exact=True).click()
    answer_card.get_by_label("Your reply to Dr Ada Author").fill("Does ablation need CT too?")
    shot(page, "reply-open-desktop", element=f"#comment-{answer.pk} > .comment-card")
    answer_card.get_by_role("button", name="Post reply").click()
    page.wait_for_url(f"{case_url}#comment-*")
    reply = Comment.objects.get(body="Does ablation need CT too?")
    assert reply.parent == answer

    # Edit within the window.
    page.locator(f"#comment-{mine.pk}").get_by_role("link", name="Edit").click()
    page.get_by_label("Comment").fill("Is the central dot always mineralised on CT?")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your comment is updated.")).to_be_visible()
    expect(page.locator(f"#comment-{mine.pk} .comment-edited")).to_be_visible()

    # Report someone else's comment, from its disclosure.
    question = Comment.objects.get(body__startswith="Would MRI")
    question_card = page.locator(f"#comment-{question.pk} > .comment-card")
    question_card.get_by_text("Report", exact=True).click()
    question_card.get_by_label("Medically incorrect or misleading").check()
    question_card.get_by_label("Note for the moderators").fill("MRI finds most nidi.")
    shot(page, "report-comment-desktop", element=f"#comment-{question.pk} > .comment-card")
    question_card.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("your report was sent to the moderators")).to_be_visible()
    question_card = page.locator(f"#comment-{question.pk} > .comment-card")
    question_card.get_by_text("Report", exact=True).click()
    question_card.get_by_label("Spam or advertising").check()
    question_card.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("You have already reported this comment")).to_be_visible()
    assert Flag.objects.filter(comment=question).count() == 1

    # Report the case, from the header.
    page.get_by_text("Report this case", exact=True).click()
    flag_panel = page.locator(".case-flag")
    flag_panel.get_by_label("Identifiable patient information").check()
    flag_panel.get_by_label("Note for the moderators").fill("A name is visible on Fig 1.")
    shot(page, "report-case-desktop", element=".case-header")
    flag_panel.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("your report was sent to the moderators")).to_be_visible()
    assert Flag.objects.get(case=discussed_case).reason == "patient_data"

    # Delete, confirming in the disclosure.
    card = page.locator(f"#comment-{mine.pk} > .comment-card")
    card.get_by_text("Delete", exact=True).click()
    card.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_text("Your comment is deleted.")).to_be_visible()
    assert Comment.objects.get(pk=mine.pk).status == Comment.Status.DELETED
    assert console_errors == []
    page.context.close()


@pytest.mark.parametrize("device", DEVICES)
def test_the_thread_reads_well_on_every_screen(live_server, browser, discussed_case, device):
    case_url = live_server.url + discussed_case.get_absolute_url()
    page = sign_in(browser, live_server.url, "trainee", device)
    page.goto(case_url + "#comments")
    assert fits_the_screen(page, "#comments")
    shot(page, f"page-{device}")
    shot(page, f"section-{device}", element="#comments")
    page.get_by_text("Report this case", exact=True).click()
    assert fits_the_screen(page, ".case-flag")
    page.locator(".case-header").scroll_into_view_if_needed()
    shot(page, f"flag-form-{device}", element=".case-header")
    page.context.close()


def test_a_moderator_reads_hidden_text_with_its_label(live_server, browser, discussed_case):
    page = sign_in(browser, live_server.url, "moderator")
    page.goto(live_server.url + discussed_case.get_absolute_url() + "#comments")
    hidden = page.locator(".comment-hidden")
    expect(hidden.get_by_text("This is a stupid question.")).to_be_visible()
    expect(hidden.get_by_text("Only moderators see this text.")).to_be_visible()
    shot(page, "moderator-desktop", element="#comments")
    page.context.close()


def test_anonymous_readers_read_and_are_asked_to_log_in(live_server, browser, discussed_case):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(live_server.url + discussed_case.get_absolute_url())
    section = page.locator("#comments")
    expect(section.get_by_text("Would MRI have shown the nidus")).to_be_visible()
    section.get_by_role("link", name="Log in").click()
    page.locator("#id_login").fill("trainee")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**#comments")
    expect(page.get_by_label("Add a comment")).to_be_visible()
    page.close()


def test_the_comment_pages_keep_the_text_and_read_well_on_a_phone(
    live_server, browser, discussed_case, trainee, settings
):
    settings.COMMENT_RATE_LIMIT = "1/10m"
    own = Comment.objects.get(author=trainee)
    Comment.objects.filter(pk=own.pk).update(created_at=timezone.now())
    other = Comment.objects.filter(status=Comment.Status.VISIBLE).exclude(author=trainee).first()
    page = sign_in(browser, live_server.url, "trainee", "phone")

    page.goto(live_server.url + discussed_case.get_absolute_url() + "#comments")
    page.get_by_label("Add a comment").fill("A question typed with care")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("the most allowed")).to_be_visible()
    assert page.get_by_label("Your comment").input_value() == "A question typed with care"
    assert fits_the_screen(page, "main")
    shot(page, "rate-limited-phone")

    page.goto(live_server.url + f"/comments/{own.pk}/edit/")
    assert page.get_by_label("Comment").input_value() == own.body
    assert fits_the_screen(page, "main")
    shot(page, "edit-phone")

    page.goto(live_server.url + f"/comments/{own.pk}/delete/")
    expect(page.get_by_role("button", name="Yes, delete my comment")).to_be_visible()
    shot(page, "delete-phone")

    page.goto(live_server.url + f"/comments/{other.pk}/flag/")
    page.get_by_role("button", name="Send report").click()  # no reason: the browser asks
    assert page.url.endswith(f"/comments/{other.pk}/flag/")
    assert fits_the_screen(page, "main")
    shot(page, "report-page-phone")
    page.context.close()
