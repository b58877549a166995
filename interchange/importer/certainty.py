"""How sure the authors are of the final diagnosis, and what that rests on.

Reports state it on a line of its own: "Certainty: probable", "Diagnostic certainty: confirmed by
histology", "Level of certainty: almost certain (clinical follow-up)". The level maps to the
case's `diagnostic_certainty` (certain, almost_certain, probable, possible); what the diagnosis
was confirmed by becomes `certainty_basis`.
"""

from __future__ import annotations

import re

MAX_BASIS = 200

_LABEL = re.compile(
    r"^(?:(?:diagnostic|diagnosis)\s+certainty|certainty(?:\s+of\s+(?:the\s+)?diagnosis)?"
    r"|level\s+of\s+certainty|confidence(?:\s+in\s+(?:the\s+)?diagnosis)?)\s*[:\-–—]\s*"
    r"(?P<value>\S.*)$",
    re.IGNORECASE,
)

# Tried in this order: "almost certain" before "certain", "highly likely" before "likely".
_LEVELS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (level, re.compile(pattern, re.IGNORECASE))
    for level, pattern in (
        ("almost_certain", r"\balmost[\s_-]+certain\b|\bhighly\s+(?:likely|probable)\b"),
        ("possible", r"\bpossibl[ey]\b|\bsuspected\b|\bunconfirmed\b|\bnot\s+confirmed\b"),
        ("probable", r"\bprobabl[ey]\b|\blikely\b|\bpresumed\b|\bpresumptive\b"),
        (
            "certain",
            r"\bcertain\b|\bconfirmed\b|\bproven\b|\bproved\b|\bdefinite\b|\bdefinitive\b"
            r"|\bestablished\b|\bhistolog\w*\b|\bpatholog\w*\b",
        ),
    )
)
# "confirmed by histology", "proven at surgery", "on biopsy", "(clinical follow-up)".
_BASIS_AFTER = re.compile(
    r"\b(?:confirmed|proven|proved|established|verified|diagnosed|made)\s+"
    r"(?:(?:by|at|on|with|through|via|after|from)\s+)?(?P<basis>\S.*)$",
    re.IGNORECASE,
)
_BASIS_IN_BRACKETS = re.compile(r"\((?P<basis>[^)]+)\)\s*\.?$")
_BASIS_AFTER_SEPARATOR = re.compile(
    r"[;,–—]\s*(?:based on\s+)?(?P<basis>\S.*)$|\s-\s(?P<dash>\S.*)$"
)
_BASIS_ALONE = re.compile(
    r"^(?:histolog\w*|histopatholog\w*|patholog\w*|biopsy|surgery|surgical\w*|cytolog\w*)\b",
    re.IGNORECASE,
)


def certainty_level(text: str) -> str | None:
    for level, pattern in _LEVELS:
        if pattern.search(text):
            return level
    return None


def certainty_basis(value: str) -> str:
    """What the diagnosis rests on, from the value of a certainty line ("" if it says nothing)."""
    value = value.strip().rstrip(".")
    for pattern in (_BASIS_IN_BRACKETS, _BASIS_AFTER, _BASIS_AFTER_SEPARATOR):
        if match := pattern.search(value):
            basis = next(group for group in match.groups() if group)
            basis = basis.strip(" .()")
            return basis[:1].upper() + basis[1:MAX_BASIS]
    if _BASIS_ALONE.match(value):
        return value[:1].upper() + value[1:MAX_BASIS]
    return ""


def parse_certainty(text: str) -> tuple[str | None, str] | None:
    """(level, basis) of a certainty line; None if the text is not a certainty line.

    The level is None when the line names no level the site knows ("Certainty: moderate").
    """
    match = _LABEL.match(text.strip())
    if match is None:
        return None
    return certainty_value(match["value"])


def certainty_value(value: str) -> tuple[str | None, str]:
    """(level, basis) of the text under a "Certainty" heading or after its colon."""
    return certainty_level(value), certainty_basis(value)
