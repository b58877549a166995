"""The machine-generated analysis that follows many case reports, kept apart from the case.

It opens with words like "From the provided X-ray and CT images…" or "Based on the images
provided…", gives findings, a diagnosis, treatment and a FITT-VP rehabilitation prescription,
and closes with a disclaimer. It becomes one `machine_generated` commentary: it must never be
mistaken for the authors' text, and it never sets the case's final diagnosis.
"""

from __future__ import annotations

import re

from .headings import heading_text, looks_like_heading
from .text import Para, render_markdown

COMMENTARY_HEADING = "Machine-generated analysis"
FITT_FIELDS = ("frequency", "intensity", "time", "type", "volume", "progression", "precautions")

_IMAGES = r"(?:images?|scans?|films?|studies|imaging|radiographs?|x-rays?|ct|mri)"
_OPENER = re.compile(
    r"^(?:from|based on|according to|judging (?:from|by)|looking at|on the basis of"
    r"|after reviewing|having reviewed|upon reviewing)\s+(?:the\s+|your\s+)?"
    r"(?:(?:provided|uploaded|submitted|supplied|attached|available)\s+"
    rf"[\w/,()\- ]{{0,40}}?\b{_IMAGES}\b"
    rf"|[\w/,()\- ]{{0,60}}?\b{_IMAGES}\s+"
    r"(?:provided|uploaded|submitted|supplied|attached|you (?:have )?provided|given)\b)",
    re.IGNORECASE,
)
_OPENER_HEADING = re.compile(
    r"\b(?:ai|machine)[- ]generated\b|artificial intelligence|\bchatgpt\b|\bgpt-?\d", re.I
)
_DISCLAIMER = re.compile(
    r"^disclaimer\b|(?:cannot|can ?not|does not|do not|doesn't|is not intended to|not intended to"
    r"|should not)\s+(?:replace|substitute|be a substitute|serve as a substitute)"
    r"|for (?:reference|informational|educational) (?:purposes )?only"
    r"|not (?:constitute|a substitute for) (?:medical|professional)",
    re.IGNORECASE,
)

# Words that name each FITT-VP field in a label ("① Type of Exercise (Type):", "F (Frequency):").
_FIELD_WORDS: tuple[tuple[str, str], ...] = (
    ("frequency", r"frequency|how often"),
    ("intensity", r"intensity"),
    ("time", r"time|duration"),
    ("type", r"type|mode"),
    ("volume", r"volume"),
    ("progression", r"progression|progress"),
    ("precautions", r"precautions?|cautions?|safety|contraindications?"),
)
_LETTERS = {"f": "frequency", "i": "intensity", "v": "volume", "p": "progression"}
_LABELLED = re.compile(r"^(?P<label>[^:]{1,60}):\s*(?P<value>\S.*)$")


def is_opener(para: Para) -> bool:
    if para.is_item:
        return False
    if looks_like_heading(para) and _OPENER_HEADING.search(para.text):
        return True
    return bool(_OPENER.match(para.text))


def is_disclaimer(para: Para) -> bool:
    return not para.is_item and bool(_DISCLAIMER.search(para.text))


def find_commentary(paras: list[Para]) -> tuple[int, int] | None:
    """(first, last) index of the analysis, disclaimer included; None if there is none."""
    for start, para in enumerate(paras):
        if start > 0 and is_opener(para):
            break
    else:
        return None
    end = len(paras) - 1
    for index in range(len(paras) - 1, start, -1):
        if is_disclaimer(paras[index]):
            return start, index
    return start, end


def _field_of(label: str, filled: dict[str, str]) -> str | None:
    label = label.strip().lower()
    named = re.search(r"\(([^)]+)\)", label)
    for candidate in ([named[1]] if named else []) + [label]:
        for name, pattern in _FIELD_WORDS:
            if re.search(rf"\b(?:{pattern})\b", candidate):
                return name
    letter = re.sub(r"[^a-z]", "", label)
    if letter == "t":
        # FITT-VP lists Time before Type; a bare second "T" is the type.
        return "type" if filled.get("time") else "time"
    return _LETTERS.get(letter)


def rehabilitation_from(paras: list[Para]) -> dict[str, str] | None:
    """The FITT-VP prescription in labelled lines, or None if fewer than two fields are given."""
    found = _prescription_lines(paras)
    return found[0] if found else None


def _prescription_lines(paras: list[Para]) -> tuple[dict[str, str], set[int]] | None:
    """The FITT-VP fields and the indexes of the paragraphs they were read from."""
    fields = dict.fromkeys(FITT_FIELDS, "")
    used: set[int] = set()
    last_field_index = None
    for index, para in enumerate(paras):
        match = _LABELLED.match(para.text)
        if not match or para.heading:
            continue
        name = _field_of(match["label"], fields)
        if name and not fields[name]:
            fields[name] = match["value"].strip()
            used.add(index)
            last_field_index = index
    if sum(1 for value in fields.values() if value) < 2 or last_field_index is None:
        return None
    following = paras[last_field_index + 1] if last_field_index + 1 < len(paras) else None
    if (
        not fields["precautions"]
        and following is not None
        and not following.is_item
        and not looks_like_heading(following)
        and not is_disclaimer(following)
    ):
        # The paragraph closing the prescription is its safety advice in these reports.
        fields["precautions"] = following.text
        used.add(last_field_index + 1)
    return fields, used


def build_commentary(paras: list[Para], warnings: list[str]) -> dict:
    """The commentary of the analysis `paras`, whose last paragraph may be its disclaimer."""
    heading = COMMENTARY_HEADING
    if paras and looks_like_heading(paras[0]) and _OPENER_HEADING.search(paras[0].text):
        heading, paras = heading_text(paras[0].text)[:200], paras[1:]
    disclaimer = ""
    if paras and is_disclaimer(paras[-1]):
        disclaimer = re.sub(r"^disclaimer\s*:?\s*", "", paras[-1].text, flags=re.IGNORECASE)
        paras = paras[:-1]
    else:
        warnings.append("The machine-generated analysis has no disclaimer.")
    prescription = _prescription_lines(paras)
    rehabilitation, prescription_lines = prescription or (None, set())
    all_paras = [
        Para(heading_text(para.text), heading=True)
        if looks_like_heading(para) and not para.heading
        else para
        for para in paras
    ]
    for index, para in enumerate(all_paras):
        following = all_paras[index + 1] if index + 1 < len(all_paras) else None
        if para.heading and (following is None or following.heading):
            warnings.append(
                f"The machine-generated analysis has a heading with no text under it: "
                f"“{para.text}”."
            )
    # The prescription's lines live on in `rehabilitation`, shown as a table under the body;
    # keeping them in the body too would print every line twice.
    body_paras = [para for index, para in enumerate(all_paras) if index not in prescription_lines]
    if rehabilitation is None:
        warnings.append("The machine-generated analysis gives no FITT-VP prescription fields.")
    return {
        "provenance": "machine_generated",
        "heading": heading,
        "body": render_markdown(body_paras),
        "disclaimer": disclaimer,
        "rehabilitation": rehabilitation,
        "verified_by": None,
        "verified_at": None,
    }
