"""Which lines are headings, and what part of a case each heading introduces.

Reports mark headings in every way: "Background:", "BACKGROUND", "## Background",
"Take-Home Message / Teaching Points". A heading is recognised by its words when we know
them, and otherwise by its look: short, no sentence punctuation, title or upper case.
"""

from __future__ import annotations

import re

from .imaging import modality_of
from .rights import is_rights_heading
from .text import Para

# Headings that introduce a part of the case other than a free-text section.
ROLE_HEADINGS: dict[str, str] = {
    "clinical history": "history",
    "history": "history",
    "case history": "history",
    "patient history": "history",
    "case presentation": "history",
    "case description": "history",
    "case report": "history",
    "presentation": "history",
    "clinical presentation": "history",
    "clinical information": "history",
    "clinical details": "history",
    "indication": "history",
    "indications": "history",
    "imaging findings": "imaging",
    "imaging": "imaging",
    "findings": "imaging",
    "radiological findings": "imaging",
    "radiologic findings": "imaging",
    "imaging studies": "imaging",
    "imaging features": "imaging",
    "technique": "imaging",
    "impression": "impression",
    "final diagnosis": "final_diagnosis",
    "diagnosis": "final_diagnosis",
    "definitive diagnosis": "final_diagnosis",
    "certainty": "certainty",
    "diagnostic certainty": "certainty",
    "diagnosis certainty": "certainty",
    "certainty of diagnosis": "certainty",
    "level of certainty": "certainty",
    "differential diagnosis": "differential",
    "differential diagnoses": "differential",
    "differential diagnosis list": "differential",
    "differential diagnoses list": "differential",
    "differential list": "differential",
    "differentials": "differential",
    "ddx": "differential",
    "references": "references",
    "bibliography": "references",
    "literature": "references",
}
# Headings whose text is a word or a short line ("Final diagnosis" / "Chondroblastoma"): the line
# under them is their text even when it looks like a heading itself.
SHORT_TEXT_ROLES = frozenset({"final_diagnosis", "certainty", "differential", "impression"})
_TEACHING = re.compile(
    r"teaching points?|take[- ]home|learning points?|key points?|pearls|key messages?"
)

# Section kinds by the words of their heading, tried in this order.
SECTION_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("background", r"background|introduction|overview|epidemiolog|a?etiolog|pathophysiolog"),
    ("clinical_perspective", r"clinical"),
    (
        "imaging_perspective",
        r"imaging|radiolog|radiograph|ultraso|sonograph|\bct\b|\bmri?\b|scintigra|\bpet\b",
    ),
    ("outcome", r"outcome|follow[- ]?up|prognos"),
    (
        "management",
        r"management|treatment|therap|surgery|rehabilitation|intervention|ablation|emboli[sz]ation",
    ),
    ("discussion", r"discussion|diagnos|consideration|pitfall|comment|conclusion|summary"),
)
KNOWN_SECTION_HEADINGS = frozenset(
    {
        "background",
        "introduction",
        "clinical perspective",
        "imaging perspective",
        "outcome",
        "discussion",
        "management",
        "treatment",
        "conclusion",
        "conclusions",
        "follow-up",
        "outcome and follow-up",
        "abstract",
        "summary",
        # The back matter of a journal article.
        "acknowledgements",
        "acknowledgments",
        "funding",
        "conflict of interest",
        "conflicts of interest",
        "competing interests",
        "declaration of competing interest",
        "author contributions",
        "data availability",
    }
)

# Acronyms with vowels that keep their capitals in a heading shown in sentence case.
_ACRONYMS = frozenset(
    [
        "FITT",
        "DWI",
        "ADC",
        "FLAIR",
        "STIR",
        "SWI",
        "MRCP",
        "ERCP",
        "HRCT",
        "CTA",
        "MRA",
        "FDG",
        "SPECT",
        "AIDS",
        "HIV",
        "COVID",
        "ACL",
        "PCL",
        "CSF",
        "ICU",
        "NICU",
        "AAST",
        "BIRADS",
        "LIRADS",
        "PIRADS",
        "TIRADS",
    ]
)
_SMALL_WORDS = frozenset(
    "a an and or of to in on for with at by from vs via as per into over under the nor".split()  # noqa: SIM905
)
_INLINE_HEADING = re.compile(r"^(?P<heading>[A-Za-z][A-Za-z /&-]{2,40}?)\s*:\s+(?P<text>\S.*)$")


