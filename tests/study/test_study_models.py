"""Study: the neutral label of an unknown, the review queue's schedule on its own; and the
factories the other study tests share (an unknown case with a secret in every part)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import (
    Case,
    DifferentialDiagnosis,
    Figure,
    QuizQuestion,
    Reference,
    Section,
    Study,
    System,
    Tag,
    TeachingPoint,
)
from study import labels
from study.models import REVIEW_INTERVALS, Attempt, ReviewQueueEntry
from tests.conftest import make_case
from tests.test_pages import jpeg_bytes

DIAGNOSIS = "Calcific tendinitis of the gluteus maximus"
TITLE = "Gluteal calcific tendinitis at the linea aspera"
HISTORY = (
    "A 57-year-old man presented with a one-month history of severe worsening left buttock pain."
)

# What each stage adds; none of it may reach the browser before its stage.
FINDINGS_SECRETS = (
    "Findings-secret amorphous focus",
    "Study-findings-secret",
    "Caption-secret",
    "Alt-secret",
    "Annotation-secret",
)
DIAGNOSIS_SECRETS = (
    DIAGNOSIS,
    TITLE,
    "Tag-secret",
    "Differential-secret",
    "Explanation-secret",
    "Basis-secret",
)
# The title's slug, in the case page's URL: given with the link to the whole case.
SLUG = "gluteal-calcific-tendinitis-at-the-linea-aspera"
DISCUSSION_SECRETS = ("Discussion-secret", "Teaching-secret", "Reference-secret")
QUESTION_ANSWER = 2


def add_ready_figure(study: Study, **fields) -> Figure:
    figure = Figure.objects.create(study=study, **fields)
    figure.thumbnail.save(f"thumb-{figure.pk}.jpg", ContentFile(jpeg_bytes()), save=False)
    figure.status = Figure.ProcessingStatus.READY
    figure.save(update_fields=["thumbnail", "status"])
    return figure


def make_unknown(
    author=None, *, questions: int = 1, figures: int = 1, parts: int = 1, **fields
) -> Case:
    """A published case offered as an unknown, with a marked secret in every revealed part."""
    defaults = {
        "title": TITLE,
        "final_diagnosis": DIAGNOSIS,
        "diagnostic_certainty": Case.Certainty.CERTAIN,
        "certainty_basis": "Basis-secret: follow-up",
        "in_unknown_mode": True,
        "patient_age": 57,
        "patient_age_unit": Case.AgeUnit.YEARS,
        "patient_sex": Case.Sex.MALE,
        "clinical_history": HISTORY,
        "imaging_findings": "Findings-secret amorphous focus at the insertion.",
    }
    defaults.update(fields)
    case = make_case(author=author, **defaults)
    study = Study.objects.create(
        case=case, modality="CT", label="CT pelvis", findings="Study-findings-secret"
    )
    for number in range(figures):
        add_ready_figure(
            study,
            position=number,
            label=f"Fig {number + 1}",
            caption="Caption-secret: calcification at the insertion",
            alt_text="Alt-secret: axial CT",
            annotations=[
                {"type": "text", "x": 0.5, "y": 0.5, "label": "Annotation-secret"},
            ],
        )
    tag, _ = Tag.objects.get_or_create(name="Tag-secret")
    case.tags.add(tag)
    case.systems.add(System.objects.get(code="musculoskeletal"))
    for number in range(parts):
        DifferentialDiagnosis.objects.create(
            case=case, position=number, diagnosis=f"Differential-secret {number}"
        )
        Section.objects.create(
            case=case, position=number, kind="discussion", body=f"Discussion-secret {number} [1]"
        )
        TeachingPoint.objects.create(case=case, position=number, text=f"Teaching-secret {number}")
    Reference.objects.create(case=case, number=1, citation="Reference-secret et al.")
    for number in range(questions):
        QuizQuestion.objects.create(
            case=case,
            position=number,
            stem=f"Question {number + 1}: where does the gluteus maximus insert?",
            options=["Greater trochanter", "Iliac crest", "Linea aspera", "Ischial tuberosity"],
            answer=QUESTION_ANSWER,
            explanation=f"Explanation-secret {number}",
        )
    return case


def make_attempt(user, case, **fields) -> Attempt:
    now = timezone.now()
    defaults = {
        "case_version": case.version,
        "answer": "Gluteal tendinopathy",
        "started_at": now - datetime.timedelta(minutes=2),
        "answered_at": now,
        "duration_seconds": 120,
    }
    defaults.update(fields)
    return Attempt.objects.create(user=user, case=case, **defaults)


# --- The neutral label ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "complaint"),
    [
        (HISTORY, "buttock pain"),
        (
            "A 54-year-old man with chronic renal failure was admitted with a three week history "
            "of left hip pain and reduced mobility of the joint. He had a lump.",
            "hip pain and reduced mobility of the joint",
        ),
        (
            "A 40-year-old male with end-stage kidney disease (ESKD) presented following a "
            "history of a few months of increasing painless swelling of the left hip.",
            "painless swelling of the left hip",
        ),
        (
            "A 22-year-old footballer was referred with a firm, tender swelling of the right "
            "lateral thigh.",
            "tender swelling of the right lateral thigh",
        ),
        (
            "A 46-year-old woman woke one night with sudden, severe pain in the right shoulder "
            "that stopped her from lifting the arm.",
            "pain in the right shoulder",
        ),
        ("**Right knee pain** after a fall.", "knee pain"),
        ("A 30-year-old man.", ""),
        ("", ""),
    ],
)
def test_presenting_complaint_is_a_few_words_of_the_first_sentence(history, complaint):
    assert labels.presenting_complaint(history) == complaint


def test_presenting_complaint_never_names_the_diagnosis():
    history = "A 60-year-old woman presented with calcific tendinitis of the shoulder."
    assert labels.presenting_complaint(history, withheld=("Calcific tendinitis",)) == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("age", "unit", "sex", "phrase"),
    [
        (57, "years", "male", "57-year-old man"),
        (34, "years", "female", "34-year-old woman"),
        (12, "years", "female", "12-year-old girl"),
        (6, "months", "male", "6-month-old boy"),
        (3, "weeks", "unknown", "3-week-old child"),
        (90, "years", "female", "woman aged 90+"),
        (None, "", "male", "male patient"),
        (None, "", "", ""),
    ],
)
def test_patient_phrase_reads_like_a_case_presentation(age, unit, sex, phrase):
    case = make_case(patient_age=age, patient_age_unit=unit, patient_sex=sex)
    assert labels.patient_phrase(case) == phrase


@pytest.mark.django_db
def test_neutral_label_has_number_patient_and_complaint_but_no_title():
    case = make_unknown(questions=0)
    label = labels.neutral_label(case)
    assert label == f"Case {case.pk} · 57-year-old man · buttock pain"
    assert TITLE.lower() not in label.lower() and DIAGNOSIS.lower() not in label.lower()


def test_withhold_replaces_every_mention_of_the_answer_whatever_its_case():
    text = "Findings of CALCIFIC tendinitis; calcific tendinitis again."
    hidden = labels.withhold(text, ("Calcific tendinitis",))
    assert "tendinitis" not in hidden.lower()
    assert hidden.count(labels.WITHHELD) == 2


# --- The review queue's schedule -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_miss_is_due_tomorrow_and_right_answers_lengthen_the_interval(trainee):
    case = make_unknown(questions=0)
    today = datetime.date(2026, 3, 2)
    attempt = make_attempt(trainee, case)
    entry = ReviewQueueEntry(user=trainee, case=case)
    entry.record_miss(attempt, today=today)
    entry.save()
    assert (entry.interval_days, entry.due_on) == (1, today + datetime.timedelta(days=1))

    seen = []
    day = entry.due_on
    while entry.record_right(attempt, today=day):
        seen.append(entry.interval_days)
        day = entry.due_on
    assert seen == list(REVIEW_INTERVALS[1:])
    assert entry.right_in_a_row == len(REVIEW_INTERVALS) - 1


@pytest.mark.django_db
def test_a_right_answer_before_the_due_date_keeps_the_schedule(trainee):
    case = make_unknown(questions=0)
    today = datetime.date(2026, 3, 2)
    attempt = make_attempt(trainee, case)
    entry = ReviewQueueEntry(user=trainee, case=case)
    entry.record_miss(attempt, today=today)
    assert entry.record_right(attempt, today=today) is True
    assert (entry.interval_days, entry.due_on) == (1, today + datetime.timedelta(days=1))
