"""Studying unknowns: answering, revealing stage by stage, judging the answer, the review queue,
and which unknown comes next. Called by the pages and the API alike."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from cases.models import Case
from cases.services import InvalidTransition

from . import judging, permissions
from .models import Attempt, ReviewQueueEntry

if TYPE_CHECKING:
    from accounts.models import User

MAX_ANSWER_CHARS = 2000
START_SALT = "study.unknown-start"
# A start time a little ahead of the server's clock is the clocks disagreeing, not a trick.
CLOCK_SKEW = datetime.timedelta(minutes=1)


class StageConflict(InvalidTransition):
    """Not possible at the attempt's stage (everything is shown already, or the diagnosis is
    not yet): a 409 in the API, a message on the page."""


# --- The start of an unknown: signed, kept in the page, never written on a GET ---------------


def start_token(*, user: User, case: Case, at: datetime.datetime | None = None) -> str:
    """When `user` was first shown `case`, signed so it comes back unchanged with the answer."""
    moment = at or timezone.now()
    return signing.dumps(
        {"case": case.pk, "user": user.pk, "at": moment.timestamp()}, salt=START_SALT
    )


def read_start_token(token: str, *, user: User, case: Case) -> datetime.datetime:
    """The start time in a token from `start_token`; ValidationError if it was changed, is
    for another case or person, or lies in the future."""
    invalid = ValidationError(
        {"start_token": "The start time of this unknown is not valid. Answer again."}
    )
    try:
        value = signing.loads(token, salt=START_SALT)
        started = datetime.datetime.fromtimestamp(float(value["at"]), tz=datetime.UTC)
        same = value["case"] == case.pk and value["user"] == user.pk
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError, OSError):
        raise invalid from None
    if not same or started > timezone.now() + CLOCK_SKEW:
        raise invalid
    return started


# --- Answering ----------------------------------------------------------------------------------


def score_answers(
    questions: Sequence, question_answers: Sequence[Any]
) -> tuple[list[int | None], int | None]:
    """The chosen option per question (None: skipped) and how many are right (None without
    questions). A choice that is not an option of its question is a ValidationError, keyed
    `question_answers.<index>`."""
    if len(question_answers) > len(questions):
        asked, sent = len(questions), len(question_answers)
        raise ValidationError(
            {
                "question_answers": f"This case has {asked} question{'s' if asked != 1 else ''}; "
                f"{sent} answer{'s were' if sent != 1 else ' was'} sent."
            }
        )
    chosen: list[int | None] = []
    errors = {}
    for index, question in enumerate(questions):
        choice = question_answers[index] if index < len(question_answers) else None
        if choice is None:
            chosen.append(None)
            continue
        if isinstance(choice, bool) or not isinstance(choice, int):
            errors[f"question_answers.{index}"] = "Choose an option by its number, from 0."
        elif not 0 <= choice < len(question.options):
            errors[f"question_answers.{index}"] = (
                f"Question {index + 1} has options 0 to {len(question.options) - 1}."
            )
        chosen.append(choice)
    if errors:
        raise ValidationError(errors)
    if not questions:
        return chosen, None
    right = sum(
        1 for question, choice in zip(questions, chosen, strict=True) if choice == question.answer
    )
    return chosen, right


def start_attempt(
    *,
    user: User,
    case: Case,
    answer: str,
    question_answers: Sequence[Any] = (),
    started_at: datetime.datetime | None = None,
) -> Attempt:
    """Record the trainee's diagnosis and question answers for `case`; the attempt then shows
    the findings. `case` comes from the unknowns this person may see. `started_at` is when the
    unknown was first shown (None when not known: no time is recorded)."""
    if not permissions.can_study(user):
        raise PermissionDenied("Log in to study unknowns.")
    if not (case.is_published and case.in_unknown_mode):
        raise ValidationError("This case is not offered as an unknown.")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Write your diagnosis before you see the findings."})
    if len(answer) > MAX_ANSWER_CHARS:
        raise ValidationError({"answer": f"Keep your answer under {MAX_ANSWER_CHARS} characters."})
    questions = list(case.questions.all())
    chosen, right = score_answers(questions, list(question_answers or ()))
    now = timezone.now()
    duration = None
    if started_at is not None:
        if started_at > now + CLOCK_SKEW:
            raise ValidationError({"started_at": "The start time lies in the future."})
        started_at = min(started_at, now)
        duration = int((now - started_at).total_seconds())
    verdict = judge_answer(case, answer).verdict
    with transaction.atomic():
        attempt = Attempt.objects.create(
            user=user,
            case=case,
            case_version=case.version,
            answer=answer,
            stage=Attempt.Stage.FINDINGS,
            question_answers=chosen,
            questions_correct=right,
            questions_total=len(questions),
            verdict=verdict,
            self_assessment=verdict,
            started_at=started_at or now,
            answered_at=now,
            duration_seconds=duration,
            completed_at=now,
        )
        schedule_review(attempt)
    return attempt


def judge_answer(case: Case, answer: str) -> judging.Judgement:
    """`answer` judged against the case's final diagnosis and its other names (right), its
    differential diagnoses (partly right), or neither (missed): study/judging.py."""
    return judging.judge(
        answer,
        names=judging.names_of(case.final_diagnosis, case.title),
        differentials=[item.diagnosis for item in case.differential_diagnoses.all()],
    )


# --- Revealing and judging ----------------------------------------------------------------------


def _locked(attempt: Attempt, by: User) -> Attempt:
    if not permissions.can_see_attempt(by, attempt):
        raise PermissionDenied
    return Attempt.objects.select_for_update().get(pk=attempt.pk)


def reveal_next_stage(*, attempt: Attempt, by: User) -> Attempt:
    """Show the next stage: findings → diagnosis → discussion."""
    with transaction.atomic():
        attempt = _locked(attempt, by)
        following = attempt.next_stage
        if following is None:
            raise StageConflict("Everything about this case is shown already.")
        attempt.stage = following
        attempt.save(update_fields=["stage"])
    return attempt


def assess_attempt(*, attempt: Attempt, by: User, self_assessment: str) -> Attempt:
    """The trainee's own judgement of their answer, once the diagnosis is shown: it overrules
    the verdict given with the answer (or, the same as the verdict, takes an overruling back).
    The review queue is then worked out again as if the answer had been judged so at once."""
    if self_assessment not in Attempt.SelfAssessment.values:
        raise ValidationError({"self_assessment": "Choose correct, partly or missed."})
    with transaction.atomic():
        attempt = _locked(attempt, by)
        if not attempt.has_revealed(Attempt.Stage.DIAGNOSIS):
            raise StageConflict("Reveal the diagnosis before you judge your answer.")
        if attempt.self_assessment == self_assessment:
            return attempt
        attempt.self_assessment = self_assessment
        attempt.overruled = bool(attempt.verdict) and self_assessment != attempt.verdict
        attempt.completed_at = attempt.completed_at or timezone.now()
        attempt.save(update_fields=["self_assessment", "overruled", "completed_at"])
        reschedule_review(user_id=attempt.user_id, case_id=attempt.case_id)
    return attempt


def reschedule_review(*, user_id: int, case_id: int) -> None:
    """The queue entry of one case worked out again from every judged attempt on it, in the
    order they were made (after a judgement changed)."""
    ReviewQueueEntry.objects.select_for_update().filter(user_id=user_id, case_id=case_id).delete()
    judged = Attempt.objects.filter(user_id=user_id, case_id=case_id).assessed()
    for attempt in judged.order_by("answered_at", "pk"):
        schedule_review(attempt, today=timezone.localdate(attempt.answered_at))


def schedule_review(attempt: Attempt, *, today: datetime.date | None = None) -> None:
    """Spaced repetition: a miss is due again tomorrow; a right answer given when the case is
    due lengthens the interval (1, 3, 7, 14, 30 days), and after 30 the case has been learnt."""
    today = today or timezone.localdate()
    entry = (
        ReviewQueueEntry.objects.select_for_update()
        .filter(user_id=attempt.user_id, case_id=attempt.case_id)
        .first()
    )
    if attempt.is_miss:
        entry = entry or ReviewQueueEntry(user_id=attempt.user_id, case_id=attempt.case_id)
        entry.record_miss(attempt, today=today)
        entry.save()
    elif entry is not None:
        if entry.record_right(attempt, today=today):
            entry.save()
        else:
            entry.delete()


# --- Which unknown next -------------------------------------------------------------------------


def next_unknown(*, user: User, candidates: Sequence[int], after: int | None = None) -> int | None:
    """The next case to study from `candidates` (case ids in walking order): the first after
    `after` that this person has not attempted; when they have tried every one, the one they
    tried longest ago (not `after` itself, unless it is the only one)."""
    if not candidates:
        return None
    order = list(dict.fromkeys(candidates))
    if after in order:
        position = order.index(after) + 1
        order = order[position:] + order[:position]
    # A person's attempts are far fewer than the unknowns: read theirs, not the candidates'.
    wanted = set(order)
    last_tried = {
        case_id: last
        for case_id, last in Attempt.objects.filter(user=user)
        .values("case_id")
        .annotate(last=Max("answered_at"))
        .values_list("case_id", "last")
        if case_id in wanted
    }
    untried = [pk for pk in order if pk not in last_tried]
    if untried:
        return untried[0]
    others = [pk for pk in order if pk != after] or order
    return min(others, key=lambda pk: (last_tried[pk], order.index(pk)))


def candidate_ids(cases: QuerySet[Case]) -> list[int]:
    return list(cases.values_list("pk", flat=True))