def normalise(heading: str) -> str:
    heading = re.sub(r"\s+", " ", heading.strip().strip("#").strip())
    return heading.rstrip(":").strip().lower()


def heading_text(text: str) -> str:
    """The heading as it should be shown: without colon or Markdown hashes, not in capitals."""
    text = re.sub(r"\s+", " ", text.strip().strip("#").strip()).rstrip(":").strip()
    letters = re.sub(r"[^A-Za-z]", "", text)
    return _sentence_case(text) if len(letters) >= 5 and letters.isupper() else text


def _sentence_case(text: str) -> str:
    """ "CT AND MRI FINDINGS" → "CT and MRI findings": modality acronyms keep their capitals."""

    def case(word: re.Match[str]) -> str:
        acronym = (len(word[0]) <= 4 and modality_of(word[0])) or word[0] in _ACRONYMS
        return word[0] if acronym or not re.search("[AEIOUY]", word[0]) else word[0].lower()

    sentence = re.sub(r"[A-Za-z]+", case, text)
    return sentence[:1].upper() + sentence[1:]


def role_of(heading: str) -> str:
    """`history`, `imaging`, `teaching_points`, … or `section:<kind>` for a free-text section."""
    name = normalise(heading)
    if name in ROLE_HEADINGS:
        return ROLE_HEADINGS[name]
    if _TEACHING.search(name):
        return "teaching_points"
    return f"section:{section_kind(name)}"


def section_kind(heading: str) -> str:
    name = normalise(heading)
    for kind, pattern in SECTION_KEYWORDS:
        if re.search(pattern, name):
            return kind
    # The authors' own heading: their discussion of the topic. ("other" is kept for text the
    # importer could not place.)
    return "discussion"


def is_known(heading: str) -> bool:
    name = normalise(heading)
    return (
        name in ROLE_HEADINGS
        or name in KNOWN_SECTION_HEADINGS
        or bool(_TEACHING.search(name))
        or is_rights_heading(name)
    )


def _title_or_upper_case(text: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z'’]*", text)
    if not words:
        return False
    letters = "".join(words)
    if len(letters) >= 3 and letters.isupper():
        return True
    return words[0][0].isupper() and all(
        word[0].isupper() or word.lower() in _SMALL_WORDS for word in words[1:]
    )


def looks_like_heading(para: Para) -> bool:
    if para.heading:
        return True
    if para.is_item:
        return False
    text = para.text.strip()
    if not text or not text[0].isalpha() or len(text) > 100:
        return False
    if is_known(text) and len(text) <= 60:
        return True
    if re.search(r"[.!?;,]$", text) or re.search(r"\.\s", text):
        return False
    words = text.split()
    if len(words) > 10:
        return False
    if text.endswith(":") and len(words) <= 3 and text[0].isupper():
        return True
    return _title_or_upper_case(text)


def is_upper_case_label(label: str) -> bool:
    """ "CLINICAL HISTORY", "TECHNIQUE": an all-caps label of a report, not an acronym like "CT"."""
    letters = re.sub(r"[^A-Za-z]", "", label)
    return (
        len(letters) >= 4
        and letters.isupper()
        and len(label.split()) <= 5
        # "CT ABDOMEN: …" names a study of the findings, not a part of the report.
        and modality_of(label) is None
    )


def split_inline_heading(para: Para) -> tuple[str, Para] | None:
    """ "Background: Tumoral calcinosis is …" → ("Background", the paragraph).

    For the heading names we know, and for any all-caps label ("TECHNIQUE: …").
    """
    if para.is_item or para.heading:
        return None
    match = _INLINE_HEADING.match(para.text)
    if not match:
        return None
    if not is_known(match["heading"]) and not is_upper_case_label(match["heading"]):
        return None
    return heading_text(match["heading"]), Para(match["text"])
