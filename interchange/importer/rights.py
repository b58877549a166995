"""Licence, consent, copyright and source lines, mapped to the document's `rights`."""

from __future__ import annotations

import re

from cases.choices import Licence

# The SPDX ids the site can publish under.
SUPPORTED_LICENCES = frozenset(Licence.values)

_LICENCE_LINE = re.compile(
    r"creative\s*commons|\bcc[\s-]?(?:by|0|zero)\b|public domain|licen[cs]ed under|"
    r"^licen[cs]e\s*:",
    re.IGNORECASE,
)
_CC0 = re.compile(r"\bcc[\s-]?(?:0|zero)\b|creative commons zero|public domain", re.IGNORECASE)
_CREATIVE_COMMONS = re.compile(r"creative\s*commons|\bcc[\s-]?by\b", re.IGNORECASE)
_NON_COMMERCIAL = re.compile(r"non-?\s?commercial|\bnc\b", re.IGNORECASE)
_NO_DERIVATIVES = re.compile(r"no-?\s?deriv|\bnd\b", re.IGNORECASE)
_SHARE_ALIKE = re.compile(r"share-?\s?alike|\bsa\b", re.IGNORECASE)
_VERSION = re.compile(r"\b(\d)\.(\d)\b")

_CONSENT = re.compile(r"\bconsent", re.IGNORECASE)
# Consent to publish, as opposed to consent to a procedure mentioned in the history.
_CONSENT_CONTEXT = re.compile(
    r"publi|this (?:case|report|article)|images?|waiv|not (?:been )?(?:required|needed|necessary)"
    r"|ethic|exempt|anonymi",
    re.IGNORECASE,
)
_WAIVED = re.compile(r"waiv", re.IGNORECASE)
_NOT_REQUIRED = re.compile(
    r"not\s+(?:been\s+)?(?:required|needed|necessary|applicable)|no\s+(?:\w+\s+)?consent\s+"
    r"(?:was\s+|is\s+)?(?:required|needed|necessary)|exempt",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(?:not|never|could not|unable to)\b[^.]*\b(?:obtain|given)", re.I)
_OBTAINED = re.compile(r"obtained|given|provided|received|signed|gave|granted", re.IGNORECASE)

_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright\b)\s*(?:©\s*)?(?:\d{4}\s*,?\s*)?(?P<holder>.*)$", re.I
)
_SOURCE = re.compile(
    r"^(?:source|originally published (?:in|at|by)|first published (?:in|at|by)|"
    r"reproduced from|adapted from)\s*:?\s*(?P<source>\S.*)$",
    re.IGNORECASE,
)

MAX_RIGHTS_LINE = 400


def licence_id(text: str) -> str | None:
    """The SPDX id a licence sentence names, or None if it names no Creative Commons licence."""
    if _CC0.search(text):
        return "CC0-1.0"
    if not _CREATIVE_COMMONS.search(text):
        return None
    spdx = "CC-BY"
    if _NON_COMMERCIAL.search(text):
        spdx += "-NC"
    if _NO_DERIVATIVES.search(text):
        spdx += "-ND"
    elif _SHARE_ALIKE.search(text):
        spdx += "-SA"
    version = _VERSION.search(text)
    return f"{spdx}-{version[1]}.{version[2]}" if version else f"{spdx}-4.0"


def consent_status(text: str) -> str:
    if _WAIVED.search(text):
        return "waived"
    if _NOT_REQUIRED.search(text):
        return "not_required"
    if _NEGATED.search(text):
        return "unknown"
    if _OBTAINED.search(text):
        return "obtained"
    return "unknown"


def is_licence_line(text: str) -> bool:
    return len(text) <= MAX_RIGHTS_LINE and bool(_LICENCE_LINE.search(text))


def is_consent_line(text: str) -> bool:
    return (
        len(text) <= MAX_RIGHTS_LINE
        and bool(_CONSENT.search(text))
        and bool(_CONSENT_CONTEXT.search(text))
    )


def apply_rights_line(text: str, rights: dict, warnings: list[str]) -> bool:
    """Record a licence, consent, copyright or source line in `rights`; False if it is none."""
    if is_licence_line(text):
        spdx = licence_id(text)
        if spdx in SUPPORTED_LICENCES:
            rights["licence"] = spdx
        else:
            warnings.append(
                f"Licence statement not recognised as one the site supports (left empty): {text}"
            )
        return True
    if is_consent_line(text):
        rights["consent"] = consent_status(text)
        rights["consent_statement"] = text
        return True
    if match := _COPYRIGHT.match(text):
        rights["copyright_holder"] = match["holder"].strip().rstrip(".")[:300]
        return True
    if match := _SOURCE.match(text):
        rights["source"] = match["source"].strip()[:500]
        return True
    return False
