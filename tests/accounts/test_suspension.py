"""A suspended member reads but does not write (community/middleware.py for pages,
accounts/api/permissions.py for the API): every POST, PUT, PATCH and DELETE is refused on pages
and in the API, except logging out."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.api.permissions import SUSPENDED_DETAIL, NotSuspended
from accounts.models import ApiToken
from accounts.services import create_token
from community import moderation
from notifications.models import Notification
from tests.factories import PASSWORD, make_case, make_user

pytestmark = pytest.mark.django_db

REASON = "Posted identifiable patient data twice."


@pytest.fixture
def suspended(moderator):
    member = make_user("suspended", "trainee", "author", display_name="Sam Suspended")
    moderation.suspend_user(member=member, by=moderator, reason=REASON)
    member.refresh_from_db()
    return member


@pytest.fixture
def suspended_client(client, suspended):
    client.force_login(suspended)
    return client


def test_a_suspended_member_still_reads_pages(suspended_client, author):
    case = make_case(author=author)
    assert suspended_client.get(reverse("home")).status_code == 200
    assert suspended_client.get(case.get_absolute_url()).status_code == 200
    assert suspended_client.get(reverse("notifications")).status_code == 200


def test_every_page_shows_the_suspended_banner_with_the_reason(suspended_client):
    page = suspended_client.get(reverse("home")).text
    assert "Your account is suspended." in page
    assert "You can still read" in page
    assert REASON in page


def test_members_in_good_standing_see_no_banner(client, trainee):
    client.force_login(trainee)
    assert "Your account is suspended" not in client.get(reverse("home")).text


@pytest.mark.parametrize(
    "url",
    [reverse("notifications-mark-all-read"), reverse("account_profile"), reverse("case-create")],
)
def test_a_page_post_is_refused_with_the_reason_and_that_reading_still_works(
    suspended_client, suspended, url
):
    Notification.objects.create(recipient=suspended, kind="comment", title="A reply")

    response = suspended_client.post(url, {"display_name": "Changed", "title": "A new case"})

    assert response.status_code == 403
    assert "Your account is suspended" in response.text
    assert REASON in response.text
    assert "You can still read" in response.text
    suspended.refresh_from_db()
    assert suspended.display_name == "Sam Suspended"
    assert Notification.objects.filter(recipient=suspended, read_at__isnull=True).exists()


def test_logging_out_is_still_possible(suspended_client):
    response = suspended_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in suspended_client.session


@pytest.fixture
def session_api(suspended):
    client = APIClient()
    client.force_login(suspended)
    return client


def token_from_before_the_suspension(member, *, name: str):
    """A token the member made while in good standing: a suspended member cannot make one."""
    suspended_at, member.suspended_at = member.suspended_at, None
    try:
        return create_token(member, name=name)
    finally:
        member.suspended_at = suspended_at


@pytest.fixture
def token_api(suspended):
    _, key = token_from_before_the_suspension(suspended, name="Script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.mark.parametrize("api", ["session_api", "token_api"])
@pytest.mark.parametrize(
    "method,path,body",
    [
        ("post", "/api/v1/notifications/read-all/", None),
        ("patch", "/api/v1/me/", {"display_name": "Changed"}),
        ("delete", "/api/v1/tokens/{token}/", None),
        ("put", "/api/v1/me/", {"display_name": "Changed"}),
        ("post", "/api/v1/cases/", {"title": "A new case"}),
    ],
)
def test_api_writes_are_refused_with_the_error_body(request, suspended, api, method, path, body):
    client = request.getfixturevalue(api)
    token, _ = token_from_before_the_suspension(suspended, name="Other")
    response = getattr(client, method)(path.format(token=token.pk), body, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your account is suspended: you can still read, but you cannot make changes "
        "until a moderator reinstates you.",
        "errors": {},
    }
    suspended.refresh_from_db()
    assert suspended.display_name == "Sam Suspended"
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("api", ["session_api", "token_api"])
def test_api_reads_are_allowed(request, api):
    client = request.getfixturevalue(api)
    assert client.get("/api/v1/me/").status_code == 200
    assert client.get("/api/v1/cases/").status_code == 200
    assert client.get("/api/v1/notifications/").status_code == 200


def test_a_reinstated_member_writes_again(client, moderator, suspended):
    moderation.reinstate_user(member=suspended, by=moderator, reason="Apologised.")
    client.force_login(suspended)
    response = client.post(reverse("notifications-mark-all-read"))
    assert response.status_code == 302


def test_a_token_of_someone_else_signed_in_decides_who_writes(client, suspended, trainee):
    """DRF acts as the token's owner, so the token's owner is who the rule looks at."""
    _, key = create_token(trainee, name="Script")
    api = APIClient()
    api.force_login(suspended)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.post("/api/v1/notifications/read-all/").status_code == 200


def test_an_unknown_token_is_left_to_the_api_to_refuse(db):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert api.post("/api/v1/notifications/read-all/").status_code == 401


def test_anonymous_writes_are_not_the_middlewares_business(client, db):
    response = client.post(reverse("account_login"), {"login": "nobody", "password": "x"})
    assert response.status_code == 200  # the login form with its error


def test_a_suspension_set_in_the_admin_applies_too(client, trainee):
    trainee.suspended_at = timezone.now()
    trainee.save(update_fields=["suspended_at"])
    client.force_login(trainee)
    assert client.post(reverse("notifications-mark-all-read")).status_code == 403


def _api_views():
    """Every view under /api/v1/, with the viewset actions routed to it."""

    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern) and hasattr(entry.callback, "cls"):
                yield entry.name, entry.callback

    v1 = next(entry for entry in get_resolver().url_patterns if str(entry.pattern) == "api/v1/")
    return sorted(walk(v1.url_patterns), key=lambda item: item[0])


def test_every_api_view_refuses_suspended_members_writes():
    """A view that names its own permission classes replaces the default ones: it must start
    them with NotSuspended, or suspended members could write through it."""
    views = _api_views()
    assert len(views) > 50
    missing = []
    for name, callback in views:
        view = callback.cls
        actions = getattr(callback, "actions", None) or {}
        classes = [view.permission_classes]
        for method_name in actions.values():
            method = getattr(view, method_name, None)
            classes.append(getattr(method, "kwargs", {}).get("permission_classes") or [])
        for permission_classes in classes:
            if permission_classes and NotSuspended not in permission_classes:
                missing.append(name)
        if view.get_permissions is not APIView.get_permissions:
            # Permissions chosen per request replace the classes above: ask for each action.
            for action in actions.values() or [None]:
                instance = view(action=action, request=None, kwargs={})
                if not any(isinstance(p, NotSuspended) for p in instance.get_permissions()):
                    missing.append(f"{name} ({action})")
    assert missing == []


# Every page that takes a write, and API tokens wherever they are made

SAMPLES = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000001",
}


def _page_routes() -> list[str]:
    """Every page address (routes outside /api/), its parameters filled with samples."""

    def walk(patterns, prefix: str):
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry.pattern, RegexPattern):
                route = route.lstrip("^").rstrip("$")
                if "(" in route:
                    continue  # a regular expression's groups have no sample to fill them
            route = re.sub(
                r"<(?:(\w+):)?\w+>", lambda match: SAMPLES.get(match.group(1) or "str", "x"), route
            )
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + route)
            else:
                yield prefix + route

    routes = {f"/{route}" for route in walk(get_resolver().url_patterns, "")}
    return sorted(route for route in routes if not route.startswith("/api/"))


PAGE_ROUTES = _page_routes()


def test_the_page_routes_are_all_found():
    assert len(PAGE_ROUTES) > 60
    assert "/accounts/tokens/" in PAGE_ROUTES
    assert "/accounts/email/" in PAGE_ROUTES


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_page_refuses_a_suspended_members_writes(suspended_client, method):
    refused = {
        route: getattr(suspended_client, method)(route).status_code
        for route in PAGE_ROUTES
        if route != reverse("account_logout")
    }
    assert {route for route, status in refused.items() if status != 403} == set()


def test_the_tokens_page_makes_no_token_for_a_suspended_member(suspended_client, suspended):
    response = suspended_client.post("/accounts/tokens/", {"name": "Script"})

    assert response.status_code == 403
    assert not ApiToken.objects.filter(user=suspended).exists()


def test_a_suspended_member_cannot_exchange_their_password_for_a_token(suspended):
    api = APIClient()
    right = api.post(
        "/api/v1/auth/token/", {"username": "suspended", "password": PASSWORD}, format="json"
    )
    wrong = api.post(
        "/api/v1/auth/token/", {"username": "suspended", "password": "a guess"}, format="json"
    )

    assert right.status_code == 403
    assert right.json()["detail"] == SUSPENDED_DETAIL
    # Only someone who knows the password learns of the suspension.
    assert wrong.status_code == 401
    assert not ApiToken.objects.filter(user=suspended).exists()


def test_a_suspended_member_cannot_create_a_token_with_a_token_from_before(token_api, suspended):
    response = token_api.post("/api/v1/tokens/", {"name": "Another"}, format="json")

    assert response.status_code == 403
    assert ApiToken.objects.filter(user=suspended).count() == 1


def test_the_token_service_refuses_a_suspended_member(suspended):
    with pytest.raises(PermissionDenied):
        create_token(suspended, name="Script")
