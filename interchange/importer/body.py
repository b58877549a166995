"""The authors' text of a report: history, findings, sections, teaching points and the rest.

The body is cut into segments at its headings. Text before the first heading is sorted the way a
reader of a Eurorad-style report would: the opening paragraph is the clinical history, findings
paragraphs become studies, later case narrative is the outcome, and general statements about the
disease (no patient in them) are the discussion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .certainty import certainty_value
from .headings import (
    SHORT_TEXT_ROLES,
    heading_text,
    is_known,
    looks_like_heading,
    role_of,
    section_kind,
    split_inline_heading,
)
from .imaging import (
    StudyBuilder,
    figure_refs,
    is_imaging_paragraph,
    is_imaging_sentence,
    is_not_made,
)
from .text import Para, render_markdown, split_sentences

# Words that tie a paragraph to this patient rather than to the disease in general.
_CASE_SPECIFIC = re.compile(
    r"\b(?:he|she|his|her|him|patient's|the patient|our patient|this patient|was|were|had"
    r"|underwent|presented|admitted|complained|subsequent|subsequently|thereafter|afterwards)\b",
    re.IGNORECASE,
)
_DOI = re.compile(r"\b(10\.\d{4,9}/\S+?)(?=[.,;]?(?:\s|$))")
_PMID = re.compile(r"\bPMID:?\s*(\d{4,9})\b", re.IGNORECASE)
_URL = re.compile(r"https?://\S+?(?=[.,;)]?(?:\s|$))")
_REFERENCE_NUMBER = re.compile(r"^\[(\d{1,3})\]\s*")


@dataclass
class Segment:
    heading: Para | None
    paras: list[Para] = field(default_factory=list)

    @property
    def role(self) -> str:
        return role_of(self.heading.text) if self.heading else "unheaded"


@dataclass
class Body:
    """What the body contributes to the document."""

    clinical_history: list[Para] = field(default_factory=list)
    studies: StudyBuilder = field(default_factory=StudyBuilder)
    sections: list[dict] = field(default_factory=list)
    teaching_points: list[str] = field(default_factory=list)
    differential_diagnoses: list[dict] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)
    final_diagnosis: str = ""
    impression: list[Para] = field(default_factory=list)
    certainty: str | None = None
    certainty_basis: str = ""
    unplaced: list[Para] = field(default_factory=list)


def _is_heading(para: Para, current: Segment, *, marked: bool) -> bool:
    if para.heading:
        return True
    if current.heading and (
        (not current.paras and current.role in SHORT_TEXT_ROLES) or current.role == "differential"
    ):
        # "Final diagnosis" over "Chondroblastoma": the short line is the heading's text, and a
        # differential list may give one Title Case diagnosis a line.
        return is_known(para.text)
    if marked:
        # A report that marks its section headings with "##" marks them all; other lines are
        # headings only when they are headings we know.
        return looks_like_heading(para) and is_known(para.text)
    return looks_like_heading(para)


def _heads_a_list(paras: list[Para], index: int) -> bool:
    """ "Image-guided ablation" between two bullet lists: the heading of the second one."""
    para = paras[index]
    if para.is_item or para.heading or index == 0 or index + 1 >= len(paras):
        return False
    text = para.text
    return (
        paras[index - 1].is_item
        and paras[index + 1].is_item
        and text[:1].isupper()
        and len(text.split()) <= 8
        and not re.search(r"[.!?:;,\]]$", text)
    )


def segments_of(paras: list[Para]) -> list[Segment]:
    segments = [Segment(None)]
    level = 0
    marked = any(para.level >= 2 for para in paras)
    for index, para in enumerate(paras):
        if inline := split_inline_heading(para):
            heading, text = inline
            segments.append(Segment(Para(heading, heading=True), [text]))
            level = 0
        elif _heads_a_list(paras, index) and not marked:
            segments.append(Segment(Para(heading_text(para.text), heading=True)))
            level = 0
        elif _is_heading(para, segments[-1], marked=marked):
            if para.level and level and para.level > level:
                # "### Detail" under "## Section" stays inside that section.
                segments[-1].paras.append(Para(heading_text(para.text), heading=True))
            else:
                segments.append(Segment(Para(heading_text(para.text), heading=True)))
                level = para.level
        else:
            segments[-1].paras.append(para)
    return _absorb_subheadings(segments)


def _absorb_subheadings(segments: list[Segment]) -> list[Segment]:
    """A heading with nothing under it, followed by headings we do not know, is their parent.

    "Treatment Algorithm", "First-Line Treatment", "Conservative Management", … keep their
    order inside one section instead of becoming sections with nothing in them.
    """
    merged: list[Segment] = []
    parent: Segment | None = None
    for segment in segments:
        if parent is not None and segment.heading and not is_known(segment.heading.text):
            parent.paras.append(segment.heading)
            parent.paras.extend(segment.paras)
            if segment.paras:
                parent = None
            continue
        merged.append(segment)
        parent = (
            segment
            if segment.heading and not segment.paras and segment.role.startswith("section:")
            else None
        )
    return merged


# Words that only a report of one patient uses.
_ONE_PATIENT = re.compile(
    r"\b(?:our|this|the) patient\b|\b(?:he|she|his|her|him)\b|\bwas (?:admitted|referred)\b"
    r"|\bpresented (?:with|to)\b|\b(?:a|an)\s+(?:\w+[- ])?(?:year|month|week|day)s?[- ]old\b",
    re.IGNORECASE,
)
_CITATION = re.compile(r"\[\d{1,3}(?:[,\-\s]+\d{1,3})*\]")


def looks_like_review(segments: list[Segment]) -> bool:
    """A topic review by its shape: headed sections of bullet points or of cited paragraphs, and
    no sign of a patient — whatever its headings are called."""
    headed = [s for s in segments if s.heading and s.paras and s.role != "references"]
    paras = [
        para
        for segment in segments
        if segment.role != "references"
        for para in segment.paras
        if not para.heading
    ]
    if len(headed) < 2 or not paras or any(_ONE_PATIENT.search(para.text) for para in paras):
        return False
    items = sum(1 for para in paras if para.is_item)
    cited = sum(1 for para in paras if _CITATION.search(para.text))
    bullets = items >= max(3, len(paras) / 2) and (cited >= len(paras) / 3 or items == len(paras))
    return bullets or cited >= max(3, len(paras) / 2)


def is_general(para: Para) -> bool:
    return not _CASE_SPECIFIC.search(para.text)


def split_history(para: Para) -> tuple[Para | None, list[str]]:
    """A history paragraph without the sentences that report a figure of a study."""
    if para.is_item or not figure_refs(para.text):
        return para, []
    kept, imaging = [], []
    for sentence in split_sentences(para.text):
        # A study that was not made is noted with the findings of those that were.
        findings = is_not_made(sentence) or (
            bool(figure_refs(sentence)) and is_imaging_sentence(sentence)
        )
        (imaging if findings else kept).append(sentence)
    return (Para(" ".join(kept)) if kept else None), imaging


def _add_history(para: Para, body: Body) -> bool:
    """Add a history paragraph; True if findings sentences were taken out of it."""
    kept, imaging = split_history(para)
    if kept is not None:
        body.clinical_history.append(kept)
    for sentence in imaging:
        body.studies.add_sentence(sentence, paragraph_break=True)
    return bool(imaging)


def read_unheaded(paras: list[Para], body: Body) -> None:
    """Sort the text before the first heading of a clinical case."""
    outcome: list[Para] = []
    discussion: list[Para] = []
    state = "history"
    for index, para in enumerate(paras):
        if para.is_item and not is_imaging_paragraph(para):
            # A list belongs with the paragraph that introduces it.
            if state == "history":
                body.clinical_history.append(para)
            elif state == "imaging":
                body.studies.add_paragraph(para)
            else:
                (outcome if state == "outcome" else discussion).append(para)
        elif state != "discussion" and (index > 0 or para.is_item) and is_imaging_paragraph(para):
            body.studies.add_paragraph(para)
            state = "imaging"
        elif index == 0 or (state == "history" and not is_general(para)):
            if _add_history(para, body):
                state = "imaging"
        elif state == "discussion" or is_general(para):
            discussion.append(para)
            state = "discussion"
        else:
            outcome.append(para)
            state = "outcome"
    if outcome:
        body.sections.append(section("outcome", "Outcome", outcome))
    if discussion:
        body.sections.append(section("discussion", "Discussion", discussion))


def section(kind: str, heading: str, paras: list[Para]) -> dict:
    return {"kind": kind, "heading": heading[:200], "body": render_markdown(paras)}


def _points(paras: list[Para]) -> list[str]:
    points: list[str] = []
    for para in paras:
        points.extend([para.text] if para.is_item or para.heading else split_sentences(para.text))
    return [point.strip() for point in points if point.strip()]


def _differentials(segment: Segment, body: Body, heading: str) -> None:
    for para in segment.paras:
        if para.is_item or len(para.text) <= 120:
            parts = [para.text] if para.is_item else re.split(r"\s*[,;]\s*", para.text)
            for part in parts:
                diagnosis, *note = re.split(r"\s*(?::|–|—| - )\s*", part, maxsplit=1)
                diagnosis = diagnosis.strip().rstrip(".")
                if re.match(r"[a-z][a-z]", diagnosis):
                    # "…; renal abscess; …" in a run-on list: each item is a diagnosis of its own.
                    diagnosis = diagnosis[0].upper() + diagnosis[1:]
                if diagnosis:
                    body.differential_diagnoses.append(
                        {"diagnosis": diagnosis[:300], "note": "".join(note).strip()}
                    )
        else:
            body.sections.append(section("discussion", heading, [para]))


def _references(segment: Segment, body: Body) -> None:
    for para in segment.paras:
        citation = para.text
        number = para.number
        if match := _REFERENCE_NUMBER.match(citation):
            number, citation = int(match[1]), citation[match.end() :]
        doi, pmid, url = _DOI.search(citation), _PMID.search(citation), _URL.search(citation)
        body.references.append(
            {
                "number": number or len(body.references) + 1,
                "citation": citation.strip(),
                "doi": doi[1] if doi else "",
                "pmid": pmid[1] if pmid else "",
                "url": url[0] if url else "",
            }
        )


def read_segment(
    segment: Segment, body: Body, warnings: list[str], *, clinical: bool = True
) -> None:
    heading = segment.heading.text if segment.heading else ""
    role = segment.role
    if not segment.paras:
        if is_known(heading):
            warnings.append(f"The heading “{heading}” has no text under it; it was left out.")
        else:
            # A line we took for a heading may be text: keep it where the author can see it.
            body.unplaced.append(Para(heading))
        return
    if not clinical and role in ("history", "imaging"):
        # A topic review has no patient: its "Imaging" heading is the imaging of the disease,
        # its "Clinical presentation" how the disease presents.
        kind = section_kind(heading)
        if role == "imaging":
            kind = "imaging_perspective"
        elif kind not in ("clinical_perspective", "imaging_perspective"):
            kind = "background"
        role = f"section:{kind}"
    for index, para in enumerate(segment.paras):
        following = segment.paras[index + 1] if index + 1 < len(segment.paras) else None
        if para.heading and (following is None or following.heading):
            warnings.append(f"The heading “{para.text}” (under “{heading}”) has no text under it.")
    if role == "history":
        for para in segment.paras:
            _add_history(para, body)
    elif role == "imaging":
        for para in segment.paras:
            body.studies.add_paragraph(para)
    elif role == "teaching_points":
        body.teaching_points.extend(_points(segment.paras))
    elif role == "impression":
        body.impression.extend(segment.paras)
    elif role == "certainty":
        level, basis = certainty_value(segment.paras[0].text)
        if level is None:
            warnings.append(
                f"The certainty “{segment.paras[0].text}” is not one the site knows "
                "(certain, almost certain, probable, possible); it was not set."
            )
            body.unplaced.append(segment.paras[0])
        else:
            body.certainty, body.certainty_basis = level, basis
        if segment.paras[1:]:
            body.sections.append(section("discussion", heading, segment.paras[1:]))
    elif role == "final_diagnosis":
        body.final_diagnosis = segment.paras[0].text.strip().rstrip(".")[:300]
        if segment.paras[1:]:
            body.sections.append(section("discussion", heading, segment.paras[1:]))
    elif role == "differential":
        _differentials(segment, body, heading)
    elif role == "references":
        _references(segment, body)
    else:
        body.sections.append(section(role.removeprefix("section:"), heading, segment.paras))
