"""The editor's ordered lists: a form per row (study, figure, section, reference, author…)
and formsets that keep the order the author gave. They check rows; the services save them."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.db.models import Model
from django.forms.formsets import DELETION_FIELD_NAME, ORDERING_FIELD_NAME

from accounts.models import User
from accounts.validators import validate_orcid

from .edit_values import (
    AuthorRow,
    CommentaryRow,
    DifferentialRow,
    FigureText,
    QuestionRow,
    ReferenceRow,
    SectionRow,
    TeachingPointRow,
)
from .models import (
    Case,
    CaseAuthor,
    Commentary,
    DifferentialDiagnosis,
    Figure,
    QuizQuestion,
    Reference,
    Section,
    Study,
    TeachingPoint,
)

MAX_ROWS = 100
ROW_CONTROLS = (ORDERING_FIELD_NAME, DELETION_FIELD_NAME)


class NoColon:
    """Labels without Django's trailing colon: the editor sets labels above their boxes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# Rows of ordered lists --------------------------------------------------------------------------


class RowForm(NoColon, forms.ModelForm):
    """A row of an ordered list. Moving or removing a new row does not make it worth saving."""

    # Fields laid out side by side; the others take the row's whole width.
    short_fields: tuple[str, ...] = ()

    def has_changed(self) -> bool:
        return any(name not in ROW_CONTROLS for name in self.changed_data)


class OrderedFormSet(forms.BaseModelFormSet):
    """A formset over rows already loaded (prefetched) with the case, shown in the author's order.

    Rows are ordered by their ORDER numbers, so a page re-shown after an error keeps the order
    the author gave, new and removed rows included.
    """

    noun = "row"
    plural = "rows"
    add_label = "Add a row"
    empty_text = "Nothing here yet."
    row_template = "cases/editor/_rows.html#row"

    @property
    def noun_plural(self) -> str:
        return self.plural

    @property
    def rows(self) -> list[forms.Form]:
        def position(item: tuple[int, forms.Form]) -> tuple[float, int]:
            index, form = item
            raw = form[ORDERING_FIELD_NAME].value() if ORDERING_FIELD_NAME in form.fields else None
            try:
                return (int(raw), index)
            except (TypeError, ValueError):
                return (math.inf, index)

        return [form for _, form in sorted(enumerate(self.forms), key=position)]

    def rows_to_save(self) -> tuple[list[Model], list[Model]]:
        """(rows to keep in their new order, stored rows to delete). Call once valid."""
        kept, deleted = [], []
        initial = self.initial_form_count()
        for index, form in enumerate(self.forms):
            is_new = index >= initial
            if is_new and not form.has_changed():
                continue
            if form.cleaned_data.get(DELETION_FIELD_NAME):
                if not is_new and form.instance.pk:
                    deleted.append(form.instance)
                continue
            if not is_new and form.instance.pk is None:
                continue  # a row that is no longer stored: nothing to update
            order = form.cleaned_data.get(ORDERING_FIELD_NAME)
            kept.append((math.inf if order is None else order, index, form.instance))
        kept.sort(key=lambda item: (item[0], item[1]))
        return [instance for _, _, instance in kept], deleted

    def live_forms(self) -> list[tuple[int, forms.Form]]:
        """(shown number, form) of the rows not marked for removal, for the error summary."""
        live = []
        for form in self.rows:
            removed = form.is_bound and DELETION_FIELD_NAME in form.fields
            if not (removed and form[DELETION_FIELD_NAME].data):
                live.append(form)
        return list(enumerate(live, start=1))


def ordered_formset(model, form, base=OrderedFormSet, *, extra: int = 1, **attrs):
    formset = forms.modelformset_factory(
        model,
        form=form,
        formset=base,
        extra=extra,
        can_delete=True,
        can_order=True,
        max_num=MAX_ROWS,
        validate_max=True,
        absolute_max=MAX_ROWS,
    )
    return type(f"{model.__name__}FormSet", (formset,), attrs)


class StudyForm(RowForm):
    short_fields = ("modality", "label", "timing")

    class Meta:
        model = Study
        fields = ["modality", "label", "timing", "findings"]
        widgets = {"findings": textarea(4)}
        help_texts = {
            "modality": "The kind of imaging",
            "findings": "Markdown. What this study shows.",
        }


class FigureForm(RowForm):
    short_fields = ("label",)

    class Meta:
        model = Figure
        fields = ["label", "caption", "alt_text"]
        widgets = {"caption": textarea(2), "alt_text": textarea(2)}
        labels = {"alt_text": "Alt text"}
        help_texts = {
            "alt_text": "What the image shows, for people who cannot see it. "
            "Required before publication."
        }


class SectionForm(RowForm):
    short_fields = ("kind", "heading")

    class Meta:
        model = Section
        fields = ["kind", "heading", "body"]
        widgets = {"body": textarea(8)}
        labels = {"body": "Text"}
        help_texts = {"body": "Markdown. Cite references as [1] or (1-3)."}

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("heading") or "").strip() and not (cleaned.get("body") or "").strip():
            raise forms.ValidationError("Write a heading or a text, or remove this section.")
        return cleaned


