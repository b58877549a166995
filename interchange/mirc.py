"""A case as an RSNA MIRC teaching file: a MIRCdocument and the zip a MIRC site ingests.

The structure follows the RSNA MIRC software (github.com/johnperry/MIRC2) and its wiki article
"The MIRCdocument Schema" (mircwiki.rsna.org):

- source/files/aauth/templates/doc-template-tab.xml: `<MIRCdocument display="tab">` with
  `section` elements (History, Findings, Diagnosis, Discussion), an `image-section`, a
  `document-type` and a `publication-date`;
- source/java/mirc/util/MircDocument.java: an `image` has `src`, `w` and `h`, and
  `alternative-image` children whose `role` is `icon` (the token shown in the image strip) or
  `original-dimensions` (the "Original Size" button);
- source/files/storage/MIRCdocument.xsl: how each element is shown (`author/name|affiliation|
  contact`, `abstract`, `keywords` with RadLex `term`s, `image-caption`, `references/reference`,
  `patient` with `pt-age/years|months|weeks|days` and `pt-sex`, `peer-review`, and the footer's
  `rights` and `publication-date`); special-purpose elements such as `history`, `findings`,
  `diagnosis`, `differential-diagnosis`, `discussion` and `modality` are shown inside a section
  and only indexed when they are direct children of the root;
- source/files/storage/IndexDocument.xsl: the root's `category`, `level` and the
  `authorization/read` element (empty = owner only, `*` = public) are what the index reads.

interchange/schemas/MIRCdocument.xsd encodes the part of that structure this module writes.

The zip is what MIRC's Submit Service takes (source/java/mirc/submit/SubmitService.java): one
XML file whose root is MIRCdocument plus the files it references, side by side (folders are
flattened on receipt).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from django.db.models import Prefetch, prefetch_related_objects
from PIL import Image

from cases.models import Case, CaseAuthor, Figure, Section, Study
from cases.storage import storage_unavailable_on_error

from .markdown_text import plain_line, plain_paragraphs, xml_safe

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

DOCUMENT_NAME = "MIRCdocument.xml"
ABSTRACT_MAX_CHARS = 300
# A zip entry's date: a fixed one, so the same case exports to the same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# MIRC's levels of difficulty (the query form's "Level").
LEVEL_FOR_DIFFICULTY = {
    Case.Difficulty.STUDENT: "primary",
    Case.Difficulty.RESIDENT: "intermediate",
    Case.Difficulty.FELLOW: "advanced",
    Case.Difficulty.CONSULTANT: "advanced",
}

MIRC_PREFETCH = (
    "tags",
    "systems",
    "sections",
    "differential_diagnoses",
    "teaching_points",
    "references",
    Prefetch("authors", queryset=CaseAuthor.objects.select_related("user__institution")),
    Prefetch(
        "studies",
        queryset=Study.objects.prefetch_related(
            # Only processed figures leave the site: never pending, failed or quarantined ones.
            Prefetch(
                "figures",
                queryset=Figure.objects.filter(status=Figure.ProcessingStatus.READY)
                .exclude(thumbnail="")
                .exclude(web="", full=""),
                to_attr="exported_figures",
            )
        ),
        # Its own attribute: a case already prefetched for the canonical document has
        # `studies` cached without the exported figures, and Django would not fetch again.
        to_attr="mirc_studies",
    ),
)


@dataclass(frozen=True)
class ExportedImage:
    """One figure as files of the zip: the shown picture, its full size and its icon."""

    figure: Figure
    study: Study
    stem: str
    files: dict[str, bytes]
    size: tuple[int, int] | None

    @property
    def src(self) -> str:
        return f"{self.stem}.jpg"

    @property
    def full_src(self) -> str | None:
        name = f"{self.stem}-full.jpg"
        return name if name in self.files else None

    @property
    def icon_src(self) -> str:
        return f"{self.stem}-icon.jpg"


def _read(stored) -> bytes | None:
    try:
        with storage_unavailable_on_error(), stored.open("rb") as file:
            return file.read()
    except (OSError, ValueError):  # a missing file; storage that is down fails the export
        return None


def _image_size(data: bytes) -> tuple[int, int] | None:
    try:
        with Image.open(io.BytesIO(data)) as picture:
            return picture.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _exported_image(figure: Figure, study: Study, stem: str) -> ExportedImage | None:
    """The figure's derivatives as zip entries; None when a file it needs is missing."""
    # The web derivative fits MIRC's image pane; a small upload may only have a full one.
    shown = figure.web or figure.full
    files = {f"{stem}.jpg": _read(shown), f"{stem}-icon.jpg": _read(figure.thumbnail)}
    if figure.full and figure.full.name != shown.name:
        files[f"{stem}-full.jpg"] = _read(figure.full)
    if any(data is None for data in files.values()):
        return None
    return ExportedImage(figure, study, stem, files, _image_size(files[f"{stem}.jpg"]))


