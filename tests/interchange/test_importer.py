"""The case-report importer (interchange/importer) and `manage.py import_cases`.

The seed documents are read from settings.SEED_CASES_DIR at run time; their text is never
copied here. The small reports in this file are invented for these tests.
"""

from __future__ import annotations

import json
import re
from functools import cache
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.document import DOCUMENT_PREFETCH, case_to_document, empty_document
from cases.models import Case, Licence
from interchange.importer import ParsedCase, parse_case_report
from interchange.importer.rights import SUPPORTED_LICENCES, consent_status, licence_id
from interchange.importer.text import paragraphs, render_markdown

FITT_VP = ("frequency", "intensity", "time", "type", "volume", "progression")
SEED_NUMBERS = ("000", "001", "002", "003", "004")


# --- helpers ----------------------------------------------------------------------------------


def seed_path(number: str) -> Path:
    folder = Path(settings.SEED_CASES_DIR)
    if not folder.is_dir():
        pytest.skip(f"The seed documents are not on this machine ({folder}, SEED_CASES_DIR).")
    matches = sorted(folder.glob(f"{number}_*.txt"))
    if not matches:
        pytest.skip(f"No seed document {number}_*.txt in {folder}.")
    return matches[0]


@cache
def _parse_seed(path: Path) -> ParsedCase:
    return parse_case_report(path.read_text(encoding="utf-8"), source_name=path.name)


def seed(number: str) -> dict:
    return _parse_seed(seed_path(number)).document


def seed_warnings(number: str) -> list[str]:
    return _parse_seed(seed_path(number)).warnings


def texts(document: dict) -> list[str]:
    """Every piece of free text in a document, for "is it anywhere / nowhere" checks."""
    found = [document["clinical_history"], document["imaging_findings"]]
    found += document["teaching_points"]
    for study in document["studies"]:
        found += [study["findings"]] + [figure["caption"] for figure in study["figures"]]
    for section in document["sections"]:
        found += [section["heading"], section["body"]]
    for commentary in document["commentaries"]:
        found += [commentary["body"], commentary["disclaimer"]]
        found += list((commentary["rehabilitation"] or {}).values())
    return found


def all_text(document: dict) -> str:
    return "\n".join(texts(document))


def kinds(document: dict) -> list[str]:
    return [section["kind"] for section in document["sections"]]


def section_named(document: dict, heading: str) -> dict:
    return next(section for section in document["sections"] if section["heading"] == heading)


def parse(text: str) -> dict:
    return parse_case_report(text).document


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_cases", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- invented reports -------------------------------------------------------------------------

MARKDOWN_REPORT = """# Osteoid osteoma of the proximal tibia

## Clinical history
A 16-year-old boy reported night pain in the left shin that eased with aspirin.

## Imaging findings
Radiographs of the left tibia showed cortical thickening around a small lucent nidus (Fig. 1).
CT of the tibia confirmed a 6 mm nidus with central mineralisation (Fig. 2).

## Discussion
Osteoid osteoma is a benign bone-forming tumour of young people (1, 2).

### Treatment
Radiofrequency ablation under CT guidance is the usual treatment (3).

## Teaching points
- Night pain relieved by salicylates suggests the diagnosis.
- CT shows the nidus best.

## Final diagnosis
Osteoid osteoma of the proximal tibia
"""

UPPER_CASE_REPORT = """Infantile haemangioma of the thigh
CLINICAL HISTORY
A 3-month-old girl was brought in with a soft, bluish swelling over the right thigh.
IMAGING FINDINGS
Ultrasound of the right thigh showed a lobulated hypoechoic mass with high flow (Figure 1).
DISCUSSION
Infantile haemangioma is the commonest soft-tissue tumour of infancy and usually involutes.
TEACHING POINTS
Most infantile haemangiomas need no treatment. Doppler flow helps to tell them apart.
Patient consent was not required for this anonymised case.
This case is shared under a Creative Commons Attribution 4.0 International licence.
"""

TAIL_REPORT = """A woman aged 93 years fell at home and could not bear weight on the left leg.
A radiograph of the left hip showed a displaced subcapital fracture (Fig 1).
Hip fractures in the very old carry a high one-year mortality.
Displaced subcapital fracture of the left femur
Consent for publication was waived by the institutional ethics committee.
This work is dedicated to the public domain under CC0 1.0.
Page 3 of 4 - archive printout
Displaced subcapital fracture of the left femur
"""

