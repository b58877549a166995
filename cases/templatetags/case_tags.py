"""Template helpers for case pages and cards."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from ..models import Case, Figure
from ..rendering import render_markdown, render_markdown_inline

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


@register.filter
def markdown(text: str, case: Case | None = None) -> SafeString:
    """`{{ case.clinical_history|markdown:case }}`: citation markers link to the case's list."""
    return render_markdown(text or "", reference_numbers=reference_numbers_of(case))


@register.filter
def markdown_inline(text: str, case: Case | None = None) -> SafeString:
    return render_markdown_inline(text or "", reference_numbers=reference_numbers_of(case))


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
