"""Writing a case from (part of) its canonical document: what the API's create and update do.

A change is a JSON object with some of the document's keys. Each key given replaces that part
of the case: a text field its text, a list the whole list (items are matched to the stored rows
by position, authors by username, so an unchanged row stays the same row). The keys are
translated into the case editor's form data and validated by the editor's own forms and
formsets (`editor_parts.PARTS`), so every rule the pages enforce holds here too, and the
change is saved through `services.edit_case` like any other edit.

Studies and their figures carry images, so they are not written here but as sub-resources;
the document's read-only keys (id, status, version, dates, cite, studies) are ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.formsets import DELETION_FIELD_NAME, ORDERING_FIELD_NAME
from django.http import QueryDict

from . import permissions, services
from .edit_values import CaseChanges
from .editor_parts import PARTS, Part
from .models import Case, ExercisePrescription, System

if TYPE_CHECKING:
    from accounts.models import User

    from .document import Document

# Which editor part writes each key of the document.
PART_OF_KEY = {
    "title": "overview",
    "case_type": "overview",
    "patient": "overview",
    "clinical_history": "overview",
    "imaging_findings": "overview",
    "difficulty": "overview",
    "visibility": "overview",
    "systems": "overview",
    "tags": "overview",
    "sections": "discussion",
    "differential_diagnoses": "diagnosis",
    "final_diagnosis": "diagnosis",
    "diagnostic_certainty": "diagnosis",
    "certainty_basis": "diagnosis",
    "teaching_points": "diagnosis",
    "references": "references",
    "commentaries": "commentaries",
    "rehabilitation": "commentaries",
    "rights": "rights",
    "authors": "authors",
    "in_unknown_mode": "quiz",
    "questions": "quiz",
}
READ_ONLY_KEYS = frozenset(
    {"id", "status", "version", "created_at", "updated_at", "published_at", "cite", "studies"}
)
WRITABLE_KEYS = frozenset(PART_OF_KEY)
# Keys of list items that the document shows but a write does not set.
READ_ONLY_ROW_KEYS = frozenset({"number", "verified_by", "verified_at", "rehabilitation"})

RIGHTS_FIELDS = ("licence", "copyright_holder", "attribution", "source", "consent")
RIGHTS_FIELDS += ("consent_statement",)
PATIENT_FIELDS = {"age": "patient_age", "age_unit": "patient_age_unit", "sex": "patient_sex"}

# Row fields as the document names them -> as the editor's row forms name them.
ROW_FIELDS: dict[str, dict[str, str]] = {
    "sections": {"kind": "kind", "heading": "heading", "body": "body"},
    "differentials": {"diagnosis": "diagnosis", "note": "note"},
    "teaching_points": {"text": "text"},
    "references": {"citation": "citation", "doi": "doi", "pmid": "pmid", "url": "url"},
    "commentaries": {
        "provenance": "provenance",
        "heading": "heading",
        "body": "body",
        "disclaimer": "disclaimer",
    },
    "authors": {
        "username": "person",
        "name": "name",
        "affiliation": "affiliation",
        "orcid": "orcid",
    },
    "questions": {
        "stem": "stem",
        "options": "options_text",
        "answer": "answer_number",
        "explanation": "explanation",
    },
}
# Values a new row gets when the item leaves them out (the models' defaults).
ROW_DEFAULTS = {
    "sections": {"kind": "discussion"},
    "commentaries": {"provenance": "author"},
}
# Formset prefix -> document key.
KEY_OF_PREFIX = {
    "sections": "sections",
    "differentials": "differential_diagnoses",
    "teaching_points": "teaching_points",
    "references": "references",
    "commentaries": "commentaries",
    "authors": "authors",
    "questions": "questions",
}
PREFIX_OF_KEY = {key: prefix for prefix, key in KEY_OF_PREFIX.items()}
FORM_FIELD_PATHS = {
    "patient_age": "patient.age",
    "patient_age_unit": "patient.age_unit",
    "patient_sex": "patient.sex",
    **{name: f"rights.{name}" for name in RIGHTS_FIELDS},
}


class DocumentErrors(ValidationError):
    """Errors keyed by the document's paths (`sections.2.body`, `rights.licence`)."""


