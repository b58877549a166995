"""Notifications, tags, licences and the signed-in person through the API."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from cases.models import Case, Licence, Tag
from notifications.models import Notification
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "/api/v1/notifications/"
TAGS = "/api/v1/tags/"
LICENCES = "/api/v1/licences/"
ME = "/api/v1/me/"


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    # Throttles count requests in the default cache: every test starts with none.
    cache.clear()
    yield
    cache.clear()


def client_of(user) -> APIClient:
    client = APIClient()
    if user is not None:
        # A fresh instance, as a request has: roles are cached on the user object.
        client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def count_queries(client: APIClient, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.json()


# --- notifications -------------------------------------------------------------------------


def notify(user, title: str = "Please review: Calcific tendinitis", *, read: bool = False):
    return Notification.objects.create(
        recipient=user,
        kind=Notification.Kind.REVIEW_ASSIGNED,
        title=title,
        body="Due in two weeks.",
        url="/reviews/1/",
        read_at=timezone.now() if read else None,
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 401), ("owner", 200), ("someone_else", 404), ("editor", 404)],
)
@pytest.mark.parametrize("endpoint", ["retrieve", "read"])
def test_a_notification_is_only_its_recipients(
    author, trainee, editor, persona, expected, endpoint
):
    notification = notify(author)
    person = {"anonymous": None, "owner": author, "someone_else": trainee, "editor": editor}
    client = client_of(person[persona])
    url = f"{NOTIFICATIONS}{notification.pk}/" + ("read/" if endpoint == "read" else "")

    response = client.post(url) if endpoint == "read" else client.get(url)

    assert response.status_code == expected
    notification.refresh_from_db()
    assert notification.is_unread == (endpoint == "retrieve" or expected != 200)


@pytest.mark.parametrize("url", [NOTIFICATIONS, f"{NOTIFICATIONS}read-all/"])
def test_anonymous_visitors_have_no_notifications(url):
    client = APIClient()
    response = client.get(url) if url == NOTIFICATIONS else client.post(url)

    assert response.status_code == 401


def test_the_list_holds_only_my_notifications_newest_first_with_the_unread_count(
    author, trainee
):
    older = notify(author, "First", read=True)
    newer = notify(author, "Second")
    notify(trainee, "Not yours")

    response = client_of(author).get(NOTIFICATIONS)

    assert response["X-Unread-Count"] == "1"
    body = response.json()
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    assert body["results"][0] == {
        "id": newer.pk,
        "kind": "review_assigned",
        "kind_display": "Review assigned",
        "case": None,
        "title": "Second",
        "body": "Due in two weeks.",
        "url": "/reviews/1/",
        "created_at": body["results"][0]["created_at"],
        "read_at": None,
        "is_unread": True,
    }


def test_the_unread_filter(author):
    read = notify(author, "Seen", read=True)
    unread = notify(author, "New")
    client = client_of(author)

    def ids(query: str) -> list[int]:
        return [row["id"] for row in client.get(NOTIFICATIONS + query).json()["results"]]

    assert ids("?unread=true") == [unread.pk]
    assert ids("?unread=false") == [read.pk]
    assert ids("") == [unread.pk, read.pk]


def test_marking_one_read_lowers_the_count(author):
    first, second = notify(author, "One"), notify(author, "Two")

    response = client_of(author).post(f"{NOTIFICATIONS}{first.pk}/read/")

    assert response.status_code == 200
    assert response.json()["is_unread"] is False
    assert response.json()["read_at"] is not None
    assert response["X-Unread-Count"] == "1"
    second.refresh_from_db()
    assert second.is_unread


def test_marking_all_read_leaves_other_peoples_alone(author, trainee):
    notify(author, "One")
    notify(author, "Two")
    notify(author, "Old", read=True)
    theirs = notify(trainee)

    response = client_of(author).post(f"{NOTIFICATIONS}read-all/")

    assert response.status_code == 200
    assert response.json() == {"marked": 2, "unread": 0}
    assert response["X-Unread-Count"] == "0"
    theirs.refresh_from_db()
    assert theirs.is_unread


def test_listing_notifications_takes_the_same_queries_for_one_or_fifty(author):
    notify(author)
    few, body = count_queries(client_of(author), NOTIFICATIONS + "?page_size=50")
    assert body["count"] == 1
    for number in range(49):
        notify(author, f"Notice {number}")

    many, body = count_queries(client_of(author), NOTIFICATIONS + "?page_size=50")

    assert body["count"] == 50
    # The count, the page, and the unread count for the header.
    assert many == few == 3


# --- tags ----------------------------------------------------------------------------------


@pytest.fixture
def tagged(author, institution):
    """Published, unlisted, institution-only and draft cases, each with tags."""
    avn = Tag.objects.create(name="Avascular necrosis", scheme="radlex", code="RID4983")
    calcific = Tag.objects.create(name="Calcific tendinitis")
    secret = Tag.objects.create(name="Embargoed trial finding")
    make_case(author=author).tags.add(avn, calcific)
    make_case(author=author, title="Second AVN").tags.add(avn)
    make_case(author=author, visibility="unlisted", title="By link").tags.add(avn)
    make_case(author=author, visibility="institution", institution=institution).tags.add(calcific)
    make_case(author=author, published=False, title="Draft").tags.add(secret)
    return {"avn": avn, "calcific": calcific, "secret": secret}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        # Listed cases only are counted; the institution case counts for those who read it.
        ("anonymous", {"Avascular necrosis": 2, "Calcific tendinitis": 1}),
        ("trainee", {"Avascular necrosis": 2, "Calcific tendinitis": 2}),
        ("outsider", {"Avascular necrosis": 2, "Calcific tendinitis": 1}),
        ("author", {"Avascular necrosis": 2, "Calcific tendinitis": 2,
                    "Embargoed trial finding": 0}),
        # Editors read every case past draft, other institutions' too.
        ("editor", {"Avascular necrosis": 2, "Calcific tendinitis": 2}),
    ],
)  # fmt: skip
def test_tags_of_cases_i_may_read_with_their_listed_case_counts(
    tagged, author, trainee, outsider, editor, persona, expected
):
    person = {"anonymous": None, "trainee": trainee, "outsider": outsider,
              "author": author, "editor": editor}[persona]  # fmt: skip

    body = client_of(person).get(TAGS).json()

    assert {row["name"]: row["case_count"] for row in body["results"]} == expected


def test_a_tag_shows_its_scheme_code_and_slug(tagged):
    body = APIClient().get(TAGS).json()

    assert body["results"][0] == {
        "id": tagged["avn"].pk,
        "name": "Avascular necrosis",
        "scheme": "radlex",
        "code": "RID4983",
        "slug": "avascular-necrosis",
        "case_count": 2,
    }


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("?q=necrosis", ["Avascular necrosis"]),
        ("?q=rid4983", ["Avascular necrosis"]),
        ("?q=calc+tend", ["Calcific tendinitis"]),
        ("?q=nothing", []),
        ("?q=trial", []),  # only on a draft the visitor may not read
        ("?scheme=radlex", ["Avascular necrosis"]),
    ],
)
def test_tags_are_searched_by_name_and_code(tagged, query, names):
    body = APIClient().get(TAGS + query).json()

    assert [row["name"] for row in body["results"]] == names


def test_a_bad_scheme_is_a_400(tagged):
    response = APIClient().get(TAGS + "?scheme=mesh")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["scheme"]


def test_listing_tags_takes_the_same_queries_for_one_or_fifty(author):
    case = make_case(author=author)
    case.tags.add(Tag.objects.create(name="Tag 0"))
    few, body = count_queries(APIClient(), TAGS + "?page_size=50")
    assert body["count"] == 1
    for number in range(1, 50):
        case.tags.add(Tag.objects.create(name=f"Tag {number}"))
        make_case(author=author, title=f"Case {number}").tags.add(case.tags.first())

    many, body = count_queries(APIClient(), TAGS + "?page_size=50")

    assert body["count"] == 50
    # The count and the page (visibility and case counts are subqueries of it).
    assert many == few == 2


# --- licences ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "trainee"])
def test_everyone_reads_the_licences(trainee, persona, django_assert_num_queries):
    client = client_of(trainee if persona == "trainee" else None)

    with django_assert_num_queries(0):
        response = client.get(LICENCES)

    assert response.status_code == 200
    body = response.json()
    assert [row["code"] for row in body] == list(Licence.values)
    assert {
        "code": "CC-BY-4.0",
        "name": "Creative Commons Attribution 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    } in body


# --- me ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "patch"])
def test_anonymous_visitors_are_nobody(method):
    response = getattr(APIClient(), method)(ME, {})

    assert response.status_code == 401
    assert response.json()["detail"]


def test_me_says_who_i_am(author, institution):
    Notification.objects.create(recipient=author, kind="published", title="Published")
    author.orcid = "0000-0002-1825-0097"
    author.training_level = "consultant"
    author.save()

    body = client_of(author).get(ME).json()

    assert body == {
        "username": "author",
        "name": "Dr Ada Author",
        "display_name": "Dr Ada Author",
        "email": "author@example.org",
        "roles": ["author"],
        "institution": {"name": "St Elsewhere Hospital", "slug": "st-elsewhere"},
        "orcid": "0000-0002-1825-0097",
        "training_level": "consultant",
        "unread_notifications": 1,
    }


def test_someone_with_several_roles_and_no_institution(reviewer):
    body = client_of(reviewer).get(ME).json()

    assert body["roles"] == ["author", "reviewer"]
    assert body["institution"] is None
    assert body["training_level"] == ""


@pytest.mark.parametrize("persona", ["trainee", "author", "reviewer", "editor", "moderator"])
def test_everyone_signed_in_reads_and_changes_their_own_profile(
    trainee, author, reviewer, editor, moderator, persona
):
    person = {"trainee": trainee, "author": author, "reviewer": reviewer,
              "editor": editor, "moderator": moderator}[persona]  # fmt: skip
    client = client_of(person)

    assert client.get(ME).json()["username"] == person.username
    response = client.patch(ME, {"training_level": "fellow"})

    assert response.status_code == 200
    person.refresh_from_db()
    assert person.training_level == "fellow"


def test_a_partial_change_keeps_the_other_fields(author):
    author.orcid = "0000-0002-1825-0097"
    author.save()

    response = client_of(author).patch(ME, {"display_name": "Prof Ada Author"})

    assert response.status_code == 200
    author.refresh_from_db()
    assert author.display_name == "Prof Ada Author"
    assert author.orcid == "0000-0002-1825-0097"
    assert response.json()["name"] == "Prof Ada Author"


def test_a_pasted_orcid_link_is_trimmed_as_on_the_account_page(author):
    response = client_of(author).patch(ME, {"orcid": "https://orcid.org/0000-0002-1825-0097"})

    assert response.status_code == 200
    assert response.json()["orcid"] == "0000-0002-1825-0097"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"orcid": "0000-0002-1825-0098"}, "orcid", "This ORCID iD has a typing error"),
        ({"orcid": "12345"}, "orcid", "Enter an ORCID iD as four groups"),
        ({"training_level": "professor"}, "training_level", "Select a valid choice."),
        ({"training_level": None}, "training_level", "Send this field as text."),
        ({"display_name": "x" * 151}, "display_name", "at most 150 characters"),
        ({"display_name": ["Ada"]}, "display_name", "Send this field as text."),
        ({"display_name": 0}, "display_name", "Send this field as text."),
    ],
)
def test_a_bad_profile_change_is_refused_and_nothing_is_saved(author, change, field, message):
    response = client_of(author).patch(ME, change, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    author.refresh_from_db()
    assert author.display_name == "Dr Ada Author"
    assert author.training_level == ""


def test_a_profile_change_cannot_touch_other_fields(author, other_institution):
    response = client_of(author).patch(
        ME, {"username": "root", "email": "x@example.org", "institution": other_institution.pk}
    )

    assert response.status_code == 200
    author.refresh_from_db()
    assert author.username == "author"
    assert author.email == "author@example.org"
    assert author.institution.slug == "st-elsewhere"


def test_a_body_that_is_not_an_object_is_a_400(author):
    response = client_of(author).patch(ME, ["Ada"], format="json")

    assert response.status_code == 400


def test_the_whole_profile_is_not_replaced_with_put(author):
    assert client_of(author).put(ME, {"display_name": "Ada"}).status_code == 405


def test_me_takes_a_fixed_number_of_queries(author, django_assert_num_queries):
    client = client_of(author)
    # The user with their institution, their roles, the unread count.
    with django_assert_num_queries(3):
        response = client.get(ME)
    assert response.status_code == 200


def test_a_case_count_ignores_cases_i_cannot_read(author, trainee):
    # A tag on both a public case and a private draft counts only the public one.
    tag = Tag.objects.create(name="Bone infarct")
    make_case(author=author).tags.add(tag)
    make_case(author=make_user("someone", "author"), published=False).tags.add(tag)

    body = client_of(trainee).get(TAGS).json()

    assert body["results"] == [
        {**body["results"][0], "name": "Bone infarct", "case_count": 1}
    ]
    assert Case.objects.filter(tags=tag).count() == 2
