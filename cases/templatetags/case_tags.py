"""Template helpers for case pages and cards."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from ..models import Case, Figure
from ..rendering import figure_key, render_markdown, render_markdown_inline

register = template.Library()


def reference_numbers_of(case: Case | None) -> set[int]:
    """The case's reference numbers, read once from the prefetched references and kept."""
    if case is None:
        return set()
    numbers = getattr(case, "_reference_numbers", None)
    if numbers is None:
        numbers = {reference.number for reference in case.references.all()}
        case._reference_numbers = numbers
    return numbers


def figure_anchors_of(case: Case | None) -> dict[str, str]:
    """Figure key -> element id, from the prefetched studies and figures, read once and kept.

    A key two figures share ("Fig 1" in two studies) is left out: a link must not guess.
    """
    if case is None:
        return {}
    anchors = getattr(case, "_figure_anchors", None)
    if anchors is None:
        anchors, shared = {}, set()
        for study in case.studies.all():
            for figure in study.figures.all():
                key = figure_key(figure.label)
                if key in anchors:
                    shared.add(key)
                elif key:
                    anchors[key] = f"figure-{figure.pk}"
        anchors = {key: anchor for key, anchor in anchors.items() if key not in shared}
        case._figure_anchors = anchors
    return anchors


def _links_of(case: Case | None) -> dict:
    return {
        "reference_numbers": reference_numbers_of(case),
        "figure_anchors": figure_anchors_of(case),
    }


@register.filter
def markdown(text: str, case: Case | None = None) -> SafeString:
    """`{{ case.clinical_history|markdown:case }}`: citations and figure mentions linked."""
    return render_markdown(text or "", **_links_of(case))


@register.filter
def markdown_inline(text: str, case: Case | None = None) -> SafeString:
    return render_markdown_inline(text or "", **_links_of(case))


@register.filter
def card_figure(case: Case) -> Figure | None:
    """The first ready figure of a case loaded `with_card_data()`, for its card thumbnail."""
    for study in case.studies.all():
        figures = getattr(study, "ready_figures", None)
        if figures:
            return figures[0]
    return None


@register.filter
def modalities(case: Case) -> list[tuple[str, str]]:
    """Distinct (code, name) of the modalities of a case's studies, in study order."""
    seen: dict[str, str] = {}
    for study in case.studies.all():
        seen.setdefault(study.modality, study.get_modality_display())
    return list(seen.items())


@register.filter
def patient_summary(case: Case) -> str:
    """Like "57 years, male": the age as readers see it (90+ for the oldest), the sex if known."""
    parts = [case.age_display]
    if case.patient_sex and case.patient_sex != Case.Sex.UNKNOWN:
        parts.append(case.get_patient_sex_display().lower())
    return ", ".join(part for part in parts if part)
