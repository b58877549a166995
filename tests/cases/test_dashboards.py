"""The author, reviewer and editor dashboards: who may open them, what they show, what it costs."""

import datetime
import re

import pytest
from django.utils import timezone

from cases.models import Case, CaseAuthor, CaseEvent
from reviews import dashboards
from reviews.models import Review
from tests.factories import complete_draft, make_case, make_user

MY_CASES = "/cases/mine/"
REVIEWS = "/reviews/"
EDITOR = "/editor/"

# persona: (my cases, reviewer dashboard, editor dashboard)
ACCESS = {
    "author": (200, 403, 403),
    "coauthor": (200, 403, 403),
    "reviewer": (200, 200, 403),
    "editor": (200, 403, 200),
    "moderator": (200, 403, 403),
    "trainee": (200, 403, 403),
    "outsider": (200, 403, 403),
    "anonymous": (302, 302, 302),
}


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def make_review(case: Case, reviewer, **fields) -> Review:
    defaults = {
        "case_version": case.version,
        "due_date": days_from_today(14),
        "status": Review.Status.ASSIGNED,
    }
    defaults.update(fields)
    assigned_at = defaults.pop("assigned_at", None)
    review = Review.objects.create(case=case, reviewer=reviewer, **defaults)
    if assigned_at is not None:
        Review.objects.filter(pk=review.pk).update(assigned_at=assigned_at)
        review.refresh_from_db()
    return review


def record_transition(case: Case, *, to: str, at: datetime.datetime, actor=None) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=to,
        from_status=Case.Status.DRAFT,
        to_status=to,
        case_version=case.version,
    )
    CaseEvent.objects.filter(pk=event.pk).update(created_at=at)
    return event


def submitted_case(author, *, status: str, title: str, days_waiting: int = 1, **fields) -> Case:
    case = make_case(author=author, published=False, status=status, title=title, **fields)
    record_transition(case, to=status, at=days_ago(days_waiting))
    return case


def section(content: str, section_id: str) -> str:
    """The HTML of one dashboard section, to check which group a row landed in."""
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', content, re.S)
    assert match, f"no section {section_id}"
    return match.group(0)


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# Who may open which dashboard -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "url", "expected"),
    [
        (persona, url, statuses[position])
        for persona, statuses in ACCESS.items()
        for position, url in enumerate([MY_CASES, REVIEWS, EDITOR])
    ],
)
def test_each_persona_may_open_only_their_dashboards(db, client, request, persona, url, expected):
    # `db` is named so this runs among the database tests: the personas, fetched by name, would
    # otherwise come after transactional tests that flush the role groups away.
    user = request.getfixturevalue(persona)
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(f"/accounts/login/?next={url}")


def test_a_refused_dashboard_says_which_role_it_needs(client, trainee):
    client.force_login(trainee)
    response = client.get(EDITOR)
    assert response.status_code == 403
    assert "The editor dashboard is for editors" in response.content.decode()
    assert "The reviewer dashboard is for reviewers" in client.get(REVIEWS).content.decode()


def test_people_with_several_dashboards_can_switch_between_them(client, db):
    chief = make_user("chief", "author", "reviewer", "editor")
    content = page(client, chief, EDITOR)
    switcher = re.search(r'<nav class="dash-switcher".*?</nav>', content, re.S).group(0)
    assert 'href="/cases/mine/"' in switcher and 'href="/reviews/"' in switcher
    assert '<a href="/editor/" aria-current="page">' in switcher


def test_people_with_one_dashboard_see_no_switcher(client, author):
    assert "dash-switcher" not in page(client, author, MY_CASES)


# Author dashboard ----------------------------------------------------------------------------


