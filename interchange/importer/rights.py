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
    r"publi|this (?:case|report|article)|images?|waiv|not (?:been )?(?:required|needed|necessary"
    r"|applicable)|ethic|exempt|anonymi|review board|\birb\b",
    re.IGNORECASE,
)
# "Patient consent: …", "Consent for publication – …": a labelled consent line.
_CONSENT_LABEL = re.compile(
    r"^(?:(?:patient|informed|written)\s+)*consent(?:\s+(?:for|to)\s+publication|\s+statement)?"
    r"\s*[:–—-]\s*\S",
    re.IGNORECASE,
)
# A paragraph that only says consent was obtained ("Written informed consent was obtained from
# the patient's guardian."): consent to publish, unless it names what else it was for.
_CONSENT_ALONE = re.compile(
    r"^(?:(?:written|verbal|oral|informed|full|patient|parental)\s+)*consent\s+"
    r"(?:was|has been|had been|is)\s+(?:duly\s+)?(?:obtained|given|provided|received|signed)"
    r"(?:\s+(?:from|by)\s+[^.;]{1,80})?\.?$",
    re.IGNORECASE,
)
_PROCEDURE = re.compile(
    r"\b(?:before|prior to|biopsy|procedure|surgery|operation|sedation|anaesthe|anesthe|"
    r"treatment|injection|examination|study participation|participat)",
    re.IGNORECASE,
)
# Consent in other words: "The patient's parents agreed to the publication of this report",
# "Permission to publish was given by the next of kin".
_PERMISSION = re.compile(
    r"\b(?:permission|agreement|authori[sz]ation|approval)\b[^.]{0,80}\bpublish|"
    r"\b(?:permission|agreement|authori[sz]ation)\b[^.]{0,40}\bpublication|"
    r"\b(?:agreed|consented|agree)\s+to\s+(?:the\s+)?publi",
    re.IGNORECASE,
)
_WAIVED = re.compile(r"waiv", re.IGNORECASE)
_NOT_REQUIRED = re.compile(
    r"not\s+(?:been\s+)?(?:required|needed|necessary|applicable)|no\s+(?:\w+\s+)?consent\s+"
    r"(?:was\s+|is\s+)?(?:required|needed|necessary)|exempt|(?:does|did)\s+not\s+require"
    r"|^\W*(?:n/?a|none required)\W*$",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(?:not|never|could not|unable to)\b[^.]*\b(?:obtain|given)", re.I)
_OBTAINED = re.compile(
    r"obtained|given|provided|received|signed|gave|granted|consented|agreed|\byes\b", re.I
)
# Headings of the statements at the end of an article: "Ethics statement", "Patient consent".
_RIGHTS_HEADING = re.compile(
    r"^(?:(?:patient|informed|written)\s+)*consent(?:\s+(?:for|to)\s+publication|\s+statement)?$"
    r"|^(?:statement of\s+)?ethic(?:s|al)(?:\s+(?:statement|approval|considerations|declaration))?"
    r"(?:\s+and\s+(?:patient\s+|informed\s+)?consent(?:\s+(?:to|for)\s+\w+)*)?$"
    r"|^declarations?$|^compliance with ethical standards$",
    re.IGNORECASE,
)

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
    # In "Consent was obtained; ethics approval was not required" only the consent clause counts.
    clauses = [clause for clause in re.split(r"[.;]\s+", text) if _CONSENT.search(clause)]
    text = " ".join(clauses) or text
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


def is_consent_line(text: str, *, heading: str = "") -> bool:
    """A statement of consent to publish; `heading` is the rights heading over it, if any."""
    if len(text) > MAX_RIGHTS_LINE:
        return False
    if heading and (
        _CONSENT.search(heading)
        or any(p.search(text) for p in (_CONSENT, _PERMISSION, _WAIVED, _NOT_REQUIRED))
    ):
        # Under "Patient consent" any line is the statement ("Not applicable."); under "Ethics
        # statement", one that speaks of consent or of its waiver.
        return True
    if _PERMISSION.search(text) or _CONSENT_LABEL.match(text):
        return True
    if not _CONSENT.search(text):
        return False
    return bool(_CONSENT_CONTEXT.search(text)) or (
        bool(_CONSENT_ALONE.match(text.strip())) and not _PROCEDURE.search(text)
    )


def is_closing_statement(sentence: str) -> bool:
    """A consent or licence sentence that ends a paragraph of other text (PDF text, where the
    paragraph breaks are lost)."""
    return is_licence_line(sentence) or (
        len(sentence) <= MAX_RIGHTS_LINE
        and (
            bool(_PERMISSION.search(sentence))
            or (bool(_CONSENT.search(sentence)) and bool(_CONSENT_CONTEXT.search(sentence)))
            or (bool(_CONSENT_ALONE.match(sentence)) and not _PROCEDURE.search(sentence))
        )
    )


def is_rights_heading(text: str) -> bool:
    """ "Ethics statement", "Patient consent", "Declarations": a heading over a consent line."""
    return bool(_RIGHTS_HEADING.match(text.strip().strip("#").strip().rstrip(":").strip()))


def apply_rights_line(text: str, rights: dict, warnings: list[str], *, heading: str = "") -> bool:
    """Record a licence, consent, copyright or source line in `rights`; False if it is none.

    `heading` is the rights heading ("Patient consent", "Ethics statement") over the line.
    """
    if is_licence_line(text):
        spdx = licence_id(text)
        if spdx in SUPPORTED_LICENCES:
            rights["licence"] = spdx
        else:
            warnings.append(
                f"Licence statement not recognised as one the site supports (left empty): {text}"
            )
        return True
    if is_consent_line(text, heading=heading):
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