class DifferentialForm(RowForm):
    class Meta:
        model = DifferentialDiagnosis
        fields = ["diagnosis", "note"]
        widgets = {"note": textarea(2)}
        help_texts = {"note": "Why it is considered, or what tells it apart."}


class TeachingPointForm(RowForm):
    class Meta:
        model = TeachingPoint
        fields = ["text"]
        widgets = {"text": textarea(2)}
        labels = {"text": "Teaching point"}


class ReferenceForm(RowForm):
    short_fields = ("doi", "pmid", "url")

    class Meta:
        model = Reference
        fields = ["citation", "doi", "pmid", "url"]
        widgets = {"citation": textarea(2)}
        labels = {"url": "URL"}
        help_texts = {"doi": "e.g. 10.1148/rg.2019180001", "pmid": "PubMed id, digits only"}

    def clean_doi(self) -> str:
        doi = self.cleaned_data["doi"].strip()
        for prefix in ("https://doi.org/", "http://doi.org/", "doi:"):
            if doi.lower().startswith(prefix):
                doi = doi[len(prefix) :]
        if doi and not doi.startswith("10."):
            raise forms.ValidationError("A DOI starts with “10.”, like 10.1148/rg.2019180001.")
        return doi

    def clean_pmid(self) -> str:
        pmid = self.cleaned_data["pmid"].strip()
        if pmid and not pmid.isdigit():
            raise forms.ValidationError("A PMID is made of digits only.")
        return pmid

    def clean(self):
        cleaned = super().clean()
        if not any((cleaned.get(name) or "").strip() for name in self.Meta.fields):
            raise forms.ValidationError("Give a citation, a DOI, a PMID or a URL.")
        return cleaned


class CommentaryForm(RowForm):
    short_fields = ("provenance", "heading")
    TEXT_FIELDS = ("provenance", "heading", "body", "disclaimer")

    class Meta:
        model = Commentary
        fields = ["provenance", "heading", "body", "disclaimer"]
        widgets = {"body": textarea(8), "disclaimer": textarea(2)}
        help_texts = {
            "provenance": "Machine-generated text is always labelled as such and must be "
            "verified by a radiologist before publication.",
            "body": "Markdown",
        }

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("heading") or "").strip() and not (cleaned.get("body") or "").strip():
            raise forms.ValidationError("Write a heading or a text, or remove this commentary.")
        if self.instance.pk and any(name in self.changed_data for name in self.TEXT_FIELDS):
            # Whoever verified the text verified those words, not the edited ones.
            self.instance.verified_by = None
            self.instance.verified_at = None
        return cleaned


class AuthorForm(RowForm):
    short_fields = ("person", "name", "affiliation", "orcid")

    person = forms.CharField(
        label="Site user",
        required=False,
        max_length=254,
        help_text="Their username or e-mail address on this site.",
    )
    field_order = ["person", "name", "affiliation", "orcid"]

    class Meta:
        model = CaseAuthor
        fields = ["name", "affiliation", "orcid"]
        labels = {"name": "Name (external co-author)"}
        help_texts = {
            "name": "For a co-author without an account here, or to show a site user "
            "under another name.",
            "orcid": "Like 0000-0002-1825-0097",
        }

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.is_creator = bool(
            self.instance.pk
            and self.instance.user_id
            and self.instance.user_id == case.created_by_id
        )
        if self.instance.user_id:
            self.initial.setdefault("person", self.instance.user.username)
        if self.is_creator:
            self.fields["person"].disabled = True
            self.fields["person"].help_text = "The case's creator: always one of its authors."

    def clean_person(self) -> User | None:
        person = self.cleaned_data["person"].strip()
        if not person:
            return None
        user = (
            User.objects.filter(username__iexact=person).first()
            or User.objects.filter(email__iexact=person).order_by("pk").first()
        )
        if user is None or not user.is_active:
            raise forms.ValidationError(
                f"No one on this site has the username or e-mail “{person}”."
            )
        return user

    def clean_orcid(self) -> str:
        orcid = self.cleaned_data["orcid"].strip().upper()
        if orcid.startswith("HTTPS://ORCID.ORG/"):
            orcid = orcid.removeprefix("HTTPS://ORCID.ORG/")
        if orcid:
            validate_orcid(orcid)
        return orcid

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("person")
        if "person" not in self.errors and not user and not (cleaned.get("name") or "").strip():
            raise forms.ValidationError("Give a site user or the name of an external co-author.")
        self.instance.user = user
        return cleaned