WRAPPED_REPORT = """Renal osteodystrophy of the hands
A 61-year-old woman on long-term dialysis treat-
ment reported stiff and painful fingers for two
years. Her serum phosphate was above the nor-
mal range at 2.4 mmol/l and her calcium-
phosphate product was raised. Radiographs of
both hands showed subperiosteal resorption
along the radial margins of the middle phalanges (Figure 1).
The calcium-phosphate balance is central to
renal bone disease, and a high product predicts vas-
cular calcification1.
Figure 1. Radiograph of both hands showing subperiosteal
resorption of the middle phalanges.
"""

MACHINE_REPORT = """A 10-day-old boy was seen for a swollen left knee.
An ultrasound of the left knee showed a joint effusion with synovial thickening (Fig 1).
Septic arthritis of the left knee
Based on the images provided, there is an effusion of the left knee with thick synovium.
The most likely diagnosis is reactive synovitis.
Frequency: Daily gentle movement once the infection is controlled.
Intensity: Pain-free range only.
Time: Five minutes at a time.
Type: Passive and assisted knee movement.
Disclaimer: This automated analysis is for reference only and cannot replace a doctor.
Septic arthritis of the left knee
"""


# --- seed 000 ---------------------------------------------------------------------------------


def test_seed_000_is_a_clinical_case_titled_by_its_final_diagnosis():
    document = seed("000")
    assert document["case_type"] == "clinical_case"
    assert document["title"] == "Calcific tendonitis of gluteus maximus insertion"
    assert document["final_diagnosis"] == "Calcific tendonitis of gluteus maximus insertion"


def test_seed_000_patient_is_a_57_year_old_man():
    assert seed("000")["patient"] == {
        "age": 57,
        "age_unit": "years",
        "age_display": "57 years",
        "sex": "male",
    }


def test_seed_000_splits_the_findings_paragraph_into_radiograph_and_ct_studies():
    studies = seed("000")["studies"]
    assert [study["modality"] for study in studies] == ["XR", "CT"]
    assert [[figure["label"] for figure in study["figures"]] for study in studies] == [
        ["Fig 1"],
        ["Fig 2"],
    ]
    radiograph, ct = studies
    assert "linea aspera was seen in profile" in radiograph["findings"]
    assert "CT showed" not in radiograph["findings"]
    assert ct["findings"].startswith("CT showed")
    assert all(figure["status"] == "not_supplied" for figure in radiograph["figures"])


def test_seed_000_keeps_the_four_phases_as_a_numbered_markdown_list():
    bodies = "\n".join(section["body"] for section in seed("000")["sections"])
    for number, phase in enumerate(("Formulative", "Resting", "Resorpitve", "Postcalcific"), 1):
        assert re.search(rf"^{number}\. {phase}:", bodies, re.MULTILINE)


def test_seed_000_has_no_licence_and_unknown_consent():
    rights = seed("000")["rights"]
    assert rights["licence"] is None
    assert rights["consent"] == "unknown"


def test_seed_000_machine_analysis_is_one_commentary_with_a_full_fitt_vp():
    commentaries = seed("000")["commentaries"]
    assert len(commentaries) == 1
    commentary = commentaries[0]
    assert commentary["provenance"] == "machine_generated"
    assert commentary["body"].startswith("From the provided X-ray and CT images")
    assert commentary["disclaimer"].startswith("This report serves as a reference")
    assert "Disclaimer" not in commentary["body"]
    assert all(commentary["rehabilitation"][name] for name in FITT_VP)
    assert commentary["verified_by"] is None and commentary["verified_at"] is None


def test_seed_000_machine_analysis_stays_out_of_the_authors_text():
    document = seed("000")
    authors_text = [section["body"] for section in document["sections"]]
    authors_text.append(document["clinical_history"])
    assert not any("From the provided X-ray" in text for text in authors_text)


def test_seed_000_title_lines_are_not_repeated_in_any_text():
    document = seed("000")
    assert not any(document["title"] in text for text in texts(document))


# --- seed 001 ---------------------------------------------------------------------------------


def test_seed_001_is_a_clinical_case_titled_by_its_final_diagnosis():
    document = seed("001")
    title = "Secondary tumoral calcinosis involving left hip and sternum"
    assert document["case_type"] == "clinical_case"
    assert document["title"] == title
    assert document["final_diagnosis"] == title
    assert not any(title in text for text in texts(document))


