"""The case-report importer on report layouts beyond the Eurorad-style seeds.

The reports in tests/interchange/importer_documents/ are invented for these tests: a Markdown
report with a differential list, an all-caps radiology report, PDF-extracted text with page
furniture and captions, a topic review with citation numbers, and reports with certainty lines
and infant ages.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from cases.document import empty_document
from cases.models import Case
from interchange.importer import parse_case_report
from interchange.importer.certainty import parse_certainty
from interchange.importer.headings import heading_text, is_upper_case_label, role_of
from interchange.importer.imaging import StudyBuilder
from interchange.importer.patient import find_patient
from interchange.importer.text import Para, paragraphs
from tests.interchange.layout_documents import DOCUMENTS, document, every_text, parsed

UNPLACED = "Unplaced text"


def figures(study: dict) -> list[tuple[str, str]]:
    return [(figure["label"], figure["caption"]) for figure in study["figures"]]


# --- every layout document ----------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(DOCUMENTS.iterdir()), ids=lambda path: path.name)
def test_every_layout_document_is_a_complete_document_with_nothing_unplaced(path):
    result = parsed(path.name)
    assert set(result.document) == set(empty_document())
    json.dumps(result.document)
    assert UNPLACED not in [section["heading"] for section in result.document["sections"]]
    assert not any("Could not place" in warning for warning in result.warnings)
    assert not any("no text under it" in warning for warning in result.warnings)


# --- 1. Markdown with a differential diagnosis list ---------------------------------------------

MARKDOWN = "markdown_differential_list.md"


def test_markdown_report_gives_title_patient_history_and_three_studies():
    doc = document(MARKDOWN)
    assert doc["title"] == "Chondroblastoma of the proximal humeral epiphysis"
    assert doc["case_type"] == "clinical_case"
    assert doc["patient"] == {
        "age": 15,
        "age_unit": "years",
        "age_display": "15 years",
        "sex": "male",
    }
    assert doc["clinical_history"].startswith("A 15-year-old boy presented")
    assert "Inflammatory markers were normal." in doc["clinical_history"]
    assert [study["modality"] for study in doc["studies"]] == ["XR", "MR", "CT"]
    assert [study["label"] for study in doc["studies"]] == [
        "Radiographs of the right shoulder",
        "MRI of the right shoulder",
        "CT of the shoulder",
    ]
    assert [[label for label, _ in figures(study)] for study in doc["studies"]] == [
        ["Fig. 1"],
        ["Fig. 2"],
        ["Fig. 3"],
    ]


def test_markdown_differential_list_items_become_diagnoses_with_their_notes():
    assert document(MARKDOWN)["differential_diagnoses"] == [
        {
            "diagnosis": "Chondroblastoma",
            "note": "epiphyseal lesion in a skeletally immature patient with marked oedema",
        },
        {
            "diagnosis": "Giant cell tumour",
            "note": "usually after physeal closure and without matrix",
        },
        {"diagnosis": "Langerhans cell histiocytosis", "note": ""},
        {
            "diagnosis": "Brodie abscess",
            "note": "serpiginous tract and a penumbra sign favour infection",
        },
    ]


def test_markdown_one_word_final_diagnosis_under_its_heading_is_the_diagnosis_not_a_heading():
    doc = document(MARKDOWN)
    assert doc["final_diagnosis"] == "Chondroblastoma"
    assert [(section["kind"], section["heading"]) for section in doc["sections"]] == [
        ("discussion", "Discussion"),
        ("management", "Management"),
    ]
    assert doc["teaching_points"] == [
        "An epiphyseal lytic lesion before skeletal maturity should suggest chondroblastoma.",
        "Extensive marrow oedema is typical and does not mean malignancy.",
    ]
    assert parsed(MARKDOWN).warnings == []


# --- 2. All-caps HEADING: report ------------------------------------------------------------------

ALL_CAPS = "allcaps_inline_headings.txt"


def test_all_caps_report_with_text_on_the_heading_line_gives_history_and_studies():
    doc = document(ALL_CAPS)
    assert doc["title"] == "Emphysematous pyelonephritis of the left kidney"
    assert (doc["patient"]["age"], doc["patient"]["sex"]) == (58, "female")
    assert doc["clinical_history"].startswith("A 58-year-old woman with poorly controlled")
    assert "TECHNIQUE" not in doc["clinical_history"]
    ct, us = doc["studies"]
    assert (ct["modality"], us["modality"]) == ("CT", "US")
    assert ct["findings"].startswith("Unenhanced and portal venous phase CT")
    assert "gas dissecting through the renal parenchyma" in ct["findings"]
    assert figures(ct) == [("Figure 1", "")]
    assert "dirty shadowing" in us["findings"] and "IMPRESSION" not in us["findings"]


def test_all_caps_impression_is_kept_with_the_imaging_findings():
    assert document(ALL_CAPS)["imaging_findings"] == (
        "Impression: Gas within the left renal parenchyma and perinephric space in keeping "
        "with emphysematous pyelonephritis, class 3A."
    )


def test_all_caps_diagnosis_differentials_and_mixed_numbered_teaching_points():
    doc = document(ALL_CAPS)
    assert doc["final_diagnosis"] == "Emphysematous pyelonephritis"
    assert [item["diagnosis"] for item in doc["differential_diagnoses"]] == [
        "Emphysematous pyelitis",
        "Renal abscess",
        "Reflux of gas after instrumentation",
    ]
    assert doc["teaching_points"] == [
        "Gas in the renal parenchyma of a diabetic patient is a surgical emergency.",
        "CT is the examination of choice to show the extent of gas and to classify the disease.",
        "Gas confined to the collecting system is emphysematous pyelitis, which has a better "
        "prognosis.",
    ]
    assert doc["rights"]["consent"] == "obtained"
    assert parsed(ALL_CAPS).warnings == []


# --- 3. PDF-extracted text ------------------------------------------------------------------------

PDF = "pdf_extracted_captions.txt"


def test_pdf_page_numbers_and_running_heads_are_left_out_with_a_warning():
    doc = document(PDF)
    assert doc["title"] == "Spontaneous intracranial hypotension"
    text = every_text(doc)
    assert "Northfield" not in text and "Page 3 of 4" not in text and "Page 4" not in text
    (warning,) = parsed(PDF).warnings
    assert warning.startswith("5 page number or running head line(s) were left out")
    assert "“Page 3 of 4”" in warning and "Northfield Journal" in warning


def test_pdf_hyphenated_line_breaks_are_mended_across_page_breaks():
    doc = document(PDF)
    history = doc["clinical_history"]
    assert history.startswith("A 44-year-old woman reported a severe headache")
    assert "An opening pressure could not be measured" in history
    assert history.endswith("the lumbar puncture was unsuccessful.")
    text = every_text(doc)
    for word in ("pachymeningeal", "cerebrospinal", "investigated", "relieves", "decompression"):
        assert word in text
    assert "right lateral decubitus" in text
    assert "T1-weighted" in text and "T4-T5" in text
    (discussion,) = doc["sections"]
    assert discussion["body"].endswith("usually reverse within a few months.")
    assert len(doc["teaching_points"]) == 2


def test_pdf_captions_at_the_end_are_attached_to_the_studies_of_their_figures():
    brain, spine, myelogram = document(PDF)["studies"]
    assert [(s["modality"], s["label"]) for s in (brain, spine, myelogram)] == [
        ("MR", "MRI of the brain after gadolinium"),
        ("MR", "MRI of the whole spine"),
        ("CT", "CT myelography in the right lateral decubitus position"),
    ]
    assert figures(brain) == [
        (
            "Fig. 1",
            "Axial T1-weighted MRI after gadolinium showing smooth diffuse pachymeningeal "
            "enhancement.",
        ),
        # Cited nowhere in the text: it joins the MRI study it shares most words with.
        (
            "Figure 4",
            "Sagittal T1-weighted MRI of the brain after treatment showing resolution of the "
            "brain sagging.",
        ),
    ]
    assert [label for label, _ in figures(spine)] == ["Fig. 2a", "Fig. 2b"]
    assert (
        figures(spine)[1][1]
        == "Axial T2-weighted MRI at T6 showing the collection ventral to the cord."
    )
    assert figures(myelogram) == [
        ("Fig. 3", "Axial CT myelogram at T4-T5 showing contrast leaking into the epidural space.")
    ]
    assert "Fig. 2a:" not in every_text({"sections": document(PDF)["sections"]})


# --- 4. Topic review with citation numbers --------------------------------------------------------

REVIEW = "topic_review_citations.md"


def test_topic_review_has_no_patient_studies_or_diagnosis():
    doc = document(REVIEW)
    assert doc["title"] == "Scaphoid fractures: an imaging review"
    assert doc["case_type"] == "topic_review"
    assert doc["patient"] is None
    assert doc["studies"] == []
    assert doc["final_diagnosis"] == "" and doc["diagnostic_certainty"] is None
    assert [(section["kind"], section["heading"]) for section in doc["sections"]] == [
        ("background", "Introduction"),
        ("imaging_perspective", "Imaging"),
        ("discussion", "Complications"),
    ]
    assert doc["teaching_points"][0] == "Normal radiographs do not exclude a scaphoid fracture."
    assert not any("patient age" in warning for warning in parsed(REVIEW).warnings)


def test_topic_review_citation_numbers_in_every_form_become_bracket_markers():
    introduction, imaging, complications = (s["body"] for s in document(REVIEW)["sections"])
    assert "carpal injuries in young adults [1]. Around one in five" in introduction
    assert "not visible on the first radiographs [2]." in introduction
    assert "avascular necrosis of the proximal pole [3, 4]." in introduction
    assert "fall on the outstretched hand [5]. When radiographs" in imaging
    assert "ligament injury [6, 7]." in imaging and "surgical planning [8]." in imaging
    assert "more than 1 mm [9]. Avascular necrosis" in complications
    assert complications.endswith("supports it [10].")


def test_topic_review_reference_list_keeps_numbers_and_identifiers():
    references = document(REVIEW)["references"]
    assert [reference["number"] for reference in references] == list(range(1, 11))
    assert references[0]["citation"] == (
        "Hove LM. Epidemiology of scaphoid fractures in Bergen, Norway. Scand J Plast Reconstr "
        "Surg Hand Surg. 1999;33(4):423-426."
    )
    assert references[1]["doi"] == "10.1000/skr.2015.0001"
    assert references[3]["pmid"] == "12345678"
    assert references[7]["url"] == "https://example.org/ct-scaphoid"
    assert all("[" not in reference["citation"] for reference in references)


# --- 5. Certainty lines and infant ages -----------------------------------------------------------

INFANT = "certainty_infant_ages.txt"
COMPACT = "compact_header_probable.txt"


def test_six_week_old_boy_is_aged_in_weeks():
    doc = document(INFANT)
    assert doc["patient"] == {
        "age": 6,
        "age_unit": "weeks",
        "age_display": "6 weeks",
        "sex": "male",
    }
    assert doc["clinical_history"].startswith("A 6-week-old boy was brought in")


def test_diagnostic_certainty_line_sets_certainty_and_basis_and_leaves_the_text():
    doc = document(INFANT)
    assert doc["final_diagnosis"] == "Hypertrophic pyloric stenosis"
    assert (doc["diagnostic_certainty"], doc["certainty_basis"]) == ("certain", "Surgery")
    assert "certainty" not in every_text({"sections": doc["sections"]}).lower()
    assert [(section["kind"], section["heading"]) for section in doc["sections"]] == [
        ("outcome", "Outcome")
    ]
    (study,) = doc["studies"]
    assert study["modality"] == "US" and "canal length of 19 mm" in study["findings"]
    assert len(doc["teaching_points"]) == 2
    assert parsed(INFANT).warnings == []


def test_compact_header_age_and_probable_certainty_with_its_basis():
    doc = document(COMPACT)
    assert doc["title"] == "Ileocolic intussusception"
    assert doc["patient"] == {
        "age": 18,
        "age_unit": "months",
        "age_display": "18 months",
        "sex": "male",
    }
    assert doc["clinical_history"].startswith("18 mo M with intermittent inconsolable crying")
    assert (doc["diagnostic_certainty"], doc["certainty_basis"]) == (
        "probable",
        "Clinical follow-up",
    )
    assert doc["final_diagnosis"] == "Ileocolic intussusception"
    assert doc["imaging_findings"].startswith("Impression: Ileocolic intussusception")
    assert [(section["kind"], section["heading"]) for section in doc["sections"]] == [
        ("discussion", "Comment")
    ]


@pytest.mark.django_db
def test_imported_certainty_is_saved_on_the_case(author):
    out = StringIO()
    call_command("import_cases", str(DOCUMENTS / INFANT), "--author", author.username, stdout=out)
    case = Case.objects.get()
    assert (case.diagnostic_certainty, case.certainty_basis) == ("certain", "Surgery")
    assert (case.patient_age, case.patient_age_unit) == (6, Case.AgeUnit.WEEKS)


def test_a_certainty_the_site_does_not_know_is_kept_as_unplaced_text_with_a_warning():
    result = parse_case_report(
        "Osteoid osteoma\nA 12-year-old girl had night pain in the femur.\nCertainty: moderate\n"
    )
    assert result.document["diagnostic_certainty"] is None
    unplaced = next(s for s in result.document["sections"] if s["heading"] == UNPLACED)
    assert unplaced["body"] == "Certainty: moderate"
    assert any(
        "moderate" in warning and "not one the site knows" in warning for warning in result.warnings
    )


def test_an_empty_heading_like_line_we_do_not_know_is_kept_as_unplaced_text():
    result = parse_case_report(
        "Osteoid osteoma\n"
        "A 12-year-old girl had night pain in the femur.\n"
        "Teaching points\n"
        "Night pain relieved by aspirin is typical.\n"
        "Reviewed By The Panel\n"
    )
    unplaced = next(s for s in result.document["sections"] if s["heading"] == UNPLACED)
    assert unplaced["body"] == "Reviewed By The Panel"
    assert any("Reviewed By The Panel" in warning for warning in result.warnings)


# --- helpers: headings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "role"),
    [
        ("CLINICAL HISTORY", "history"),
        ("## History", "history"),
        ("Indication:", "history"),
        ("FINDINGS:", "imaging"),
        ("Technique", "imaging"),
        ("IMPRESSION", "impression"),
        ("DIAGNOSIS:", "final_diagnosis"),
        ("Differential Diagnosis List", "differential"),
        ("DDx", "differential"),
        ("Diagnostic certainty", "certainty"),
        ("TEACHING POINTS:", "teaching_points"),
        ("Take-home messages", "teaching_points"),
        ("Key Points", "teaching_points"),
        ("Bibliography", "references"),
        ("Management", "section:management"),
        ("Complications", "section:discussion"),
    ],
)
def test_heading_variants_map_to_their_part_of_the_case(heading, role):
    assert role_of(heading) == role


@pytest.mark.parametrize(
    ("label", "is_heading"),
    [
        ("TECHNIQUE", True),
        ("COMPARISON", True),
        ("CLINICAL HISTORY", True),
        ("CT ABDOMEN", False),  # a study of the findings
        ("MRI", False),
        ("Note", False),
        ("AN ALL CAPS LINE OF MANY WORDS", False),
    ],
)
def test_all_caps_labels_are_headings_but_study_names_are_not(label, is_heading):
    assert is_upper_case_label(label) is is_heading


@pytest.mark.parametrize(
    ("heading", "shown"),
    [
        ("COMMENT:", "Comment"),
        ("CT AND MRI FINDINGS", "CT and MRI findings"),
        ("PET/CT RESULTS", "PET/CT results"),
        ("FITT-VP PRESCRIPTION", "FITT-VP prescription"),
        ("## Final Diagnosis", "Final Diagnosis"),
        ("DDX", "DDX"),
    ],
)
def test_headings_in_capitals_are_shown_in_sentence_case(heading, shown):
    assert heading_text(heading) == shown


# --- helpers: ages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "age", "unit", "sex"),
    [
        ("A 6-week-old boy with vomiting.", 6, "weeks", "male"),
        ("An 18-month-old girl who stopped walking.", 18, "months", "female"),
        ("A girl aged 9 months with a limp.", 9, "months", "female"),
        ("3 mo F with stridor.", 3, "months", "female"),
        ("2wk/M, bilious vomiting.", 2, "weeks", "male"),
        ("45 y M with chest pain.", 45, "years", "male"),
        ("Patient: 70 yo F.", 70, "years", "female"),
        ("A ten-day-old boy.", 10, "days", "male"),
        ("She is a 4 wk old infant.", 4, "weeks", "female"),
    ],
)
def test_ages_are_read_with_their_unit(text, age, unit, sex):
    patient = find_patient(text)
    assert (patient.age, patient.age_unit, patient.sex) == (age, unit, sex)


@pytest.mark.parametrize(
    "text",
    ["A 6F catheter was placed.", "The 12 F drain was removed.", "High signal on T2 F images."],
)
def test_french_gauges_and_sequence_names_are_not_ages(text):
    patient = find_patient(text)
    assert patient is None or patient.age is None


# --- helpers: certainty ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "level", "basis"),
    [
        ("Certainty: probable", "probable", ""),
        ("Diagnostic certainty: confirmed by histology", "certain", "Histology"),
        ("Diagnostic certainty: confirmed at surgery.", "certain", "Surgery"),
        (
            "Certainty: almost certain (clinical and imaging follow-up)",
            "almost_certain",
            "Clinical and imaging follow-up",
        ),
        ("Certainty of diagnosis: possible", "possible", ""),
        ("Level of certainty: highly likely", "almost_certain", ""),
        ("CERTAINTY: Certain - histopathology", "certain", "Histopathology"),
        ("Certainty: histology", "certain", "Histology"),
        ("Certainty: probable, clinical follow-up", "probable", "Clinical follow-up"),
        ("Certainty: moderate", None, ""),
    ],
)
def test_certainty_lines_give_a_level_and_a_basis(line, level, basis):
    assert parse_certainty(line) == (level, basis)


@pytest.mark.parametrize(
    "line",
    ["The diagnosis was certain.", "Certainly a rare case.", "Confidence intervals were wide."],
)
def test_sentences_that_mention_certainty_are_not_certainty_lines(line):
    assert parse_certainty(line) is None


# --- helpers: PDF text and captions ---------------------------------------------------------------


def test_citation_numbers_after_a_full_stop_become_markers_but_figures_and_decimals_do_not():
    paras = paragraphs(
        "It is the commonest carpal fracture.12 Most heal. See Fig.2 Then stop.\n"
        "The nidus measured 4.5 mm. Smith et al.3 The end."
    )
    assert (
        paras[0].text == "It is the commonest carpal fracture [12]. Most heal. See Fig.2 Then stop."
    )
    assert paras[1].text == "The nidus measured 4.5 mm. Smith et al. [3] The end."


def test_a_caption_of_a_whole_figure_goes_to_each_of_its_cited_parts():
    studies = StudyBuilder()
    studies.add_paragraph(Para("MRI of the knee showed a torn meniscus (Fig. 2)."))
    studies.add_paragraph(Para("CT of the knee showed a loose fragment (Fig. 3a, 3b)."))
    for caption in ("Fig. 2a: Sagittal image.", "Fig. 2b: Coronal image.", "Figure 3. CT images."):
        studies.add_caption(caption)
    studies.add_caption("Figure 5. Radiograph of the knee.")
    mri, ct, radiograph = studies.documents()
    assert figures(mri) == [("Fig. 2a", "Sagittal image."), ("Fig. 2b", "Coronal image.")]
    assert figures(ct) == [("Fig. 3a", "CT images."), ("Fig. 3b", "CT images.")]
    assert radiograph["modality"] == "XR" and figures(radiograph) == [
        ("Figure 5", "Radiograph of the knee.")
    ]


def test_one_diagnosis_a_line_and_a_certainty_heading_over_its_value():
    doc = parse_case_report(
        "Brodie abscess of the distal tibia\n"
        "A 13-year-old boy had a painful ankle for two months.\n"
        "Differential Diagnosis\n"
        "Osteoid Osteoma\n"
        "Brodie Abscess\n"
        "Chondroblastoma\n"
        "Final Diagnosis\n"
        "Brodie Abscess\n"
        "Diagnostic Certainty\n"
        "Almost certain (culture of the aspirate)\n"
        "Discussion\n"
        "Subacute osteomyelitis walls itself off in children.\n"
    ).document
    # The diagnosis is repeated (differential list, final diagnosis) but the title is line one.
    assert doc["title"] == "Brodie abscess of the distal tibia"
    assert doc["patient"]["age"] == 13
    assert [item["diagnosis"] for item in doc["differential_diagnoses"]] == [
        "Osteoid Osteoma",
        "Brodie Abscess",
        "Chondroblastoma",
    ]
    assert doc["final_diagnosis"] == "Brodie Abscess"
    assert (doc["diagnostic_certainty"], doc["certainty_basis"]) == (
        "almost_certain",
        "Culture of the aspirate",
    )
    assert [section["heading"] for section in doc["sections"]] == ["Discussion"]
