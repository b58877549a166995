"""The editorial workflow (PRODUCT.md section 4): every state × action × role, the audit trail,
the publication blockers, notifications after commit, revisions and concurrent decisions."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from cases import services
from cases.edit_values import CaseChanges, TeachingPointRow
from cases.models import (
    Case,
    CaseEvent,
    Commentary,
    Figure,
    Revision,
)
from cases.services import InvalidTransition, StaleEdit
from notifications.models import Notification
from reviews import services as review_services
from reviews.models import Review
from tests.factories import complete_case, make_user

pytestmark = pytest.mark.django_db

S = Case.Status
STATES = list(S.values)

# The workflow, written out by hand (not read from cases/workflow.py): each action, the states it
# starts from, the state it leads to, and who takes it.
WORKFLOW = {
    "submit": ({"draft", "changes_requested"}, "submitted", "authors"),
    "withdraw": ({"submitted"}, "withdrawn", "authors"),
    "reopen": ({"withdrawn"}, "draft", "authors"),
    "request_changes": ({"submitted", "in_review"}, "changes_requested", "editors"),
    "accept": ({"submitted", "in_review"}, "accepted", "editors"),
    "reject": ({"submitted", "in_review"}, "rejected", "editors"),
    "publish": ({"accepted"}, "published", "editors"),
    "retract": ({"published"}, "retracted", "editors"),
    "return_to_draft": (
        {"submitted", "in_review", "changes_requested", "accepted"},
        "draft",
        "editors",
    ),
}
ROLES = ["author", "coauthor", "reviewer", "editor", "moderator", "trainee", "outsider"]
ACTORS = {"authors": {"author", "coauthor"}, "editors": {"editor"}}


@pytest.fixture
def people(author, coauthor, reviewer, editor, moderator, trainee, outsider):
    return {
        "author": author,
        "coauthor": coauthor,
        "reviewer": reviewer,
        "editor": editor,
        "moderator": moderator,
        "trainee": trainee,
        "outsider": outsider,
    }


def expected_outcome(state: str, action: str, role: str) -> str:
    sources, _, actors = WORKFLOW[action]
    if role not in ACTORS[actors]:
        return "denied"
    return "done" if state in sources else "refused"


@pytest.mark.parametrize("action", list(WORKFLOW))
@pytest.mark.parametrize("state", STATES)
def test_every_action_from_every_state_by_every_role(people, state, action):
    for role in ROLES:
        case = complete_case(people["author"], people["coauthor"], status=state)
        expected = expected_outcome(state, action, role)
        try:
            # Nobody reviewed these cases: the confirmation that asks for is tested below.
            services.take_action(
                case, action=action, by=people[role], note="A reason.", without_review=True
            )
        except PermissionDenied:
            outcome = "denied"
        except InvalidTransition:
            outcome = "refused"
        else:
            outcome = "done"
        assert outcome == expected, f"{role} {action} from {state}"

        case.refresh_from_db()
        events = list(CaseEvent.objects.filter(case=case))
        if expected == "done":
            assert case.status == WORKFLOW[action][1]
            assert [(e.actor, e.action, e.from_status, e.to_status) for e in events] == [
                (people[role], action, state, WORKFLOW[action][1])
            ]
            assert events[0].note == "A reason."
        else:
            assert case.status == state, "a refused action changes nothing"
            assert events == []


def test_the_written_workflow_matches_the_product_description():
    from cases.workflow import TRANSITIONS

    for action, (sources, target, actors) in WORKFLOW.items():
        transition = TRANSITIONS[action]
        assert set(transition.sources) == sources
        assert transition.target == target
        assert transition.actor == actors.rstrip("s")


def test_an_illegal_transition_says_why_in_plain_words(author, coauthor, editor):
    case = complete_case(author, coauthor, status=S.DRAFT)
    with pytest.raises(InvalidTransition) as error:
        services.publish_case(case, by=editor)
    assert error.value.messages == [
        "A case that is draft cannot be published; this is only possible when it is accepted."
    ]


@pytest.mark.parametrize("action", ["request_changes", "reject", "retract", "return_to_draft"])
def test_decisions_that_need_a_message_refuse_an_empty_one(author, coauthor, editor, action):
    state = "published" if action == "retract" else "in_review"
    case = complete_case(author, coauthor, status=state)
    with pytest.raises(ValidationError) as error:
        services.take_action(case, action=action, by=editor, note="  ")
    assert "required" in error.value.messages[0]
    case.refresh_from_db()
    assert case.status == state


def test_an_editor_never_decides_on_a_case_they_coauthor(author, editor):
    case = complete_case(author, editor, status=S.IN_REVIEW)
    with pytest.raises(PermissionDenied, match="do not decide on cases they"):
        services.accept_case(case, by=editor)


def test_a_superuser_is_not_an_author_and_cannot_submit_others_cases(author, coauthor):
    admin = make_user("root", is_superuser=True, is_staff=True)
    case = complete_case(author, coauthor)
    with pytest.raises(PermissionDenied):
        services.submit_case(case, by=admin)


# --- Publication blockers, one by one ---------------------------------------------------------

BLOCKERS = {
    "A licence is chosen": lambda case: Case.objects.filter(pk=case.pk).update(licence=None),
    "Patient consent is recorded": lambda case: Case.objects.filter(pk=case.pk).update(
        consent="unknown"
    ),
    "A final diagnosis is given": lambda case: Case.objects.filter(pk=case.pk).update(
        final_diagnosis=""
    ),
    "The diagnostic certainty is given": lambda case: Case.objects.filter(pk=case.pk).update(
        diagnostic_certainty=""
    ),
    "At least one teaching point": lambda case: case.teaching_points.all().delete(),
    "At least one processed figure": lambda case: Figure.objects.filter(
        study__case=case
    ).update(status="pending"),
    "Every figure has alt text": lambda case: Figure.objects.filter(study__case=case).update(
        alt_text=""
    ),
    "No image is in quarantine": lambda case: Figure.objects.create(
        study=case.studies.first(), alt_text="Ultrasound", status="quarantined"
    ),
    "Every machine-generated commentary is verified or removed": lambda case: (
        Commentary.objects.create(case=case, provenance="machine_generated", body="Analysis")
    ),
}


@pytest.mark.parametrize("blocker", list(BLOCKERS))
def test_publication_is_refused_while_one_blocker_remains(author, coauthor, editor, blocker):
    case = complete_case(author, coauthor, status=S.ACCEPTED)
    BLOCKERS[blocker](case)
    with pytest.raises(ValidationError) as error:
        services.publish_case(case, by=editor)
    assert blocker in error.value.messages
    assert len(error.value.messages) == 2  # the heading and this one blocker
    case.refresh_from_db()
    assert case.status == S.ACCEPTED
    assert not CaseEvent.objects.filter(case=case).exists()


def test_a_verified_machine_commentary_no_longer_blocks_publication(author, coauthor, editor):
    case = complete_case(author, coauthor, status=S.ACCEPTED)
    commentary = Commentary.objects.create(
        case=case, provenance="machine_generated", body="Analysis"
    )
    services.verify_commentary(commentary, by=editor)
    commentary.refresh_from_db()
    assert commentary.verified_by == editor
    assert commentary.verified_at is not None
    assert services.publish_case(case, by=editor).status == S.PUBLISHED


def test_authors_cannot_verify_machine_commentaries_of_their_own_case(author, coauthor):
    case = complete_case(author, coauthor, status=S.IN_REVIEW)
    commentary = Commentary.objects.create(case=case, provenance="machine_generated")
    with pytest.raises(PermissionDenied):
        services.verify_commentary(commentary, by=author)


def test_an_assigned_reviewer_may_verify_a_machine_commentary(author, coauthor, editor, reviewer):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    review_services.assign_reviewer(
        case, by=editor, reviewer=reviewer, due_date=timezone.localdate()
    )
    commentary = Commentary.objects.create(case=case, provenance="machine_generated")
    services.verify_commentary(commentary, by=reviewer)
    commentary.refresh_from_db()
    assert commentary.verified_by == reviewer


# --- Notifications are queued after commit ---------------------------------------------------


def test_submitting_tells_the_editors_only_once_the_transaction_commits(
    author, coauthor, editor, django_capture_on_commit_callbacks
):
    case = complete_case(author, coauthor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit_case(case, by=author)
        assert mail.outbox == []
    assert len(callbacks) == 1
    notification = Notification.objects.get()
    assert notification.recipient == editor
    assert notification.kind == "submitted"
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [[editor.email]]


def test_a_refused_transition_notifies_nobody(
    author, coauthor, editor, django_capture_on_commit_callbacks
):
    case = complete_case(author, coauthor, status=S.PUBLISHED)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(InvalidTransition),
    ):
        services.submit_case(case, by=author)
    assert callbacks == []
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("action", "state", "kind"),
    [
        ("request_changes", "in_review", "decision"),
        ("accept", "in_review", "decision"),
        ("reject", "submitted", "decision"),
        ("return_to_draft", "accepted", "decision"),
        ("publish", "accepted", "published"),
        ("retract", "published", "retracted"),
    ],
)
def test_authors_hear_of_every_decision(
    author, coauthor, editor, action, state, kind, django_capture_on_commit_callbacks
):
    case = complete_case(author, coauthor, status=state)
    with django_capture_on_commit_callbacks(execute=True):
        services.take_action(
            case, action=action, by=editor, note="Dear authors, see below.", without_review=True
        )
    notified = Notification.objects.filter(kind=kind).values_list("recipient", flat=True)
    assert set(notified) == {author.pk, coauthor.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([author.email, coauthor.email])
    if action != "publish":
        assert "Dear authors, see below." in mail.outbox[0].body


# --- Reviews ------------------------------------------------------------------------------------


def test_assigning_a_reviewer_puts_the_case_in_review_and_lets_the_reviewer_read_it(
    author, coauthor, editor, reviewer, django_capture_on_commit_callbacks
):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    assert not Case.objects.visible_to(reviewer).filter(pk=case.pk).exists()
    due = timezone.localdate() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        review = review_services.assign_reviewer(case, by=editor, reviewer=reviewer, due_date=due)
    case.refresh_from_db()
    assert case.status == S.IN_REVIEW
    assert review.case_version == case.version
    assert Case.objects.visible_to(reviewer).filter(pk=case.pk).exists()
    assert Notification.objects.get(kind="review_assigned").recipient == reviewer
    assert CaseEvent.objects.get(case=case).action == "start_review"


def test_a_reviewer_is_never_an_author_of_the_case(author, editor):
    both = make_user("both", "reviewer", "author")
    case = complete_case(author, both, status=S.SUBMITTED)
    with pytest.raises(ValidationError, match="never review a case they"):
        review_services.assign_reviewer(
            case, by=editor, reviewer=both, due_date=timezone.localdate()
        )
    assert not Review.objects.exists()


def test_only_editors_assign_reviewers(author, coauthor, reviewer):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        review_services.assign_reviewer(
            case, by=author, reviewer=reviewer, due_date=timezone.localdate()
        )


def test_a_reviewer_who_declines_no_longer_sees_the_case(author, coauthor, editor, reviewer):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    review = review_services.assign_reviewer(
        case, by=editor, reviewer=reviewer, due_date=timezone.localdate()
    )
    review_services.decline_review(review, by=reviewer, reason="On leave")
    assert not Case.objects.visible_to(reviewer).filter(pk=case.pk).exists()
    assert Notification.objects.get(kind="review_declined").recipient == editor


def test_the_full_round_of_review_answer_and_resubmission(author, coauthor, editor, reviewer):
    case = complete_case(author, coauthor)
    services.submit_case(case, by=author)
    review = review_services.assign_reviewer(
        case, by=editor, reviewer=reviewer, due_date=timezone.localdate()
    )
    review_services.submit_review(
        review,
        by=reviewer,
        recommendation="minor_changes",
        comments_to_authors="Please add the follow-up radiograph.",
        confidential_comments="Solid case; publishable after this.",
    )
    assert Notification.objects.filter(kind="review_completed", recipient=editor).exists()
    services.request_changes(case, by=editor, message="Please address the review.")
    review_services.answer_review(review, by=author, response="Added as Fig 3.")
    services.submit_case(case, by=author, note="Revised as asked.")
    case.refresh_from_db()
    assert case.status == S.SUBMITTED
    assert [e.to_status for e in case.events.all()] == [
        "submitted",
        "in_review",
        "changes_requested",
        "submitted",
    ]
    review.refresh_from_db()
    assert review.author_response == "Added as Fig 3."


def test_a_reviewer_cannot_write_someone_elses_review(author, coauthor, editor, reviewer):
    other = make_user("other-reviewer", "reviewer")
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    review = review_services.assign_reviewer(
        case, by=editor, reviewer=reviewer, due_date=timezone.localdate()
    )
    with pytest.raises(PermissionDenied):
        review_services.submit_review(
            review, by=other, recommendation="accept", comments_to_authors="Fine."
        )


def test_reviewers_are_reminded_once_when_a_review_is_almost_due(
    author, coauthor, editor, reviewer
):
    today = timezone.localdate()
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    soon = review_services.assign_reviewer(
        case, by=editor, reviewer=reviewer, due_date=today + datetime.timedelta(days=2)
    )
    later_reviewer = make_user("later", "reviewer")
    review_services.assign_reviewer(
        case, by=editor, reviewer=later_reviewer, due_date=today + datetime.timedelta(days=9)
    )
    Notification.objects.all().delete()

    assert review_services.remind_reviewers(today=today) == 1
    assert review_services.remind_reviewers(today=today) == 0
    reminder = Notification.objects.get(kind="review_reminder")
    assert reminder.recipient == reviewer
    assert "due in 2 days" in reminder.body
    soon.refresh_from_db()
    assert soon.reminded_at is not None


def test_the_reminder_command_runs_the_same_reminders(author, coauthor, editor, reviewer):
    from django.core.management import call_command

    case = complete_case(author, coauthor, status=S.SUBMITTED)
    review_services.assign_reviewer(
        case, by=editor, reviewer=reviewer, due_date=timezone.localdate()
    )
    call_command("send_review_reminders")
    assert Notification.objects.filter(kind="review_reminder").count() == 1


# --- Revisions -----------------------------------------------------------------------------------


def test_submit_and_publish_each_leave_a_snapshot_of_the_document(author, coauthor, editor):
    case = complete_case(author, coauthor)
    services.submit_case(case, by=author)
    services.accept_case(case, by=editor, without_review=True)
    services.publish_case(case, by=editor)
    revisions = list(Revision.objects.filter(case=case))
    assert [r.kind for r in revisions] == ["submitted", "published"]
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].document["title"] == case.title
    assert revisions[0].document["teaching_points"] == [
        "Calcium near the linea aspera is tendinous."
    ]
    assert revisions[1].document["status"] == "published"


def test_every_edit_raises_the_version_and_leaves_a_snapshot(author, coauthor):
    case = complete_case(author, coauthor)

    case = services.change_case_fields(
        case,
        by=coauthor,
        base_version=1,
        fields={"title": "Calcific tendinitis at the gluteal insertion"},
        summary="Title",
    )
    assert case.version == 2
    revision = Revision.objects.get(case=case)
    assert (revision.kind, revision.case_version, revision.summary) == ("edited", 2, "Title")
    assert revision.document["title"] == "Calcific tendinitis at the gluteal insertion"


def test_a_stale_save_is_refused_and_overwrites_nothing(author, coauthor):
    case = complete_case(author, coauthor)
    author_copy = Case.objects.get(pk=case.pk)
    coauthor_copy = Case.objects.get(pk=case.pk)

    def set_history(text):
        return {"clinical_history": text}

    services.change_case_fields(
        author_copy, by=author, base_version=1, fields=set_history("Pain for six weeks.")
    )
    with pytest.raises(StaleEdit) as error:
        services.change_case_fields(
            coauthor_copy, by=coauthor, base_version=1, fields=set_history("Pain for a year.")
        )
    assert error.value.base_version == 1
    assert error.value.case.version == 2
    case.refresh_from_db()
    assert case.clinical_history == "Pain for six weeks."
    assert case.version == 2


def test_a_submitted_case_cannot_be_edited(author, coauthor):
    case = complete_case(author, coauthor, status=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.change_case_fields(case, by=author, base_version=1, fields={})


def test_a_new_revision_of_a_published_case_replaces_it_only_when_published(
    author, coauthor, editor, anonymous
):
    published = complete_case(author, coauthor, status=S.PUBLISHED, featured=True)
    draft = services.start_revision(published, by=coauthor)
    assert draft.pk != published.pk
    assert draft.revision_of == published
    assert draft.status == S.DRAFT
    assert services.start_revision(published, by=author) == draft, "one open revision at a time"
    assert list(draft.teaching_points.values_list("text", flat=True)) == [
        "Calcium near the linea aspera is tendinous."
    ]

    point = draft.teaching_points.get()
    services.change_case(
        draft,
        by=author,
        base_version=1,
        changes=CaseChanges(
            fields={"title": "Calcific tendinitis of the gluteus maximus insertion"},
            teaching_points=[TeachingPointRow(id=point.pk, text="Look for the linea aspera.")],
        ),
    )
    # Readers still see the published content while the revision is worked on.
    live = Case.objects.visible_to(anonymous).get(pk=published.pk)
    assert live.title == "Calcific tendinitis of the gluteus maximus"
    assert not Case.objects.visible_to(anonymous).filter(pk=draft.pk).exists()

    services.submit_case(draft, by=author)
    services.accept_case(draft, by=editor, without_review=True)
    result = services.publish_case(draft, by=editor)

    assert result.pk == published.pk
    assert not Case.objects.filter(pk=draft.pk).exists()
    published.refresh_from_db()
    assert published.status == S.PUBLISHED
    assert published.featured
    assert published.title == "Calcific tendinitis of the gluteus maximus insertion"
    assert published.version == 2
    assert list(published.teaching_points.values_list("text", flat=True)) == [
        "Look for the linea aspera."
    ]
    assert published.studies.count() == 1
    assert Figure.objects.filter(study__case=published).count() == 1
    assert [r.kind for r in published.revisions.order_by("number")] == [
        "created",
        "edited",
        "submitted",
        "published",
    ]
    assert {e.action for e in published.events.all()} >= {"start_revision", "submit", "publish"}
    # The editors were told of the revision's submission; the link now leads to the case.
    submitted = Notification.objects.get(kind="submitted")
    assert submitted.case == published
    assert submitted.url == f"/cases/{published.pk}/editorial/"


def test_only_authors_open_a_new_revision_of_a_published_case(author, coauthor, editor):
    published = complete_case(author, coauthor, status=S.PUBLISHED)
    with pytest.raises(PermissionDenied):
        services.start_revision(published, by=editor)


# --- Two editors at once ---------------------------------------------------------------------


def test_the_second_of_two_editors_deciding_on_a_stale_page_is_refused(author, coauthor, editor):
    second_editor = make_user("editor-two", "editor")
    case = complete_case(author, coauthor, status=S.IN_REVIEW)
    first_view = Case.objects.get(pk=case.pk)
    second_view = Case.objects.get(pk=case.pk)
    services.accept_case(first_view, by=editor, without_review=True)
    with pytest.raises(InvalidTransition, match="accepted cannot be rejected"):
        services.reject_case(second_view, by=second_editor, message="Not original.")
    case.refresh_from_db()
    assert case.status == S.ACCEPTED
    assert CaseEvent.objects.filter(case=case).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need a database that has them"
)
def test_two_editors_deciding_at_the_same_moment_cannot_both_win(author, coauthor, editor):
    second_editor = make_user("editor-two", "editor")
    case = complete_case(author, coauthor, status=S.IN_REVIEW)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(action: str, by) -> None:
        try:
            barrier.wait()
            services.take_action(
                Case.objects.get(pk=case.pk), action=action, by=by, note="x", without_review=True
            )
            outcomes.append("done")
        except InvalidTransition:
            outcomes.append("refused")
        except Exception as error:  # reported in the assertion below, not lost in the thread
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("accept", editor)),
        threading.Thread(target=decide, args=("reject", second_editor)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["done", "refused"]
    assert CaseEvent.objects.filter(case=case).count() == 1