def test_seed_001_patient_is_a_54_year_old_man():
    patient = seed("001")["patient"]
    assert (patient["age"], patient["age_unit"], patient["sex"]) == (54, "years", "male")


def test_seed_001_has_four_studies_with_their_own_findings():
    studies = seed("001")["studies"]
    assert [study["modality"] for study in studies] == ["XR", "CT", "CT", "NM"]
    assert [[figure["label"] for figure in study["figures"]] for study in studies] == [
        ["Fig. A"],
        ["Fig. B"],
        ["Fig. C"],
        ["Fig. D"],
    ]
    assert "10cm x 6.5cm" in studies[0]["findings"]
    assert "sedimentation sign" in studies[1]["findings"]
    assert "sternum" in studies[2]["findings"]
    assert "parathyroid adenoma" in studies[3]["findings"]
    assert len({study["findings"] for study in studies}) == 4


def test_seed_001_sections_follow_the_report_headings():
    document = seed("001")
    assert kinds(document) == [
        "background",
        "clinical_perspective",
        "imaging_perspective",
        "outcome",
    ]
    assert document["clinical_history"].startswith("A 54-year-old man")


def test_seed_001_has_three_teaching_points_with_their_citation_markers():
    points = seed("001")["teaching_points"]
    assert len(points) == 3
    assert points[0].endswith("[5, 6, 7]")
    assert not any(point.startswith(("•", "-")) for point in points)


def test_seed_001_consent_is_obtained_and_the_licence_is_cc_by_nc_sa():
    rights = seed("001")["rights"]
    assert rights["consent"] == "obtained"
    assert rights["consent_statement"].startswith("Written informed patient consent")
    assert rights["licence"] == "CC-BY-NC-SA-4.0"


def test_seed_001_rights_lines_are_not_left_in_the_text():
    text = all_text(seed("001"))
    assert "Creative Commons" not in text
    assert "consent for the publication" not in text


def test_seed_001_machine_analysis_has_a_six_field_fitt_vp_and_its_disclaimer():
    (commentary,) = seed("001")["commentaries"]
    assert commentary["provenance"] == "machine_generated"
    assert commentary["body"].startswith("Based on the provided X-ray and CT images")
    assert all(commentary["rehabilitation"][name] for name in FITT_VP)
    assert commentary["rehabilitation"]["type"].startswith("Focus primarily on range of motion")
    assert commentary["rehabilitation"]["time"].startswith("Initially, aim for 15")
    assert commentary["disclaimer"].startswith("This report is a reference-based medical analysis")
    assert "1. Parathyroid Surgical Intervention:" in commentary["body"]


# --- seed 002 ---------------------------------------------------------------------------------


def test_seed_002_is_a_topic_review_without_a_patient():
    document = seed("002")
    assert document["case_type"] == "topic_review"
    assert document["patient"] is None
    assert document["title"] == (
        "Treatment of Fluid Collection and Calcifications in the Greater Trochanter Region"
    )
    assert document["final_diagnosis"] == ""
    assert document["studies"] == []


def test_seed_002_keeps_the_documents_own_headings_as_sections_with_their_bullets():
    document = seed("002")
    headings = [section["heading"] for section in document["sections"]]
    for heading in (
        "Diagnostic Assessment",
        "Treatment Algorithm",
        "Expected Outcomes",
        "Important Considerations",
        "Treatment Pitfalls to Avoid",
    ):
        assert heading in headings
    assessment = section_named(document, "Diagnostic Assessment")["body"].splitlines()
    assert len(assessment) == 4
    assert all(line.startswith("- ") for line in assessment)
    assert "First-Line Treatment" in section_named(document, "Treatment Algorithm")["body"]


def test_seed_002_turns_trailing_citation_numbers_into_markers():
    document = seed("002")
    assert "ischial tuberosity [1]" in section_named(document, "Diagnostic Assessment")["body"]
    pitfalls = section_named(document, "Treatment Pitfalls to Avoid")["body"]
    assert "attempted first [2, 3]" in pitfalls
    assert not re.search(r"[a-z] \d+(, \d+)*$", all_text(document), re.MULTILINE)
    assert "4-6 weeks:" in all_text(document)


def test_seed_002_warns_about_headings_with_nothing_under_them():
    assert any("First-Line Treatment" in warning for warning in seed_warnings("002"))


