"""The case editor's parts: one page of the editor each, validated together, saved together.

A part binds its forms and formsets (`cases/forms.py`) to the case loaded for the page and, once
they are valid, `changes()` gives their values as typed `CaseChanges`, which the page saves with
`services.change_case`: the same operation the API's writes call.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME

from .edit_values import (
    CaseChanges,
    StudyRow,
)
from .forms import (
    CaseFieldsForm,
    DiagnosisForm,
    OverviewForm,
    QuizForm,
    RehabilitationForm,
    RightsForm,
)
from .models import Case
from .row_forms import (
    AuthorRows,
    CommentaryFormSet,
    DifferentialFormSet,
    FigureRows,
    OrderedFormSet,
    QuestionFormSet,
    ReferenceFormSet,
    SectionFormSet,
    StudyFormSet,
    TeachingPointFormSet,
    row_value,
)

if TYPE_CHECKING:
    from django.http import QueryDict


class Part:
    """The forms of one page of the editor, validated together and saved together."""

    slug = ""
    title = ""
    intro = ""

    def __init__(self, case: Case, data: QueryDict | None = None) -> None:
        self.case = case
        self.data = data
        self.build(case, data)

    def build(self, case: Case, data: QueryDict | None) -> None:
        raise NotImplementedError

    def forms(self) -> list[forms.Form | forms.BaseFormSet]:
        raise NotImplementedError

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.forms()])

    def changes(self) -> CaseChanges:
        """The validated values of the page, to save as one edit. Call once valid."""
        raise NotImplementedError

    @staticmethod
    def fill(case: Case) -> int | bool:
        """How much of this part the case has: a count of rows, or whether it is filled."""
        raise NotImplementedError

    def case_form(self, form_class: type[CaseFieldsForm], data: QueryDict | None):
        # A copy, so that validation does not change the case the page shows beside the form.
        return form_class(data, instance=copy.copy(self.case))

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(where, message, anchor) for every error on the page, in the page's order."""
        errors = []
        for form in self.forms():
            if isinstance(form, forms.BaseFormSet):
                errors += formset_errors(form)
            else:
                errors += form_errors(form, "")
        return errors


def form_errors(form: forms.Form, where: str) -> list[tuple[str, str, str]]:
    errors = []
    for message in form.non_field_errors():
        anchor = next((f"#{field.auto_id}" for field in form.visible_fields()), "#editor-form")
        errors.append((where, message, anchor))
    for field in form:
        for message in field.errors:
            label = f"{where}, {field.label.lower()}" if where else str(field.label)
            errors.append((label, message, f"#{field.auto_id}"))
    return errors


def rows_of(formset: OrderedFormSet) -> list:
    """The typed values of a valid formset's rows, in the author's order."""
    return [row_value(row) for row in formset.rows_to_save()[0]]


def formset_errors(formset: OrderedFormSet) -> list[tuple[str, str, str]]:
    errors = [
        (formset.plural.capitalize(), message, f"#formset-{formset.prefix}")
        for message in formset.non_form_errors()
    ]
    for number, form in formset.live_forms():
        errors += form_errors(form, f"{formset.noun.capitalize()} {number}")
    return errors


class CaseFieldsPart(Part):
    """A part that is one form of the case's own fields."""

    form_class: type[CaseFieldsForm]

    def build(self, case, data):
        self.form = self.case_form(self.form_class, data)

    def forms(self):
        return [self.form]

    def changes(self):
        return self.form.changes()


class OverviewPart(CaseFieldsPart):
    slug = "overview"
    title = "Overview"
    intro = "The title, the patient, the history and the imaging findings."
    form_class = OverviewForm

    @staticmethod
    def fill(case):
        return bool(case.clinical_history or case.imaging_findings or case.has_patient)


class StudiesPart(Part):
    slug = "studies"
    title = "Studies and images"
    intro = "The imaging studies in order, each with its findings and figures."

    def build(self, case, data):
        self.studies = StudyFormSet(data, prefix="studies", queryset=case.studies.all())
        self.figure_formsets = []
        for form in self.studies.forms:
            study = form.instance
            form.figures = None
            if study.pk:
                form.figures = FigureRows(
                    data, prefix=f"figures-{study.pk}", queryset=study.figures.all()
                )
                self.figure_formsets.append((form, form.figures))

    def forms(self):
        # A study being removed takes its figures with it: their rows need no checking.
        kept = [
            figures
            for study_form, figures in self.figure_formsets
            if not (study_form.is_bound and study_form[DELETION_FIELD_NAME].data)
        ]
        return [self.studies, *kept]

    def error_summary(self):
        errors = formset_errors(self.studies)
        for number, study_form in self.studies.live_forms():
            if study_form.figures is not None:
                for where, message, anchor in formset_errors(study_form.figures):
                    errors.append((f"Study {number}, {where.lower()}", message, anchor))
        return errors

    def changes(self):
        figures_of = {
            study_form.instance.pk: figures for study_form, figures in self.figure_formsets
        }
        rows = []
        for study in self.studies.rows_to_save()[0]:
            figures = figures_of.get(study.pk)
            rows.append(
                StudyRow(
                    id=study.pk,
                    modality=study.modality,
                    label=study.label,
                    timing=study.timing,
                    findings=study.findings,
                    figures=None if figures is None else rows_of(figures),
                )
            )
        return CaseChanges(studies=rows)

    @staticmethod
    def fill(case):
        return len(case.studies.all())