def _add(errors: dict[str, list[str]], path: str, message: str) -> None:
    errors.setdefault(path, []).append(message)


def _text(value: Any, path: str, errors: dict[str, list[str]]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        _add(errors, path, "Expected text.")
        return ""
    return str(value)


class _FormData:
    """Builds the POST data the editor's forms expect."""

    def __init__(self) -> None:
        self.data = QueryDict(mutable=True)

    def set(self, name: str, value: Any) -> None:
        if value is None or value is False:
            return
        self.data[name] = "on" if value is True else str(value)

    def rows(self, prefix: str, stored: list, items: list[dict], matched: list[int | None]) -> None:
        """A formset's rows: stored rows matched to items keep their id; the others are
        removed; items matched to no stored row are added. `matched[i]` is the index of the
        stored row item i updates, or None."""
        fields = ROW_FIELDS[prefix]
        updated = {index for index in matched if index is not None}
        new_items = [i for i, index in enumerate(matched) if index is None]
        self.data[f"{prefix}-TOTAL_FORMS"] = str(len(stored) + len(new_items))
        self.data[f"{prefix}-INITIAL_FORMS"] = str(len(stored))
        self.data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        self.data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        order_of = {index: position for position, index in enumerate(matched) if index is not None}
        for form_index, row in enumerate(stored):
            self.data[f"{prefix}-{form_index}-id"] = str(row.pk)
            if form_index not in updated:
                self.data[f"{prefix}-{form_index}-{DELETION_FIELD_NAME}"] = "on"
                continue
            item_index = matched.index(form_index)
            self.data[f"{prefix}-{form_index}-{ORDERING_FIELD_NAME}"] = str(
                order_of[form_index] + 1
            )
            for key, name in fields.items():
                self.set(f"{prefix}-{form_index}-{name}", items[item_index].get(key))
        for offset, item_index in enumerate(new_items):
            form_index = len(stored) + offset
            self.data[f"{prefix}-{form_index}-{ORDERING_FIELD_NAME}"] = str(item_index + 1)
            for key, name in fields.items():
                self.set(f"{prefix}-{form_index}-{name}", items[item_index].get(key))


def _row_items(key: str, value: Any, errors: dict[str, list[str]]) -> list[dict]:
    """The items of a list key as dicts of form values, checking their types."""
    if value is None:
        return []
    if not isinstance(value, list):
        _add(errors, key, "Expected a list.")
        return []
    fields = ROW_FIELDS[PREFIX_OF_KEY[key]]
    items = []
    for index, item in enumerate(value):
        path = f"{key}.{index}"
        if key == "teaching_points" and not isinstance(item, dict):
            item = {"text": item}
        if not isinstance(item, dict):
            _add(errors, path, "Expected an object.")
            items.append({})
            continue
        unknown = set(item) - set(fields) - READ_ONLY_ROW_KEYS
        for name in sorted(unknown):
            _add(errors, f"{path}.{name}", "Unknown field.")
        row: dict[str, Any] = {}
        defaults = ROW_DEFAULTS.get(PREFIX_OF_KEY[key], {})
        for name in fields:
            raw = item.get(name, defaults.get(name))
            if key == "questions" and name == "options":
                if not isinstance(raw, list) or not all(isinstance(o, str) for o in raw):
                    _add(errors, f"{path}.options", "Expected a list of option texts.")
                    raw = []
                row[name] = "\n".join(option.replace("\n", " ") for option in raw)
            elif key == "questions" and name == "answer":
                if isinstance(raw, bool) or not isinstance(raw, int):
                    _add(errors, f"{path}.answer", "Expected the index of the correct option.")
                    raw = None
                row[name] = None if raw is None else raw + 1
            else:
                row[name] = _text(raw, f"{path}.{name}", errors)
        items.append(row)
    return items


def _by_position(stored: list, items: list[dict]) -> list[int | None]:
    return [index if index < len(stored) else None for index in range(len(items))]


def _authors_matched(stored: list, items: list[dict], creator_id: int | None) -> list[int | None]:
    """Site users keep their row; external co-authors are matched in order."""
    by_username = {
        row.user.username.casefold(): index for index, row in enumerate(stored) if row.user_id
    }
    externals = [index for index, row in enumerate(stored) if not row.user_id]
    matched: list[int | None] = []
    taken: set[int] = set()
    for item in items:
        index = by_username.get((item.get("username") or "").casefold())
        if index is None and not item.get("username") and externals:
            index = externals.pop(0)
        if index in taken:
            index = None
        if index is not None:
            taken.add(index)
        matched.append(index)
    # The creator always stays an author, first unless placed elsewhere.
    creator = next(
        (i for i, row in enumerate(stored) if row.user_id and row.user_id == creator_id), None
    )
    if creator is not None and creator not in taken:
        items.insert(0, {"username": stored[creator].user.username})
        matched.insert(0, creator)
    return matched


class _Change:
    """One change of a case, from document keys to the editor parts that write them."""

    def __init__(self, case: Case, changes: Document) -> None:
        self.case = case
        self.changes = changes
        self.errors: dict[str, list[str]] = {}
        self.matches: dict[str, list[int | None]] = {}
        if not isinstance(changes, dict):
            raise DocumentErrors({"non_field_errors": ["Expected a JSON object."]})
        for key in changes:
            if key not in WRITABLE_KEYS and key not in READ_ONLY_KEYS:
                _add(self.errors, key, "Unknown field.")
        self.slugs = sorted({PART_OF_KEY[key] for key in changes if key in WRITABLE_KEYS})
        self.parts: list[Part] = []
        for slug in self.slugs:
            data = getattr(self, f"_{slug}")()
            self.parts.append(PARTS[slug](case, data.data))

    # One builder per part, each filling every field of its forms.

    def _given(self, key: str, current: Any) -> Any:
        return self.changes.get(key, current)

    def _overview(self) -> _FormData:
        case, data = self.case, _FormData()
        for name in ("title", "case_type", "clinical_history", "imaging_findings"):
            data.set(name, _text(self._given(name, getattr(case, name)), name, self.errors))
        for name in ("difficulty", "visibility"):
            data.set(name, _text(self._given(name, getattr(case, name)), name, self.errors))
        patient = {
            "age": case.patient_age,
            "age_unit": case.patient_age_unit,
            "sex": case.patient_sex,
        }
        if "patient" in self.changes:
            given = self.changes["patient"]
            if given is None:
                patient = {"age": None, "age_unit": "", "sex": ""}
            elif not isinstance(given, dict):
                _add(self.errors, "patient", "Expected an object or null.")
            else:
                for name in set(given) - set(PATIENT_FIELDS) - {"age_display"}:
                    _add(self.errors, f"patient.{name}", "Unknown field.")
                patient = {name: given.get(name) for name in PATIENT_FIELDS}
        if patient["sex"] == "unknown":
            patient["sex"] = ""
        for name, field in PATIENT_FIELDS.items():
            data.set(field, _text(patient[name], f"patient.{name}", self.errors))
        if "systems" in self.changes:
            codes = self.changes["systems"]
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                _add(self.errors, "systems", "Expected a list of system codes.")
                codes = []
            known = dict(System.objects.filter(code__in=codes).values_list("code", "pk"))
            for code in codes:
                if code not in known:
                    _add(self.errors, "systems", f"“{code}” is not a system code.")
            system_ids = [known[code] for code in codes if code in known]
        else:
            system_ids = [system.pk for system in case.systems.all()]
        data.data.setlist("systems", [str(pk) for pk in system_ids])
        if "tags" in self.changes:
            tags = self.changes["tags"]
            names = []
            if not isinstance(tags, list):
                _add(self.errors, "tags", "Expected a list of tags.")
                tags = []
            for index, tag in enumerate(tags):
                name = tag.get("name") if isinstance(tag, dict) else tag
                if not isinstance(name, str):
                    _add(self.errors, f"tags.{index}", "Expected a tag name or {name: …}.")
                    continue
                if "," in name:
                    _add(self.errors, f"tags.{index}", "A tag cannot contain a comma.")
                    continue
                names.append(name)
        else:
            names = [tag.name for tag in case.tags.all()]
        data.set("tags", ", ".join(names))
        return data

    def _rows(self, data: _FormData, key: str, related: str) -> None:
        """A list of the document: the given one, or the stored rows unchanged."""
        stored = list(getattr(self.case, related).all())
        if key in self.changes:
            items = _row_items(key, self.changes[key], self.errors)
        else:
            items = self._stored_rows(key, stored)
        if key == "authors":
            matched = _authors_matched(stored, items, self.case.created_by_id)
            for item, index in zip(items, matched, strict=True):
                row = stored[index] if index is not None else None
                # The document shows a site user's own name; sent back, it is not an override.
                if row and row.user_id and not row.name and item.get("name") == str(row.user):
                    item["name"] = ""
        else:
            matched = _by_position(stored, items)
        self.matches[key] = matched
        data.rows(PREFIX_OF_KEY[key], stored, items, matched)

    @staticmethod
    def _stored_rows(key: str, stored: list) -> list[dict]:
        """Stored rows as the values their forms show."""
        fields = ROW_FIELDS[PREFIX_OF_KEY[key]]
        rows = []
        for row in stored:
            if key == "questions":
                rows.append(
                    {
                        "stem": row.stem,
                        "options": "\n".join(row.options),
                        "answer": row.answer + 1,
                        "explanation": row.explanation,
                    }
                )
            elif key == "authors":
                rows.append(
                    {
                        "username": row.user.username if row.user_id else "",
                        "name": row.name,
                        "affiliation": row.affiliation,
                        "orcid": row.orcid,
                    }
                )
            else:
                rows.append({name: getattr(row, name) for name in fields})
        return rows

    def _discussion(self) -> _FormData:
        data = _FormData()
        self._rows(data, "sections", "sections")
        return data

    def _diagnosis(self) -> _FormData:
        case, data = self.case, _FormData()
        for name in ("final_diagnosis", "diagnostic_certainty", "certainty_basis"):
            data.set(name, _text(self._given(name, getattr(case, name)), name, self.errors))
        self._rows(data, "differential_diagnoses", "differential_diagnoses")
        self._rows(data, "teaching_points", "teaching_points")
        return data

    def _references(self) -> _FormData:
        data = _FormData()
        self._rows(data, "references", "references")
        return data

    def _commentaries(self) -> _FormData:
        data = _FormData()
        self._rows(data, "commentaries", "commentaries")
        stored = self.case.rehabilitation
        values = {
            name: getattr(stored, name) if stored else "" for name in ExercisePrescription.FIELDS
        }
        if "rehabilitation" in self.changes:
            given = self.changes["rehabilitation"]
            if given is None:
                values = dict.fromkeys(ExercisePrescription.FIELDS, "")
            elif not isinstance(given, dict):
                _add(self.errors, "rehabilitation", "Expected an object or null.")
            else:
                for name in set(given) - set(ExercisePrescription.FIELDS):
                    _add(self.errors, f"rehabilitation.{name}", "Unknown field.")
                values = {
                    name: _text(given.get(name), f"rehabilitation.{name}", self.errors)
                    for name in ExercisePrescription.FIELDS
                }
        for name, value in values.items():
            data.set(f"rehabilitation-{name}", value)
        return data

    def _rights(self) -> _FormData:
        case, data = self.case, _FormData()
        values = {name: getattr(case, name) for name in RIGHTS_FIELDS}
        if "rights" in self.changes:
            given = self.changes["rights"]
            if not isinstance(given, dict):
                _add(self.errors, "rights", "Expected an object.")
            else:
                for name in set(given) - set(RIGHTS_FIELDS):
                    _add(self.errors, f"rights.{name}", "Unknown field.")
                values.update({name: given[name] for name in RIGHTS_FIELDS if name in given})
        for name, value in values.items():
            data.set(name, _text(value, f"rights.{name}", self.errors))
        return data

    def _authors(self) -> _FormData:
        data = _FormData()
        self._rows(data, "authors", "authors")
        return data

    def _quiz(self) -> _FormData:
        data = _FormData()
        unknown_mode = self._given("in_unknown_mode", self.case.in_unknown_mode)
        if not isinstance(unknown_mode, bool):
            _add(self.errors, "in_unknown_mode", "Expected true or false.")
        data.set("in_unknown_mode", unknown_mode is True)
        self._rows(data, "questions", "questions")
        return data

    # Validation, with the forms' errors named by the document's paths.

    def validate(self) -> None:
        for part in self.parts:
            if part.is_valid():
                continue
            for form in part.forms():
                if isinstance(form, forms.BaseFormSet):
                    self._formset_errors(form)
                else:
                    self._form_errors(form)
        if self.errors:
            raise DocumentErrors(self.errors)

    def _form_errors(self, form: forms.Form) -> None:
        for name, messages in form.errors.items():
            if name == "__all__":
                path = "non_field_errors"
            elif form.prefix == "rehabilitation":
                path = f"rehabilitation.{name}"
            else:
                path = FORM_FIELD_PATHS.get(name, name)
            for message in messages:
                _add(self.errors, path, str(message))

    def _formset_errors(self, formset: forms.BaseFormSet) -> None:
        key = KEY_OF_PREFIX.get(formset.prefix, formset.prefix)
        for message in formset.non_form_errors():
            _add(self.errors, key, str(message))
        matched = self.matches.get(key, [])
        stored = formset.initial_form_count()
        new_items = [i for i, index in enumerate(matched) if index is None]
        fields = {name: doc for doc, name in ROW_FIELDS[formset.prefix].items()}
        for form_index, form in enumerate(formset.forms):
            if formset._should_delete_form(form) or not form.errors:
                continue
            if form_index < stored:
                item = matched.index(form_index) if form_index in matched else form_index
            else:
                offset = form_index - stored
                item = new_items[offset] if offset < len(new_items) else form_index
            for name, messages in form.errors.items():
                field = "" if name == "__all__" else "." + fields.get(name, name)
                for message in messages:
                    _add(self.errors, f"{key}.{item}{field}", str(message))

    def case_changes(self) -> CaseChanges:
        changes = CaseChanges()
        for part in self.parts:
            changes = changes.merge(part.changes())
        return changes


def _summary(changes: Document) -> str:
    keys = [key for key in changes if key in WRITABLE_KEYS]
    return "Edited " + ", ".join(key.replace("_", " ") for key in keys) if keys else "Edited"


def edit_case_document(case: Case, *, by: User, base_version: int, changes: Document) -> Case:
    """Apply `changes` (keys of the canonical document) to a case edited from `base_version`.

    Raises DocumentErrors (a ValidationError keyed by document paths) when a value is not
    valid, PermissionDenied when `by` may not edit the case now, and StaleEdit when the case
    changed since `base_version`. Nothing is saved unless everything is valid.
    """
    if not permissions.can_edit(by, case):
        raise PermissionDenied(
            "This case cannot be edited now: only its authors edit it, while it is a draft "
            "or changes have been requested."
        )
    change = _Change(case, changes)
    change.validate()
    if not change.parts:
        if case.version != base_version:
            raise services.StaleEdit(case, base_version=base_version)
        return case
    return services.change_case(
        case,
        by=by,
        base_version=base_version,
        changes=change.case_changes(),
        summary=_summary(changes),
    )


def create_case_document(*, by: User, document: Document) -> Case:
    """A new draft written by `by` from a canonical document (studies are added separately)."""
    if not isinstance(document, dict):
        raise DocumentErrors({"non_field_errors": ["Expected a JSON object."]})
    title = document.get("title")
    if not isinstance(title, str) or not title.strip():
        raise DocumentErrors({"title": ["A case needs a title."]})
    case_type = document.get("case_type") or Case.CaseType.CLINICAL_CASE
    if case_type not in Case.CaseType.values:
        raise DocumentErrors({"case_type": [f"“{case_type}” is not a case type."]})
    with transaction.atomic():
        case = services.create_case(by=by, title=title, case_type=case_type)
        rest = {key: value for key, value in document.items() if key not in ("title", "case_type")}
        if any(key not in READ_ONLY_KEYS for key in rest):
            case = edit_case_document(case, by=by, base_version=case.version, changes=rest)
    return case
