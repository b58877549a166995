"""Case report text → the canonical case document (cases/document.py).

The report is read in layers, each taking away what it recognises: the title line (repeated
as the final diagnosis in Eurorad-style reports), the machine-generated analysis, the licence
and consent lines, and then the authors' body. Whatever is left cannot be placed: it goes to an
"Unplaced text" section and into the warnings, so that nothing is silently dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from . import rights as rights_lines
from .body import Body, looks_like_review, read_segment, read_unheaded, section, segments_of
from .certainty import parse_certainty
from .diagnosis import diagnosis_in
from .headings import heading_text, is_known, looks_like_heading
from .imaging import modality_of
from .machine import build_commentary, find_commentary, rehabilitation_from
from .patient import find_age, find_patient, redact_great_ages
from .text import Para, caption_match, paragraphs, render_markdown, split_sentences

UNPLACED_HEADING = "Unplaced text"
_FURNITURE_DOI = re.compile(r"\bdoi(?:\.org/|\s*:\s*|\s+)(10\.\d{4,9}/[^\s,;]+[^\s,;.])", re.I)
MAX_TITLE_WORDS = 20


class EmptyReportError(ValueError):
    """The report has no text to import."""


@dataclass
class ParsedCase:
    document: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def parse_case_report(text: str, *, source_name: str = "") -> ParsedCase:
    """Read a case report (plain text or Markdown) into a canonical case document."""
    furniture: list[str] = []
    paras = paragraphs(text, furniture, is_known)
    if not paras:
        raise EmptyReportError("The report has no text.")
    parsed = _ReportReader(paras, source_name=source_name).read()
    rights = parsed.document["rights"]
    doi = next((match for line in furniture if (match := _FURNITURE_DOI.search(line))), None)
    if doi and not rights["source"]:
        # The DOI printed on the article's pages is where the case was published.
        rights["source"] = f"https://doi.org/{doi[1]}"
    if furniture:
        shown = ", ".join(f"“{line}”" for line in dict.fromkeys(furniture[:5]))
        parsed.warnings.append(
            f"{len(furniture)} page number or running head line(s) were left out: {shown}"
            + (", …" if len(furniture) > 5 else "")
        )
    return parsed


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip("#").strip().casefold()


_TITLE_LABEL = re.compile(r"^(?:case\s+)?title\s*:\s*(?P<title>\S.{0,298})$", re.IGNORECASE)
# "… in a 61-year-old man": a title naming the patient after the disease.
_PATIENT_IN_TITLE = re.compile(
    r"\b(?:in|of|for)\s+an?\s+(?:[a-z]+\s+)?\d{1,3}[- ](?:year|month|week|day)s?[- ]old\b",
    re.IGNORECASE,
)


def _title_like(para: Para, *, first: bool = False) -> bool:
    """A short line with no sentence punctuation: a title, or the final diagnosis.

    The first line may name the patient after the disease ("Sclerosing mesenteritis in a
    61-year-old man"); a line that tells the patient otherwise ("Patient: 70 yo F") is a history.
    """
    text = para.text
    return (
        not para.is_item
        and 0 < len(text) <= 200
        and len(text.split()) <= MAX_TITLE_WORDS
        and not re.search(r"[.!?:;,]$", text)
        and not is_known(text)
        and not rights_lines.is_licence_line(text)
        and (find_age(text) is None or (first and bool(_PATIENT_IN_TITLE.search(text))))
    )


class _ReportReader:
    def __init__(self, paras: list[Para], *, source_name: str) -> None:
        # Imported here, not at module level: cases.document loads the Django models, and the
        # parsing itself must stay importable (and testable) without a configured Django.
        from cases.document import empty_document

        self.paras = paras
        self.source_name = source_name
        self.document = empty_document()
        self.warnings: list[str] = []
        self.title = ""
        self.title_is_diagnosis = False
        self.unplaced: list[Para] = []

    # --- the layers --------------------------------------------------------------------------

    def read(self) -> ParsedCase:
        title_lines = self.find_title()
        order = [index for index in range(len(self.paras)) if index not in title_lines]
        span = find_commentary([self.paras[index] for index in order])
        commentary_lines: list[int] = []
        after: list[int] = []
        main = order
        if span is not None:
            first, last = order[span[0]], order[span[1]]
            main = [index for index in order if index < first]
            commentary_lines = [index for index in order if first <= index <= last]
            after = [index for index in order if index > last]

        main = self.without_rights_lines(main)
        self.unplaced.extend(self.paras[index] for index in self.without_rights_lines(after))

        # After the title line that follows the body (Eurorad puts it before the licence),
        # only rights lines belong; anything else there is unplaced.
        tail_start = min((index for index in title_lines if index > 0), default=None)
        if tail_start is not None:
            self.unplaced[:0] = [self.paras[i] for i in main if i > tail_start]
            main = [index for index in main if index < tail_start]

        self.read_body([self.paras[index] for index in main])
        if commentary_lines:
            commentary_paras = [self.paras[index] for index in commentary_lines]
            self.document["commentaries"].append(build_commentary(commentary_paras, self.warnings))
        self.add_unplaced()
        self.redact_great_ages()
        return ParsedCase(self.document, self.warnings)

    def redact_great_ages(self) -> None:
        """No text of the document keeps an age of 90 or over: it reads "90+" instead."""
        redacted = 0

        def walk(value: Any) -> Any:
            nonlocal redacted
            if isinstance(value, str):
                value, count = redact_great_ages(value)
                redacted += count
                return value
            if isinstance(value, list):
                return [walk(item) for item in value]
            if isinstance(value, dict):
                return {key: walk(item) for key, item in value.items()}
            return value

        for key, value in self.document.items():
            if key != "patient":  # the patient fields apply the same rule themselves
                self.document[key] = walk(value)
        if redacted:
            self.warnings.append(
                f"{redacted} mention(s) of an age of 90 or over were rewritten as 90+."
            )

    def find_title(self) -> set[int]:
        """The title line(s): a short line the report repeats, else a title-like first line."""
        occurrences: dict[str, list[int]] = defaultdict(list)
        for index, para in enumerate(self.paras):
            if (_title_like(para) and not para.heading) or para.level == 1:
                occurrences[_key(para.text)].append(index)
        repeated = [indexes for indexes in occurrences.values() if len(indexes) >= 2]
        if repeated:
            # Prefer the line that closes the report and the one that sits by the licence line.
            def score(indexes: list[int]) -> tuple[int, int]:
                last = len(self.paras) - 1
                beside_licence = any(
                    0 <= i + step <= last
                    and rights_lines.is_licence_line(self.paras[i + step].text)
                    for i in indexes
                    for step in (-1, 1)
                )
                return len(indexes) + 2 * (last in indexes) + 2 * beside_licence, indexes[-1]

            indexes = max(repeated, key=score)
            # A repeat right under a heading ("Final diagnosis") is that heading's text.
            title_lines = {
                index
                for index in indexes
                if index == 0 or not looks_like_heading(self.paras[index - 1])
            }
            # A line repeated only as headings' text (the diagnosis, again in the differential
            # list) is no title line; the first line may still be one.
            if title_lines:
                self.title = heading_text(self.paras[indexes[0]].text)
                self.title_is_diagnosis = 0 not in indexes
                return title_lines
        first = self.paras[0]
        if label := _TITLE_LABEL.match(first.text):
            # "Title: …"
            self.title = label["title"].strip()
            return {0}
        if len(self.paras) > 1 and (
            first.level == 1 or (_title_like(first, first=True) and not first.level)
        ):
            self.title = heading_text(first.text)
            return {0}
        return set()

    def split_closing_statements(self, lines: list[int]) -> None:
        """Take the consent or licence sentences off the end of a paragraph of other text."""
        for index in lines:
            para = self.paras[index]
            if para.is_item or para.heading:
                continue
            sentences = split_sentences(para.text)
            cut = len(sentences)
            while cut > 1 and rights_lines.is_closing_statement(sentences[cut - 1]):
                cut -= 1
            if cut == len(sentences):
                continue
            para.text = " ".join(sentences[:cut])
            for sentence in sentences[cut:]:
                rights_lines.apply_rights_line(sentence, self.document["rights"], self.warnings)

    def without_rights_lines(self, lines: list[int]) -> list[int]:
        self.split_closing_statements(lines)
        kept: list[int] = []
        follows_rights_line = False
        heading_of: dict[int, str] = {}  # the rights heading ("Ethics statement") over a line
        for position, index in enumerate(lines):
            para = self.paras[index]
            following = lines[position + 1] if position + 1 < len(lines) else None
            if (
                following is not None
                and not para.is_item
                and rights_lines.is_rights_heading(para.text)
                and not self.paras[following].heading
            ):
                heading_of[following] = heading_text(para.text)
            if (
                index in heading_of
                and kept
                and kept[-1] == lines[position - 1]
                and rights_lines.apply_rights_line(
                    para.text, self.document["rights"], self.warnings, heading=heading_of[index]
                )
            ):
                kept.pop()  # the heading goes with its statement
                follows_rights_line = True
                continue
            if (
                para.is_item
                or para.heading
                or not rights_lines.apply_rights_line(
                    para.text, self.document["rights"], self.warnings
                )
            ):
                if follows_rights_line and not self.title and _title_like(para):
                    # The short line right after the consent or licence line names the case: the
                    # diagnosis at the end of a report, the title under a copyright line on top.
                    self.title, self.title_is_diagnosis = para.text, bool(kept)
                else:
                    kept.append(index)
                follows_rights_line = False
                continue
            if not self.title and kept and _title_like(self.paras[kept[-1]]):
                # … and so does the short line just before it.
                self.title, self.title_is_diagnosis = self.paras[kept.pop()].text, True
            follows_rights_line = True
        return kept

    def read_certainty_lines(self, paras: list[Para], body: Body) -> list[Para]:
        """The paragraphs without their "Certainty: …" lines, which go to `body`."""
        kept: list[Para] = []
        for para in paras:
            found = None if para.is_item or para.heading else parse_certainty(para.text)
            if found is None:
                kept.append(para)
            elif found[0] is None:
                self.warnings.append(
                    f"The certainty in “{para.text}” is not one the site knows "
                    "(certain, almost certain, probable, possible); it was not set."
                )
                body.unplaced.append(para)
            else:
                body.certainty, body.certainty_basis = found
        return kept

    def read_body(self, paras: list[Para]) -> None:
        captions = [para for para in paras if not para.is_item and caption_match(para.text)]
        paras = [para for para in paras if not any(para is caption for caption in captions)]
        body = Body()
        paras = self.read_certainty_lines(paras, body)
        segments = segments_of(paras)
        unheaded = segments[0].paras
        history_segments = [s for s in segments[1:] if s.role == "history"]
        opening = next((para.text for para in unheaded if not para.is_item), "")
        if not opening and history_segments and history_segments[0].paras:
            opening = history_segments[0].paras[0].text
        patient = find_patient(opening) if opening else None
        clinical = patient is not None or bool(history_segments)
        if clinical and (patient is None or patient.age is None) and looks_like_review(segments):
            # "Clinical presentation" over bullets of a review is the disease's presentation.
            clinical, patient, history_segments = False, None, []

        if unheaded:
            if clinical:
                read_unheaded(unheaded, body)
            else:
                body.sections.append(section("background", "", unheaded))
        for segment in segments[1:]:
            read_segment(segment, body, self.warnings, clinical=clinical)
        for caption in captions:
            body.studies.add_caption(caption.text)
        self.unplaced.extend(body.unplaced)
        self.fill_document(body, clinical=clinical, patient=patient)
        rehabilitation = rehabilitation_from(paras)
        if rehabilitation and sum(1 for value in rehabilitation.values() if value) >= 3:
            self.document["rehabilitation"] = rehabilitation

    def fill_document(self, body: Body, *, clinical: bool, patient: Any) -> None:
        from cases.document import patient_document  # loads the models: see _ReportReader

        document = self.document
        document["case_type"] = "clinical_case" if clinical else "topic_review"
        if clinical:
            document["patient"] = patient_document(
                patient.age if patient else None,
                patient.age_unit if patient else None,
                patient.sex if patient else "unknown",
            )
            if patient is None or patient.age is None:
                self.warnings.append("No patient age was found in the clinical history.")
        document["clinical_history"] = render_markdown(body.clinical_history)
        findings = [" ".join(body.studies.unassigned)]
        if body.impression:
            findings.append(f"Impression: {render_markdown(body.impression)}")
        document["imaging_findings"] = "\n\n".join(text for text in findings if text)
        document["studies"] = body.studies.documents()
        document["sections"] = body.sections
        document["teaching_points"] = body.teaching_points
        document["differential_diagnoses"] = body.differential_diagnoses
        document["references"] = body.references

        final_diagnosis = body.final_diagnosis
        if not final_diagnosis and clinical and self.title_is_diagnosis:
            final_diagnosis = self.title
        if not final_diagnosis and clinical:
            final_diagnosis = self.stated_diagnosis(body)
        document["final_diagnosis"] = final_diagnosis[:300]
        if clinical and body.certainty:
            document["diagnostic_certainty"] = body.certainty
            document["certainty_basis"] = body.certainty_basis[:200]
        title = self.title or final_diagnosis
        if not title:
            title = f"Untitled case ({self.source_name})" if self.source_name else "Untitled case"
            self.warnings.append(f"No title line was found; the case is called “{title}”.")
        document["title"] = title[:300]
        for study in document["studies"]:
            if study["modality"] == "OT" and not modality_of(study["findings"]):
                self.warnings.append(
                    f"The modality of study “{study['label']}” could not be told; set to OT."
                )

    def stated_diagnosis(self, body: Body) -> str:
        """The diagnosis the authors state in their text when no heading or title gives it."""
        paragraphs = [para.text for para in body.clinical_history[1:] if not para.is_item]
        for study in body.studies.studies:
            paragraphs += study.findings
        for part in body.sections:
            paragraphs += [chunk for chunk in part["body"].split("\n\n") if chunk.strip()]
        found = diagnosis_in(paragraphs, closing=paragraphs[-2:])
        if found is None:
            return ""
        diagnosis, sentence = found
        self.warnings.append(
            f"The final diagnosis “{diagnosis}” was read from the sentence “{sentence}”; check it."
        )
        return diagnosis

    def add_unplaced(self) -> None:
        paras = self.unplaced
        if not paras:
            return
        self.document["sections"].append(section("other", UNPLACED_HEADING, paras))
        for para in paras:
            snippet = para.text if len(para.text) <= 80 else para.text[:77] + "…"
            self.warnings.append(
                f"Could not place this text; it is kept in the “{UNPLACED_HEADING}” section: "
                f"“{snippet}”"
            )
