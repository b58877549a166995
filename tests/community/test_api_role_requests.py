"""Requests for the author role through the API: the same services as the pages, answered in
the API's shapes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Role
from community import role_requests
from community.models import AuthorRoleRequest
from notifications.models import Notification
from tests.factories import make_user, signed_in_api_client

pytestmark = pytest.mark.django_db

LIST = "/api/v1/author-role-requests/"


@pytest.fixture
def member(db):
    return make_user("newcomer", "trainee", display_name="Nina Newcomer")


def test_a_member_asks_and_reads_the_request(member, editor):
    client = signed_in_api_client(member)
    response = client.post(LIST, {"reason": "Neuro MR."}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending" and body["reason"] == "Neuro MR."
    assert body["member"] == {"id": member.pk, "username": "newcomer", "name": "Nina Newcomer"}
    assert body["decided_by"] is None
    assert Notification.objects.get(recipient=editor).kind == "author_role_requested"
    assert client.get(f"{LIST}{body['id']}/").json() == body


def test_asking_while_a_request_waits_is_a_409_that_says_so(member):
    client = signed_in_api_client(member)
    client.post(LIST, {}, format="json")
    response = client.post(LIST, {}, format="json")
    assert response.status_code == 409
    assert "already asked" in response.json()["detail"]


def test_a_suspended_member_is_refused(member):
    member.suspended_at = timezone.now()
    member.save(update_fields=["suspended_at"])
    response = signed_in_api_client(member).post(LIST, {}, format="json")
    assert response.status_code == 403
    assert not AuthorRoleRequest.objects.exists()


def test_a_reason_too_long_is_a_400_about_the_reason(member):
    response = signed_in_api_client(member).post(LIST, {"reason": "x" * 2001}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_an_editor_approves_and_the_member_holds_the_role(member, editor):
    asked = role_requests.request_author_role(member=member)
    response = signed_in_api_client(editor).post(f"{LIST}{asked.pk}/approve/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "approved" and body["decided_by"]["username"] == "editor"
    assert type(member).objects.get(pk=member.pk).has_role(Role.AUTHOR)
    again = signed_in_api_client(editor).post(f"{LIST}{asked.pk}/decline/")
    assert again.status_code == 409


def test_an_editor_declines_with_a_reason(member, editor):
    asked = role_requests.request_author_role(member=member)
    response = signed_in_api_client(editor).post(
        f"{LIST}{asked.pk}/decline/", {"reason": "Add your ORCID iD."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["decision_reason"] == "Add your ORCID iD."
    assert Notification.objects.get(recipient=member).kind == "author_role_declined"


def test_members_list_their_own_and_editors_list_all_filtered_by_status(member, editor):
    other = make_user("other", "trainee")
    mine = role_requests.request_author_role(member=member)
    theirs = role_requests.request_author_role(member=other)
    role_requests.decline_author_role(theirs, by=editor)

    own = signed_in_api_client(member).get(LIST).json()
    assert [item["id"] for item in own["results"]] == [mine.pk]
    every = signed_in_api_client(editor).get(LIST).json()
    assert {item["id"] for item in every["results"]} == {mine.pk, theirs.pk}
    pending = signed_in_api_client(editor).get(LIST + "?status=pending").json()
    assert [item["id"] for item in pending["results"]] == [mine.pk]
    assert signed_in_api_client(editor).get(LIST + "?status=nonsense").status_code == 400


@pytest.mark.parametrize("pk", ["abc", "0", "-1", "99999999999999999999"])
def test_a_malformed_or_unknown_id_is_a_404(editor, pk):
    assert signed_in_api_client(editor).get(f"{LIST}{pk}/").status_code == 404
    assert signed_in_api_client(editor).post(f"{LIST}{pk}/approve/").status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_reads_in_the_same_number_of_queries_whatever_its_length(
    editor, count, django_assert_num_queries
):
    for number in range(count):
        asked = role_requests.request_author_role(member=make_user(f"asker{number}", "trainee"))
        role_requests.decline_author_role(asked, by=editor)
    client = signed_in_api_client(editor)
    client.get(LIST)
    # session, user, groups (role check), COUNT, the page with members and deciders
    with django_assert_num_queries(5):
        response = client.get(LIST)
    assert len(response.json()["results"]) == min(count, 20)