def test_my_cases_groups_own_and_coauthored_cases_by_state(client, author, coauthor, trainee):
    states = {
        "drafts": [Case.Status.DRAFT],
        "changes-requested": [Case.Status.CHANGES_REQUESTED],
        "in-review": [Case.Status.SUBMITTED, Case.Status.IN_REVIEW],
        "accepted": [Case.Status.ACCEPTED],
        "published": [Case.Status.PUBLISHED],
        "closed": [Case.Status.WITHDRAWN, Case.Status.REJECTED, Case.Status.RETRACTED],
    }
    for statuses in states.values():
        for status in statuses:
            make_case(author=author, published=False, status=status, title=f"Own {status}")
    shared = make_case(author=coauthor, published=False, title="Shared draft")
    CaseAuthor.objects.create(case=shared, user=author, position=1)
    make_case(author=trainee, published=False, title="Someone else's draft")
    make_case(author=coauthor, title="Someone else's published case")

    client.force_login(author)
    response = client.get(MY_CASES)
    groups = {group.key: group for group in response.context["groups"]}
    for key, statuses in states.items():
        assert {case.title for case in groups[key].cases} >= {f"Own {s}" for s in statuses}
        assert groups[key].count == len(statuses) + (1 if key == "drafts" else 0)
    assert "Shared draft" in [case.title for case in groups["drafts"].cases]
    content = response.content.decode()
    assert "Someone else" not in content
    assert "Own submitted" in section(content, "in-review")
    assert "Own retracted" in section(content, "closed")
    assert "10 cases you write or co-author" in content


def test_my_cases_shows_version_blockers_and_links(client, author):
    draft = make_case(author=author, published=False, title="Own draft", licence=None, version=4)
    content = page(client, author, MY_CASES)
    drafts = section(content, "drafts")
    assert "Version 4" in drafts
    assert "A licence is chosen" in drafts
    assert f'href="/cases/{draft.pk}/editorial/"' in drafts
    assert f'href="{draft.get_absolute_url()}"' in drafts


def test_a_complete_draft_is_marked_ready_and_published_cases_show_no_checklist(client, author):
    complete_draft(author, title="Complete draft")
    make_case(author=author, title="Live case", licence=None)
    content = page(client, author, MY_CASES)
    assert "Ready for publication" in section(content, "drafts")
    published = section(content, "published")
    assert "Live case" in published
    assert "block" not in published


def test_changes_requested_shows_how_many_reviews_of_this_round_await_an_answer(
    client, author, reviewer, editor
):
    case = make_case(author=author, published=False, status=Case.Status.CHANGES_REQUESTED)
    record_transition(case, to="submitted", at=days_ago(10))
    second = make_user("second", "reviewer")
    third = make_user("third", "reviewer")
    make_review(case, reviewer, status=Review.Status.COMPLETED, recommendation="minor_changes")
    make_review(case, second, status=Review.Status.COMPLETED, recommendation="major_changes")
    make_review(case, third, status=Review.Status.COMPLETED, answered_at=timezone.now())
    make_review(case, make_user("fourth", "reviewer"), status=Review.Status.DECLINED)
    earlier_round = make_user("earlier", "reviewer")
    make_review(case, earlier_round, status=Review.Status.COMPLETED, assigned_at=days_ago(30))
    assert "2 reviews to answer" in section(page(client, author, MY_CASES), "changes-requested")
    editor_view = section(page(client, editor, EDITOR), "changes-requested")
    assert "2 reviews still to answer" in editor_view


def test_my_cases_never_shows_reviewers_or_confidential_comments(client, author, reviewer):
    case = make_case(author=author, published=False, status=Case.Status.CHANGES_REQUESTED)
    make_review(
        case,
        reviewer,
        status=Review.Status.COMPLETED,
        recommendation="reject",
        comments_to_authors="Please add the MRI.",
        confidential_comments="Between us: probably plagiarised.",
    )
    content = page(client, author, MY_CASES)
    assert "plagiarised" not in content
    assert "Please add the MRI" not in content
    assert "Dr Rita Reviewer" not in content