# --- seed 003 ---------------------------------------------------------------------------------


def test_seed_003_takes_its_first_line_as_title_without_inventing_a_diagnosis():
    document = seed("003")
    assert document["case_type"] == "clinical_case"
    assert document["title"] == "A Calcified Gluteal Mass"
    assert document["final_diagnosis"] == ""


def test_seed_003_patient_is_a_39_year_old_man():
    patient = seed("003")["patient"]
    assert (patient["age"], patient["age_unit"], patient["sex"]) == (39, "years", "male")


def test_seed_003_rejoins_wrapped_and_hyphenated_lines():
    text = all_text(seed("003"))
    for word in ("treatment", "physically", "normal range", "subcutaneous", "connection"):
        assert word in text
    for broken in ("treat- ment", "treat-ment", "phys- ically", "nor- mal", "\n"):
        assert broken not in seed("003")["clinical_history"] + seed("003")["sections"][-1]["body"]
    assert "calcium-phosphate" in text


def test_seed_003_keeps_the_lab_values_in_the_history():
    history = seed("003")["clinical_history"]
    assert "2.12 mmol/l" in history
    assert "3.7 pmol/l" in history


def test_seed_003_puts_the_figure_1_caption_on_a_radiograph_figure():
    (study,) = seed("003")["studies"]
    assert study["modality"] == "XR"
    (figure,) = study["figures"]
    assert figure["label"] == "Figure 1"
    assert figure["caption"].startswith("Plain radiograph of the left hip")
    assert figure["caption"].endswith("other parts of the skeleton.")


def test_seed_003_recognises_superscript_references_as_markers():
    text = all_text(seed("003"))
    assert "mortality [1]." in text
    assert "tumor [2]." in text
    assert "mortality1" not in text


# --- seed 004 ---------------------------------------------------------------------------------


def test_seed_004_is_a_clinical_case_titled_by_its_final_diagnosis():
    document = seed("004")
    assert document["case_type"] == "clinical_case"
    assert document["title"] == "Tumoral calcinosis"
    assert document["final_diagnosis"] == "Tumoral calcinosis"


def test_seed_004_patient_is_a_40_year_old_man():
    patient = seed("004")["patient"]
    assert (patient["age"], patient["age_unit"], patient["sex"]) == (40, "years", "male")


def test_seed_004_has_radiograph_ct_mri_and_pet_studies():
    studies = seed("004")["studies"]
    assert [study["modality"] for study in studies] == ["XR", "CT", "MR", "PT"]
    assert [figure["label"] for figure in studies[1]["figures"]] == ["Figure 2", "Figure 3"]


def test_seed_004_sections_and_teaching_points_follow_the_report_headings():
    document = seed("004")
    assert kinds(document) == [
        "background",
        "clinical_perspective",
        "imaging_perspective",
        "outcome",
    ]
    points = document["teaching_points"]
    assert len(points) == 3
    assert points[0].startswith("Tumoral calcinosis is a benign condition")


def test_seed_004_is_licensed_cc_by_nc_sa_with_unknown_consent():
    rights = seed("004")["rights"]
    assert rights["licence"] == "CC-BY-NC-SA-4.0"
    assert rights["consent"] == "unknown"


def test_seed_004_machine_analysis_is_one_commentary_with_its_disclaimer():
    (commentary,) = seed("004")["commentaries"]
    assert commentary["provenance"] == "machine_generated"
    assert commentary["body"].startswith("Based on the images provided")
    assert commentary["disclaimer"].startswith("This report is a reference analysis")
    assert "FITT-VP" in commentary["body"]
    assert any("FITT-VP" in warning for warning in seed_warnings("004"))


# --- every seed -------------------------------------------------------------------------------


@pytest.mark.parametrize("number", SEED_NUMBERS)
def test_every_seed_document_has_exactly_the_keys_of_the_empty_document(number):
    document = seed(number)
    assert set(document) == set(empty_document())
    json.dumps(document)


# --- invented reports: generalisation ---------------------------------------------------------


