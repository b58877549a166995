"""The revision history of a case and the page comparing two of its revisions."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from cases.diff import diff_documents
from cases.models import Case, Revision
from cases.services import record_revision
from reviews.models import Review
from tests.factories import (
    add_revisions,
    assign,
    case_under_review_with_two_revisions,
    make_case,
    make_user,
)


@pytest.fixture
def case(author, coauthor) -> Case:
    return case_under_review_with_two_revisions(author, coauthor)


def history_url(case: Case) -> str:
    return reverse("case-history", args=[case.pk])


def diff_url(case: Case, query: str = "") -> str:
    return reverse("case-revision-diff", args=[case.pk]) + query


# --- who may see the history ---------------------------------------------------------------

PERSONAS = ["author", "coauthor", "editor", "assigned_reviewer", "unassigned_reviewer",
            "declined_reviewer", "trainee", "outsider", "moderator"]  # fmt: skip
SEES_HISTORY = {"author", "coauthor", "editor", "assigned_reviewer"}


@pytest.fixture
def persona(request, case, author, coauthor, editor, reviewer, trainee, outsider, moderator):
    if request.param == "assigned_reviewer":
        assign(case, reviewer)
        return reviewer
    if request.param == "unassigned_reviewer":
        return make_user("other-reviewer", "reviewer")
    if request.param == "declined_reviewer":
        someone = make_user("busy-reviewer", "reviewer")
        assign(case, someone, status=Review.Status.DECLINED)
        return someone
    people = {"author": author, "coauthor": coauthor, "editor": editor, "trainee": trainee}
    return {**people, "outsider": outsider, "moderator": moderator}[request.param]


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("page", ["history", "diff"])
def test_history_pages_permission_matrix(client, case, persona, page, request):
    client.force_login(persona)
    url = history_url(case) if page == "history" else diff_url(case, "?from=1&to=2")

    response = client.get(url)

    name = request.node.callspec.params["persona"]
    assert response.status_code == (200 if name in SEES_HISTORY else 404)


@pytest.mark.parametrize("page", ["history", "diff"])
def test_anonymous_visitor_is_sent_to_log_in(client, case, page):
    url = history_url(case) if page == "history" else diff_url(case, "?from=1&to=2")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_reader_of_a_published_case_cannot_see_its_history(client, author, trainee):
    case = make_case(author=author, published=True)
    record_revision(case, kind=Revision.Kind.PUBLISHED, by=author)
    client.force_login(trainee)

    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(history_url(case)).status_code == 404


def test_unknown_case_is_404(client, author):
    client.force_login(author)

    assert client.get(reverse("case-history", args=[999999])).status_code == 404
    assert client.get(reverse("case-revision-diff", args=[999999])).status_code == 404


# --- the history page ----------------------------------------------------------------------


def test_history_lists_revisions_newest_first_with_kind_author_and_summary(client, case, author):
    client.force_login(author)

    response = client.get(history_url(case))

    revisions = response.context["revisions"]
    assert [revision.number for revision in revisions] == [2, 1]
    html = response.content.decode()
    assert "Dr Co Author" in html and "Dr Ada Author" in html
    assert "Clinical history, teaching points" in html
    assert "revision-kind-edited" in html and "revision-kind-created" in html
    assert f"{diff_url(case)}?from=1&amp;to=2" in html  # compare with previous


def test_history_preselects_the_two_latest_revisions(client, case, author):
    client.force_login(author)

    html = client.get(history_url(case)).content.decode()

    assert 'name="from" value="1" id="from-1" checked' in html
    assert 'name="to" value="2" id="to-2" checked' in html
    assert 'for="from-2"' in html and 'for="to-1"' in html  # every radio has a label


def test_history_is_paginated_25_per_page(client, case, author):
    add_revisions(case, 28, by=author)  # 30 in all
    client.force_login(author)

    first = client.get(history_url(case))
    second = client.get(history_url(case) + "?page=2")
    nonsense = client.get(history_url(case) + "?page=zzz")

    assert [r.number for r in first.context["revisions"]][:2] == [30, 29]
    assert len(first.context["revisions"]) == 25
    assert [r.number for r in second.context["revisions"]] == [5, 4, 3, 2, 1]
    assert nonsense.status_code == 200
    assert nonsense.context["page"].number == 1


def test_history_of_a_case_without_revisions_says_so(client, author):
    case = make_case(author=author, published=False)
    client.force_login(author)

    response = client.get(history_url(case))

    assert response.status_code == 200
    assert "No revisions yet" in response.content.decode()


def test_history_query_count_does_not_grow_with_revisions(
    client, case, author, django_assert_num_queries
):
    client.force_login(author)
    # session, user, the case (visible_to), is_author_of, revision count, a page of revisions
    # with their authors, unread notifications (base template)
    with django_assert_num_queries(7):
        response = client.get(history_url(case))
    assert response.status_code == 200
    assert len(response.context["revisions"]) == 2

    add_revisions(case, 28, by=author)
    with django_assert_num_queries(7):
        response = client.get(history_url(case))
    assert response.status_code == 200
    assert len(response.context["revisions"]) == 25


def test_history_list_does_not_load_the_documents(client, case, author):
    client.force_login(author)

    revisions = client.get(history_url(case)).context["revisions"]

    assert all("document" in revision.get_deferred_fields() for revision in revisions)


# --- the diff page ------------------------------------------------------------------------


def test_diff_highlights_changed_words_and_added_items(client, case, author):
    client.force_login(author)

    response = client.get(diff_url(case, "?from=1&to=2"))

    assert response.status_code == 200
    labels = [change.label for change in response.context["changes"]]
    assert labels == ["Clinical history", "Teaching points"]
    html = response.content.decode()
    assert "Changes from revision 1 to revision 2" in html
    assert "Acute right hip pain for three days." in html and "<ins>" in html
    assert "Look for cortical erosion." in html
    assert "item-action-added" in html
    assert history_url(case) in html and case.get_absolute_url() in html


def test_diff_shows_moved_changed_and_removed_items_and_nested_fields(client, case, author):
    old = Revision.objects.get(case=case, number=2).document
    new = {
        **old,
        "teaching_points": [
            "Look carefully for cortical erosion.",
            "Calcification can mimic infection.",
        ],
        "patient": {"age": 52, "age_unit": "years", "age_display": "52 years", "sex": "female"},
        "rights": {**old["rights"], "consent": "obtained"},
        "sections": [],
    }
    old["sections"] = [{"kind": "outcome", "heading": "Outcome", "body": "Settled."}]
    Revision.objects.filter(case=case, number=2).update(document=old)
    Revision.objects.create(case=case, number=3, kind="edited", case_version=1, document=new)
    client.force_login(author)

    html = client.get(diff_url(case, "?from=2&to=3")).content.decode()

    for marker in ("item-action-changed", "item-action-removed", "Patient", "Sex", "Female"):
        assert marker in html
    assert "Patient consent" in html and "Obtained" in html
    assert "carefully" in html


def test_diff_of_identical_revisions_says_no_differences(client, case, author):
    client.force_login(author)

    response = client.get(diff_url(case, "?from=2&to=2"))

    assert response.status_code == 200
    assert response.context["changes"] == []
    assert "No differences" in response.content.decode()


def test_diff_links_to_the_neighbouring_changes(client, case, author):
    add_revisions(case, 2, by=author)  # revisions 1 to 4
    client.force_login(author)

    response = client.get(diff_url(case, "?from=2&to=3"))

    assert (response.context["older_step"], response.context["newer_step"]) == (1, 4)
    html = response.content.decode()
    assert "?from=1&amp;to=2" in html and "?from=3&amp;to=4" in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "Choose a revision number."),
        ("?from=1", "Choose a revision number."),
        ("?from=abc&to=2", "Enter a revision number, such as 3."),
        ("?from=1&to=99", "This case has no revision 99."),
        ("?from=0&to=2", "Revision numbers start at 1."),
        ("?from=-4&to=2", "Revision numbers start at 1."),
        ("?from=1.5&to=2", "Enter a revision number, such as 3."),
        ("?from=99999999999999999999999&to=2", "This case has no revision"),
        ("?from=%00&to=2", "Enter a revision number"),
    ],
)
def test_bad_revision_numbers_get_a_clear_error_not_a_crash(client, case, author, query, message):
    client.force_login(author)

    response = client.get(diff_url(case, query))

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "These revisions cannot be compared." in html
    assert history_url(case) in html


def test_bad_revision_number_is_kept_in_the_form(client, case, author):
    client.force_login(author)

    html = client.get(diff_url(case, "?from=seven&to=2")).content.decode()

    # A text input: a number input would drop what was typed when it is not a number.
    assert '<input type="text" name="from" id="id_from"' in html
    assert 'value="seven"' in html
    assert 'aria-invalid="true"' in html


def test_revision_numbers_of_another_case_are_unknown_here(client, case, author):
    other = make_case(author=author, published=False)
    record_revision(other, kind=Revision.Kind.CREATED, by=author)
    add_revisions(other, 3, by=author)
    client.force_login(author)

    response = client.get(diff_url(case, "?from=1&to=4"))

    assert response.status_code == 400
    assert "This case has no revision 4." in response.content.decode()


def test_diff_query_count_is_fixed(client, case, author, django_assert_num_queries):
    client.force_login(author)
    # session, user, the case, is_author_of, revision numbers, the two revisions with their
    # authors, unread notifications (base template)
    with django_assert_num_queries(7):
        response = client.get(diff_url(case, "?from=1&to=2"))
    assert response.status_code == 200


# --- the changes partial, as the case editor includes it --------------------------------------


def test_changes_partial_renders_on_its_own():
    old = {"title": "Osteoid osteoma", "teaching_points": ["Night pain."]}
    new = {"title": "Osteoid osteoma of the femur", "teaching_points": ["Night pain.", "Nidus."]}

    html = render_to_string("cases/_changes.html", {"changes": diff_documents(old, new)})

    assert "<ins><span class=\"visually-hidden\">[added: </span> of the femur" in html
    assert "Teaching points" in html and "item-action-added" in html
    assert "Key:" in html


def test_changes_partial_says_when_nothing_changed():
    html = render_to_string("cases/_changes.html", {"changes": []})

    assert "No differences." in html
