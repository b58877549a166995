"""Imaging studies, their figures and captions, read from the findings of a case report.

Findings come as numbered items ("2) CT Pelvis: Demonstrates … [Fig. B]") or as narrative
("Plain radiographs … show … (Fig 1). … CT showed … (Fig 2)."). A sentence whose subject names a
modality starts a study; the sentences after it describe that study until another modality
becomes the subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cases.choices import Modality

from .text import Para, caption_match, split_sentences

# Acronyms are matched case-sensitively ("US" is ultrasound, "us" is a pronoun).
_MODALITIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern))
    for code, pattern in (
        ("PT", r"\bPET\b|(?i:positron[- ]emission|fludeoxyglucose|fluorodeoxyglucose)|\bFDG\b"),
        (
            "NM",
            r"(?i:nuclear medicine|scintigra\w*|bone scan|radionuclide|radiotracer|sestamibi"
            r"|isotope scan)|\bSPECT\b|\bMIBG\b|\bDMSA\b",
        ),
        ("MR", r"\bMRI?\b|\bMRA\b|(?i:magnetic resonance|\bT[12][- ]weighted)|\bSTIR\b"),
        ("US", r"(?i:ultraso\w*|sonograph\w*|doppler)|\bUSS?\b"),
        ("MG", r"(?i:mammogra\w*|tomosynthesis)"),
        ("XA", r"(?i:angiogra\w*)|\bDSA\b"),
        ("RF", r"(?i:fluorosco\w*|barium|contrast swallow)"),
        ("CT", r"\bCT\b|\bCECT\b|\bHRCT\b|(?i:computed tomograph\w*)"),
        ("XR", r"(?i:radiograph\w*|\bx-?rays?\b|plain films?)|\bXR\b|\bCXR\b"),
    )
)
# A study's label when its report names none: the modality's name, but "Imaging" rather than
# "Other" for a study whose modality could not be told.
DEFAULT_LABELS: dict[str, str] = {**dict(Modality.choices), Modality.OT.value: "Imaging"}

_FIGURE_ID = r"(?:\d{1,3}[a-z]?|[A-Z])\b"
FIGURE_REF = re.compile(
    rf"(?P<prefix>\b(?i:fig(?:ure)?s?)\.?)\s*(?P<ids>{_FIGURE_ID}"
    rf"(?:\s*(?:,|and|&|-|–)\s*{_FIGURE_ID})*)"
)
# The verb that ends the subject of a findings sentence ("An MRI of the pelvis | was performed").
_VERB = re.compile(
    r"\b(?:show\w*|demonstrat\w*|reveal\w*|confirm\w*|was|were|is|are|has|have|had|performed"
    r"|obtained|depict\w*|identif\w*|display\w*|exhibit\w*|found|noted|could|can|may|might|did"
    r"|does|disclosed|illustrat\w*)\b",
    re.IGNORECASE,
)
# "Bone scintigraphy was not performed", "No MRI was obtained", "CT was not available", "MRI
# could not be done (pacemaker)", "Neither CT nor MRI was performed": a study that was not made.
_NOT_MADE = (
    r"(?:performed|obtained|done|available|possible|feasible|undertaken|carried out|acquired"
    r"|requested|indicated|tolerated|completed|made|taken)"
)
_NEGATED_SUBJECT = re.compile(r"^\W*(?:no|neither)\b|\bnot\W*$", re.IGNORECASE)
_NEGATED_PREDICATE = re.compile(
    r"^\W*(?:(?:was|were|is|are|has|have|had|could|can|did|would|might)\s*(?:n[o’']t|never)"
    rf"\s+(?:(?:be|been|yet been)\s+)?{_NOT_MADE}\b"
    r"|(?:was|were|is|are)\s+(?:contraindicated|declined|refused|deferred|unavailable|omitted)\b)"
    rf"|^\W*(?:not|never)\s+(?:(?:be|been)\s+)?{_NOT_MADE}\b|^\W*(?:n/?a|none|unavailable)\W*$",
    re.IGNORECASE,
)
# "…, so ultrasound was performed instead": the clause after a study that was not made.
_NEXT_CLAUSE = re.compile(r"(?:,\s*(?:so|and|but|therefore|hence|instead)|;|\bso)\s+", re.I)
_LEADING_PREPOSITION = re.compile(r"^(?:On|At|In)\s+(?:the\s+)?(?P<subject>[^,]{1,60}),")
_ARTICLE = re.compile(r"^(?:an?|the)\s+", re.IGNORECASE)
MAX_LABEL = 80


def modality_of(text: str) -> str | None:
    """The modality mentioned first in the text."""
    found = [
        (match.start(), order, code)
        for order, (code, pattern) in enumerate(_MODALITIES)
        if (match := pattern.search(text))
    ]
    return min(found)[2] if found else None


def figure_refs(text: str) -> list[tuple[str, str]]:
    """(label, key) of every figure a text refers to: "(Figs. 1-2)" → Fig. 1, Fig. 2."""
    refs: list[tuple[str, str]] = []
    for match in FIGURE_REF.finditer(text):
        prefix = re.sub(r"s(\.?)$", r"\1", match["prefix"], flags=re.IGNORECASE)
        for key in _expand(match["ids"]):
            refs.append((f"{prefix} {key}", key.lower()))
    return refs


def _expand(ids: str) -> list[str]:
    keys: list[str] = []
    for part in re.split(r"\s*(?:,|and|&)\s*", ids):
        bounds = re.split(r"\s*[-–]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            keys += [str(n) for n in range(int(bounds[0]), int(bounds[1]) + 1)][:20]
        else:
            keys += [bound for bound in bounds if bound]
    return keys


def subject_of(sentence: str) -> str:
    """The words before the sentence's verb: where a findings sentence names its study."""
    if match := _LEADING_PREPOSITION.match(sentence):
        return match["subject"]
    verb = _VERB.search(sentence)
    return sentence[: verb.start()] if verb else sentence