def test_markdown_headings_become_history_studies_sections_and_teaching_points():
    document = parse(MARKDOWN_REPORT)
    assert document["title"] == "Osteoid osteoma of the proximal tibia"
    assert document["final_diagnosis"] == "Osteoid osteoma of the proximal tibia"
    assert document["patient"]["age"] == 16 and document["patient"]["sex"] == "male"
    assert document["clinical_history"].startswith("A 16-year-old boy")
    assert [study["modality"] for study in document["studies"]] == ["XR", "CT"]
    assert [section["heading"] for section in document["sections"]] == ["Discussion"]
    discussion = document["sections"][0]["body"]
    assert "### Treatment" in discussion
    assert "young people [1, 2]." in discussion
    assert document["teaching_points"] == [
        "Night pain relieved by salicylates suggests the diagnosis.",
        "CT shows the nidus best.",
    ]


def test_upper_case_headings_are_recognised():
    document = parse(UPPER_CASE_REPORT)
    assert document["title"] == "Infantile haemangioma of the thigh"
    assert document["clinical_history"].startswith("A 3-month-old girl")
    assert [study["modality"] for study in document["studies"]] == ["US"]
    assert kinds(document) == ["discussion"]
    assert len(document["teaching_points"]) == 2


def test_ages_in_months_and_days_keep_their_unit():
    assert parse(UPPER_CASE_REPORT)["patient"] == {
        "age": 3,
        "age_unit": "months",
        "age_display": "3 months",
        "sex": "female",
    }
    patient = parse(MACHINE_REPORT)["patient"]
    assert (patient["age"], patient["age_unit"], patient["sex"]) == (10, "days", "male")


def test_a_patient_aged_93_is_shown_as_90_plus():
    patient = parse(TAIL_REPORT)["patient"]
    assert (patient["age"], patient["age_display"], patient["sex"]) == (90, "90+", "female")


def test_cc_by_and_cc0_sentences_and_consent_sentences_are_mapped():
    upper = parse(UPPER_CASE_REPORT)["rights"]
    assert (upper["licence"], upper["consent"]) == ("CC-BY-4.0", "not_required")
    tail = parse(TAIL_REPORT)["rights"]
    assert (tail["licence"], tail["consent"]) == ("CC0-1.0", "waived")
    assert tail["consent_statement"].startswith("Consent for publication was waived")


@pytest.mark.parametrize(
    ("sentence", "spdx"),
    [
        ("Licensed under a Creative Commons Attribution 4.0 International License.", "CC-BY-4.0"),
        ("Distributed under CC BY-SA 4.0.", "CC-BY-SA-4.0"),
        ("Creative Commons Attribution-NonCommercial 4.0 International License.", "CC-BY-NC-4.0"),
        ("This article is available under CC BY-NC-ND 4.0.", "CC-BY-NC-ND-4.0"),
        (
            "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International License",
            "CC-BY-NC-SA-4.0",
        ),
        ("Released under CC0 1.0 Universal.", "CC0-1.0"),
    ],
)
def test_licence_sentences_map_to_spdx_ids(sentence, spdx):
    assert licence_id(sentence) == spdx


@pytest.mark.parametrize(
    ("sentence", "consent"),
    [
        ("Written consent to publish was obtained from the patient.", "obtained"),
        ("The need for consent was waived by the review board.", "waived"),
        ("Consent was not required for this anonymised report.", "not_required"),
        ("Consent for publication could not be obtained.", "unknown"),
    ],
)
def test_consent_sentences_map_to_a_consent_status(sentence, consent):
    assert consent_status(sentence) == consent


def test_supported_licences_are_the_licences_of_the_case_model():
    assert set(SUPPORTED_LICENCES) == set(Licence.values)


def test_text_that_cannot_be_placed_goes_to_an_other_section_with_a_warning():
    parsed = parse_case_report(TAIL_REPORT)
    document = parsed.document
    other = section_named(document, "Unplaced text")
    assert other["kind"] == "other"
    assert "Page 3 of 4" in other["body"]
    assert any("Page 3 of 4" in warning for warning in parsed.warnings)
    assert document["title"] == "Displaced subcapital fracture of the left femur"
    assert document["final_diagnosis"] == document["title"]
    assert not any(document["title"] in text for text in texts(document))


def test_wrapped_pdf_text_is_rejoined_and_real_hyphens_are_kept():
    document = parse(WRAPPED_REPORT)
    assert document["title"] == "Renal osteodystrophy of the hands"
    history = document["clinical_history"]
    assert "dialysis treatment reported" in history
    assert "above the normal range" in history
    assert "calcium-phosphate product" in history
    assert "vascular calcification [1]." in history
    (study,) = document["studies"]
    assert study["modality"] == "XR"
    assert study["figures"][0]["caption"] == (
        "Radiograph of both hands showing subperiosteal resorption of the middle phalanges."
    )