def _exported_images(case: Case) -> list[ExportedImage]:
    images = []
    for study_number, study in enumerate(case.mirc_studies, start=1):
        for figure_number, figure in enumerate(study.exported_figures, start=1):
            image = _exported_image(figure, study, f"fig-{study_number}-{figure_number}")
            if image is not None:
                images.append(image)
    return images


def _prepare(case: Case) -> None:
    # A fixed number of queries, whatever the number of studies and figures.
    prefetch_related_objects([case], *MIRC_PREFETCH)


# --- Building the document ------------------------------------------------------------------


def _element(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
    child = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attributes.items()})
    if text:
        child.text = xml_safe(text)
    return child


def _paragraphs(parent: ET.Element, markdown: str) -> int:
    paragraphs = plain_paragraphs(markdown)
    for paragraph in paragraphs:
        _element(parent, "p", paragraph)
    return len(paragraphs)


def _abstract_text(case: Case) -> str:
    """A short summary: the first teaching point, else the start of the discussion."""
    candidates = [point.text for point in case.teaching_points.all()]
    sections = list(case.sections.all())
    candidates += [s.body for s in sections if s.kind == Section.Kind.DISCUSSION]
    candidates += [s.body for s in sections] + [case.imaging_findings, case.clinical_history]
    for candidate in candidates:
        text = plain_line(candidate)
        if text:
            if len(text) <= ABSTRACT_MAX_CHARS:
                return text
            cut = text[:ABSTRACT_MAX_CHARS].rsplit(" ", 1)[0]
            return f"{cut}…"
    return ""


def _add_authors(root: ET.Element, case: Case) -> None:
    for author in case.authors.all():
        element = _element(root, "author")
        _element(element, "name", author.display_name)
        affiliation = author.affiliation or (
            author.user.institution.name if author.user and author.user.institution else ""
        )
        if affiliation:
            _element(element, "affiliation", affiliation)
        if author.orcid:
            _element(element, "contact", f"ORCID https://orcid.org/{author.orcid}")


def _add_keywords(root: ET.Element, case: Case) -> None:
    tags = list(case.tags.all())
    systems = list(case.systems.all())
    if not tags and not systems:
        return
    keywords = _element(root, "keywords")
    words: list[str | ET.Element] = []
    for tag in tags:
        if tag.scheme == tag.Scheme.RADLEX and tag.code:
            term = ET.Element("term", {"lexicon": "RadLex", "id": xml_safe(tag.code)})
            term.text = xml_safe(tag.name)
            words.append(term)
        else:
            words.append(tag.name)
    words += [system.name for system in systems]
    # Mixed content: the words separated by ", ", RadLex terms as elements among them.
    previous: ET.Element | None = None
    for index, word in enumerate(words):
        separator = ", " if index else ""
        if isinstance(word, ET.Element):
            if previous is None:
                keywords.text = (keywords.text or "") + separator
            else:
                previous.tail = (previous.tail or "") + separator
            keywords.append(word)
            previous = word
        elif previous is None:
            keywords.text = (keywords.text or "") + separator + xml_safe(word)
        else:
            previous.tail = (previous.tail or "") + separator + xml_safe(word)