def test_a_new_revision_of_a_published_case_says_so(client, author):
    live = make_case(author=author, title="Osteoid osteoma")
    make_case(author=author, published=False, title="Osteoid osteoma (revised)", revision_of=live)
    drafts = section(page(client, author, MY_CASES), "drafts")
    assert "New revision of" in drafts
    assert f'href="{live.get_absolute_url()}">Osteoid osteoma</a>' in drafts


def test_my_cases_has_an_empty_state_for_everyone(client, author, trainee):
    content = page(client, author, MY_CASES)
    assert "You have no cases yet — start one" in content
    content = page(client, trainee, MY_CASES)
    assert "You have no cases yet" in content
    assert "start one" not in content


def test_each_empty_group_says_so(client, author):
    make_case(author=author, published=False)
    content = page(client, author, MY_CASES)
    assert "Nothing to revise" in section(content, "changes-requested")
    assert "Nothing published yet" in section(content, "published")


def test_long_groups_are_cut_with_a_note(client, author, monkeypatch):
    monkeypatch.setattr(dashboards, "ROWS_PER_GROUP", 2)
    for number in range(3):
        make_case(author=author, published=False, title=f"Draft {number}")
    make_case(author=author, title="Published one")
    response = (client.force_login(author), client.get(MY_CASES))[1]
    groups = {group.key: group for group in response.context["groups"]}
    assert [case.title for case in groups["drafts"].cases] == ["Draft 2", "Draft 1"]
    assert groups["drafts"].count == 3
    assert "Showing the 2 most recently changed of 3 cases" in response.content.decode()


def test_my_cases_takes_the_same_queries_however_many_cases(
    client, author, reviewer, django_assert_num_queries
):
    client.force_login(author)

    def add_cases():
        complete_draft(author)
        make_case(author=author, published=False, status=Case.Status.SUBMITTED)
        changes = make_case(author=author, published=False, status=Case.Status.CHANGES_REQUESTED)
        make_review(changes, reviewer, status=Review.Status.COMPLETED)
        make_case(author=author, revision_of=make_case(author=author))

    add_cases()
    # Session, user, roles, counts per state, the ranked cases (with the pending revisions'
    # originals and the reviews to answer), then studies, figures, teaching points, commentaries,
    # and the unread notifications in the header.
    with django_assert_num_queries(10):
        assert client.get(MY_CASES).status_code == 200
    for _ in range(9):
        add_cases()
    with django_assert_num_queries(10):
        assert client.get(MY_CASES).status_code == 200


# Reviewer dashboard --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "phrase"),
    [
        (10, "Due in 10 days"),
        (1, "Due tomorrow"),
        (0, "Due today"),
        (-1, "Overdue by 1 day"),
        (-3, "Overdue by 3 days"),
    ],
)
def test_due_dates_are_said_in_words(days_left, phrase):
    assert dashboards.due_phrase(days_left) == phrase


def test_reviews_to_do_come_soonest_due_first_with_overdue_ones_marked(
    client, author, reviewer, editor
):
    later = make_review(make_case(author=author, title="Due later"), reviewer, assigned_by=editor)
    late = make_review(
        make_case(author=author, title="Late one", version=3),
        reviewer,
        due_date=days_from_today(-3),
        assigned_by=editor,
    )
    client.force_login(reviewer)
    response = client.get(REVIEWS)
    assert response.context["to_do"] == [late, later]
    to_do = section(response.content.decode(), "to-do")
    assert to_do.index("Late one") < to_do.index("Due later")
    assert "Overdue by 3 days" in to_do
    assert "Due in 14 days" in to_do
    assert "Version 3" in to_do
    assert "Assigned by Dr Ed Editor" in to_do
    assert f'href="/reviews/{late.pk}/"' in to_do
    assert response.context["counts"] == {"to_do": 2, "overdue": 1, "completed": 0, "declined": 0}