def test_machine_analysis_with_plain_fitt_labels_is_a_commentary_that_sets_no_diagnosis():
    document = parse(MACHINE_REPORT)
    (commentary,) = document["commentaries"]
    assert commentary["rehabilitation"]["frequency"].startswith("Daily gentle movement")
    assert commentary["rehabilitation"]["type"] == "Passive and assisted knee movement."
    assert commentary["disclaimer"].startswith("This automated analysis")
    assert document["final_diagnosis"] == "Septic arthritis of the left knee"
    assert "reactive synovitis" not in document["final_diagnosis"]


def test_lists_become_markdown_lists():
    paras = paragraphs("Steps:\n1) Rest\n2) Ice\n• Elevate\n③ Review\n* Repeat")
    assert render_markdown(paras) == "Steps:\n\n1. Rest\n2. Ice\n- Elevate\n3. Review\n- Repeat"


def test_citation_markers_are_normalised_but_journal_issues_and_sequences_are_not():
    paras = paragraphs(
        "Seen at this site (1-3), rarely elsewhere (4, 5).\n"
        "Smith J. Bone. Radiology. 2001;88(8):988-992.\n"
        "Low signal on T2 weighted images of the L4 vertebra."
    )
    assert paras[0].text == "Seen at this site [1-3], rarely elsewhere [4, 5]."
    assert paras[1].text == "Smith J. Bone. Radiology. 2001;88(8):988-992."
    assert paras[2].text == "Low signal on T2 weighted images of the L4 vertebra."


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def reports(tmp_path: Path) -> dict[str, Path]:
    files = {
        "licensed": UPPER_CASE_REPORT,
        "unlicensed": MARKDOWN_REPORT,
        "machine": MACHINE_REPORT,
    }
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / f"{name}.txt"
        paths[name].write_text(text, encoding="utf-8")
    return paths


@pytest.mark.django_db
def test_dry_run_json_for_one_file_prints_one_document_and_saves_nothing(reports):
    out, err = run(str(reports["machine"]), "--dry-run", "--format", "json")
    document = json.loads(out)
    assert isinstance(document, dict)
    assert document["title"] == "Septic arthritis of the left knee"
    assert err == ""
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_warnings_go_to_stderr_and_leave_the_json_clean(tmp_path):
    path = tmp_path / "fracture.txt"
    path.write_text(TAIL_REPORT, encoding="utf-8")
    out, err = run(str(path), "--dry-run", "--format", "json")
    assert json.loads(out)["rights"]["licence"] == "CC0-1.0"
    assert "fracture.txt: warning: Could not place this text" in err