def is_not_made(sentence: str) -> bool:
    """Whether the sentence says that the study it names was not made."""
    label, colon, rest = sentence.partition(":")
    if colon and len(label.split()) <= 8 and modality_of(label):
        # "Bone scan: not done."
        return bool(_NEGATED_PREDICATE.match(rest) or _NEGATED_SUBJECT.search(label))
    subject = subject_of(sentence)
    if modality_of(subject) is None:
        return False
    return bool(
        _NEGATED_SUBJECT.search(subject) or _NEGATED_PREDICATE.match(sentence[len(subject) :])
    )


def made_instead(sentence: str) -> str | None:
    """ "CT was not available, so ultrasound was performed (Fig. 1)": the clause of the study
    that was made instead, or None."""
    for match in _NEXT_CLAUSE.finditer(sentence):
        rest = sentence[match.end() :]
        if modality_of(subject_of(rest)) and not is_not_made(rest):
            return rest
    return None


def clean_label(subject: str, modality: str) -> str:
    label = FIGURE_REF.sub("", subject)
    label = re.sub(r"[(\[]\s*[)\]]", "", label)
    label = _ARTICLE.sub("", re.sub(r"\s+", " ", label).strip(" ,;:.-"))
    if not label or len(label) > MAX_LABEL or modality_of(label) is None:
        return DEFAULT_LABELS[modality]
    return label[0].upper() + label[1:]


_REGION = re.compile(r"\b(?:of|on)\s+(?:the\s+|both\s+)?(?P<region>[a-z][\w -]*)", re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z-]{3,}")
_COMMON_WORDS = frozenset(
    [
        "with",
        "without",
        "after",
        "before",
        "showing",
        "shows",
        "shown",
        "image",
        "images",
        "axial",
        "coronal",
        "sagittal",
        "weighted",
        "from",
        "into",
        "that",
        "this",
        "there",
        "their",
        "which",
    ]
)


def region_of(label: str) -> str:
    """ "MRI of the whole spine" → "whole spine"; "" when the label names no region."""
    match = _REGION.search(label)
    return match["region"].strip().lower() if match else ""


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower())) - _COMMON_WORDS


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class StudyDraft:
    modality: str
    label: str
    findings: list[str] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)

    def add_figures(self, text: str, seen: set[str]) -> None:
        for label, key in figure_refs(text):
            if key not in seen:
                seen.add(key)
                self.figures.append(new_figure(label[:40], key))

    def as_document(self) -> dict:
        figures = [{k: v for k, v in figure.items() if k != "key"} for figure in self.figures]
        return {
            "modality": self.modality,
            "label": self.label[:200],
            "timing": "",
            "findings": "\n\n".join(self.findings),
            "figures": figures,
        }


def new_figure(label: str, key: str, caption: str = "") -> dict:
    return {
        "label": label,
        "caption": caption,
        "alt_text": "",
        "status": "not_supplied",
        "annotations": [],
        "key": key,
    }


