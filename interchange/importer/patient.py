"""The patient's age and sex, read from the opening of the clinical history."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        """zero one two three four five six seven eight nine ten eleven twelve thirteen
        fourteen fifteen sixteen seventeen eighteen nineteen twenty""".split()  # noqa: SIM905
    )
}
_NUMBER = r"(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")"
_UNIT = r"(years?|yrs?|months?|mos?|weeks?|wks?|days?)"
_AGE_PATTERNS = (
    re.compile(rf"\b{_NUMBER}[- ]?{_UNIT}[- ]old\b", re.IGNORECASE),
    re.compile(rf"\baged\s+{_NUMBER}(?:\s*{_UNIT})?\b", re.IGNORECASE),
    re.compile(rf"\b{_NUMBER}[- ]{_UNIT}\s+of\s+age\b", re.IGNORECASE),
    re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.)(?!\w)", re.IGNORECASE),
)
# "3 mo F", "45 y M", "2wk/M", "45M": the compact age and sex of case headers and slide titles.
# Without a unit the sex letter must touch the number, and "6F catheter" is a French gauge.
_COMPACT = re.compile(
    r"(?<![\w.,/-])(\d{1,3})(?:\s*(y|yo|yrs?|mo|mos|m|w|wk|wks|d)\.?\s*[/,]?\s*|(?=[MF]))"
    r"(?P<sex>[MF])(?![\w-])"
    r"(?!\s+(?:catheter|sheath|drain|tube|stent|pigtail|introducer|needle|cannula|gauge))"
)
_COMPACT_SEX = re.compile(r"\s*[/,]?\s*([MF])(?![\w-])")
_MALE = r"man|male|boy|gentleman"
_FEMALE = r"woman|female|girl|lady"
_SEX_WORD = re.compile(rf"\b(?:(?P<male>{_MALE})|(?P<female>{_FEMALE}))\b", re.IGNORECASE)
_MALE_PRONOUN = re.compile(r"\b(?:he|his|him)\b", re.IGNORECASE)
_FEMALE_PRONOUN = re.compile(r"\b(?:she|her|hers)\b", re.IGNORECASE)
# Words that show a paragraph is about one patient even when no age or sex is given.
_CASE_WORDS = re.compile(
    r"\b(?:the patient|our patient|this patient|presented|was admitted|was referred|complained)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Patient:
    age: int | None
    age_unit: str | None
    sex: str


def _unit(word: str | None) -> str:
    word = (word or "years").lower()
    for unit in ("years", "months", "weeks", "days"):
        if word.startswith(unit[0]):
            return unit
    return "years"


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def find_age(text: str) -> tuple[int, str, int] | None:
    """(age, unit, end position) of the first age in the text."""
    found = []
    for pattern in _AGE_PATTERNS:
        if match := pattern.search(text):
            unit = match[2] if pattern.groups >= 2 else None
            found.append((match.start(), _number(match[1]), _unit(unit), match.end()))
    if match := _COMPACT.search(text):
        found.append((match.start(), int(match[1]), _unit(match[2]), match.start("sex")))
    if not found:
        return None
    _, age, unit, end = min(found)
    return age, unit, end


def find_sex(text: str, *, after: int = 0) -> str | None:
    # The word right after the age ("57-year-old man") is the surest; then any word, then pronouns.
    if after and (match := _COMPACT_SEX.match(text, after)):
        return "male" if match[1] == "M" else "female"
    for source in (text[after : after + 40], text):
        if match := _SEX_WORD.search(source):
            return "male" if match["male"] else "female"
    male, female = len(_MALE_PRONOUN.findall(text)), len(_FEMALE_PRONOUN.findall(text))
    if male != female:
        return "male" if male > female else "female"
    return None


def find_patient(text: str) -> Patient | None:
    """The patient a clinical history is about, or None when the text describes no patient."""
    age = find_age(text)
    sex = find_sex(text, after=age[2] if age else 0)
    if age is None and sex is None:
        return Patient(None, None, "unknown") if _CASE_WORDS.search(text) else None
    return Patient(age[0] if age else None, age[1] if age else None, sex or "unknown")


def redact_great_ages(text: str) -> tuple[str, int]:
    """Ages of 90 years and over, rewritten as "90+" wherever the text states them.

    Such ages identify people (HIPAA Safe Harbor, DICOM PS3.15 Retain Patient Characteristics),
    so the narrative must not keep them any more than the patient fields do.
    Returns the text and how many ages were rewritten.
    """
    count = 0

    def rewrite(match: re.Match) -> str:
        nonlocal count
        number = match[1]
        unit = match[2] if match.re.groups >= 2 else None
        if _unit(unit) != "years" or _number(number) < 90:
            return match[0]
        count += 1
        start = match.start(1) - match.start()
        end = match.end(1) - match.start()
        return f"{match[0][:start]}90+{match[0][end:]}"

    for pattern in (*_AGE_PATTERNS, _COMPACT):
        text = pattern.sub(rewrite, text)
    return text, count
