"""The case editor's forms over the case's own fields (its rows are in `row_forms.py`): they
check what an author typed, nothing more.

Once valid, their values become typed `CaseChanges` (`edit_values.py`) saved by the services in
`editing.py`. Nothing calls `save()` on a Case form: that instance was read before the lock and
would write back stale columns (status, version) along with the edited ones.
"""

from __future__ import annotations

from django import forms

from .edit_values import CaseChanges
from .models import Case, ExercisePrescription, Licence, System
from .row_forms import NoColon, textarea

MAX_TAGS = 30


class CaseCreateForm(NoColon, forms.Form):
    title = forms.CharField(
        max_length=300,
        help_text="Usually the diagnosis, e.g. “Calcific tendinitis of the gluteus maximus”.",
    )
    case_type = forms.ChoiceField(
        choices=Case.CaseType.choices,
        initial=Case.CaseType.CLINICAL_CASE,
        widget=forms.RadioSelect,
        label="Type",
        help_text="A topic review discusses a subject and has no patient.",
    )


# Forms over the case's own fields ----------------------------------------------------------------


class CaseFieldsForm(NoColon, forms.ModelForm):
    """Case fields edited on one part. Saved by the services, never from here."""

    many_to_many: tuple[str, ...] = ()

    def changes(self) -> CaseChanges:
        names = [name for name in self.Meta.fields if name not in self.many_to_many]
        return CaseChanges(fields={name: self.cleaned_data[name] for name in names})


class OverviewForm(CaseFieldsForm):
    many_to_many = ("systems", "tags")
    systems = forms.ModelMultipleChoiceField(
        queryset=System.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Every body system the case concerns.",
    )
    tags = forms.CharField(
        required=False,
        max_length=2000,
        help_text="Separated by commas, e.g. “osteoid osteoma, hip pain”.",
    )

    class Meta:
        model = Case
        fields = [
            "title",
            "case_type",
            "patient_age",
            "patient_age_unit",
            "patient_sex",
            "clinical_history",
            "imaging_findings",
            "difficulty",
            "visibility",
            "systems",
            "tags",
        ]
        labels = {
            "case_type": "Type",
            "patient_age": "Age",
            "patient_age_unit": "Age unit",
            "patient_sex": "Sex",
        }
        widgets = {
            "clinical_history": textarea(6),
            "imaging_findings": textarea(6),
            "patient_age": forms.NumberInput(attrs={"min": 0, "max": 150}),
        }
        help_texts = {
            "patient_age": "",  # the group's note says it
            "clinical_history": "Markdown. The presentation, as the radiologist received it.",
            "imaging_findings": "Markdown. An overview; each study has its own findings.",
            "visibility": "Who may read the case once it is published.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = ", ".join(tag.name for tag in self.instance.tags.all())

    def clean_patient_age(self) -> int | None:
        age = self.cleaned_data["patient_age"]
        if age is not None and age > 150:
            raise forms.ValidationError("Enter an age of 150 or less.")
        return age

    def clean_tags(self) -> list[str]:
        names: dict[str, str] = {}
        for raw in self.cleaned_data["tags"].split(","):
            name = " ".join(raw.split())
            if not name:
                continue
            if len(name) > 120:
                raise forms.ValidationError(f"“{name[:40]}…” is too long for a tag (120 at most).")
            names.setdefault(name.casefold(), name)
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(f"Use {MAX_TAGS} tags at most.")
        return list(names.values())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("patient_age") is not None and not cleaned.get("patient_age_unit"):
            cleaned["patient_age_unit"] = Case.AgeUnit.YEARS
        return cleaned

    def changes(self) -> CaseChanges:
        changes = super().changes()
        changes.systems = list(self.cleaned_data["systems"])
        changes.tags = self.cleaned_data["tags"]
        return changes


class DiagnosisForm(CaseFieldsForm):
    class Meta:
        model = Case
        fields = ["final_diagnosis", "diagnostic_certainty", "certainty_basis"]
        help_texts = {"certainty_basis": "How it was established: histology, follow-up, …"}


class RightsForm(CaseFieldsForm):
    licence = forms.TypedChoiceField(
        choices=[("", "Not chosen yet")]
        + [(value, f"{value} — {label}") for value, label in Licence.choices],
        required=False,
        empty_value=None,
        help_text="The open licence readers may reuse the case under. Publication needs one.",
    )

    class Meta:
        model = Case
        fields = [
            "licence",
            "copyright_holder",
            "attribution",
            "source",
            "consent",
            "consent_statement",
        ]
        widgets = {"consent_statement": textarea(3)}
        labels = {"consent": "Patient consent"}
        help_texts = {
            "consent": "Publication needs it recorded (anything but “Unknown”).",
            "attribution": "How reusers should credit the case.",
        }


class QuizForm(CaseFieldsForm):
    class Meta:
        model = Case
        fields = ["in_unknown_mode"]
        labels = {"in_unknown_mode": "Offer this case as an unknown"}
        help_texts = {
            "in_unknown_mode": "Trainees then see the history and images first and commit to "
            "a diagnosis before the answer is shown."
        }


class RehabilitationForm(NoColon, forms.ModelForm):
    class Meta:
        model = ExercisePrescription
        fields = list(ExercisePrescription.FIELDS)
        widgets = {name: textarea(2) for name in ExercisePrescription.FIELDS}

    def values(self) -> dict[str, str]:
        """The prescription's fields; all empty removes the plan."""
        return {name: self.cleaned_data[name] for name in ExercisePrescription.FIELDS}