class AuthorFormSet(OrderedFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.is_creator:
            form.fields.pop(DELETION_FIELD_NAME, None)

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if form.cleaned_data.get(DELETION_FIELD_NAME):
                if form.is_creator:
                    raise forms.ValidationError("The case's creator cannot be removed.")
                continue
            user = form.cleaned_data.get("person")
            if user is None:
                continue
            if user.pk in seen:
                raise forms.ValidationError(f"{user} is listed twice: keep one row.")
            seen.add(user.pk)


class QuestionForm(RowForm):
    short_fields = ("answer_number",)
    field_order = ["stem", "options_text", "answer_number", "explanation"]

    options_text = forms.CharField(
        label="Options",
        widget=textarea(4),
        help_text="One option per line, at least two.",
    )
    answer_number = forms.IntegerField(
        label="Correct option",
        min_value=1,
        help_text="Its number in the list of options: 1 for the first line.",
    )

    class Meta:
        model = QuizQuestion
        fields = ["stem", "explanation"]
        widgets = {"stem": textarea(2), "explanation": textarea(3)}
        labels = {"stem": "Question"}
        help_texts = {"explanation": "Shown after the answer is given."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("options_text", "\n".join(self.instance.options))
            self.initial.setdefault("answer_number", self.instance.answer + 1)

    def clean(self):
        cleaned = super().clean()
        options = [line.strip() for line in (cleaned.get("options_text") or "").splitlines()]
        options = [line for line in options if line]
        if "options_text" in cleaned and len(options) < 2:
            self.add_error("options_text", "Give at least two options, one per line.")
            return cleaned
        answer = cleaned.get("answer_number")
        if answer is not None and options and answer > len(options):
            self.add_error(
                "answer_number", f"There are {len(options)} options: choose a number up to that."
            )
            return cleaned
        if options and answer:
            self.instance.options = options
            self.instance.answer = answer - 1
        return cleaned


class FigureFormSet(OrderedFormSet):
    """A study's figures. New figures come from uploads, so there is no blank row."""

    noun = "figure"
    plural = "figures"
    row_template = "cases/editor/_rows.html#figure"


StudyFormSet = ordered_formset(
    Study,
    StudyForm,
    noun="study",
    plural="studies",
    add_label="Add a study",
    empty_text="No studies yet.",
    row_template="cases/editor/_rows.html#study",
)
FigureRows = ordered_formset(Figure, FigureForm, FigureFormSet, extra=0)
SectionFormSet = ordered_formset(
    Section,
    SectionForm,
    noun="section",
    plural="sections",
    add_label="Add a section",
    empty_text="No discussion sections yet.",
)
DifferentialFormSet = ordered_formset(
    DifferentialDiagnosis,
    DifferentialForm,
    noun="differential diagnosis",
    plural="differential diagnoses",
    add_label="Add a differential diagnosis",
    empty_text="No differential diagnoses yet.",
)
TeachingPointFormSet = ordered_formset(
    TeachingPoint,
    TeachingPointForm,
    noun="teaching point",
    plural="teaching points",
    add_label="Add a teaching point",
    empty_text="No teaching points yet. Publication needs at least one.",
)
ReferenceFormSet = ordered_formset(
    Reference,
    ReferenceForm,
    noun="reference",
    plural="references",
    add_label="Add a reference",
    empty_text="No references yet.",
)
CommentaryFormSet = ordered_formset(
    Commentary,
    CommentaryForm,
    noun="commentary",
    plural="commentaries",
    add_label="Add a commentary",
    empty_text="No commentaries yet.",
    row_template="cases/editor/_rows.html#commentary",
)
AuthorRows = ordered_formset(
    CaseAuthor,
    AuthorForm,
    AuthorFormSet,
    noun="author",
    plural="authors",
    add_label="Add a co-author",
    empty_text="No authors yet.",
    row_template="cases/editor/_rows.html#author",
)
QuestionFormSet = ordered_formset(
    QuizQuestion,
    QuestionForm,
    noun="question",
    plural="questions",
    add_label="Add a question",
    empty_text="No questions yet.",
)


def row_value(row: Model) -> Any:
    """The typed value of a row its form validated (the form wrote its values on the row)."""
    match row:
        case Section():
            return SectionRow(id=row.pk, kind=row.kind, heading=row.heading, body=row.body)
        case DifferentialDiagnosis():
            return DifferentialRow(id=row.pk, diagnosis=row.diagnosis, note=row.note)
        case TeachingPoint():
            return TeachingPointRow(id=row.pk, text=row.text)
        case Reference():
            return ReferenceRow(
                id=row.pk, citation=row.citation, doi=row.doi, pmid=row.pmid, url=row.url
            )
        case Commentary():
            return CommentaryRow(
                id=row.pk,
                provenance=row.provenance,
                heading=row.heading,
                body=row.body,
                disclaimer=row.disclaimer,
            )
        case CaseAuthor():
            return AuthorRow(
                id=row.pk,
                user=row.user,
                name=row.name,
                affiliation=row.affiliation,
                orcid=row.orcid,
            )
        case QuizQuestion():
            return QuestionRow(
                id=row.pk,
                stem=row.stem,
                options=list(row.options),
                answer=row.answer,
                explanation=row.explanation,
            )
        case Figure():
            return FigureText(
                id=row.pk, label=row.label, caption=row.caption, alt_text=row.alt_text
            )
    raise TypeError(f"No typed value for a {type(row).__name__} row.")
