"""Asking for the author role: the member asks, an editor or an administrator approves or
declines, and each side is told, on the site and by e-mail."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from community import role_requests
from community.models import AuthorRoleRequest
from community.role_requests import RoleRequestConflict
from notifications.models import Notification
from tests.factories import make_user

pytestmark = pytest.mark.django_db

Status = AuthorRoleRequest.Status


@pytest.fixture
def member(db):
    return make_user("newcomer", "trainee", display_name="Nina Newcomer")


@pytest.fixture
def admin(db):
    return make_user("admin", "admin", display_name="Ann Admin")


@pytest.fixture
def pending(member, editor, admin):
    return role_requests.request_author_role(member=member, reason="Chest CT cases.")


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- Asking -----------------------------------------------------------------------------------


def test_a_member_asks_and_the_editors_and_administrators_are_told(
    member, editor, admin, moderator, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = role_requests.request_author_role(member=member, reason="  Chest CT cases. ")

    assert request.status == Status.PENDING and request.reason == "Chest CT cases."
    assert kinds_for(editor) == ["author_role_requested"]
    assert kinds_for(admin) == ["author_role_requested"]
    assert kinds_for(moderator) == [] and kinds_for(author) == [] and kinds_for(member) == []
    told = Notification.objects.get(recipient=editor)
    assert told.title == "Nina Newcomer asks for the author role"
    assert "Chest CT cases." in told.body
    assert told.url == reverse("author-role-request-list")
    assert sorted(message.to[0] for message in mail.outbox) == [admin.email, editor.email]


def test_superusers_are_told_too_but_not_suspended_editors(member, editor):
    root = make_user("root", is_superuser=True)
    make_user("benched", "editor", suspended_at=timezone.now())

    role_requests.request_author_role(member=member)

    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "editor",
        "root",
    }
    assert kinds_for(root) == ["author_role_requested"]


def test_a_member_has_one_pending_request_at_a_time(member, pending):
    with pytest.raises(RoleRequestConflict, match="already asked"):
        role_requests.request_author_role(member=member)
    assert AuthorRoleRequest.objects.filter(member=member).count() == 1


def test_an_author_does_not_ask(author):
    with pytest.raises(RoleRequestConflict, match="already hold the author role"):
        role_requests.request_author_role(member=author)


def test_a_suspended_member_cannot_ask(member):
    member.suspended_at = timezone.now()
    with pytest.raises(PermissionDenied, match="suspended"):
        role_requests.request_author_role(member=member)
    assert not AuthorRoleRequest.objects.exists()


def test_a_reason_longer_than_two_thousand_characters_is_refused(member):
    with pytest.raises(ValidationError):
        role_requests.request_author_role(member=member, reason="x" * 2001)


# --- Deciding ---------------------------------------------------------------------------------


def test_an_editor_approves_and_the_member_becomes_an_author_and_is_told(
    member, editor, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decided = role_requests.approve_author_role(pending, by=editor)

    assert decided.status == Status.APPROVED
    assert decided.decided_by == editor and decided.decided_at is not None
    assert fresh(member).has_role(Role.AUTHOR)
    told = Notification.objects.get(recipient=member)
    assert told.kind == "author_role_approved"
    assert told.url == reverse("case-create")
    assert [message.to[0] for message in mail.outbox] == [member.email]


def test_an_administrator_declines_with_a_reason_and_the_member_is_told(member, admin, pending):
    decided = role_requests.decline_author_role(
        pending, by=admin, reason="Add your institution first."
    )

    assert decided.status == Status.DECLINED
    assert decided.decision_reason == "Add your institution first."
    assert not fresh(member).has_role(Role.AUTHOR)
    told = Notification.objects.get(recipient=member)
    assert told.kind == "author_role_declined"
    assert "Add your institution first." in told.body
    assert told.url == reverse("account_profile")


def test_after_a_decline_the_member_may_ask_again(member, editor, pending):
    role_requests.decline_author_role(pending, by=editor)

    again = role_requests.request_author_role(member=member)

    assert again.is_pending
    assert AuthorRoleRequest.objects.filter(member=member).count() == 2


def test_a_request_is_decided_once(editor, admin, pending):
    role_requests.approve_author_role(pending, by=editor)
    with pytest.raises(RoleRequestConflict, match="already decided"):
        role_requests.decline_author_role(pending, by=admin)
    assert AuthorRoleRequest.objects.get(pk=pending.pk).status == Status.APPROVED


@pytest.mark.parametrize("persona", ["trainee", "author", "moderator", "member"])
def test_only_editors_and_administrators_decide(request, persona, pending):
    someone = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        role_requests.approve_author_role(pending, by=someone)
    with pytest.raises(PermissionDenied):
        role_requests.decline_author_role(pending, by=someone)
    assert AuthorRoleRequest.objects.get(pk=pending.pk).is_pending


def test_a_suspended_editor_does_not_decide(editor, pending):
    editor.suspended_at = timezone.now()
    with pytest.raises(PermissionDenied):
        role_requests.approve_author_role(pending, by=editor)


def test_an_editor_does_not_decide_on_their_own_request(editor, admin):
    own = role_requests.request_author_role(member=editor)
    with pytest.raises(PermissionDenied, match="Someone else"):
        role_requests.approve_author_role(own, by=editor)
    role_requests.approve_author_role(own, by=admin)
    assert fresh(editor).has_role(Role.AUTHOR)


# --- The profile and the "New case" refusal ---------------------------------------------------

PROFILE = "/accounts/profile/"
NEW_CASE = "/cases/new/"


def test_the_profile_offers_to_ask_and_the_request_is_sent(client, member, editor):
    client.force_login(member)
    page = client.get(PROFILE).content.decode()
    assert "Ask for the author role" in page

    response = client.post(
        reverse("author-role-request"), {"reason": "Neuro MR cases.", "next": PROFILE}
    )

    assert response.status_code == 302 and response.url == PROFILE
    assert AuthorRoleRequest.objects.get(member=member).reason == "Neuro MR cases."
    page = client.get(PROFILE).content.decode()
    assert "Waiting" in page and "Ask for the author role</button>" not in page
    assert "Neuro MR cases." in page


def test_new_case_refuses_a_member_and_offers_to_ask(client, member):
    client.force_login(member)
    response = client.get(NEW_CASE)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only authors create cases" in page
    assert "Ask an administrator" not in page
    assert reverse("author-role-request") in page
    assert f'name="next" value="{NEW_CASE}"' in page


def test_new_case_shows_the_request_waiting(client, member, pending):
    client.force_login(member)
    response = client.get(NEW_CASE)
    assert response.status_code == 403
    page = response.content.decode()
    assert "You asked for the author role on" in page
    assert "Ask for the author role</button>" not in page


def test_asking_from_the_new_case_page_returns_there(client, member):
    client.force_login(member)
    response = client.post(reverse("author-role-request"), {"next": NEW_CASE})
    assert response.status_code == 302 and response.url == NEW_CASE


def test_asking_ignores_a_next_address_on_another_site(client, member):
    client.force_login(member)
    response = client.post(reverse("author-role-request"), {"next": "https://evil.example/"})
    assert response.url == PROFILE


def test_asking_twice_on_the_page_says_a_request_waits(client, member, pending):
    client.force_login(member)
    response = client.post(reverse("author-role-request"), follow=True)
    assert "You have already asked" in response.content.decode()
    assert AuthorRoleRequest.objects.filter(member=member).count() == 1


def test_a_suspended_member_is_told_on_the_profile_and_cannot_ask(client, member):
    member.suspended_at = timezone.now()
    member.save(update_fields=["suspended_at"])
    client.force_login(member)
    page = client.get(PROFILE).content.decode()
    assert "Ask for the author role</button>" not in page
    assert "suspended" in page
    client.post(reverse("author-role-request"))
    assert not AuthorRoleRequest.objects.exists()


def test_a_declined_member_sees_the_reason_and_may_ask_again(client, member, editor, pending):
    role_requests.decline_author_role(pending, by=editor, reason="Add your ORCID iD first.")
    client.force_login(member)
    page = client.get(PROFILE).content.decode()
    assert "Declined" in page and "Add your ORCID iD first." in page
    assert "Ask for the author role</button>" in page


def test_an_author_sees_no_request_form_on_the_profile(client, author):
    client.force_login(author)
    page = client.get(PROFILE).content.decode()
    assert "You hold the author role" in page
    assert "Ask for the author role</button>" not in page


def test_asking_needs_a_post_and_a_signed_in_member(client, member):
    assert client.post(reverse("author-role-request")).status_code == 302  # to the login page
    assert not AuthorRoleRequest.objects.exists()
    client.force_login(member)
    assert client.get(reverse("author-role-request")).status_code == 405


# --- The editors' list ------------------------------------------------------------------------

LIST = "/author-role/requests/"


def test_the_list_is_for_editors_and_administrators(client, trainee, moderator, author):
    assert client.get(LIST).status_code == 302  # to the login page
    for someone in (trainee, moderator, author):
        client.force_login(someone)
        assert client.get(LIST).status_code == 403


def test_the_list_shows_pending_requests_oldest_first(client, editor, admin):
    for number in range(3):
        role_requests.request_author_role(
            member=make_user(f"asker{number}", "trainee", display_name=f"Asker {number}")
        )
    client.force_login(editor)
    page = client.get(LIST).content.decode()
    assert page.index("Asker 0") < page.index("Asker 1") < page.index("Asker 2")
    assert "3 requests waiting" in page
    assert "Decline the request of Asker 0" in page


def test_the_lists_have_an_empty_state(client, editor):
    client.force_login(editor)
    assert "No request waiting" in client.get(LIST).content.decode()
    assert "No request decided yet" in client.get(LIST + "?show=decided").content.decode()


def test_an_editor_approves_from_the_list(client, editor, member, pending):
    client.force_login(editor)
    response = client.post(f"{LIST}{pending.pk}/approve/", {"next": LIST}, follow=True)
    assert "Nina Newcomer now holds the author role" in response.content.decode()
    assert fresh(member).has_role(Role.AUTHOR)
    decided = client.get(LIST + "?show=decided").content.decode()
    assert "Approved" in decided and "Nina Newcomer" in decided


def test_an_editor_declines_from_the_list_with_a_reason(client, editor, member, pending):
    client.force_login(editor)
    client.post(f"{LIST}{pending.pk}/decline/", {"reason": "Not yet."})
    decided = AuthorRoleRequest.objects.get(pk=pending.pk)
    assert decided.status == Status.DECLINED and decided.decision_reason == "Not yet."
    assert "Not yet." in client.get(LIST + "?show=decided").content.decode()


def test_deciding_twice_on_the_page_says_so(client, editor, pending):
    client.force_login(editor)
    client.post(f"{LIST}{pending.pk}/approve/")
    response = client.post(f"{LIST}{pending.pk}/decline/", follow=True)
    assert "already decided" in response.content.decode()
    assert AuthorRoleRequest.objects.get(pk=pending.pk).status == Status.APPROVED


def test_deciding_on_the_page_is_for_editors_and_administrators(client, trainee, member, pending):
    client.force_login(trainee)
    assert client.post(f"{LIST}{pending.pk}/approve/").status_code == 403
    client.force_login(member)
    assert client.post(f"{LIST}{pending.pk}/approve/").status_code == 403
    assert AuthorRoleRequest.objects.get(pk=pending.pk).is_pending


def test_an_unknown_decision_or_request_is_a_404(client, editor, pending):
    client.force_login(editor)
    assert client.post(f"{LIST}{pending.pk}/promote/").status_code == 404
    assert client.post(f"{LIST}{pending.pk + 1000}/approve/").status_code == 404


@pytest.mark.parametrize("count", [1, 25])
def test_the_list_reads_in_the_same_number_of_queries_whatever_its_length(
    client, editor, count, django_assert_num_queries
):
    for number in range(count):
        role_requests.request_author_role(
            member=make_user(f"asker{number}", "trainee", display_name=f"Asker {number}"),
            reason="Cases.",
        )
    client.force_login(editor)
    client.get(LIST)  # the session and the user's groups
    # session, user, groups (role check), COUNT, the page of requests with members and
    # institutions, the unread notification count of the header
    with django_assert_num_queries(6):
        response = client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 20)


def test_the_decided_list_reads_in_the_same_number_of_queries_whatever_its_length(
    client, editor, django_assert_max_num_queries
):
    for number in range(25):
        asked = role_requests.request_author_role(
            member=make_user(f"asker{number}", "trainee", display_name=f"Asker {number}")
        )
        role_requests.decline_author_role(asked, by=editor)
    client.force_login(editor)
    with django_assert_max_num_queries(6):
        response = client.get(LIST + "?show=decided&page=2")
    assert len(response.context["page"].object_list) == 5


@pytest.mark.parametrize("page_number", ["0", "abc", "999", "-1"])
def test_any_page_number_answers_a_page(client, editor, pending, page_number):
    client.force_login(editor)
    assert client.get(f"{LIST}?page={page_number}&show=nonsense").status_code == 200


def test_the_profile_of_an_editor_links_to_the_requests_waiting(client, editor, pending):
    client.force_login(editor)
    page = client.get(PROFILE).content.decode()
    assert reverse("author-role-request-list") in page and "1 waiting" in page


# --- At the same moment -----------------------------------------------------------------------


def at_once(*calls) -> list[str]:
    """Run the calls in threads that start together; what each one came to."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call) -> None:
        try:
            barrier.wait()
            call()
            outcomes.append("done")
        except RoleRequestConflict:
            outcomes.append("conflict")
        except Exception as error:  # reported in the assertion, not lost in the thread
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need a database that has them"
)


@pytest.mark.django_db(transaction=True)
@ON_POSTGRESQL
def test_two_clicks_at_once_make_one_request(member):
    ask = lambda: role_requests.request_author_role(member=fresh(member))  # noqa: E731
    assert at_once(ask, ask) == ["conflict", "done"]
    assert AuthorRoleRequest.objects.filter(member=member).count() == 1


@pytest.mark.django_db(transaction=True)
@ON_POSTGRESQL
def test_two_editors_deciding_at_once_decide_once(member, editor, admin):
    asked = role_requests.request_author_role(member=member)
    outcomes = at_once(
        lambda: role_requests.approve_author_role(asked, by=fresh(editor)),
        lambda: role_requests.decline_author_role(asked, by=fresh(admin)),
    )
    assert outcomes == ["conflict", "done"]
    assert Notification.objects.filter(recipient=member).count() == 1


def test_the_import_page_refuses_a_member_and_offers_to_ask(client, member):
    client.force_login(member)
    response = client.get(reverse("import-jobs"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only authors import cases" in page
    assert reverse("author-role-request") in page
    assert f'name="next" value="{reverse("import-jobs")}"' in page
