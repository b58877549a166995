"""Whether a JSON value read from outside the site has the shape of a canonical case document.

`cases.services.create_case_from_document` trusts its input (the importer builds it); a bundle
is written elsewhere, possibly by hand, so each key it uses is checked here first: its type,
and for the keys with a fixed vocabulary, that the value belongs to it. The first problem found
is reported with the dotted path of the key, e.g. `studies.1.figures.0.caption`.
"""

from __future__ import annotations

from typing import Any

from cases.models import (
    Case,
    Commentary,
    ExercisePrescription,
    Licence,
    Modality,
    Section,
    Tag,
)


class DocumentShapeError(ValueError):
    """The value is not a canonical case document; the message says where and why."""


def _fail(path: str, message: str) -> None:
    raise DocumentShapeError(f"{path}: {message}" if path else message)


def _object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        _fail(path, "expected a JSON object.")
    return value


def _list(value: Any, path: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        _fail(path, "expected a list.")
    return value


def _text(parent: dict, key: str, path: str, *, required: bool = False) -> None:
    value = parent.get(key)
    where = f"{path}.{key}" if path else key
    if value is None:
        if required:
            _fail(where, "is required.")
        return
    if not isinstance(value, str):
        _fail(where, "expected text.")
    if required and not value.strip():
        _fail(where, "must not be empty.")


def _choice(parent: dict, key: str, path: str, choices: list[str]) -> None:
    value = parent.get(key)
    if value in (None, ""):
        return
    if value not in choices:
        where = f"{path}.{key}" if path else key
        _fail(where, f"“{value}” is not one of {', '.join(choices)}.")


def _prescription(value: Any, path: str) -> None:
    if value is None:
        return
    value = _object(value, path)
    for name in ExercisePrescription.FIELDS:
        _text(value, name, path)


def check_document(document: Any) -> dict:
    """The document itself when its shape is right; DocumentShapeError otherwise."""
    document = _object(document, "")
    _text(document, "title", "", required=True)
    _choice(document, "case_type", "", Case.CaseType.values)
    for key in ("clinical_history", "imaging_findings", "final_diagnosis", "certainty_basis"):
        _text(document, key, "")
    _choice(document, "diagnostic_certainty", "", Case.Certainty.values)
    _choice(document, "difficulty", "", Case.Difficulty.values)
    _choice(document, "visibility", "", Case.Visibility.values)
    if document.get("in_unknown_mode") not in (None, True, False):
        _fail("in_unknown_mode", "expected true or false.")

    if document.get("patient") is not None:
        patient = _object(document["patient"], "patient")
        age = patient.get("age")
        if age is not None and (isinstance(age, bool) or not isinstance(age, int) or age < 0):
            _fail("patient.age", "expected a whole number of at least 0.")
        _choice(patient, "age_unit", "patient", Case.AgeUnit.values)
        _choice(patient, "sex", "patient", Case.Sex.values)

    for s, study in enumerate(_list(document.get("studies"), "studies")):
        path = f"studies.{s}"
        study = _object(study, path)
        _choice(study, "modality", path, Modality.values)
        for key in ("label", "timing", "findings"):
            _text(study, key, path)
        for f, figure in enumerate(_list(study.get("figures"), f"{path}.figures")):
            figure_path = f"{path}.figures.{f}"
            figure = _object(figure, figure_path)
            for key in ("label", "caption", "alt_text", "image"):
                _text(figure, key, figure_path)
            _list(figure.get("annotations"), f"{figure_path}.annotations")

    for i, item in enumerate(_list(document.get("sections"), "sections")):
        item = _object(item, f"sections.{i}")
        _choice(item, "kind", f"sections.{i}", Section.Kind.values)
        _text(item, "heading", f"sections.{i}")
        _text(item, "body", f"sections.{i}")
    differentials = _list(document.get("differential_diagnoses"), "differential_diagnoses")
    for i, item in enumerate(differentials):
        path = f"differential_diagnoses.{i}"
        item = _object(item, path)
        _text(item, "diagnosis", path, required=True)
        _text(item, "note", path)
    for i, point in enumerate(_list(document.get("teaching_points"), "teaching_points")):
        if not isinstance(point, str):
            _fail(f"teaching_points.{i}", "expected text.")
    _prescription(document.get("rehabilitation"), "rehabilitation")
    for i, item in enumerate(_list(document.get("commentaries"), "commentaries")):
        path = f"commentaries.{i}"
        item = _object(item, path)
        _choice(item, "provenance", path, Commentary.Provenance.values)
        for key in ("heading", "body", "disclaimer"):
            _text(item, key, path)
        _prescription(item.get("rehabilitation"), f"{path}.rehabilitation")
    for i, item in enumerate(_list(document.get("references"), "references")):
        path = f"references.{i}"
        item = _object(item, path)
        number = item.get("number")
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            _fail(f"{path}.number", "expected a whole number.")
        for key in ("citation", "doi", "pmid", "url"):
            _text(item, key, path)
    for i, item in enumerate(_list(document.get("tags"), "tags")):
        path = f"tags.{i}"
        item = _object(item, path)
        _text(item, "name", path, required=True)
        _choice(item, "scheme", path, Tag.Scheme.values)
        _text(item, "code", path)
    for i, code in enumerate(_list(document.get("systems"), "systems")):
        if not isinstance(code, str):
            _fail(f"systems.{i}", "expected a body system code.")
    if document.get("rights") is not None:
        rights = _object(document["rights"], "rights")
        _choice(rights, "licence", "rights", Licence.values)
        _choice(rights, "consent", "rights", Case.Consent.values)
        for key in ("copyright_holder", "attribution", "source", "consent_statement"):
            _text(rights, key, "rights")
    for i, item in enumerate(_list(document.get("authors"), "authors")):
        path = f"authors.{i}"
        item = _object(item, path)
        for key in ("username", "name", "affiliation", "orcid"):
            _text(item, key, path)
    for i, item in enumerate(_list(document.get("questions"), "questions")):
        path = f"questions.{i}"
        item = _object(item, path)
        _text(item, "stem", path, required=True)
        options = _list(item.get("options"), f"{path}.options")
        if len(options) < 2 or not all(isinstance(option, str) for option in options):
            _fail(f"{path}.options", "expected at least two options, as text.")
        answer = item.get("answer", 0)
        if isinstance(answer, bool) or not isinstance(answer, int):
            _fail(f"{path}.answer", "expected the index of the correct option.")
        if not 0 <= answer < len(options):
            _fail(f"{path}.answer", "is not the index of one of the options.")
        _text(item, "explanation", path)
    return document
