"""Collections (playlists of cases): who sees them where, which of their cases each reader is
shown, their order and notes, and the pages that change them."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookmarks import services
from bookmarks.models import Collection, CollectionItem
from cases.models import Case
from tests.factories import collection_of, make_case, make_user, positions_of, published, titles_in

V = Collection.Visibility


# Helpers shared by the collection test modules ------------------------------------------------


@pytest.fixture
def cases(db):
    return [published(f"Case {number}") for number in range(1, 4)]


# Who opens a collection, where ----------------------------------------------------------------

# (visibility, who) -> status of: its page, its shared link, the API's detail, the API's shared.
VISIBILITY_MATRIX = [
    (V.PRIVATE, "owner", 200, 404, 200, 404),
    (V.PRIVATE, "other", 404, 404, 404, 404),
    (V.PRIVATE, "anonymous", 404, 404, 404, 404),
    (V.LINK, "owner", 200, 200, 200, 200),
    (V.LINK, "other", 404, 200, 404, 200),
    (V.LINK, "anonymous", 404, 200, 404, 200),
    (V.PUBLIC, "owner", 200, 200, 200, 200),
    (V.PUBLIC, "other", 200, 200, 200, 200),
    (V.PUBLIC, "anonymous", 200, 200, 200, 200),
]


@pytest.mark.parametrize(
    ("visibility", "who", "page", "shared", "api", "api_shared"),
    VISIBILITY_MATRIX,
    ids=[f"{row[0]}-{row[1]}" for row in VISIBILITY_MATRIX],
)
def test_who_opens_a_collection_at_its_page_its_link_and_the_api(
    client, trainee, outsider, cases, visibility, who, page, shared, api, api_shared
):
    collection = collection_of(trainee, *cases, visibility=visibility)
    if who != "anonymous":
        client.force_login(trainee if who == "owner" else outsider)
    token = collection.share_token
    assert client.get(collection.get_absolute_url()).status_code == page
    assert client.get(reverse("collection-shared", args=[token])).status_code == shared
    assert client.get(f"/api/v1/collections/{collection.pk}/").status_code == api
    assert client.get(f"/api/v1/collections/shared/{token}/").status_code == api_shared
    # Conference mode follows the same rule as the pages.
    assert client.get(reverse("collection-present", args=[collection.pk])).status_code == page
    assert client.get(reverse("collection-shared-present", args=[token])).status_code == shared


def test_a_wrong_token_is_a_404(client, trainee, cases):
    collection_of(trainee, *cases, visibility=V.LINK)
    assert client.get(reverse("collection-shared", args=["not-the-token"])).status_code == 404
    assert client.get("/api/v1/collections/shared/not-the-token/").status_code == 404


def test_only_public_collections_of_others_are_listed(client, trainee, outsider, cases):
    collection_of(trainee, *cases, visibility=V.PRIVATE, title="Private hips")
    collection_of(trainee, *cases, visibility=V.LINK, title="Linked hips")
    collection_of(trainee, *cases, visibility=V.PUBLIC, title="Public hips")

    for user in (outsider, None):
        client.logout()
        if user:
            client.force_login(user)
        html = client.get(reverse("collection-list")).content.decode()
        assert "Public hips" in html
        assert "Private hips" not in html
        assert "Linked hips" not in html
        listed = client.get("/api/v1/collections/").json()["results"]
        assert [row["title"] for row in listed] == ["Public hips"]

    client.force_login(trainee)
    html = client.get(reverse("collection-list")).content.decode()
    assert all(title in html for title in ("Private hips", "Linked hips", "Public hips"))


def test_someone_else_gets_a_404_on_every_page_that_changes_a_collection(
    client, trainee, outsider, cases
):
    collection = collection_of(trainee, *cases, visibility=V.PUBLIC)
    item = collection.items.first()
    client.force_login(outsider)
    pk = collection.pk
    for name, args in [
        ("collection-edit", [pk]),
        ("collection-delete", [pk]),
        ("collection-item-edit", [pk, item.pk]),
        ("collection-item-remove", [pk, item.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
        assert client.post(reverse(name, args=args), {"note": "x"}).status_code == 404, name
    for name, args, data in [
        ("collection-regenerate-link", [pk], {}),
        ("collection-remove-unavailable", [pk], {}),
        ("collection-item-move", [pk, item.pk], {"direction": "down"}),
    ]:
        assert client.post(reverse(name, args=args), data).status_code == 404, name
    collection.refresh_from_db()
    assert titles_in(collection) == ["Case 1", "Case 2", "Case 3"]
    # A public collection shows others no controls to change it.
    html = client.get(collection.get_absolute_url()).content.decode()
    assert "Edit and share" not in html
    assert "Move up" not in html and "Remove…" not in html


# Which cases each reader is shown ---------------------------------------------------------------


def test_a_retracted_case_drops_out_and_its_owner_sees_how_many_are_hidden(
    client, trainee, outsider, cases
):
    collection = collection_of(trainee, *cases, visibility=V.PUBLIC)
    Case.objects.filter(pk=cases[1].pk).update(status=Case.Status.RETRACTED)

    client.force_login(trainee)
    response = client.get(collection.get_absolute_url())
    html = response.content.decode()
    assert [item.case.title for item in response.context["page"]] == ["Case 1", "Case 3"]
    assert "Case 2" not in html
    assert "1 case in this collection is hidden from you" in html

    client.force_login(outsider)
    html = client.get(collection.get_absolute_url()).content.decode()
    assert "Case 2" not in html
    assert "hidden from you" not in html  # only the owner is told


def test_an_institution_case_shows_only_to_readers_of_that_institution(
    client, trainee, outsider, institution
):
    make_user("colleague", "trainee", institution=institution)
    open_case = published("Open case")
    internal = published("Internal case", visibility="institution", institution=institution)
    collection = collection_of(trainee, open_case, internal, visibility=V.LINK)
    shared = reverse("collection-shared", args=[collection.share_token])

    client.force_login(outsider)
    html = client.get(shared).content.decode()
    assert "Open case" in html and "Internal case" not in html

    client.logout()
    html = client.get(shared).content.decode()
    assert "Open case" in html and "Internal case" not in html

    client.login(username="colleague", password="correct-horse-battery")
    html = client.get(shared).content.decode()
    assert "Open case" in html and "Internal case" in html


def test_unlisted_cases_are_shown_to_the_owner_only(client, trainee, outsider):
    listed = published("Listed case")
    unlisted = published("Unlisted case", visibility="unlisted")
    collection = collection_of(trainee, listed, unlisted, visibility=V.PUBLIC)

    client.force_login(trainee)
    html = client.get(collection.get_absolute_url()).content.decode()
    assert "Unlisted case" in html
    assert "Unlisted case: only you see it in this collection" in html

    client.force_login(outsider)
    html = client.get(collection.get_absolute_url()).content.decode()
    assert "Listed case" in html and "Unlisted case" not in html
    listed_row = client.get("/api/v1/collections/").json()["results"][0]
    assert listed_row["case_count"] == 1


def test_nobody_can_add_a_case_they_may_not_read(trainee, author):
    draft = make_case(author=author, published=False, title="Someone's draft")
    collection = collection_of(trainee)
    with pytest.raises(ValidationError):
        services.add_to_collection(collection=collection, case=draft, by=trainee)
    assert not collection.items.exists()


# Order and notes --------------------------------------------------------------------------------


def test_cases_are_added_at_the_end_and_numbered_from_zero(trainee, cases):
    collection = collection_of(trainee, *cases)
    assert titles_in(collection) == ["Case 1", "Case 2", "Case 3"]
    assert positions_of(collection) == [0, 1, 2]


def test_adding_at_a_position_moves_the_others_down(trainee, cases):
    collection = collection_of(trainee, cases[0], cases[1])
    services.add_to_collection(collection=collection, case=cases[2], by=trainee, position=0)
    assert titles_in(collection) == ["Case 3", "Case 1", "Case 2"]
    assert positions_of(collection) == [0, 1, 2]


@pytest.mark.parametrize(
    ("moved", "position", "expected"),
    [
        (0, 2, ["Case 2", "Case 3", "Case 1"]),
        (2, 0, ["Case 3", "Case 1", "Case 2"]),
        (1, 1, ["Case 1", "Case 2", "Case 3"]),
        (0, 99, ["Case 2", "Case 3", "Case 1"]),
    ],
)
def test_moving_an_item_renumbers_the_others(trainee, cases, moved, position, expected):
    collection = collection_of(trainee, *cases)
    item = collection.items.order_by("position")[moved]
    services.move_item(item=item, by=trainee, position=position)
    assert titles_in(collection) == expected
    assert positions_of(collection) == [0, 1, 2]


def test_removing_an_item_closes_the_gap(trainee, cases):
    collection = collection_of(trainee, *cases)
    services.remove_item(item=collection.items.get(case=cases[0]), by=trainee)
    assert titles_in(collection) == ["Case 2", "Case 3"]
    assert positions_of(collection) == [0, 1]


def test_a_case_is_in_a_collection_once(trainee, cases):
    collection = collection_of(trainee, cases[0])
    with pytest.raises(ValidationError, match="already in the collection"):
        services.add_to_collection(collection=collection, case=cases[0], by=trainee)


def test_only_the_owner_changes_a_collection(trainee, outsider, cases):
    collection = collection_of(trainee, *cases, visibility=V.PUBLIC)
    item = collection.items.first()
    for attempt in [
        lambda: services.update_collection(collection=collection, by=outsider, title="Mine"),
        lambda: services.add_to_collection(collection=collection, case=cases[0], by=outsider),
        lambda: services.move_item(item=item, by=outsider, position=2),
        lambda: services.edit_item_note(item=item, by=outsider, note="Mine"),
        lambda: services.remove_item(item=item, by=outsider),
        lambda: services.regenerate_share_link(collection=collection, by=outsider),
        lambda: services.delete_collection(collection=collection, by=outsider),
    ]:
        with pytest.raises(PermissionDenied):
            attempt()
    assert titles_in(collection) == ["Case 1", "Case 2", "Case 3"]


def test_the_page_moves_an_item_up_and_down_without_javascript(client, trainee, cases):
    collection = collection_of(trainee, *cases)
    last = collection.items.get(case=cases[2])
    client.force_login(trainee)
    url = reverse("collection-item-move", args=[collection.pk, last.pk])

    response = client.post(url, {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{last.pk}")
    assert titles_in(collection) == ["Case 1", "Case 3", "Case 2"]
    client.post(url, {"direction": "up"})
    assert titles_in(collection) == ["Case 3", "Case 1", "Case 2"]
    client.post(url, {"direction": "up"})  # already first: nothing moves
    assert titles_in(collection) == ["Case 3", "Case 1", "Case 2"]
    client.post(url, {"direction": "down"})
    assert titles_in(collection) == ["Case 1", "Case 3", "Case 2"]
    client.post(url, {"direction": "last"})
    assert titles_in(collection) == ["Case 1", "Case 2", "Case 3"]
    client.post(url, {"direction": "sideways"})
    assert titles_in(collection) == ["Case 1", "Case 2", "Case 3"]


def test_up_skips_over_a_case_the_owner_can_no_longer_read(client, trainee, cases):
    collection = collection_of(trainee, *cases)
    Case.objects.filter(pk=cases[1].pk).update(status=Case.Status.RETRACTED)
    last = collection.items.get(case=cases[2])
    client.force_login(trainee)
    client.post(reverse("collection-item-move", args=[collection.pk, last.pk]), {"direction": "up"})
    assert titles_in(collection) == ["Case 3", "Case 1", "Case 2"]


def test_notes_are_markdown_with_html_escaped(client, trainee, outsider, cases):
    collection = collection_of(trainee, cases[0], visibility=V.PUBLIC)
    collection.description = "For **Thursday**. <img src=x onerror=alert(1)>"
    collection.title = "<b>Hips</b>"
    collection.save()
    item = collection.items.get()
    client.force_login(trainee)
    response = client.post(
        reverse("collection-item-edit", args=[collection.pk, item.pk]),
        {"note": "Look at the **nidus**. <script>alert(1)</script> [x](javascript:alert(1))"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.note.startswith("Look at the **nidus**.")

    client.force_login(outsider)
    html = client.get(collection.get_absolute_url()).content.decode()
    assert "<strong>nidus</strong>" in html
    assert "<strong>Thursday</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not run
    assert "<img src=x" not in html
    assert 'href="javascript' not in html
    assert "&lt;b&gt;Hips&lt;/b&gt;" in html


def test_a_note_that_is_too_long_is_refused_with_a_message(client, trainee, cases):
    collection = collection_of(trainee, cases[0])
    item = collection.items.get()
    client.force_login(trainee)
    response = client.post(
        reverse("collection-item-edit", args=[collection.pk, item.pk]), {"note": "x" * 5001}
    )
    assert response.status_code == 200
    assert "at most 5000 characters" in response.content.decode()
    item.refresh_from_db()
    assert item.note == ""


# Creating, editing, sharing, deleting ---------------------------------------------------------


def test_a_trainee_creates_a_collection_from_a_case_page(client, trainee, cases):
    client.force_login(trainee)
    case = cases[0]
    form = client.get(reverse("collection-create") + f"?case={case.pk}")
    assert f"“{case.title}” will be its first case." in form.content.decode()
    response = client.post(
        reverse("collection-create"),
        {"title": "Thursday unknowns", "description": "", "visibility": "link", "case": case.pk},
    )
    collection = Collection.objects.get(owner=trainee)
    assert response["Location"] == collection.get_absolute_url()
    assert collection.title == "Thursday unknowns" and collection.visibility == V.LINK
    assert titles_in(collection) == [case.title]


def test_the_collection_form_shows_errors_and_keeps_what_was_typed(client, trainee):
    client.force_login(trainee)
    response = client.post(
        reverse("collection-create"),
        {"title": "  ", "description": "Kept text", "visibility": "everyone"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Select a valid choice." in html
    assert "Kept text" in html
    assert not Collection.objects.exists()


def test_adding_from_the_case_page_form(client, trainee, cases):
    collection = collection_of(trainee, cases[1])
    client.force_login(trainee)
    case = cases[0]
    response = client.post(
        reverse("collection-add-case"),
        {
            "collection": collection.pk,
            "case": case.pk,
            "note": "First of the session",
            "next": case.get_absolute_url(),
        },
    )
    assert response["Location"] == case.get_absolute_url()
    assert collection.items.get(case=case).note == "First of the session"

    again = client.post(
        reverse("collection-add-case"), {"collection": collection.pk, "case": case.pk}
    )
    assert again.status_code == 200
    assert "This case is already in the collection." in again.content.decode()


def test_someone_elses_collection_cannot_be_chosen_on_the_add_form(
    client, trainee, outsider, cases
):
    theirs = collection_of(outsider, visibility=V.PUBLIC)
    collection_of(trainee)
    client.force_login(trainee)
    response = client.post(
        reverse("collection-add-case"), {"collection": theirs.pk, "case": cases[0].pk}
    )
    assert response.status_code == 200
    assert "Choose one of your collections." in response.content.decode()
    assert not theirs.items.exists()


def test_editing_a_collection(client, trainee, cases):
    collection = collection_of(trainee, *cases)
    client.force_login(trainee)
    response = client.post(
        reverse("collection-edit", args=[collection.pk]),
        {"title": "Renamed", "description": "New words", "visibility": "public"},
    )
    assert response.status_code == 302
    collection.refresh_from_db()
    assert (collection.title, collection.description, collection.visibility) == (
        "Renamed",
        "New words",
        V.PUBLIC,
    )


def test_a_new_shared_link_replaces_the_old_one(client, trainee, cases):
    collection = collection_of(trainee, *cases, visibility=V.LINK)
    old = collection.share_token
    client.force_login(trainee)
    client.post(reverse("collection-regenerate-link", args=[collection.pk]))
    collection.refresh_from_db()
    assert collection.share_token != old
    client.logout()
    assert client.get(reverse("collection-shared", args=[old])).status_code == 404
    new = reverse("collection-shared", args=[collection.share_token])
    assert client.get(new).status_code == 200


def test_deleting_a_collection_asks_first(client, trainee, cases):
    collection = collection_of(trainee, *cases)
    client.force_login(trainee)
    confirm = client.get(reverse("collection-delete", args=[collection.pk]))
    assert "Yes, delete the collection" in confirm.content.decode()
    assert Collection.objects.filter(pk=collection.pk).exists()
    response = client.post(reverse("collection-delete", args=[collection.pk]))
    assert response["Location"] == reverse("collection-list")
    assert not Collection.objects.filter(pk=collection.pk).exists()
    assert Case.objects.count() == 3


def test_removing_an_item_asks_first(client, trainee, cases):
    collection = collection_of(trainee, *cases)
    item = collection.items.get(case=cases[0])
    client.force_login(trainee)
    url = reverse("collection-item-remove", args=[collection.pk, item.pk])
    assert "Yes, remove it" in client.get(url).content.decode()
    detail = client.get(collection.get_absolute_url()).content.decode()
    assert '<details class="confirm item-remove">' in detail
    client.post(url)
    assert titles_in(collection) == ["Case 2", "Case 3"]


def test_the_owner_takes_out_the_cases_they_can_no_longer_read(client, trainee, cases):
    collection = collection_of(trainee, *cases)
    Case.objects.filter(pk=cases[0].pk).update(status=Case.Status.RETRACTED)
    client.force_login(trainee)
    client.post(reverse("collection-remove-unavailable", args=[collection.pk]))
    assert titles_in(collection) == ["Case 2", "Case 3"]
    assert positions_of(collection) == [0, 1]


def test_a_suspended_account_keeps_private_collections_but_cannot_share(trainee, cases):
    trainee.suspended_at = timezone.now()
    trainee.save()
    private = services.create_collection(owner=trainee, title="Mine")
    services.add_to_collection(collection=private, case=cases[0], by=trainee)
    with pytest.raises(PermissionDenied):
        services.create_collection(owner=trainee, title="Shared", visibility=V.PUBLIC)
    with pytest.raises(PermissionDenied):
        services.update_collection(collection=private, by=trainee, visibility=V.LINK)


def test_empty_states(client, trainee):
    client.force_login(trainee)
    html = client.get(reverse("collection-list")).content.decode()
    assert "You have no collections yet" in html
    assert "No public collections yet" in html
    collection = collection_of(trainee)
    html = client.get(collection.get_absolute_url()).content.decode()
    assert "No cases in this collection yet" in html
    assert "Present as unknowns" not in html


def test_anonymous_visitors_see_public_collections_and_are_asked_to_log_in_to_make_one(
    client, trainee, cases
):
    collection_of(trainee, *cases, visibility=V.PUBLIC, title="Public hips")
    html = client.get(reverse("collection-list")).content.decode()
    assert "Public hips" in html
    assert "New collection" not in html
    response = client.get(reverse("collection-create"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_nonsense_page_numbers_and_ids_never_fail(client, trainee, cases):
    collection = collection_of(trainee, *cases, visibility=V.PUBLIC)
    client.force_login(trainee)
    for url in [
        reverse("collection-list") + "?page=abc&public_page=-3",
        collection.get_absolute_url() + "?page=999",
        reverse("collection-create") + "?case=abc",
        reverse("collection-create") + "?case=99999999",
        reverse("collection-add-case") + "?case=",
    ]:
        assert client.get(url).status_code in (200, 404), url
    assert client.post(reverse("bookmark-add"), {"case": "x"}).status_code == 404


# Query counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 30])
def test_collection_list_query_count_does_not_grow(
    client, django_assert_num_queries, trainee, outsider, rows
):
    case = published()
    for number in range(rows):
        collection_of(trainee, case, title=f"Mine {number}")
        collection_of(outsider, case, visibility=V.PUBLIC, title=f"Theirs {number}")
    client.force_login(trainee)
    # session, user, the user's roles (visibility rule of the case counts); count of mine,
    # count of public ones, the unread notification count; page of mine (with their case
    # counts), page of public ones with their owners
    with django_assert_num_queries(8):
        response = client.get(reverse("collection-list"))
    assert response.status_code == 200
    assert len(response.context["mine"].object_list) == min(rows, 20)


@pytest.mark.parametrize("rows", [1, 30])
def test_collection_page_query_count_does_not_grow(
    client, django_assert_num_queries, trainee, rows
):
    cases = [published(f"Case {number}") for number in range(rows)]
    collection = collection_of(trainee, *cases)
    client.force_login(trainee)
    # session, user, the collection with its owner, the user's roles (visibility rule); count
    # of items shown, of all items (the hidden count), the unread notification count; page of
    # items, their cases, systems, studies, ready figures
    with django_assert_num_queries(12):
        response = client.get(collection.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_shared_collection_query_count_does_not_grow(
    client, django_assert_num_queries, trainee, rows
):
    cases = [published(f"Case {number}") for number in range(rows)]
    collection = collection_of(trainee, *cases, visibility=V.LINK)
    # the collection with its owner; count and page of items, their cases, systems, studies,
    # ready figures
    with django_assert_num_queries(7):
        response = client.get(reverse("collection-shared", args=[collection.share_token]))
    assert response.status_code == 200


def test_case_page_controls_take_two_queries_whatever_the_number_of_collections(client, trainee):
    case = published()
    client.force_login(trainee)

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(case.get_absolute_url())
        assert response.status_code == 200
        assert "Add to collection" in response.content.decode()
        return [query["sql"] for query in captured.captured_queries]

    collection_of(trainee, title="The only one")
    queries()  # a first visit may count a view of the case
    few = queries()
    for number in range(30):
        collection_of(trainee, title=f"Collection {number}")
    many = queries()
    assert len(few) == len(many)
    # whether the case is bookmarked; the reader's collections, each knowing if it has the case
    assert len([sql for sql in many if '"bookmarks_' in sql]) == 2


def test_item_positions_stay_unique_after_many_moves(trainee, cases):
    collection = collection_of(trainee, *cases)
    items = list(collection.items.order_by("position"))
    for step in range(10):
        services.move_item(item=items[step % 3], by=trainee, position=(step * 2) % 4)
    assert positions_of(collection) == [0, 1, 2]
    assert CollectionItem.objects.filter(collection=collection).count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need a database that has them"
)
def test_changes_to_the_order_at_the_same_moment_leave_no_gaps_or_twins(trainee):
    cases = [published(f"Case {number}") for number in range(6)]
    collection = collection_of(trainee, *cases[:3])
    items = list(collection.items.order_by("position"))
    barrier = threading.Barrier(4)
    errors: list[str] = []

    def at_once(change) -> None:
        try:
            barrier.wait()
            change()
        except Exception as error:  # reported in the assertion below, not lost in the thread
            errors.append(repr(error))
        finally:
            connection.close()

    changes = [
        lambda: services.add_to_collection(collection=collection, case=cases[3], by=trainee),
        lambda: services.add_to_collection(
            collection=collection, case=cases[4], by=trainee, position=0
        ),
        lambda: services.move_item(item=items[0], by=trainee, position=5),
        lambda: services.remove_item(item=items[1], by=trainee),
    ]
    threads = [threading.Thread(target=at_once, args=(change,)) for change in changes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert positions_of(collection) == [0, 1, 2, 3]