def test_completed_and_declined_reviews_are_kept_apart(client, author, reviewer):
    make_review(
        make_case(author=author, title="Reviewed case"),
        reviewer,
        status=Review.Status.COMPLETED,
        recommendation=Review.Recommendation.MINOR_CHANGES,
        completed_at=timezone.now(),
    )
    make_review(
        make_case(author=author, title="Declined case"),
        reviewer,
        status=Review.Status.DECLINED,
        declined_at=timezone.now(),
        decline_reason="Outside my subspecialty.",
    )
    make_review(make_case(author=author, title="Cancelled case"), reviewer, status="cancelled")
    content = page(client, reviewer, REVIEWS)
    completed = section(content, "completed")
    assert "Reviewed case" in completed and "Minor changes" in completed
    declined = section(content, "declined")
    assert "Declined case" in declined and "Outside my subspecialty." in declined
    assert "Cancelled case" not in content
    assert "Nothing to review right now" in section(content, "to-do")


def test_reviewers_see_only_their_own_reviews(client, author, reviewer):
    someone = make_user("someone", "reviewer")
    make_review(make_case(author=author, title="Not yours"), someone)
    content = page(client, reviewer, REVIEWS)
    assert "Not yours" not in content
    assert "No completed review yet" in content
    assert "You have not declined any invitation" in content


def test_the_reviewer_dashboard_takes_the_same_queries_however_many_reviews(
    client, author, reviewer, editor, django_assert_num_queries
):
    client.force_login(reviewer)

    def add_reviews(number: int):
        case = make_case(author=author, published=False, status=Case.Status.IN_REVIEW)
        make_review(case, reviewer, assigned_by=editor, due_date=days_from_today(number - 5))
        done = make_case(author=author, published=False, status=Case.Status.ACCEPTED)
        make_review(done, reviewer, assigned_by=editor, status=Review.Status.COMPLETED)
        declined = make_case(author=author, published=False, status=Case.Status.IN_REVIEW)
        make_review(declined, reviewer, status=Review.Status.DECLINED)

    add_reviews(0)
    # Session, user, roles, the counts, the to do, completed and declined lists (each with its
    # case and who assigned it), and the unread notifications in the header.
    with django_assert_num_queries(8):
        assert client.get(REVIEWS).status_code == 200
    for number in range(1, 10):
        add_reviews(number)
    with django_assert_num_queries(8):
        assert client.get(REVIEWS).status_code == 200


# Editor dashboard ----------------------------------------------------------------------------


def test_new_submissions_come_oldest_first_with_their_wait(client, author, editor):
    submitted_case(author, status="submitted", title="Fresh submission", days_waiting=0)
    submitted_case(author, status="submitted", title="Old submission", days_waiting=9)
    make_case(author=author, published=False, title="Private draft")
    make_case(author=author, published=False, status="withdrawn", title="Withdrawn case")
    client.force_login(editor)
    response = client.get(EDITOR)
    assert [case.title for case in response.context["submitted"]] == [
        "Old submission",
        "Fresh submission",
    ]
    content = response.content.decode()
    submissions = section(content, "submitted")
    assert "Submitted 9 days ago" in submissions
    assert "Submitted today" in submissions
    assert "Waiting over a week" in submissions
    assert "Private draft" not in content and "Withdrawn case" not in content