@pytest.mark.django_db
def test_dry_run_json_for_two_files_prints_a_list_and_saves_nothing(reports):
    out, _ = run(
        str(reports["licensed"]), str(reports["unlicensed"]), "--dry-run", "--format", "json"
    )
    documents = json.loads(out)
    assert [document["title"] for document in documents] == [
        "Infantile haemangioma of the thigh",
        "Osteoid osteoma of the proximal tibia",
    ]
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_a_folder_is_read_in_name_order(reports, tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    out, _ = run(str(tmp_path), "--dry-run", "--format", "json")
    titles = [document["title"] for document in json.loads(out)]
    assert titles == [
        "Infantile haemangioma of the thigh",
        "Septic arthritis of the left knee",
        "Osteoid osteoma of the proximal tibia",
    ]


@pytest.mark.django_db
def test_import_saves_the_case_with_all_its_parts(reports, author):
    out, _ = run(str(reports["machine"]), "--author", author.username)
    case = Case.objects.prefetch_related(*DOCUMENT_PREFETCH).get()
    document = case_to_document(case)
    assert case.created_by == author and case.status == Case.Status.DRAFT
    assert document["patient"]["age_unit"] == "days"
    assert document["studies"][0]["modality"] == "US"
    assert document["studies"][0]["figures"][0]["label"] == "Fig 1"
    (commentary,) = document["commentaries"]
    assert commentary["provenance"] == "machine_generated"
    assert commentary["rehabilitation"]["intensity"] == "Pain-free range only."
    assert f"case {case.pk}" in out and "draft" in out and "warnings" in out
    assert "Septic arthritis of the left knee" in out


@pytest.mark.django_db
def test_publish_publishes_only_the_cases_with_a_licence(reports, author):
    out, _ = run(
        str(reports["licensed"]), str(reports["unlicensed"]), "--author", "author", "--publish"
    )
    statuses = dict(Case.objects.values_list("title", "status"))
    assert statuses == {
        "Infantile haemangioma of the thigh": Case.Status.PUBLISHED,
        "Osteoid osteoma of the proximal tibia": Case.Status.DRAFT,
    }
    assert "stays a draft" in out


@pytest.mark.django_db
def test_an_unknown_author_is_a_command_error(reports):
    with pytest.raises(CommandError, match="nobody"):
        run(str(reports["licensed"]), "--author", "nobody")
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_empty_and_non_utf8_files_fail_clearly_without_stopping_the_others(
    reports, author, tmp_path
):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("A 40-year-old man with a café-au-lait spot.".encode("latin-1"))
    err = StringIO()
    with pytest.raises(CommandError, match="2 of 3"):
        call_command(
            "import_cases",
            str(empty),
            str(latin),
            str(reports["licensed"]),
            "--author",
            author.username,
            stdout=StringIO(),
            stderr=err,
        )
    assert "empty.txt: is empty" in err.getvalue()
    assert "latin.txt: is not UTF-8" in err.getvalue()
    assert Case.objects.get().title == "Infantile haemangioma of the thigh"


@pytest.mark.django_db
def test_a_missing_path_is_reported_and_fails_the_command(reports):
    with pytest.raises(CommandError):
        run("/no/such/report.txt", str(reports["licensed"]), "--dry-run")


def _comparable(document: dict) -> dict:
    studies = [
        {
            **study,
            "figures": [{k: v for k, v in f.items() if k != "status"} for f in study["figures"]],
        }
        for study in document["studies"]
    ]
    commentaries = [
        {k: v for k, v in commentary.items() if k not in ("verified_by", "verified_at")}
        for commentary in document["commentaries"]
    ]
    keys = ("title", "case_type", "patient", "sections", "teaching_points", "final_diagnosis")
    return {
        **{key: document[key] for key in keys},
        "rights": document["rights"],
        "studies": studies,
        "commentaries": commentaries,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("number", SEED_NUMBERS)
def test_every_seed_reads_back_from_the_database_as_its_dry_run_document(number, author):
    path = seed_path(number)
    out, _ = run(str(path), "--dry-run", "--format", "json")
    printed = json.loads(out)
    run(str(path), "--author", author.username)
    saved = case_to_document(Case.objects.prefetch_related(*DOCUMENT_PREFETCH).get())
    assert _comparable(saved) == _comparable(printed)


@pytest.mark.django_db
def test_the_seed_folder_dry_run_prints_every_seed(author):
    folder = seed_path("000").parent
    out, _ = run(str(folder), "--dry-run", "--format", "json")
    assert len(json.loads(out)) == len(list(folder.glob("*.txt")))
    assert Case.objects.count() == 0


def test_ages_of_ninety_and_over_are_rewritten_as_ninety_plus_in_every_text():
    parsed = parse_case_report(
        "A 94-year-old woman fell at home; her husband, aged 91, found her.\n"
        "Background:\nA patient 92 years of age is rarely operated on. A 9-month-old "
        "and a 45-year-old are unaffected.\n"
    )
    document = parsed.document
    assert document["patient"]["age"] == 90
    assert document["patient"]["age_display"] == "90+"
    text = json.dumps(document)
    assert "94" not in text and "91" not in text and "92 years" not in text
    assert "90+-year-old woman" in document["clinical_history"]
    assert "aged 90+" in document["clinical_history"]
    assert "9-month-old" in text and "45-year-old" in text
    assert any("90+" in warning for warning in parsed.warnings)


@pytest.mark.parametrize("number", ["000", "001"])
def test_prescription_lines_are_kept_once_in_the_rehabilitation_not_again_in_the_body(number):
    commentary = seed(number)["commentaries"][0]
    rehabilitation = commentary["rehabilitation"]
    for name in ("frequency", "intensity", "time", "type", "volume", "progression"):
        assert rehabilitation[name]
        assert rehabilitation[name] not in commentary["body"], name
    assert "FITT-VP" in commentary["body"]  # the sentence that introduces the prescription