class StudyBuilder:
    """Collects studies in reading order; text it cannot tie to a study stays in `unassigned`."""

    def __init__(self) -> None:
        self.studies: list[StudyDraft] = []
        self.unassigned: list[str] = []
        self.seen_figures: set[str] = set()

    @property
    def current(self) -> StudyDraft | None:
        return self.studies[-1] if self.studies else None

    def start(self, modality: str, label: str) -> StudyDraft:
        study = StudyDraft(modality, label)
        self.studies.append(study)
        return study

    def add_item(self, text: str) -> bool:
        """A "Modality region: findings" item; False if it names no modality."""
        label, _, findings = text.partition(":")
        modality = modality_of(label) if findings and len(label.split()) <= 8 else None
        if modality is None:
            return False
        if _NEGATED_PREDICATE.match(findings) or _NEGATED_SUBJECT.search(label):
            # "Bone scan: not performed" names no study.
            self.unassigned.append(text)
            return True
        study = self.start(modality, clean_label(label, modality))
        study.findings.append(_capitalised(findings.strip()))
        study.add_figures(findings, self.seen_figures)
        return True

    def add_heading(self, text: str) -> None:
        modality = modality_of(text)
        if modality:
            self.start(modality, clean_label(text, modality))

    def _another_region(self, study: StudyDraft, modality: str, label: str) -> bool:
        """A new paragraph on the same modality of another region is another study."""
        if modality != study.modality:
            return False
        before, now = _words(region_of(study.label)), _words(region_of(label))
        # "abdomen and pelvis" and "abdomen" are one study; "brain" and "whole spine" are two.
        return bool(before and now) and not before & now

    def add_sentence(self, sentence: str, *, paragraph_break: bool = False) -> None:
        subject = subject_of(sentence)
        if is_not_made(sentence):
            instead = made_instead(sentence)
            if instead is None:
                # Not a study: a note of the imaging findings ("MRI was not available.").
                self.unassigned.append(sentence)
                return
            subject = subject_of(instead)
        modality = modality_of(subject)
        study = self.current
        label = clean_label(subject, modality) if modality else ""
        if modality and (
            study is None
            or modality != study.modality
            or (paragraph_break and self._another_region(study, modality, label))
        ):
            study = self.start(modality, label)
            paragraph_break = False
        if study is None and figure_refs(sentence):
            study = self.start("OT", DEFAULT_LABELS["OT"])
        if study is None:
            self.unassigned.append(sentence)
            return
        if study.findings and not paragraph_break:
            study.findings[-1] = f"{study.findings[-1]} {sentence}"
        else:
            study.findings.append(sentence)
        study.add_figures(sentence, self.seen_figures)

    def add_paragraph(self, para: Para) -> None:
        if para.heading:
            self.add_heading(para.text)
            return
        if para.is_item and self.add_item(para.text):
            return
        for position, sentence in enumerate(split_sentences(para.text)):
            self.add_sentence(sentence, paragraph_break=position == 0)

    def add_caption(self, text: str) -> None:
        match = caption_match(text)
        if match is None:
            return
        key, caption = match["id"].lower(), match["text"].strip()
        label = f"{match['prefix']} {match['id']}".replace("..", ".")[:40]
        for study in self.studies:
            for figure in study.figures:
                if figure["key"] == key:
                    figure["caption"] = caption
                    return
        if self._caption_parts(key, caption) or self._caption_part(key, label, caption):
            return
        # A caption of a figure no findings sentence mentions: with the study of its modality
        # that it shares most words with, else a study of its own.
        modality = modality_of(subject_of(caption)) or modality_of(caption) or "OT"
        same = [study for study in self.studies if study.modality == modality]
        if same and modality != "OT":
            words = _words(caption)
            study = max(
                same,
                key=lambda s: (
                    len(words & _words(f"{s.label} {' '.join(s.findings)}")),
                    -same.index(s),
                ),
            )
        else:
            study = StudyDraft(modality, clean_label(subject_of(caption), modality))
            self.studies.append(study)
        study.figures.append(new_figure(label, key, caption))
        self.seen_figures.add(key)

    def _caption_parts(self, key: str, caption: str) -> bool:
        """ "Figure 2. …" for a text that cites "Fig. 2a" and "2b": the caption of every part."""
        if not key.isdigit():
            return False
        parts = [
            figure
            for study in self.studies
            for figure in study.figures
            if re.fullmatch(rf"{key}[a-z]", figure["key"])
        ]
        for figure in parts:
            figure["caption"] = figure["caption"] or caption
        return bool(parts)

    def _caption_part(self, key: str, label: str, caption: str) -> bool:
        """ "Fig. 2a: …" for a text that cites only "Fig. 2": a part of that figure."""
        if not re.fullmatch(r"\d+[a-z]", key):
            return False
        whole = key[:-1]
        for study in self.studies:
            related = [
                index
                for index, figure in enumerate(study.figures)
                if figure["key"] == whole or re.fullmatch(rf"{whole}[a-z]", figure["key"])
            ]
            if not related:
                continue
            part = new_figure(label, key, caption)
            first = study.figures[related[0]]
            if first["key"] == whole and not first["caption"]:
                # The uncaptioned whole stood in for its parts until their captions came.
                study.figures[related[0]] = part
            else:
                study.figures.insert(related[-1] + 1, part)
            self.seen_figures.add(key)
            return True
        return False

    def documents(self) -> list[dict]:
        return [study.as_document() for study in self.studies]


def is_imaging_sentence(sentence: str) -> bool:
    """A sentence that reports a study of this patient (or one not made): its subject names a
    modality."""
    return modality_of(subject_of(sentence)) is not None and bool(
        figure_refs(sentence) or _VERB.search(sentence)
    )


def is_imaging_paragraph(para: Para) -> bool:
    if para.is_item:
        label, _, findings = para.text.partition(":")
        return bool(findings) and len(label.split()) <= 8 and modality_of(label) is not None
    sentences = split_sentences(para.text)
    return bool(figure_refs(para.text)) or bool(sentences and is_imaging_sentence(sentences[0]))
