"""What an unknown shows at each stage, and nothing more.

Stage 0 is the unknown itself: a neutral label, the patient, the clinical history, the images
with their labels only (image URLs, no captions, alt text, annotations or downloads) and the
questions without their answers. Then, one server round-trip each:

1. findings: the imaging findings, the studies' findings, the figures' captions, alt text and
   annotations;
2. diagnosis: the title, final diagnosis and certainty, differentials, tags, and the questions'
   answers, explanations and score;
3. discussion: the sections, teaching points and references, and the link to the full case.

Pages and the API both render `case_content(...)`, so there is one place that decides what
leaves the server at each stage. A later stage's part is `None` until it is revealed, and its
data is not even read from the database. Until the diagnosis is revealed, any mention of the
diagnosis (or the title) in the earlier stages' text is withheld.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from cases.media_urls import figure_image_url
from cases.models import Case, Figure, Study
from cases.rendering import render_markdown, render_markdown_inline
from cases.templatetags.case_tags import figure_anchors_of
from imaging.viewer import viewer_data

from . import labels
from .models import Attempt

FINDINGS = 1
DIAGNOSIS = 2
DISCUSSION = 3

Content = dict[str, Any]

_READY_FIGURES = Figure.objects.filter(status=Figure.ProcessingStatus.READY).exclude(thumbnail="")

UNKNOWN_PREFETCH = (
    Prefetch(
        "studies",
        queryset=Study.objects.prefetch_related(
            Prefetch("figures", queryset=_READY_FIGURES.prefetch_related("frames"))
        ),
    ),
    "questions",
)
DIAGNOSIS_PREFETCH = ("differential_diagnoses", "tags")
DISCUSSION_PREFETCH = ("sections", "teaching_points", "references")


def prefetch_for(cases: QuerySet[Case], stage_number: int) -> QuerySet[Case]:
    """The case's parts up to this stage, in a fixed number of queries; later parts not read."""
    lookups = list(UNKNOWN_PREFETCH)
    if stage_number >= DIAGNOSIS:
        lookups += DIAGNOSIS_PREFETCH
    if stage_number >= DISCUSSION:
        lookups += DISCUSSION_PREFETCH
    return cases.prefetch_related(*lookups)


def neutral_alt(figure: Figure, study: Study) -> str:
    label = figure.label or "Image"
    return f"{label}, {study.label or study.get_modality_display()}"


def figure_content(
    figure: Figure, study: Study, *, stage_number: int, hide, render_inline
) -> Content:
    """A figure as the viewer (templates/cases/_viewer.html) and the API show it."""
    data = viewer_data(figure)
    shown = {
        key: data[key]
        for key in (
            "id",
            "kind",
            "width",
            "height",
            "frames",
            "full",
            "presets",
            "windows",
            "windowed",
            "photo",
        )
    }
    shown["label"] = hide(figure.label)
    # Ready figures only (UNKNOWN_PREFETCH): signed addresses, the same for every reader.
    shown["thumbnail"] = figure_image_url(figure, "thumb")
    shown["web"] = figure_image_url(figure, "web")
    if stage_number >= FINDINGS:
        shown["caption"] = hide(figure.caption)
        shown["caption_html"] = render_inline(hide(figure.caption)) if figure.caption else ""
        shown["alt"] = hide(figure.alt_text) or neutral_alt(figure, study)
        shown["alt_text"] = hide(figure.alt_text)
        shown["annotations"] = [
            {**annotation, "label": hide(annotation.get("label", ""))}
            if isinstance(annotation, dict) and annotation.get("label")
            else annotation
            for annotation in (figure.annotations or [])
        ]
        shown["download"] = data["download"]
    else:
        # The image and its label only: a caption or alt text often names the finding.
        shown.update(
            caption="",
            caption_html="",
            alt=neutral_alt(figure, study),
            alt_text=None,
            annotations=[],
            download=None,
        )
    return shown


