"""Notifications: written inside the change's transaction, e-mailed after it commits, listed on
the site with an unread count in the header."""

from __future__ import annotations

import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from notifications import services, tasks
from notifications.context_processors import unread_notifications
from notifications.models import Notification
from tests.factories import make_case, make_user

EDITORIAL_PATH = "/cases/1/editorial/"


def unreachable_mail_server(*args, **kwargs):
    raise ConnectionRefusedError("Connection refused")


def notify_one(user, *, title="Case submitted: Osteoid osteoma", url=EDITORIAL_PATH, **fields):
    """One notification, written the way the workflow writes them (after commit, e-mailed)."""
    fields.setdefault("kind", Notification.Kind.SUBMITTED)
    return services.notify([user], title=title, url=url, **fields)[0]


def make_notifications(user, count: int, *, read: int = 0) -> list[Notification]:
    """Rows straight into the table, without e-mail, oldest first."""
    now = timezone.now()
    return Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=Notification.Kind.REVIEW_ASSIGNED,
            title=f"Please review case {number}",
            body=f"You have been asked to review case {number}.",
            url=f"/cases/{number}/editorial/",
            created_at=now - timezone.timedelta(minutes=count - number),
            read_at=now if number < read else None,
        )
        for number in range(count)
    )


# notify --------------------------------------------------------------------------------------