def _add_history(root: ET.Element, case: Case) -> None:
    has_patient = case.case_type == Case.CaseType.CLINICAL_CASE and case.has_patient
    if not has_patient and not plain_paragraphs(case.clinical_history):
        return
    section = _element(root, "section", heading="History")
    if has_patient:
        patient = _element(section, "patient")
        if case.patient_age is not None:
            age = _element(patient, "pt-age")
            unit = case.patient_age_unit or Case.AgeUnit.YEARS
            # Ages of 90 years and over identify people: only "90+" leaves the site.
            value = "90+" if case.age_display.startswith("90+") else str(case.patient_age)
            _element(age, str(unit), value)
        if case.patient_sex:
            _element(patient, "pt-sex", case.patient_sex)
    history = ET.Element("history")
    if _paragraphs(history, case.clinical_history):
        section.append(history)


def _add_findings(root: ET.Element, case: Case) -> None:
    findings = ET.Element("findings")
    _paragraphs(findings, case.imaging_findings)
    for study in case.mirc_studies:
        paragraphs = plain_paragraphs(study.findings)
        if not paragraphs:
            continue
        name = study.label or study.get_modality_display()
        _element(findings, "h3", f"{name} ({study.timing})" if study.timing else name)
        for paragraph in paragraphs:
            _element(findings, "p", paragraph)
    if len(findings):
        section = _element(root, "section", heading="Findings")
        section.append(findings)


def _add_diagnosis(root: ET.Element, case: Case) -> None:
    if not case.final_diagnosis:
        return
    section = _element(root, "section", heading="Diagnosis")
    diagnosis = _element(section, "diagnosis")
    _element(diagnosis, "p", case.final_diagnosis)
    if case.diagnostic_certainty:
        certainty = f"Diagnostic certainty: {case.get_diagnostic_certainty_display()}"
        if case.certainty_basis:
            certainty += f" ({case.certainty_basis})"
        _element(diagnosis, "p", certainty)


def _add_differential(root: ET.Element, case: Case) -> None:
    items = [item for item in case.differential_diagnoses.all() if item.diagnosis.strip()]
    if not items:
        return
    section = _element(root, "section", heading="Differential diagnosis")
    differential = _element(section, "differential-diagnosis")
    listing = _element(differential, "ul")
    for item in items:
        note = plain_line(item.note)
        _element(listing, "li", f"{item.diagnosis}: {note}" if note else item.diagnosis)


def _add_discussion(root: ET.Element, case: Case) -> None:
    discussion = ET.Element("discussion")
    for case_section in case.sections.all():
        paragraphs = plain_paragraphs(case_section.body)
        if not paragraphs:
            continue
        _element(discussion, "h3", case_section.heading or case_section.get_kind_display())
        for paragraph in paragraphs:
            _element(discussion, "p", paragraph)
    if len(discussion):
        section = _element(root, "section", heading="Discussion")
        section.append(discussion)


def _add_teaching_points(root: ET.Element, case: Case) -> None:
    points = [plain_line(point.text) for point in case.teaching_points.all()]
    points = [point for point in points if point]
    if not points:
        return
    section = _element(root, "section", heading="Teaching points")
    listing = _element(section, "ol")
    for point in points:
        _element(listing, "li", point)


def _caption(image: ExportedImage) -> str:
    figure = image.figure
    label = figure.label or image.src
    study = image.study.label or image.study.get_modality_display()
    text = plain_line(figure.caption) or xml_safe(" ".join(figure.alt_text.split()))
    return f"{label} ({study}). {text}" if text else f"{label} ({study})"


def _add_images(root: ET.Element, images: list[ExportedImage]) -> None:
    if not images:
        return
    section = _element(root, "image-section", heading="Images")
    for image in images:
        attributes = {"src": image.src}
        if image.size:
            attributes |= {"w": str(image.size[0]), "h": str(image.size[1])}
        element = _element(section, "image", **attributes)
        _element(element, "alternative-image", role="icon", src=image.icon_src)
        if image.full_src:
            _element(element, "alternative-image", role="original-dimensions", src=image.full_src)
        _element(element, "image-caption", _caption(image))


def _add_references(root: ET.Element, case: Case) -> None:
    references = [r for r in case.references.all() if plain_line(r.citation) or r.link]
    if not references:
        return
    listing = _element(root, "references")
    for reference in references:
        element = _element(listing, "reference", plain_line(reference.citation))
        if reference.link:
            if element.text:
                element.text += " "
            _element(element, "a", reference.link, href=reference.link)