def question_content(case: Case, *, stage_number: int, chosen: list | None) -> list[Content]:
    chosen = list(chosen or [])
    questions = []
    for index, question in enumerate(case.questions.all()):
        choice = chosen[index] if index < len(chosen) else None
        item: Content = {
            "number": index + 1,
            "stem": question.stem,
            "options": list(question.options),
            "chosen": choice,
            "answer": None,
            "explanation": None,
            "is_right": None,
        }
        if stage_number >= DIAGNOSIS:
            item.update(
                answer=question.answer,
                explanation=question.explanation,
                is_right=choice == question.answer,
            )
        questions.append(item)
    return questions


def case_content(case: Case, *, stage_number: int, attempt: Attempt | None = None) -> Content:
    """Everything shown of `case` at `stage_number` (0: the unknown). Prefetch the case with
    `prefetch_for(..., stage_number)` first."""
    phrases = labels.withheld_phrases(case) if stage_number < DIAGNOSIS else ()

    def hide(text: str) -> str:
        return labels.withhold(text or "", phrases)

    anchors = figure_anchors_of(case)
    references = (
        {reference.number for reference in case.references.all()}
        if stage_number >= DISCUSSION
        else set()
    )

    def render(text: str):
        return render_markdown(text, reference_numbers=references, figure_anchors=anchors)

    def render_inline(text: str):
        return render_markdown_inline(text, reference_numbers=references, figure_anchors=anchors)

    studies = []
    for study in case.studies.all():
        figures = [
            figure_content(
                figure, study, stage_number=stage_number, hide=hide, render_inline=render_inline
            )
            for figure in study.figures.all()
        ]
        shown_findings = stage_number >= FINDINGS
        studies.append(
            {
                "modality": study.modality,
                "modality_display": study.get_modality_display(),
                "label": hide(study.label),
                "timing": hide(study.timing),
                "findings": hide(study.findings) if shown_findings else None,
                "findings_html": render(hide(study.findings)) if shown_findings else "",
                "figures": figures,
            }
        )
    patient = None
    if case.has_patient:
        patient = {"age_display": case.age_display or None, "sex": case.patient_sex or None}
    content: Content = {
        "case_id": case.pk,
        "code": labels.unknown_code(case),
        "name": labels.unknown_name(case),
        "label": labels.neutral_label(case),
        "stage_number": stage_number,
        "case_type": case.case_type,
        "patient": patient,
        "presenting_complaint": labels.complaint_of(case),
        "difficulty": case.difficulty or None,
        "clinical_history": hide(case.clinical_history),
        "clinical_history_html": render(hide(case.clinical_history)),
        "studies": studies,
        "imaging_findings": None,
        "imaging_findings_html": "",
        "questions": question_content(
            case, stage_number=stage_number, chosen=attempt.question_answers if attempt else None
        ),
        "diagnosis": None,
        "discussion": None,
    }
    if stage_number >= FINDINGS:
        content["imaging_findings"] = hide(case.imaging_findings)
        content["imaging_findings_html"] = render(hide(case.imaging_findings))
    if stage_number >= DIAGNOSIS:
        content["diagnosis"] = {
            "title": case.title,
            "final_diagnosis": case.final_diagnosis,
            "diagnostic_certainty": case.diagnostic_certainty or None,
            "diagnostic_certainty_display": case.get_diagnostic_certainty_display()
            if case.diagnostic_certainty
            else "",
            "certainty_basis": case.certainty_basis,
            "differential_diagnoses": [
                {
                    "diagnosis": item.diagnosis,
                    "note": item.note,
                    "note_html": render_inline(item.note),
                }
                for item in case.differential_diagnoses.all()
            ],
            "tags": [tag.name for tag in case.tags.all()],
        }
    if stage_number >= DISCUSSION:
        content["discussion"] = {
            "sections": [
                {
                    "kind": section.kind,
                    "heading": section.heading or section.get_kind_display(),
                    "body": section.body,
                    "body_html": render(section.body),
                }
                for section in case.sections.all()
            ],
            "teaching_points": [
                {"text": point.text, "html": render_inline(point.text)}
                for point in case.teaching_points.all()
            ],
            "references": [
                {
                    "number": reference.number,
                    "citation": reference.citation,
                    "link": reference.link,
                }
                for reference in case.references.all()
            ],
            "case_url": case.get_absolute_url(),
        }
    return content