def test_notify_creates_a_row_per_recipient_and_emails_only_after_commit(
    author, editor, django_capture_on_commit_callbacks
):
    case = make_case(author=author, published=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            created = services.notify(
                [author, editor],
                kind=Notification.Kind.DECISION,
                title="Changes requested",
                body="Please shorten the discussion.",
                url=EDITORIAL_PATH,
                case_id=case.pk,
            )
        assert mail.outbox == []
    assert len(callbacks) == 2
    assert len(created) == 2
    assert {n.recipient for n in Notification.objects.all()} == {author, editor}
    assert all(n.case == case and n.kind == "decision" for n in Notification.objects.all())
    assert sorted(message.to[0] for message in mail.outbox) == [author.email, editor.email]


def test_notify_inside_a_transaction_that_rolls_back_leaves_no_row_and_sends_nothing(
    author, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify([author], kind=Notification.Kind.PUBLISHED, title="Published")
        raise RuntimeError("the transition failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_notify_skips_none_duplicates_and_inactive_users(
    author, editor, django_capture_on_commit_callbacks
):
    retired = make_user("retired", "editor", is_active=False)
    same_editor_again = type(editor).objects.get(pk=editor.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = services.notify(
            [editor, None, retired, same_editor_again, author, editor],
            kind=Notification.Kind.SUBMITTED,
            title="A case was submitted",
        )
    assert [n.recipient for n in created] == [editor, author]
    assert Notification.objects.count() == 2
    assert len(callbacks) == 2
    assert len(mail.outbox) == 2


def test_notify_writes_a_row_but_queues_no_email_for_a_user_without_an_address(
    db, django_capture_on_commit_callbacks
):
    no_address = make_user("noaddress", "author")
    type(no_address).objects.filter(pk=no_address.pk).update(email="")
    no_address.email = ""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify([no_address], kind=Notification.Kind.PUBLISHED, title="Published")
    assert Notification.objects.filter(recipient=no_address).count() == 1
    assert callbacks == []


def test_notify_with_nobody_to_tell_does_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.notify([], kind=Notification.Kind.PUBLISHED, title="Published") == []
    assert callbacks == []


def test_notify_refuses_an_unknown_kind(author):
    with pytest.raises(ValueError):
        services.notify([author], kind="party", title="Hello")
    assert not Notification.objects.exists()


def test_notify_keeps_the_title_on_one_line_because_it_is_the_email_subject(
    author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_one(author, title="Case accepted:\r\n  Osteoid\tosteoma")
    assert notification.title == "Case accepted: Osteoid osteoma"
    assert mail.outbox[0].subject == "[Teaching File] Case accepted: Osteoid osteoma"


# the e-mail task -----------------------------------------------------------------------------


def test_the_email_has_the_prefixed_title_the_body_and_an_absolute_link(
    author, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://teaching.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_one(
            author,
            kind=Notification.Kind.DECISION,
            title="Changes requested: Osteoid osteoma",
            body="The editor asks for changes.",
        )
    [message] = mail.outbox
    assert message.subject == "[Teaching File] Changes requested: Osteoid osteoma"
    assert message.to == [author.email]
    assert message.body == (
        "The editor asks for changes.\n\nhttps://teaching.example.org/cases/1/editorial/"
    )
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notification.email_error == ""


def test_the_email_task_sends_once_however_often_it_runs(
    author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_one(author)
    emailed_at = Notification.objects.get(pk=notification.pk).emailed_at

    tasks.send_notification_email.delay(notification.pk)
    tasks.send_notification_email(notification.pk)

    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=notification.pk).emailed_at == emailed_at


def test_the_email_task_does_nothing_when_the_notification_is_gone(author):
    [notification] = make_notifications(author, 1)
    notification.delete()
    tasks.send_notification_email(notification.pk)
    assert mail.outbox == []


def test_a_refused_address_is_recorded_and_not_retried(author, monkeypatch):
    [notification] = make_notifications(author, 1)
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise smtplib.SMTPRecipientsRefused({author.email: (550, b"No such user")})

    monkeypatch.setattr(tasks, "send_mail", refuse)
    tasks.send_notification_email.delay(notification.pk)

    notification.refresh_from_db()
    assert len(attempts) == 1
    assert notification.emailed_at is None
    assert "SMTPRecipientsRefused" in notification.email_error


@pytest.mark.parametrize(
    "error,temporary",
    [
        (ConnectionRefusedError("Connection refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
        (smtplib.SMTPResponseException(421, b"Try again later"), True),
        (smtplib.SMTPResponseException(554, b"Transaction failed"), False),
        (smtplib.SMTPAuthenticationError(535, b"Bad credentials"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"Mailbox busy")}), False),
        (ValueError("bad header"), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_only_temporary_mail_failures_are_worth_retrying(error, temporary):
    assert tasks.is_temporary(error) is temporary


def test_a_worker_retries_a_temporary_failure_later_with_a_growing_delay(author, monkeypatch):
    [notification] = make_notifications(author, 1)
    monkeypatch.setattr(tasks, "send_mail", unreachable_mail_server)
    retries = []

    def retry(**kwargs):
        retries.append(kwargs)
        return Retry()

    task = tasks.send_notification_email
    monkeypatch.setattr(task, "retry", retry)
    task.push_request(is_eager=False, retries=1, called_directly=False)
    try:
        with pytest.raises(Retry):
            task.run(notification.pk)
    finally:
        task.pop_request()

    assert retries[0]["countdown"] == 2 * task.default_retry_delay
    assert isinstance(retries[0]["exc"], ConnectionRefusedError)
    notification.refresh_from_db()
    assert "Connection refused" in notification.email_error


def test_a_worker_gives_up_after_the_last_attempt_and_keeps_the_error(author, monkeypatch):
    [notification] = make_notifications(author, 1)
    monkeypatch.setattr(tasks, "send_mail", unreachable_mail_server)
    task = tasks.send_notification_email
    task.push_request(is_eager=False, retries=task.max_retries, called_directly=False)
    try:
        task.run(notification.pk)
    finally:
        task.pop_request()

    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert "Connection refused" in notification.email_error


def test_run_inline_a_temporary_failure_is_recorded_without_failing_the_caller(
    author, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "send_mail", unreachable_mail_server)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_one(author)

    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert notification.email_error == "ConnectionRefusedError: Connection refused"


def test_sending_again_after_a_failure_clears_the_recorded_error(author):
    [notification] = make_notifications(author, 1)
    Notification.objects.filter(pk=notification.pk).update(email_error="Connection refused")
    tasks.send_notification_email.delay(notification.pk)
    notification.refresh_from_db()
    assert len(mail.outbox) == 1
    assert notification.emailed_at is not None
    assert notification.email_error == ""


def test_a_recipient_whose_address_was_removed_gets_the_reason_recorded(author):
    [notification] = make_notifications(author, 1)
    type(author).objects.filter(pk=author.pk).update(email="")
    tasks.send_notification_email(notification.pk)
    notification.refresh_from_db()
    assert mail.outbox == []
    assert notification.email_error == "The recipient has no e-mail address."


# mark_read and unread_count ------------------------------------------------------------------


def test_mark_read_marks_only_the_given_notifications_of_that_user(author, editor):
    first, second, third = make_notifications(author, 3)
    [editors] = make_notifications(editor, 1)

    assert services.mark_read(author, [first.pk, editors.pk]) == 1

    assert services.unread_count(author) == 2
    assert services.unread_count(editor) == 1
    assert Notification.objects.get(pk=first.pk).read_at is not None


def test_mark_read_without_ids_marks_all_and_keeps_earlier_read_times(author):
    notifications = make_notifications(author, 4, read=1)
    earlier = Notification.objects.get(pk=notifications[0].pk).read_at

    assert services.mark_read(author) == 3

    assert services.unread_count(author) == 0
    assert Notification.objects.get(pk=notifications[0].pk).read_at == earlier


def test_an_anonymous_visitor_has_no_unread_notifications(db, anonymous, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert services.unread_count(anonymous) == 0
        assert services.mark_read(anonymous) == 0


# the context processor -----------------------------------------------------------------------


def test_the_unread_count_costs_no_query_until_shown_and_one_query_however_often_shown(
    author, django_assert_num_queries
):
    make_notifications(author, 3, read=1)
    request = RequestFactory().get("/")
    request.user = author
    with django_assert_num_queries(0):
        count = unread_notifications(request)["unread_notification_count"]
    with django_assert_num_queries(1):
        assert count() == 2
        assert count() == 2


def test_the_unread_count_of_an_anonymous_visitor_costs_no_query(
    db, anonymous, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = anonymous
    with django_assert_num_queries(0):
        assert unread_notifications(request)["unread_notification_count"]() == 0


# pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,method,args",
    [
        ("notifications", "get", []),
        ("notification-open", "get", [1]),
        ("notifications-mark-all-read", "post", []),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, db, name, method, args):
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_list_shows_the_users_notifications_newest_first_with_unread_ones_marked(
    client, author, editor
):
    make_notifications(author, 3, read=1)
    make_notifications(editor, 1)
    Notification.objects.filter(recipient=editor).update(title="Not for the author")
    client.force_login(author)

    response = client.get(reverse("notifications"))

    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    assert [n.title for n in shown] == [
        "Please review case 2",
        "Please review case 1",
        "Please review case 0",
    ]
    content = response.content.decode()
    assert "Not for the author" not in content
    assert content.count('<span class="badge notification-new">Unread</span>') == 2
    assert content.count("notification notification-unread") == 2
    assert "2 unread" in content
    assert reverse("notification-open", args=[shown[0].pk]) in content
    assert "Mark all as read" in content


def test_the_list_escapes_titles_and_keeps_line_breaks_of_the_body(client, author):
    Notification.objects.create(
        recipient=author,
        kind=Notification.Kind.REVIEW_COMPLETED,
        title="<script>alert(1)</script>",
        body="First line\nSecond line",
    )
    client.force_login(author)
    content = client.get(reverse("notifications")).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "First line<br>Second line" in content


def test_the_list_has_an_empty_state(client, author):
    client.force_login(author)
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "No notifications yet" in content
    assert "Mark all as read" not in content


def test_the_list_is_paginated_by_thirty_and_bad_page_numbers_do_not_fail(client, author):
    make_notifications(author, 31)
    client.force_login(author)

    first = client.get(reverse("notifications"))
    assert len(first.context["page"].object_list) == 30
    assert 'aria-label="Pages of notifications"' in first.content.decode()

    second = client.get(reverse("notifications"), {"page": 2})
    assert [n.title for n in second.context["page"].object_list] == ["Please review case 0"]

    assert client.get(reverse("notifications"), {"page": "abc"}).context["page"].number == 1
    assert client.get(reverse("notifications"), {"page": 99}).context["page"].number == 2


def test_a_fully_read_list_says_so_and_offers_no_mark_all_button(client, author):
    make_notifications(author, 2, read=2)
    client.force_login(author)
    content = client.get(reverse("notifications")).content.decode()
    assert "nothing unread" in content
    assert "Mark all as read" not in content
    assert "notification-unread" not in content


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, author):
    notification, other = make_notifications(author, 2)
    client.force_login(author)

    response = client.get(reverse("notification-open", args=[notification.pk]))

    assert response.status_code == 302
    assert response.url == notification.url
    assert Notification.objects.get(pk=notification.pk).read_at is not None
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_opening_a_read_notification_keeps_when_it_was_first_read(client, author):
    [notification] = make_notifications(author, 1, read=1)
    read_at = Notification.objects.get(pk=notification.pk).read_at
    client.force_login(author)
    response = client.get(reverse("notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert Notification.objects.get(pk=notification.pk).read_at == read_at


@pytest.mark.parametrize(
    "url", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)", ""]
)
def test_opening_a_notification_never_redirects_off_site(client, author, url):
    [notification] = make_notifications(author, 1)
    Notification.objects.filter(pk=notification.pk).update(url=url)
    client.force_login(author)
    response = client.get(reverse("notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == reverse("notifications")
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_opening_a_notification_that_does_not_exist_is_a_404(client, author):
    client.force_login(author)
    assert client.get(reverse("notification-open", args=[999999])).status_code == 404


PERSONAS = ["author", "coauthor", "reviewer", "editor", "moderator", "trainee", "outsider"]


@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS])
def test_only_the_recipient_may_open_a_notification(client, request, author, persona):
    """Permission matrix: the author's notification, opened by every persona."""
    [notification] = make_notifications(author, 1)
    user = request.getfixturevalue(persona)
    if user.is_authenticated:
        client.force_login(user)

    response = client.get(reverse("notification-open", args=[notification.pk]))

    if persona == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif persona == "author":
        assert response.status_code == 302
        assert response.url == notification.url
    else:
        assert response.status_code == 404
    assert (Notification.objects.get(pk=notification.pk).read_at is not None) == (
        persona == "author"
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_signed_in_persona_sees_only_their_own_list(client, request, author, persona):
    make_notifications(author, 2)
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == (2 if persona == "author" else 0)


def test_mark_all_as_read_marks_only_the_users_notifications(client, author, editor):
    make_notifications(author, 3)
    make_notifications(editor, 2)
    client.force_login(author)

    response = client.post(reverse("notifications-mark-all-read"), follow=True)

    assert response.redirect_chain == [(reverse("notifications"), 302)]
    assert "3 notifications marked as read." in response.content.decode()
    assert services.unread_count(author) == 0
    assert services.unread_count(editor) == 2


def test_mark_all_as_read_needs_a_post(client, author):
    make_notifications(author, 1)
    client.force_login(author)
    assert client.get(reverse("notifications-mark-all-read")).status_code == 405
    assert services.unread_count(author) == 1


@pytest.mark.parametrize("rows", [1, 20])
def test_list_query_count_does_not_grow_with_rows(client, author, django_assert_num_queries, rows):
    make_notifications(author, rows, read=rows // 2)
    client.force_login(author)
    # session, user, the user's roles (header), count for the paginator, the page of
    # notifications, the unread count (header and page share it)
    with django_assert_num_queries(6):
        response = client.get(reverse("notifications"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == rows


# the header ------------------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_with_a_spoken_label(client, author):
    make_notifications(author, 4, read=1)
    client.force_login(author)
    content = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("notifications")}"' in content
    assert '<span class="notification-count" aria-hidden="true">3</span>' in content
    assert ">Notifications, 3 unread notifications</span>" in content


def test_the_header_says_notification_in_the_singular_for_one(client, author):
    make_notifications(author, 1)
    client.force_login(author)
    content = client.get(reverse("home")).content.decode()
    assert ">Notifications, 1 unread notification</span>" in content


def test_the_header_shows_no_count_when_everything_is_read(client, author):
    make_notifications(author, 2, read=2)
    client.force_login(author)
    content = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("notifications")}"' in content
    assert "notification-count" not in content
    assert "unread notification" not in content


def test_anonymous_visitors_see_no_notifications_link(client, db):
    content = client.get(reverse("home")).content.decode()
    assert reverse("notifications") not in content


def test_the_header_link_is_marked_current_on_the_notifications_page(client, author):
    client.force_login(author)
    content = client.get(reverse("notifications")).content.decode()
    # The phone's bell beside the Menu button and the desktop's among the account links.
    for where in ("phone", "wide"):
        link = content.split(f'class="notifications-link notifications-link-{where}"', 1)[1]
        assert 'aria-current="page"' in link.split(">", 1)[0]


# admin -------------------------------------------------------------------------------------------


def test_the_admin_lists_notifications(client, author):
    make_notifications(author, 2)
    admin_user = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 200
    assert "Please review case 1" in response.content.decode()
