"""How each field of a case document is read in a diff: its label, whether it is text, a
value or a list, and how a value or a list item is shown (see `diff.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices

from .models import Case, Commentary, Modality, Section, Tag

NOT_SET = "(not set)"


def _humanize(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _labels(choices: type[TextChoices]) -> dict[str, str]:
    # A diff names a value briefly: "Private", not the form's "Private (authors and editors)".
    return {value: str(label).split(" (")[0] for value, label in choices.choices}


CHOICES: dict[str, dict[str, str]] = {
    "case_type": _labels(Case.CaseType),
    "sex": _labels(Case.Sex),
    "certainty": _labels(Case.Certainty),
    "difficulty": _labels(Case.Difficulty),
    "visibility": _labels(Case.Visibility),
    "consent": _labels(Case.Consent),
    "modality": _labels(Modality),
    "provenance": _labels(Commentary.Provenance),
    # Body systems are rows, not choices: the one name that reads badly humanised.
    "system": {"head_neck": "Head and neck"},
    "scheme": _labels(Tag.Scheme),
    "section": _labels(Section.Kind),
}


def display(value: Any, choices: str | None = None) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return NOT_SET
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        if choices:
            return CHOICES.get(choices, {}).get(value) or _humanize(value)
        return value
    if isinstance(value, list):
        return ", ".join(display(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {display(item)}" for key, item in value.items())
    return str(value)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@dataclass(frozen=True)
class Spec:
    """How one key of a document (or of a list item) is compared and shown."""

    key: str
    label: str
    kind: str  # "text", "value", "strings", "list" or "group"
    choices: str | None = None
    # value fields: what is compared, read from the whole container (patient age from age+unit)
    read: Callable[[dict], Any] | None = None
    # value fields: how the compared value is shown, given the container
    show: Callable[[Any, dict], str] | None = None
    fields: tuple[Spec, ...] = ()  # group fields, or the fields of each list item
    identity: Callable[[Any], Any] | None = None  # list items: what names the item
    title: Callable[[Any], str] | None = None  # list items: how the item is called on the page
    fuzzy: bool = True  # list items: may an edited item be recognised by its similarity


def _text(key: str, label: str) -> Spec:
    return Spec(key, label, "text")


def _value(key: str, label: str, choices: str | None = None, **options: Any) -> Spec:
    return Spec(key, label, "value", choices=choices, **options)


def _age(patient: dict) -> str:
    shown = as_text(patient.get("age_display"))
    if shown or patient.get("age") is None:
        return shown
    unit = as_text(patient.get("age_unit")) or "years"
    return f"{patient['age']} {unit}"


def _answer(answer: Any, question: dict) -> str:
    if not isinstance(answer, int) or isinstance(answer, bool):
        return display(answer)
    options = as_list(question.get("options"))
    letter = chr(ord("A") + answer) if 0 <= answer < 26 else str(answer + 1)
    if 0 <= answer < len(options):
        return f"{letter}: {display(options[answer])}"
    return letter


def _annotations(annotations: Any, figure: dict) -> str:
    count = len(as_list(annotations))
    if not count:
        return "None"
    return "1 annotation" if count == 1 else f"{count} annotations"


def _timestamp(value: Any, container: dict) -> str:
    # ISO timestamps read better to the minute: "2024-05-01 14:03".
    return display(value)[:16].replace("T", " ")


def _named(*keys: str) -> Callable[[Any], Any]:
    def identity(item: Any) -> Any:
        item = as_dict(item)
        for key in keys:
            value = " ".join(as_text(item.get(key)).split()).casefold()
            if value:
                return (key, value)
        return None

    return identity


def _called(*keys: str, fallback: str, choices: dict[str, str] | None = None) -> Callable:
    def title(item: Any) -> str:
        item = as_dict(item)
        for key in keys:
            value = as_text(item.get(key)).strip()
            if value:
                if choices and key in choices:
                    return display(value, choices[key])
                return short(value)
        return fallback

    return title


PRESCRIPTION = (
    _text("frequency", "Frequency"),
    _text("intensity", "Intensity"),
    _text("time", "Time"),
    _text("type", "Type"),
    _text("volume", "Volume"),
    _text("progression", "Progression"),
    _text("precautions", "Precautions"),
)

FIGURE = (
    _text("label", "Label"),
    _text("caption", "Caption"),
    _text("alt_text", "Alt text"),
    _value("status", "Image processing", "figure_status"),
    _value("annotations", "Annotations", show=_annotations),
)

STUDY = (
    _value("modality", "Modality", "modality"),
    _text("label", "Label"),
    _text("timing", "Timing"),
    _text("findings", "Findings"),
    Spec(
        "figures",
        "Figures",
        "list",
        fields=FIGURE,
        identity=_named("label"),
        title=_called("label", "caption", fallback="Figure"),
    ),
)

QUESTION = (
    _text("stem", "Question"),
    Spec("options", "Options", "strings"),
    _value("answer", "Correct answer", show=_answer),
    _text("explanation", "Explanation"),
)

DOCUMENT: tuple[Spec, ...] = (
    _text("title", "Title"),
    _value("case_type", "Case type", "case_type"),
    Spec(
        "patient",
        "Patient",
        "group",
        fields=(
            _value("age", "Age", read=_age),
            _value("sex", "Sex", "sex"),
        ),
    ),
    _text("clinical_history", "Clinical history"),
    _text("imaging_findings", "Imaging findings"),
    Spec(
        "studies",
        "Studies",
        "list",
        fields=STUDY,
        identity=_named("label"),
        title=_called("label", "modality", fallback="Study", choices={"modality": "modality"}),
    ),
    Spec(
        "sections",
        "Sections",
        "list",
        fields=(
            _value("kind", "Kind", "section"),
            _text("heading", "Heading"),
            _text("body", "Text"),
        ),
        identity=_named("heading"),
        title=_called("heading", "kind", fallback="Section", choices={"kind": "section"}),
    ),
    Spec(
        "differential_diagnoses",
        "Differential diagnoses",
        "list",
        fields=(_text("diagnosis", "Diagnosis"), _text("note", "Note")),
        identity=_named("diagnosis"),
        title=_called("diagnosis", fallback="Differential diagnosis"),
    ),
    _text("final_diagnosis", "Final diagnosis"),
    _value("diagnostic_certainty", "Diagnostic certainty", "certainty"),
    _text("certainty_basis", "Certainty basis"),
    Spec("teaching_points", "Teaching points", "strings"),
    Spec("rehabilitation", "Rehabilitation (FITT-VP)", "group", fields=PRESCRIPTION),
    Spec(
        "commentaries",
        "Commentaries",
        "list",
        fields=(
            _value("provenance", "Written by", "provenance"),
            _text("heading", "Heading"),
            _text("body", "Text"),
            _text("disclaimer", "Disclaimer"),
            Spec("rehabilitation", "Rehabilitation (FITT-VP)", "group", fields=PRESCRIPTION),
            _value("verified_by", "Verified by"),
            _value("verified_at", "Verified at", show=_timestamp),
        ),
        identity=_named("heading"),
        title=_called("heading", fallback="Commentary"),
    ),
    Spec(
        "references",
        "References",
        "list",
        fields=(
            _value("number", "Number"),
            _text("citation", "Citation"),
            _value("doi", "DOI"),
            _value("pmid", "PMID"),
            _value("url", "Link"),
        ),
        identity=_named("doi", "pmid", "citation"),
        title=_called("citation", "doi", "url", fallback="Reference"),
    ),
    Spec(
        "tags",
        "Tags",
        "list",
        fields=(
            _text("name", "Name"),
            _value("scheme", "Scheme", "scheme"),
            _value("code", "Code"),
        ),
        identity=_named("name"),
        title=_called("name", fallback="Tag"),
    ),
    Spec("systems", "Systems", "strings", choices="system", fuzzy=False),
    _value("difficulty", "Difficulty", "difficulty"),
    Spec(
        "rights",
        "Rights",
        "group",
        fields=(
            _value("licence", "Licence"),
            _text("copyright_holder", "Copyright holder"),
            _text("attribution", "Attribution"),
            _text("source", "Source"),
            _value("consent", "Patient consent", "consent"),
            _text("consent_statement", "Consent statement"),
        ),
    ),
    Spec(
        "authors",
        "Authors",
        "list",
        fields=(
            _text("name", "Name"),
            _text("affiliation", "Affiliation"),
            _value("orcid", "ORCID"),
            _value("username", "Site account"),
        ),
        identity=_named("username", "orcid", "name"),
        title=_called("name", "username", fallback="Author"),
    ),
    _value("visibility", "Visibility", "visibility"),
    _value("in_unknown_mode", "In unknown mode"),
    Spec(
        "questions",
        "Quiz questions",
        "list",
        fields=QUESTION,
        identity=_named("stem"),
        title=_called("stem", fallback="Question"),
    ),
)
