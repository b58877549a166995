"""The API's representations of unknowns, attempts, the review queue and progress.

Built from `reveal.case_content(...)`, so the API sends exactly what the pages show at each
stage: a part not revealed is `null`.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from cases.media_urls import figure_image_url
from cases.models import Case
from cases.templatetags.case_tags import card_figure, modalities
from study import labels, reveal, services
from study.models import Attempt, ReviewQueueEntry


class UnknownPatientSerializer(serializers.Serializer):
    age_display = serializers.CharField(allow_null=True, help_text='"57 years", "90+ years"')
    sex = serializers.CharField(allow_null=True)


class UnknownFigureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField(allow_blank=True)
    thumbnail_url = serializers.CharField()
    image_url = serializers.CharField()
    full_url = serializers.CharField()
    frame_urls = serializers.ListField(
        child=serializers.CharField(), help_text="The slices of a stack, in order."
    )
    caption = serializers.CharField(
        allow_null=True, allow_blank=True, help_text="Null until the findings are revealed."
    )
    alt_text = serializers.CharField(
        allow_null=True, allow_blank=True, help_text="Null until the findings are revealed."
    )
    annotations = serializers.ListField(
        child=serializers.DictField(),
        allow_null=True,
        help_text="Null until the findings are revealed.",
    )


class UnknownStudySerializer(serializers.Serializer):
    modality = serializers.CharField()
    label = serializers.CharField(allow_blank=True)
    timing = serializers.CharField(allow_blank=True)
    findings = serializers.CharField(
        allow_null=True, allow_blank=True, help_text="Null until the findings are revealed."
    )
    figures = UnknownFigureSerializer(many=True)


class UnknownQuestionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    stem = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField(allow_blank=True))
    chosen = serializers.IntegerField(
        allow_null=True, help_text="Your choice (index from 0); null when skipped or not asked."
    )
    answer = serializers.IntegerField(
        allow_null=True, help_text="The right option; null until the diagnosis is revealed."
    )
    explanation = serializers.CharField(allow_null=True, allow_blank=True)
    is_right = serializers.BooleanField(allow_null=True)


class UnknownDifferentialSerializer(serializers.Serializer):
    diagnosis = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class UnknownDiagnosisSerializer(serializers.Serializer):
    title = serializers.CharField()
    final_diagnosis = serializers.CharField(allow_blank=True)
    diagnostic_certainty = serializers.CharField(allow_null=True)
    certainty_basis = serializers.CharField(allow_blank=True)
    differential_diagnoses = UnknownDifferentialSerializer(many=True)
    tags = serializers.ListField(child=serializers.CharField())


class UnknownSectionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    heading = serializers.CharField(allow_blank=True)
    body = serializers.CharField(allow_blank=True)


class UnknownReferenceSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    citation = serializers.CharField(allow_blank=True)
    link = serializers.CharField(allow_blank=True)


class UnknownDiscussionSerializer(serializers.Serializer):
    sections = UnknownSectionSerializer(many=True)
    teaching_points = serializers.ListField(child=serializers.CharField())
    references = UnknownReferenceSerializer(many=True)
    case_url = serializers.CharField(help_text="The whole case page.")


class UnknownContentSerializer(serializers.Serializer):
    """What is shown of the case so far: each later part is null until revealed."""

    case_id = serializers.IntegerField()
    name = serializers.CharField(help_text='"Unknown K7QM2": a code, not the case\'s number.')
    label = serializers.CharField(help_text='"Unknown K7QM2 · 57-year-old man · buttock pain"')
    case_type = serializers.CharField()
    patient = UnknownPatientSerializer(allow_null=True)
    presenting_complaint = serializers.CharField(allow_blank=True)
    difficulty = serializers.CharField(allow_null=True)
    clinical_history = serializers.CharField(allow_blank=True, help_text="Markdown")
    studies = UnknownStudySerializer(many=True)
    imaging_findings = serializers.CharField(
        allow_null=True,
        allow_blank=True,
        help_text="Markdown; null until the findings are revealed.",
    )
    questions = UnknownQuestionSerializer(many=True)
    diagnosis = UnknownDiagnosisSerializer(
        allow_null=True, help_text="Null until the diagnosis is revealed."
    )
    discussion = UnknownDiscussionSerializer(
        allow_null=True, help_text="Null until the discussion is revealed."
    )


def api_content(content: dict[str, Any]) -> dict[str, Any]:
    """The API's shape of `reveal.case_content(...)`: Markdown rather than HTML, null for what
    is not revealed."""
    findings_shown = content["stage_number"] >= reveal.FINDINGS
    studies = [
        {
            "modality": study["modality"],
            "label": study["label"],
            "timing": study["timing"],
            "findings": study["findings"],
            "figures": [
                {
                    "id": figure["id"],
                    "label": figure["label"],
                    "thumbnail_url": figure["thumbnail"],
                    "image_url": figure["web"],
                    "full_url": figure["full"],
                    "frame_urls": [frame["src"] for frame in figure["frames"]],
                    "caption": figure["caption"] if findings_shown else None,
                    "alt_text": figure["alt_text"] if findings_shown else None,
                    "annotations": figure["annotations"] if findings_shown else None,
                }
                for figure in study["figures"]
            ],
        }
        for study in content["studies"]
    ]
    discussion = content["discussion"]
    if discussion is not None:
        discussion = {
            **discussion,
            "teaching_points": [point["text"] for point in discussion["teaching_points"]],
        }
    return {**content, "studies": studies, "discussion": discussion}


class UnknownSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    page_url = serializers.CharField(
        help_text="The unknown's page on the site, addressed by its code, not by the case id."
    )
    label = serializers.CharField()
    patient = UnknownPatientSerializer(allow_null=True)
    presenting_complaint = serializers.CharField(allow_blank=True)
    modalities = serializers.ListField(child=serializers.CharField())
    difficulty = serializers.CharField(allow_null=True)
    thumbnail_url = serializers.CharField(allow_null=True)
    my_attempts = serializers.IntegerField(
        help_text="How often you tried it (0 when not signed in)."
    )
    due_for_review = serializers.BooleanField()


def unknown_summary(case: Case) -> dict[str, Any]:
    figure = card_figure(case)
    return {
        "id": case.pk,
        "url": reverse("api-unknown-detail", kwargs={"pk": case.pk}),
        "page_url": reverse("unknown", args=[labels.unknown_code(case)]),
        "label": labels.neutral_label(case),
        "patient": {"age_display": case.age_display or None, "sex": case.patient_sex or None}
        if case.has_patient
        else None,
        "presenting_complaint": labels.complaint_of(case),
        "modalities": [code for code, _ in modalities(case)],
        "difficulty": case.difficulty or None,
        "thumbnail_url": figure_image_url(figure, "thumb") if figure else None,
        "my_attempts": case.my_attempts,
        "due_for_review": case.due_for_review,
    }


class UnknownDetailSerializer(UnknownContentSerializer):
    start_token = serializers.CharField(
        help_text="When you were first shown this unknown, signed: send it back with your "
        "answer so the time you took is recorded."
    )
    attempts_url = serializers.CharField(help_text="Where to POST your answer.")


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(
        max_length=services.MAX_ANSWER_CHARS, help_text="Your diagnosis."
    )
    question_answers = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=10_000, allow_null=True),
        required=False,
        max_length=500,
        help_text="The option you choose for each question, in order (index from 0); null or "
        "missing to skip a question. A skipped question counts as not right.",
    )
    start_token = serializers.CharField(
        required=False,
        max_length=500,
        help_text="The `start_token` of the unknown as you read it: the time you took is "
        "counted from then.",
    )
    started_at = serializers.DateTimeField(
        required=False,
        help_text="Or: when you were first shown the unknown, by your own clock (not in the "
        "future). Without either, no time is recorded.",
    )


class AttemptSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    page_url = serializers.CharField()
    case = serializers.IntegerField()
    label = serializers.CharField()
    stage = serializers.ChoiceField(choices=Attempt.Stage.choices)
    next_stage = serializers.CharField(
        allow_null=True,
        help_text="What revealing shows next (`diagnosis` or `discussion`); null when "
        "everything is shown.",
    )
    answer = serializers.CharField()
    final_diagnosis = serializers.CharField(
        allow_null=True, allow_blank=True, help_text="Null until the diagnosis is revealed."
    )
    questions_total = serializers.IntegerField()
    questions_correct = serializers.IntegerField(
        allow_null=True,
        help_text="Null until the diagnosis is revealed, or when the case has no questions.",
    )
    score_percent = serializers.IntegerField(allow_null=True)
    verdict = serializers.ChoiceField(
        choices=Attempt.SelfAssessment.choices,
        allow_null=True,
        help_text="Your answer judged when you gave it: `correct` (it names the diagnosis or "
        "another name of it), `partly` (a listed differential) or `missed`. Null until the "
        "diagnosis is revealed.",
    )
    self_assessment = serializers.ChoiceField(
        choices=Attempt.SelfAssessment.choices,
        allow_null=True,
        help_text="The judgement counted in your progress: the verdict, unless you overruled "
        "it. Null until the diagnosis is revealed.",
    )
    overruled = serializers.BooleanField(help_text="You judged the answer otherwise.")
    can_assess = serializers.BooleanField()
    started_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField()
    duration_seconds = serializers.IntegerField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


class AttemptSerializer(AttemptSummarySerializer):
    question_answers = serializers.ListField(
        child=serializers.IntegerField(allow_null=True), help_text="Your choices, in order."
    )
    content = UnknownContentSerializer()


def attempt_summary(attempt: Attempt) -> dict[str, Any]:
    diagnosis_shown = attempt.has_revealed(Attempt.Stage.DIAGNOSIS)
    return {
        "id": attempt.pk,
        "url": reverse("api-attempt-detail", kwargs={"pk": attempt.pk}),
        "page_url": reverse("attempt-detail", args=[attempt.pk]),
        "case": attempt.case_id,
        "label": labels.neutral_label(attempt.case),
        "stage": attempt.stage,
        "next_stage": attempt.next_stage,
        "answer": attempt.answer,
        "final_diagnosis": (attempt.case.final_diagnosis or attempt.case.title)
        if diagnosis_shown
        else None,
        "questions_total": attempt.questions_total,
        "questions_correct": attempt.questions_correct if diagnosis_shown else None,
        "score_percent": attempt.score_percent if diagnosis_shown else None,
        "verdict": (attempt.verdict or None) if diagnosis_shown else None,
        "self_assessment": (attempt.self_assessment or None) if diagnosis_shown else None,
        "overruled": attempt.overruled,
        "can_assess": attempt.can_be_assessed,
        "started_at": attempt.started_at,
        "answered_at": attempt.answered_at,
        "duration_seconds": attempt.duration_seconds,
        "completed_at": attempt.completed_at,
    }


def attempt_document(attempt: Attempt) -> dict[str, Any]:
    stage_number = attempt.stage_number
    case = reveal.prefetch_for(Case.objects.all(), stage_number).get(pk=attempt.case_id)
    attempt.case = case
    content = reveal.case_content(case, stage_number=stage_number, attempt=attempt)
    return {
        **attempt_summary(attempt),
        "question_answers": attempt.question_answers,
        "content": api_content(content),
    }


class AssessSerializer(serializers.Serializer):
    self_assessment = serializers.ChoiceField(
        choices=Attempt.SelfAssessment.choices,
        help_text="Your own judgement of the answer compared with the diagnosis. Partly and "
        "missed (or a question answered wrongly) put the case in your review queue.",
    )


class ReviewQueueEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField()
    label = serializers.CharField()
    unknown_url = serializers.CharField()
    page_url = serializers.CharField(
        help_text="The unknown's page on the site, addressed by its code, not by the case id."
    )
    due_on = serializers.DateField()
    is_due = serializers.BooleanField()
    interval_days = serializers.IntegerField()
    right_in_a_row = serializers.IntegerField()
    misses = serializers.IntegerField()


def queue_entry(entry: ReviewQueueEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "case": entry.case_id,
        "label": labels.neutral_label(entry.case),
        "unknown_url": reverse("api-unknown-detail", kwargs={"pk": entry.case_id}),
        "page_url": reverse("unknown", args=[labels.encode_unknown(entry.case_id)]),
        "due_on": entry.due_on,
        "is_due": entry.is_due(),
        "interval_days": entry.interval_days,
        "right_in_a_row": entry.right_in_a_row,
        "misses": entry.misses,
    }


class ProgressAccuracySerializer(serializers.Serializer):
    code = serializers.CharField(allow_blank=True)
    name = serializers.CharField()
    total = serializers.IntegerField(help_text="Attempts judged.")
    right = serializers.IntegerField()
    percent = serializers.IntegerField()


class ProgressWeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday the week starts on.")
    count = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    cases_studied = serializers.IntegerField()
    attempts = serializers.IntegerField()
    assessed = serializers.IntegerField(help_text="Attempts you judged.")
    right = serializers.IntegerField()
    accuracy_percent = serializers.IntegerField(allow_null=True)
    questions_total = serializers.IntegerField()
    questions_correct = serializers.IntegerField()
    questions_percent = serializers.IntegerField(allow_null=True)
    by_system = ProgressAccuracySerializer(many=True)
    by_modality = ProgressAccuracySerializer(many=True)
    review_queue_size = serializers.IntegerField()
    review_due = serializers.IntegerField()
    activity = ProgressWeekSerializer(many=True, help_text="Attempts per week, the last 12 weeks.")
