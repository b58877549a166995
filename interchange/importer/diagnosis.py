"""The final diagnosis of a report that gives it no heading, read from the authors' sentences.

Many reports state the diagnosis only in passing: "Histology confirmed the diagnosis of an
aneurysmal bone cyst." in the discussion, "We report a case of …" in its opening, or "The
appearances were consistent with myositis ossificans." as the report's last words. Explicit
statements are looked for everywhere but the opening of the history (where earlier diagnoses
are told: "She had been diagnosed with asthma"); "consistent with …" only at the end, where the
authors conclude, since in the findings it is an impression that the workup may overturn.
"""

from __future__ import annotations

import re

MAX_WORDS = 12

# The diagnosis: up to the end of its clause.
_DX = (
    r"(?:(?:an?|the)\s+)?(?P<dx>[A-Za-z][^.;:()\[\]]{2,150}?)"
    r"(?=\s*(?:[.;:(\[,]|$)|\s+(?:was|were|which|that|who|because|as|after|since|following"
    r"|presenting|manifesting|mimicking|causing|due to|with (?:no|a|an)\b"
    r"|in (?:an?|our|this|the) (?:\d|young|old|elderly|adolescent|teenage|child|infant|patient"
    r"|man|woman|boy|girl|neonate|adult)|and (?:the|she|he|her|his|a|an|was|were)\b))"
)
_EXPLICIT: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\b(?:final|definitive|definite|histological|pathological)\s+diagnosis\s+"
        rf"(?:was|is|of)\s+{_DX}",
        rf"\b(?:confirm\w*|establish\w*|made|reached|support\w*|prov\w*)\s+(?:the\s+|a\s+)?"
        rf"diagnosis\s+of\s+{_DX}",
        rf"\bdiagnosis\s+of\s+{_DX}(?=\s+was\s+(?:made|confirmed|established|reached))",
        rf"\bin (?:our|this|the present) (?:case|patient),?\s+the\s+diagnosis\s+(?:was|is)\s+{_DX}",
        rf"\b(?:histolog\w*|histopatholog\w*|patholog\w*|biopsy|cytolog\w*|excision)\b[^.]{{0,150}}?"
        rf"\b(?:confirmed|confirming|proved|proven)\s+{_DX}",
        rf"\b(?:we|this (?:report|article|paper))\s+(?:present|report|describe)s?\s+"
        rf"(?:an?\s+|the\s+)?(?:(?:rare|unusual|typical|atypical|uncommon|classic|challenging)\s+)*case\s+of\s+{_DX}",
        rf"\bwas\s+diagnosed\s+(?:as|with)\s+(?:having\s+)?{_DX}",
    )
)
_CONCLUDING = re.compile(
    rf"\b(?:consistent|compatible|in keeping)\s+with\s+(?:the\s+diagnosis\s+of\s+)?{_DX}",
    re.IGNORECASE,
)
# A conclusion about the whole picture ("The appearances and their evolution were consistent
# with …"), not about one sign ("low T2 signal, in keeping with fibrous tissue").
_CONCLUSION_SUBJECT = re.compile(
    r"\b(?:appearances?|findings|features|picture|presentation|evolution|course|results?"
    r"|histolog\w*|histopatholog\w*|patholog\w*|biopsy|cytolog\w*|these|this|all)\b[^.]*$",
    re.IGNORECASE,
)
_NEGATION_BEFORE = re.compile(r"\b(?:not|no longer|never|rather than|instead of)\s+(?:\w+\s+)?$")
# What follows "confirmed …" or "consistent with …" that is no diagnosis.
_NOT_A_DIAGNOSIS = re.compile(
    r"^(?:the\s+)?(?:presence|absence|finding|findings|suspicion|clinical|imaging|above|this|these"
    r"|that|it|a diagnosis|diagnosis|previous|prior|earlier|our|his|her|made|based|delayed"
    r"|often|usually|difficult|challenging|suspected|not)\b",
    re.IGNORECASE,
)
_MARKER = re.compile(r"\s*\[[\d,\s\-]+\]")


def _clean(found: re.Match[str]) -> str | None:
    before = found.string[: found.start()]
    if _NEGATION_BEFORE.search(before[-40:]):
        return None
    diagnosis = _MARKER.sub("", found["dx"]).strip(" ,")
    if _NOT_A_DIAGNOSIS.match(diagnosis) or len(diagnosis.split()) > MAX_WORDS:
        return None
    return diagnosis[:1].upper() + diagnosis[1:]


def diagnosis_in(paragraphs: list[str], *, closing: list[str]) -> tuple[str, str] | None:
    """(diagnosis, the sentence stating it) from the authors' paragraphs, or None.

    `paragraphs` are searched in order for an explicit statement; `closing` (the last paragraphs
    of the report) also for a concluding "consistent with …", the last one found winning.
    """
    for pattern in _EXPLICIT:
        for paragraph in paragraphs:
            for found in pattern.finditer(paragraph):
                if diagnosis := _clean(found):
                    return diagnosis, _sentence(paragraph, found)
    for paragraph in reversed(closing):
        for found in reversed(list(_CONCLUDING.finditer(paragraph))):
            if not _CONCLUSION_SUBJECT.search(paragraph[: found.start()]):
                continue
            if diagnosis := _clean(found):
                return diagnosis, _sentence(paragraph, found)
    return None


def _sentence(paragraph: str, found: re.Match[str]) -> str:
    stop = paragraph.rfind(". ", 0, found.start())
    start = stop + 2 if stop != -1 else 0
    end = paragraph.find(". ", found.end())
    sentence = paragraph[start : end + 1 if end != -1 else len(paragraph)].strip()
    return sentence if len(sentence) <= 160 else sentence[:157] + "…"