def _rights_text(case: Case) -> str:
    parts = []
    if case.copyright_holder:
        parts.append(f"© {case.copyright_holder}.")
    if case.licence:
        parts.append(f"Licensed under {case.licence_name} ({case.licence_url}).")
    else:
        parts.append("Licence not stated: all rights reserved unless the holder says otherwise.")
    if case.attribution:
        parts.append(f"Attribution: {case.attribution}.")
    if case.source:
        parts.append(f"First published at {case.source}.")
    if case.consent_statement:
        parts.append(f"Consent: {plain_line(case.consent_statement)}")
    elif case.consent != Case.Consent.UNKNOWN:
        parts.append(f"Patient consent: {case.get_consent_display().lower()}.")
    parts.append(f"Source: {case.permanent_url}")
    return " ".join(parts)


def _add_metadata(root: ET.Element, case: Case, images: list[ExportedImage]) -> None:
    for system in case.systems.all():
        _element(root, "category", system.name)
    if case.difficulty:
        _element(root, "level", LEVEL_FOR_DIFFICULTY[case.difficulty])
    modalities = list(dict.fromkeys(study.modality for study in case.mirc_studies))
    for modality in modalities:
        _element(root, "modality", modality)
    if case.final_diagnosis:
        _element(root, "diagnosis", case.final_diagnosis)
    _element(root, "document-type", "Radiologic Teaching File")
    if case.is_published and case.published_at:
        review = _element(root, "peer-review")
        _element(review, "approval-date", case.published_at.date().isoformat())
        _element(review, "reviewing-authority", "Editorial review of the Teaching File")
    _element(root, "rights", _rights_text(case))
    if case.published_at:
        _element(root, "publication-date", case.published_at.date().isoformat())
    # The receiving site decides: a public case asks to be public there (a MIRC site only
    # lets its publishers publish); anything else stays with its owner until shared.
    authorization = _element(root, "authorization")
    public = case.is_published and case.visibility == Case.Visibility.PUBLIC
    _element(authorization, "read", "*" if public else "")


def _document(case: Case, images: list[ExportedImage]) -> ET.Element:
    root = ET.Element("MIRCdocument", {"display": "tab"})
    _element(root, "title", case.title.strip() or "Untitled")
    _add_authors(root, case)
    abstract = _abstract_text(case)
    if abstract:
        _element(_element(root, "abstract"), "p", abstract)
    _add_keywords(root, case)
    # Section order follows MIRC's tab template: history, images, findings, diagnosis, …
    _add_history(root, case)
    _add_images(root, images)
    _add_findings(root, case)
    _add_diagnosis(root, case)
    _add_differential(root, case)
    _add_discussion(root, case)
    _add_teaching_points(root, case)
    _add_references(root, case)
    _add_metadata(root, case, images)
    return root


def _serialise(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def build_mirc_document(case: Case, *, user: User | AnonymousUser) -> str:
    """The case as a MIRCdocument (XML text, to be stored as UTF-8).

    `case` must come from `Case.objects.visible_to(user)`: this function shows whatever it is
    given. MIRC has no quiz, so nothing here depends on who reads it.
    """
    _prepare(case)
    return _serialise(_document(case, _exported_images(case)))


def build_mirc_zip(case: Case, *, user: User | AnonymousUser) -> bytes:
    """A zip for a MIRC site's Submit Service: MIRCdocument.xml and its images, side by side.

    The images are the figures' processed derivatives (re-encoded, metadata stripped), never
    the uploaded originals, and only of figures that finished processing; a figure whose
    files are missing from storage is left out of the document as well as the zip.
    """
    _prepare(case)
    images = _exported_images(case)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entry = zipfile.ZipInfo(DOCUMENT_NAME, date_time=ZIP_DATE)
        entry.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(entry, _serialise(_document(case, images)).encode("utf-8"))
        for image in images:
            for name, data in image.files.items():
                # JPEGs are compressed already: stored as they are.
                archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_DATE), data)
    return buffer.getvalue()
