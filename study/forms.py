"""The unknown's answer form and the self-assessment form."""

from __future__ import annotations

from django import forms

from .models import Attempt
from .services import MAX_ANSWER_CHARS

SKIPPED = ""


class AnswerForm(forms.Form):
    """The trainee's diagnosis, one choice per question (or none: skipped), and the signed
    start time of the unknown."""

    answer = forms.CharField(
        label="Your diagnosis",
        max_length=MAX_ANSWER_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In your own words, as you would put it in a report.",
        error_messages={"required": "Write your diagnosis before you see the findings."},
    )
    # Rendered by hand in the template: the signed start time and the walk's filters.
    start_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def __init__(self, *args, questions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for index, question in enumerate(self.questions):
            self.fields[self.question_field(index)] = forms.TypedChoiceField(
                label=question.stem,
                choices=[(str(number), option) for number, option in enumerate(question.options)],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": "That is not one of this question's options. Choose "
                    "one, or leave the question blank to skip it."
                },
            )

    @staticmethod
    def question_field(index: int) -> str:
        return f"question_{index}"

    def question_fields(self) -> list[forms.BoundField]:
        return [self[self.question_field(index)] for index in range(len(self.questions))]

    def question_answers(self) -> list[int | None]:
        return [
            self.cleaned_data.get(self.question_field(index))
            for index in range(len(self.questions))
        ]


class AssessForm(forms.Form):
    self_assessment = forms.ChoiceField(
        label="How did you do?",
        choices=Attempt.SelfAssessment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose correct, partly or missed."},
    )
