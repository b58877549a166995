"""Study: the neutral label of an unknown, the review queue's schedule on its own; and the
factories the other study tests share (an unknown case with a secret in every part)."""

from __future__ import annotations

import datetime

import pytest

from study import labels
from study.models import REVIEW_INTERVALS, ReviewQueueEntry
from tests.factories import DIAGNOSIS, HISTORY, TITLE, make_attempt, make_case, make_unknown

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
def test_neutral_label_has_a_code_patient_and_complaint_but_no_number_or_title():
    case = make_unknown(questions=0)
    label = labels.neutral_label(case)
    code = labels.unknown_code(case)
    assert label == f"Unknown {code} · 57-year-old man · buttock pain"
    assert TITLE.lower() not in label.lower() and DIAGNOSIS.lower() not in label.lower()
    assert f"Case {case.pk}" not in label


@pytest.mark.django_db
def test_the_unknown_code_is_stable_distinct_and_not_the_number():
    cases = [make_unknown(questions=0, figures=0) for _ in range(5)]
    codes = [labels.unknown_code(case) for case in cases]
    assert codes == [labels.unknown_code(case) for case in cases]
    assert len(set(codes)) == len(codes)
    for case, code in zip(cases, codes, strict=True):
        assert len(code) == labels.CODE_LENGTH and code != str(case.pk)
        assert set(code) <= set(labels.CODE_ALPHABET)


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