class DiscussionPart(Part):
    slug = "discussion"
    title = "Discussion"
    intro = "Background, clinical and imaging perspectives, outcome: in the order readers see them."

    def build(self, case, data):
        self.sections = SectionFormSet(data, prefix="sections", queryset=case.sections.all())

    def forms(self):
        return [self.sections]

    def changes(self):
        return CaseChanges(sections=rows_of(self.sections))

    @staticmethod
    def fill(case):
        return len(case.sections.all())


class DiagnosisPart(Part):
    slug = "diagnosis"
    title = "Diagnosis"
    intro = "The differential diagnosis, the final diagnosis and the teaching points."

    def build(self, case, data):
        self.form = self.case_form(DiagnosisForm, data)
        self.differentials = DifferentialFormSet(
            data, prefix="differentials", queryset=case.differential_diagnoses.all()
        )
        self.teaching_points = TeachingPointFormSet(
            data, prefix="teaching_points", queryset=case.teaching_points.all()
        )

    def forms(self):
        return [self.differentials, self.form, self.teaching_points]

    def changes(self):
        return self.form.changes().merge(
            CaseChanges(
                differentials=rows_of(self.differentials),
                teaching_points=rows_of(self.teaching_points),
            )
        )

    @staticmethod
    def fill(case):
        return bool(case.final_diagnosis or case.teaching_points.all())


class ReferencesPart(Part):
    slug = "references"
    title = "References"
    intro = "Numbered in this order: [1] in a text links to the first reference."

    def build(self, case, data):
        self.references = ReferenceFormSet(
            data, prefix="references", queryset=case.references.all()
        )

    def forms(self):
        return [self.references]

    def changes(self):
        return CaseChanges(references=rows_of(self.references))

    @staticmethod
    def fill(case):
        return len(case.references.all())


class CommentariesPart(Part):
    slug = "commentaries"
    title = "Commentaries"
    intro = "Further analyses, by the authors or machine-generated, and the rehabilitation plan."

    def build(self, case, data):
        self.commentaries = CommentaryFormSet(
            data, prefix="commentaries", queryset=case.commentaries.all()
        )
        self.rehabilitation = RehabilitationForm(
            data, instance=copy.copy(case.rehabilitation), prefix="rehabilitation"
        )

    def forms(self):
        return [self.commentaries, self.rehabilitation]

    def error_summary(self):
        rehabilitation = form_errors(self.rehabilitation, "Rehabilitation")
        return formset_errors(self.commentaries) + rehabilitation

    def changes(self):
        return CaseChanges(
            commentaries=rows_of(self.commentaries),
            rehabilitation=self.rehabilitation.values(),
        )

    @staticmethod
    def fill(case):
        return len(case.commentaries.all()) + (1 if case.rehabilitation_id else 0)


class RightsPart(CaseFieldsPart):
    slug = "rights"
    title = "Licence and consent"
    intro = "Under which licence the case is shared, who holds the copyright, and consent."
    form_class = RightsForm

    @staticmethod
    def fill(case):
        return bool(case.licence) and case.consent != Case.Consent.UNKNOWN


class AuthorsPart(Part):
    slug = "authors"
    title = "Authors"
    intro = "Everyone credited, in the order of the byline. Site users may also edit the case."

    def build(self, case, data):
        self.authors = AuthorRows(
            data, prefix="authors", queryset=case.authors.all(), form_kwargs={"case": case}
        )

    def forms(self):
        return [self.authors]

    def changes(self):
        return CaseChanges(authors=rows_of(self.authors))

    @staticmethod
    def fill(case):
        return len(case.authors.all())


class QuizPart(Part):
    slug = "quiz"
    title = "Quiz"
    intro = "Offer the case as an unknown and ask multiple-choice questions about it."

    def build(self, case, data):
        self.form = self.case_form(QuizForm, data)
        self.questions = QuestionFormSet(data, prefix="questions", queryset=case.questions.all())

    def forms(self):
        return [self.form, self.questions]

    def changes(self):
        return self.form.changes().merge(CaseChanges(questions=rows_of(self.questions)))

    @staticmethod
    def fill(case):
        return len(case.questions.all()) or case.in_unknown_mode


PARTS: dict[str, type[Part]] = {
    part.slug: part
    for part in (
        OverviewPart,
        StudiesPart,
        DiscussionPart,
        DiagnosisPart,
        ReferencesPart,
        CommentariesPart,
        RightsPart,
        AuthorsPart,
        QuizPart,
    )
}
