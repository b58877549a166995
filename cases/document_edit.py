"""Writing a case from (part of) its canonical document: what the API's create and update do.

A change is a JSON object with some of the document's keys. Each key given replaces that part
of the case: a text field its text, a list the whole list (items are matched to the stored rows
by position, authors by username, so an unchanged row stays the same row). Each value is
checked here for its type, then by the editor's own form for that field or row, so every rule
the pages enforce holds here too, with its message named by the value's place in the document
(`sections.2.body`, `rights.licence`). The checked values become typed `CaseChanges`, saved by
`services.change_case` as one edit, like a page of the editor.

Studies and their figures carry images, so they are not written here but as sub-resources;
the document's read-only keys (id, status, version, dates, cite, studies) are ignored.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils.translation import ngettext

from . import permissions, services
from .document_keys import (
    CHANGES_OF_KEY,
    FORM_FIELD_PATHS,
    FORM_OF_KEY,
    LIST_KEYS,
    PATIENT_FIELDS,
    READ_ONLY_KEYS,
    RIGHTS_FIELDS,
    ROWS,
    WRITABLE_KEYS,
    DocumentErrors,
    Errors,
    RowKind,
    add_error,
    authors_matched,
    row_items,
    text_value,
)
from .edit_values import CaseChanges
from .forms import DiagnosisForm, OverviewForm, QuizForm, RehabilitationForm, RightsForm
from .frozen import refuse_if_frozen
from .models import (
    Case,
    CaseAuthor,
    ExercisePrescription,
    System,
)
from .row_forms import (
    MAX_ROWS,
    row_value,
)

if TYPE_CHECKING:
    from accounts.models import User

    from .document import Document


class _DocumentChange:
    """One change of a case from document keys: checked, then as typed CaseChanges."""

    def __init__(self, case: Case, changes: Document) -> None:
        if not isinstance(changes, dict):
            raise DocumentErrors({"non_field_errors": ["Expected a JSON object."]})
        self.case = case
        self.given = changes
        self.errors: Errors = {}
        self.changes = CaseChanges()
        for key in changes:
            if key not in WRITABLE_KEYS and key not in READ_ONLY_KEYS:
                add_error(self.errors, key, "Unknown field.")
        self.keys = [key for key in changes if key in WRITABLE_KEYS]
        forms_given = {FORM_OF_KEY[key] for key in self.keys if key in FORM_OF_KEY}
        for form_class in (OverviewForm, DiagnosisForm, RightsForm, QuizForm):
            if form_class in forms_given:
                self._case_form(form_class)
        for key in self.keys:
            if key in LIST_KEYS:
                self._rows(key)
        if "rehabilitation" in changes:
            self._rehabilitation()

    def _value(self, key: str, current: Any) -> Any:
        return self.given.get(key, current)

    # The case's own fields, checked by the editor's form of their part.

    def _case_form(self, form_class: type[forms.ModelForm]) -> None:
        data = getattr(self, f"_{form_class.__name__.removesuffix('Form').lower()}_data")()
        form = form_class(data=data, instance=copy.copy(self.case))
        if not form.is_valid():
            for name, messages in form.errors.items():
                path = "non_field_errors" if name == "__all__" else FORM_FIELD_PATHS.get(name, name)
                for message in messages:
                    add_error(self.errors, path, str(message))
            return
        self.changes = self.changes.merge(form.changes())

    def _texts(self, names: tuple[str, ...]) -> dict[str, str]:
        return {
            name: text_value(self._value(name, getattr(self.case, name)), name, self.errors)
            for name in names
        }

    def _overview_data(self) -> dict[str, Any]:
        case = self.case
        names = ("title", "case_type", "clinical_history", "imaging_findings")
        data: dict[str, Any] = self._texts((*names, "difficulty", "visibility"))
        patient = {
            "age": case.patient_age,
            "age_unit": case.patient_age_unit,
            "sex": case.patient_sex,
        }
        if "patient" in self.given:
            given = self.given["patient"]
            if given is None:
                patient = {"age": None, "age_unit": "", "sex": ""}
            elif not isinstance(given, dict):
                add_error(self.errors, "patient", "Expected an object or null.")
            else:
                for name in set(given) - set(PATIENT_FIELDS) - {"age_display"}:
                    add_error(self.errors, f"patient.{name}", "Unknown field.")
                patient = {name: given.get(name) for name in PATIENT_FIELDS}
        if patient["sex"] == "unknown":
            patient["sex"] = ""
        for name, field in PATIENT_FIELDS.items():
            data[field] = text_value(patient[name], f"patient.{name}", self.errors)
        data["systems"] = [str(pk) for pk in self._system_ids()]
        data["tags"] = ", ".join(self._tag_names())
        return data

    def _system_ids(self) -> list[int]:
        if "systems" not in self.given:
            return [system.pk for system in self.case.systems.all()]
        codes = self.given["systems"]
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            add_error(self.errors, "systems", "Expected a list of system codes.")
            codes = []
        known = dict(System.objects.filter(code__in=codes).values_list("code", "pk"))
        for code in codes:
            if code not in known:
                add_error(self.errors, "systems", f"“{code}” is not a system code.")
        return [known[code] for code in codes if code in known]

    def _tag_names(self) -> list[str]:
        if "tags" not in self.given:
            return [tag.name for tag in self.case.tags.all()]
        tags = self.given["tags"]
        if not isinstance(tags, list):
            add_error(self.errors, "tags", "Expected a list of tags.")
            tags = []
        names = []
        for index, tag in enumerate(tags):
            name = tag.get("name") if isinstance(tag, dict) else tag
            if not isinstance(name, str):
                add_error(self.errors, f"tags.{index}", "Expected a tag name or {name: …}.")
                continue
            if "," in name:
                add_error(self.errors, f"tags.{index}", "A tag cannot contain a comma.")
                continue
            names.append(name)
        return names

    def _diagnosis_data(self) -> dict[str, Any]:
        return self._texts(("final_diagnosis", "diagnostic_certainty", "certainty_basis"))

    def _rights_data(self) -> dict[str, Any]:
        values = {name: getattr(self.case, name) for name in RIGHTS_FIELDS}
        given = self.given.get("rights")
        if "rights" in self.given:
            if not isinstance(given, dict):
                add_error(self.errors, "rights", "Expected an object.")
            else:
                for name in set(given) - set(RIGHTS_FIELDS):
                    add_error(self.errors, f"rights.{name}", "Unknown field.")
                values.update({name: given[name] for name in RIGHTS_FIELDS if name in given})
        return {
            name: text_value(value, f"rights.{name}", self.errors) for name, value in values.items()
        }

    def _quiz_data(self) -> dict[str, Any]:
        unknown_mode = self._value("in_unknown_mode", self.case.in_unknown_mode)
        if not isinstance(unknown_mode, bool):
            add_error(self.errors, "in_unknown_mode", "Expected true or false.")
        return {"in_unknown_mode": unknown_mode is True}

    # The lists, each row checked by the editor's form for such a row.

    def _rows(self, key: str) -> None:
        kind = ROWS[key]
        stored = list(getattr(self.case, kind.related).all())
        items = row_items(key, self.given[key], self.errors)
        if key == "authors":
            matched = authors_matched(stored, items, self.case.created_by_id)
            for item, index in zip(items, matched, strict=True):
                row = stored[index] if index is not None else None
                # The document shows a site user's own name; sent back, it is not an override.
                if row and row.user_id and not row.name and item.get("name") == str(row.user):
                    item["name"] = ""
        else:
            matched = [index if index < len(stored) else None for index in range(len(items))]
        added = sum(1 for index in matched if index is None)
        if len(stored) + added > MAX_ROWS:
            message = ngettext(
                "Please submit at most %(num)d form.",
                "Please submit at most %(num)d forms.",
                MAX_ROWS,
            )
            add_error(self.errors, key, message % {"num": MAX_ROWS})
            return
        checked = []
        for position, (item, index) in enumerate(zip(items, matched, strict=True)):
            form = self._row_form(kind, item, stored[index] if index is not None else None)
            if form is None:
                continue  # a new row left empty, as the editor passes over a blank row
            if not form.is_valid():
                names = {name: doc for doc, name in kind.fields.items()}
                for name, messages in form.errors.items():
                    field = "" if name == "__all__" else "." + names.get(name, name)
                    for message in messages:
                        add_error(self.errors, f"{key}.{position}{field}", str(message))
                continue
            checked.append(form)
        if key == "authors" and not any(f"{key}." in path for path in self.errors):
            self._check_authors_once(checked)
        rows = [row_value(form.instance) for form in checked]
        setattr(self.changes, CHANGES_OF_KEY.get(key, key), rows)

    def _row_form(
        self, kind: RowKind, item: dict[str, Any], row: Model | None
    ) -> forms.ModelForm | None:
        data = {name: item.get(doc) for doc, name in kind.fields.items()}
        extra = {"case": self.case} if kind.model is CaseAuthor else {}
        instance = copy.copy(row) if row is not None else kind.model()
        form = kind.form(
            data=data,
            instance=instance,
            empty_permitted=row is None,
            use_required_attribute=False,
            **extra,
        )
        if row is None and not form.has_changed():
            return None
        return form

    def _check_authors_once(self, checked: list[forms.ModelForm]) -> None:
        seen: set[int] = set()
        for form in checked:
            user = form.cleaned_data.get("person")
            if user is None:
                continue
            if user.pk in seen:
                add_error(self.errors, "authors", f"{user} is listed twice: keep one row.")
                return
            seen.add(user.pk)

    def _rehabilitation(self) -> None:
        given = self.given["rehabilitation"]
        if given is None:
            values = dict.fromkeys(ExercisePrescription.FIELDS, "")
        elif not isinstance(given, dict):
            add_error(self.errors, "rehabilitation", "Expected an object or null.")
            return
        else:
            for name in set(given) - set(ExercisePrescription.FIELDS):
                add_error(self.errors, f"rehabilitation.{name}", "Unknown field.")
            values = {
                name: text_value(given.get(name), f"rehabilitation.{name}", self.errors)
                for name in ExercisePrescription.FIELDS
            }
        form = RehabilitationForm(data=values)
        if not form.is_valid():
            for name, messages in form.errors.items():
                for message in messages:
                    add_error(self.errors, f"rehabilitation.{name}", str(message))
            return
        self.changes.rehabilitation = form.values()

    def validated(self) -> CaseChanges:
        if self.errors:
            raise DocumentErrors(self.errors)
        return self.changes


def _summary(changes: Document) -> str:
    keys = [key for key in changes if key in WRITABLE_KEYS]
    return "Edited " + ", ".join(key.replace("_", " ") for key in keys) if keys else "Edited"


def edit_case_document(case: Case, *, by: User, base_version: int, changes: Document) -> Case:
    """Apply `changes` (keys of the canonical document) to a case edited from `base_version`.

    Raises DocumentErrors (a ValidationError keyed by document paths) when a value is not
    valid, PermissionDenied when `by` may not edit the case now, and StaleEdit when the case
    changed since `base_version`. Nothing is saved unless everything is valid.
    """
    refuse_if_frozen(case)
    if not permissions.can_edit(by, case):
        raise PermissionDenied(
            "This case cannot be edited now: only its authors edit it, while it is a draft "
            "or changes have been requested."
        )
    change = _DocumentChange(case, changes)
    checked = change.validated()
    if not change.keys:
        if case.version != base_version:
            raise services.StaleEdit(case, base_version=base_version)
        return case
    return services.change_case(
        case, by=by, base_version=base_version, changes=checked, summary=_summary(changes)
    )


def create_case_document(*, by: User, document: Document) -> Case:
    """A new draft written by `by` from a canonical document (studies are added separately)."""
    if not isinstance(document, dict):
        raise DocumentErrors({"non_field_errors": ["Expected a JSON object."]})
    title = document.get("title")
    if not isinstance(title, str) or not title.strip():
        raise DocumentErrors({"title": ["A case needs a title."]})
    longest = Case._meta.get_field("title").max_length
    if len(title) > longest:
        # As the editor's form would say; the new row is written before the form sees it.
        raise DocumentErrors({"title": [f"A title has at most {longest} characters."]})
    case_type = document.get("case_type") or Case.CaseType.CLINICAL_CASE
    if case_type not in Case.CaseType.values:
        raise DocumentErrors({"case_type": [f"“{case_type}” is not a case type."]})
    with transaction.atomic():
        case = services.create_case(by=by, title=title, case_type=case_type)
        rest = {key: value for key, value in document.items() if key not in ("title", "case_type")}
        if any(key not in READ_ONLY_KEYS for key in rest):
            case = edit_case_document(case, by=by, base_version=case.version, changes=rest)
    return case