def test_cases_in_review_show_the_current_rounds_tally(client, author, reviewer, editor):
    case = submitted_case(author, status="in_review", title="Under review", days_waiting=20)
    record_transition(case, to="submitted", at=days_ago(10))
    first_round = make_user("first", "reviewer", display_name="Dr Early Round")
    make_review(
        case,
        first_round,
        case_version=1,
        status=Review.Status.COMPLETED,
        assigned_at=days_ago(15),
    )
    make_review(case, reviewer, status=Review.Status.COMPLETED, assigned_at=days_ago(9))
    make_review(
        case,
        make_user("slow", "reviewer", display_name="Dr Slow"),
        due_date=days_from_today(-2),
        assigned_at=days_ago(9),
    )
    make_review(
        case, make_user("busy", "reviewer"), status=Review.Status.DECLINED, assigned_at=days_ago(9)
    )
    make_case(author=author, published=False, status="in_review", title="Nobody assigned")

    client.force_login(editor)
    response = client.get(EDITOR)
    in_review = section(response.content.decode(), "in-review")
    assert "1 of 2 reviews done" in in_review
    assert "1 overdue" in in_review
    assert "1 declined" in in_review
    assert "Dr Rita Reviewer" in in_review and "Dr Slow" in in_review
    assert "Dr Early Round" not in in_review
    assert "No reviewer assigned" in in_review
    assert response.context["counts"]["overdue_reviews"] == 1
    assert f'href="/cases/{case.pk}/editorial/"' in in_review


def test_a_case_in_review_without_a_recorded_submission_counts_all_its_reviews(
    client, author, reviewer, editor
):
    case = make_case(author=author, published=False, status="in_review", title="Imported")
    make_review(case, reviewer, status=Review.Status.COMPLETED, assigned_at=days_ago(400))
    make_review(case, make_user("other", "reviewer"))
    assert "1 of 2 reviews done" in section(page(client, editor, EDITOR), "in-review")


def test_accepted_cases_show_which_can_be_published_now(client, author, editor):
    ready = complete_draft(author, title="Ready case")
    Case.objects.filter(pk=ready.pk).update(status=Case.Status.ACCEPTED)
    submitted_case(author, status="accepted", title="Needs a licence", licence=None)
    submitted_case(author, status="changes_requested", title="With the authors", days_waiting=4)
    make_case(author=author, title="Just published")
    make_case(author=author, title="Published long ago", published_at=days_ago(90))

    client.force_login(editor)
    response = client.get(EDITOR)
    content = response.content.decode()
    accepted = section(content, "accepted")
    assert "1 of these can be published now" in accepted
    assert "Ready to publish" in accepted
    assert "A licence is chosen" in accepted
    assert "Changes requested 4 days ago" in section(content, "changes-requested")
    published = section(content, "published")
    assert "Just published" in published and "Published long ago" not in published
    assert response.context["counts"] == {
        "submitted": 0,
        "in_review": 0,
        "changes_requested": 1,
        "accepted": 2,
        "recently_published": 1,
        "overdue_reviews": 0,
    }


def test_the_editor_dashboard_has_empty_states(client, editor):
    content = page(client, editor, EDITOR)
    assert "No new submission" in content
    assert "No case is in review" in content
    assert "No case is waiting for its authors" in content
    assert "No accepted case is waiting for publication" in content
    assert "Nothing published in the last 30 days" in content


def test_the_editor_dashboard_takes_the_same_queries_however_many_cases(
    client, author, reviewer, editor, django_assert_num_queries
):
    client.force_login(editor)

    def add_cases():
        submitted_case(author, status="submitted", title="New")
        in_review = submitted_case(author, status="in_review", title="Reviewed")
        make_review(in_review, reviewer, due_date=days_from_today(-1))
        submitted_case(author, status="changes_requested", title="Back with the authors")
        accepted = complete_draft(author)
        Case.objects.filter(pk=accepted.pk).update(status=Case.Status.ACCEPTED)
        make_case(author=author, title="Published")

    add_cases()
    # Session, user, roles, counts, overdue reviews, submissions, cases in review and their
    # reviewers, changes requested, accepted cases and their studies, figures, teaching points
    # and commentaries, recently published, and the unread notifications in the header.
    with django_assert_num_queries(16):
        assert client.get(EDITOR).status_code == 200
    for _ in range(9):
        add_cases()
    with django_assert_num_queries(16):
        assert client.get(EDITOR).status_code == 200
