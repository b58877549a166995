"""The case-report importer on reports written unlike the seeds.

PDF-extracted text with running heads, page numbers and DOIs on every page; a title on the first
line and a diagnosis stated only at the end or inside the discussion; studies mentioned as not
performed; consent in other words; a topic review known only by its shape; and citation numbers
glued to words. The reports in tests/interchange/importer_documents/ used here
(pdf_article_running_heads.txt, pdf_title_first_consistent_with.txt,
pdf_abstract_back_matter.txt, pdf_copyright_on_every_page.txt, pdf_running_short_title.txt,
topic_review_bullets_shape.txt) and the sentences below are invented for these tests.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from cases.document import DOCUMENT_PREFETCH, case_to_document
from cases.models import Case
from interchange.importer import parse_case_report
from interchange.importer.diagnosis import diagnosis_in
from interchange.importer.imaging import StudyBuilder, is_not_made
from interchange.importer.rights import consent_status, is_consent_line
from interchange.importer.text import Para, paragraphs
from tests.factories import signed_in_api_client
from tests.interchange.layout_documents import DOCUMENTS, document, every_text, parsed

ARTICLE = "pdf_article_running_heads.txt"
TITLE_FIRST = "pdf_title_first_consistent_with.txt"
REVIEW = "topic_review_bullets_shape.txt"
ABSTRACT = "pdf_abstract_back_matter.txt"
COPYRIGHT = "pdf_copyright_on_every_page.txt"
SHORT_TITLE = "pdf_running_short_title.txt"


def modalities(doc: dict) -> list[str]:
    return [study["modality"] for study in doc["studies"]]


# --- a PDF article: running heads, article label, DOI, hyphenation --------------------------------


def test_pdf_article_title_is_found_under_its_running_head_and_article_label():
    doc = document(ARTICLE)
    assert doc["title"] == "Expansile lesion of the posterior elements of C5 in an adolescent"
    assert doc["case_type"] == "clinical_case"
    assert (doc["patient"]["age"], doc["patient"]["sex"]) == (13, "female")
    assert doc["clinical_history"].startswith("A 13-year-old girl was referred")


def test_pdf_article_running_heads_with_changing_page_numbers_and_dois_are_left_out():
    text = every_text({key: value for key, value in document(ARTICLE).items() if key != "rights"})
    for furniture in ("Acta Radiologica", "113", "114", "doi.org", "CASE REPORT", "Page 3 of 3"):
        assert furniture not in text
    warning = next(w for w in parsed(ARTICLE).warnings if "running head" in w)
    assert warning.startswith("8 page number or running head line(s) were left out")


def test_pdf_article_doi_printed_on_its_pages_becomes_the_source():
    assert document(ARTICLE)["rights"]["source"] == "https://doi.org/10.5555/arc.2025.0112"


def test_pdf_article_words_split_at_line_ends_and_page_breaks_are_mended():
    text = every_text(document(ARTICLE))
    for word in ("history of trauma", "demonstrated", "multiple", "telangiectatic", "Fluid-fluid"):
        assert word in text
    for broken in (
        "his- tory",
        "demon- strated",
        "tel- angiectatic",
        "Fluid-flu- id",
        "in- formed",
    ):
        assert broken not in text
    history = document(ARTICLE)["clinical_history"]
    assert "A core biopsy showed blood-filled spaces" in history


def test_pdf_article_values_that_look_like_citations_are_kept_as_written():
    text = every_text(document(ARTICLE))
    for value in ("C5 (Fig. 1)", "measuring 3 cm", "T2-weighted", "low signal on T1", "L4-5 disc"):
        assert value in text
    assert "Ki-67 index below 5%" in text


def test_pdf_article_glued_citation_numbers_become_markers():
    (discussion,) = document(ARTICLE)["sections"]
    body = discussion["body"]
    assert "involve the posterior elements [2, 3]. Fluid-fluid levels" in body
    assert "giant cell tumour [4]. Septal enhancement" in body
    assert "embolisation and radiotherapy [1] are reserved" in body
    assert "radiotherapy1" not in body and "elements2" not in body
    assert [reference["number"] for reference in document(ARTICLE)["references"]] == [1, 2, 3, 4]


def test_pdf_article_studies_not_performed_are_notes_of_the_findings_not_studies():
    doc = document(ARTICLE)
    assert modalities(doc) == ["XR", "CT", "MR"]
    assert doc["imaging_findings"] == (
        "Bone scintigraphy was not performed. No PET/CT was obtained because the lesion was "
        "solitary."
    )
    assert "not performed" not in doc["clinical_history"]


def test_pdf_article_diagnosis_stated_in_the_discussion_is_the_final_diagnosis():
    doc = document(ARTICLE)
    assert doc["final_diagnosis"] == "Primary aneurysmal bone cyst"
    assert any(
        "“Primary aneurysmal bone cyst” was read from the sentence “In our patient" in warning
        for warning in parsed(ARTICLE).warnings
    )


def test_pdf_article_consent_waived_by_the_review_board_under_an_ethics_heading():
    doc = document(ARTICLE)
    assert doc["rights"]["consent"] == "waived"
    assert doc["rights"]["consent_statement"].startswith("The institutional review board waived")
    assert "Ethics statement" not in every_text(doc)
    assert [section["heading"] for section in doc["sections"]] == ["Discussion"]


# --- title on the first line, diagnosis at the end ------------------------------------------------


def test_title_on_the_first_line_is_no_diagnosis_and_the_closing_sentence_gives_it():
    doc = document(TITLE_FIRST)
    assert doc["title"] == "Painful thigh swelling after a football injury"
    assert doc["final_diagnosis"] == "Myositis ossificans"
    assert (doc["patient"]["age"], doc["patient"]["sex"]) == (16, "male")


def test_title_first_report_keeps_performed_studies_and_notes_the_others():
    doc = document(TITLE_FIRST)
    assert modalities(doc) == ["US", "XR", "CT"]
    assert "peripheral calcification of the mass" in doc["studies"][1]["findings"]
    assert doc["imaging_findings"] == (
        "MRI was not available at the referring hospital. Bone scintigraphy was not performed."
    )


def test_consent_sentence_at_the_end_of_a_paragraph_is_taken_out_of_it():
    doc = document(TITLE_FIRST)
    assert doc["rights"]["consent"] == "obtained"
    assert doc["rights"]["consent_statement"] == (
        "The patient's parents agreed to the publication of this report and its images."
    )
    assert "agreed to the publication" not in every_text(doc["sections"])
    (discussion,) = doc["sections"]
    assert discussion["body"].endswith("were consistent with myositis ossificans.")
    assert "destroys the cortex [1]. Early lesions" in discussion["body"]
    assert "magnetic resonance imaging [2, 3], and a biopsy" in discussion["body"]
    assert doc["rights"]["source"] == "https://doi.org/10.5555/icn.2024.031"


# --- an article with an abstract, keywords and back matter -------------------------------------


def test_a_title_that_names_the_patient_after_the_disease_is_the_title():
    doc = document(ABSTRACT)
    assert doc["title"] == "Sclerosing mesenteritis in a 61-year-old man"
    assert (doc["patient"]["age"], doc["patient"]["sex"]) == (61, "male")
    assert doc["clinical_history"] == (
        "A 61-year-old man presented with three months of vague abdominal pain and weight loss. "
        "Blood tests were unremarkable."
    )


def test_we_report_a_case_of_gives_the_diagnosis_without_what_follows_it():
    assert document(ABSTRACT)["final_diagnosis"] == "Sclerosing mesenteritis"


def test_abstract_and_back_matter_are_sections_in_reading_order():
    doc = document(ABSTRACT)
    assert [section["heading"] for section in doc["sections"]] == [
        "Abstract",
        "Introduction",
        "Discussion",
        "Conclusion",
        "Conflicts of interest",
    ]
    assert doc["sections"][0]["body"].endswith(
        "Keywords: mesentery; panniculitis; computed tomography"
    )
    assert modalities(doc) == ["CT"] and doc["imaging_findings"] == "MRI was not performed."
    assert doc["rights"]["consent"] == "obtained"
    assert "Consent" not in [section["heading"] for section in doc["sections"]]


# --- copyright and licence on every page -------------------------------------------------------


def test_copyright_printed_on_every_page_is_a_rights_line_not_page_furniture():
    doc = document(COPYRIGHT)
    assert doc["rights"]["copyright_holder"] == "The Authors. Published by Northfield Press"
    assert doc["rights"]["licence"] == "CC-BY-NC-ND-4.0"
    assert "©" not in every_text({key: doc[key] for key in ("sections", "clinical_history")})
    assert not any("©" in warning for warning in parsed(COPYRIGHT).warnings)


def test_title_under_a_copyright_line_on_top_is_no_diagnosis():
    doc = document(COPYRIGHT)
    assert doc["title"] == "Gallstone ileus with Rigler triad"
    assert doc["final_diagnosis"] == ""


def test_labelled_consent_from_the_next_of_kin_and_an_ultrasound_not_performed():
    doc = document(COPYRIGHT)
    assert doc["rights"]["consent"] == "obtained"
    assert "next of kin" in doc["rights"]["consent_statement"]
    assert modalities(doc) == ["XR", "CT"]
    assert doc["imaging_findings"] == "Ultrasound was not performed because of the bowel gas."
    assert "over 65 years [1]" in doc["sections"][0]["body"]


# --- a short title printed on every page --------------------------------------------------------


def test_a_short_title_repeated_in_mid_sentence_is_a_running_head_not_the_title():
    doc = document(SHORT_TITLE)
    assert doc["title"] == "Retroperitoneal fibrosis encasing the aorta and ureters: a case report"
    assert doc["clinical_history"].startswith("A 58-year-old man presented")
    assert "Retroperitoneal fibrosis: a case report" not in every_text(doc)
    assert "lymphoplasmacytic infiltrate and no malignant cells" in every_text(doc)
    (warning,) = [w for w in parsed(SHORT_TITLE).warnings if "running head" in w]
    assert warning.startswith("2 page number or running head line(s)")


def test_biopsy_confirming_a_diagnosis_wins_over_a_sign_in_keeping_with_a_tissue():
    doc = document(SHORT_TITLE)
    assert doc["final_diagnosis"] == "Idiopathic retroperitoneal fibrosis"
    assert modalities(doc)[:2] == ["CT", "MR"]
    assert "PT" not in modalities(doc)


# --- a topic review known by its shape ------------------------------------------------------------


def test_review_of_bullets_with_citations_is_a_topic_review_without_a_treatment_heading():
    doc = document(REVIEW)
    assert doc["case_type"] == "topic_review"
    assert doc["patient"] is None
    assert doc["studies"] == [] and doc["clinical_history"] == ""
    assert doc["final_diagnosis"] == ""
    assert [(section["kind"], section["heading"]) for section in doc["sections"]] == [
        ("background", "Overview"),
        ("clinical_perspective", "Clinical presentation"),
        ("imaging_perspective", "Imaging features"),
        ("management", "Image-guided ablation"),
    ]
    assert [item["diagnosis"] for item in doc["differential_diagnoses"]] == [
        "Stress fracture",
        "Brodie abscess",
        "Osteoblastoma",
    ]
    assert len(doc["references"]) == 10
    assert parsed(REVIEW).warnings == []


def test_review_trailing_and_glued_citation_numbers_become_markers():
    bodies = "\n".join(section["body"] for section in document(REVIEW)["sections"])
    assert "- Benign bone-forming tumour with a nidus smaller than 2 cm [1]" in bodies
    assert "posterior elements of the spine [4]" in bodies
    assert "on T1 and T2-weighted images [7]" in bodies
    assert "as often as females [1, 3]" in bodies


def test_a_report_of_one_patient_in_bullets_stays_a_clinical_case():
    doc = parse_case_report(
        "Septic arthritis of the hip\n"
        "Clinical presentation\n"
        "- A 4-year-old boy with fever and refusal to walk\n"
        "- He held the hip flexed and externally rotated [1]\n"
        "Imaging\n"
        "- Ultrasound of the hip: a joint effusion with debris [2]\n"
        "- Radiographs: normal\n"
    ).document
    assert doc["case_type"] == "clinical_case"
    assert doc["patient"]["age"] == 4


# --- studies not performed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Bone scintigraphy was not performed.",
        "No MRI was obtained.",
        "CT was not available.",
        "MRI could not be performed because of a pacemaker.",
        "Neither CT nor MRI was performed.",
        "MRI was contraindicated.",
        "An MRI has not yet been performed.",
        "Radiographs were not taken.",
    ],
)
def test_sentences_saying_a_study_was_not_made(sentence):
    assert is_not_made(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "CT showed no fracture.",
        "MRI was not diagnostic because of movement.",
        "Ultrasound was normal.",
        "No abnormality was seen on CT.",
        "CT was not repeated after treatment.",
    ],
)
def test_sentences_about_studies_that_were_made(sentence):
    assert not is_not_made(sentence)


def test_the_study_made_instead_of_one_not_available_is_a_study():
    studies = StudyBuilder()
    studies.add_paragraph(
        Para(
            "CT was not available out of hours, so ultrasound of the abdomen was performed and "
            "showed free fluid (Fig. 1). No MRI was obtained. The fluid was echogenic."
        )
    )
    studies.add_paragraph(Para("Bone scan: not performed.", marker="number", number=2))
    (ultrasound,) = studies.documents()
    assert (ultrasound["modality"], ultrasound["label"]) == ("US", "Ultrasound of the abdomen")
    assert ultrasound["findings"].endswith("(Fig. 1). The fluid was echogenic.")
    assert studies.unassigned == ["No MRI was obtained.", "Bone scan: not performed."]


# --- consent in other words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "consent"),
    [
        (
            "The requirement for informed consent was waived by the institutional review board.",
            "waived",
        ),
        ("The ethics committee waived the need for patient consent for this report.", "waived"),
        ("Consent was not required as the images are anonymised.", "not_required"),
        ("Patient consent: not applicable (no identifiable data).", "not_required"),
        ("This anonymised report did not require patient consent.", "not_required"),
        ("Written informed consent was obtained from the patient's legal guardian.", "obtained"),
        ("Consent for publication was provided by the patient's next of kin.", "obtained"),
        ("The patient's parents agreed to the publication of this report.", "obtained"),
        ("Permission to publish the images was given by the patient's mother.", "obtained"),
        (
            "Written consent was obtained from the patient; ethics approval was not required.",
            "obtained",
        ),
    ],
)
def test_consent_in_other_words_is_a_consent_line_with_its_status(sentence, consent):
    assert is_consent_line(sentence)
    assert consent_status(sentence) == consent


@pytest.mark.parametrize(
    "sentence",
    [
        "Informed consent was obtained before the biopsy.",
        "After consent was obtained, the collection was drained under ultrasound guidance.",
        "She consented to surgery.",
    ],
)
def test_consent_to_a_procedure_is_no_consent_line(sentence):
    assert not is_consent_line(sentence)


def test_a_consent_heading_over_its_statement_gives_the_status_and_leaves_no_section():
    doc = parse_case_report(
        "Pneumatosis intestinalis\n"
        "A 70-year-old man on chemotherapy had abdominal distension.\n"
        "CT of the abdomen showed gas in the wall of the caecum (Fig. 1).\n"
        "Patient consent\n"
        "Not applicable.\n"
        "Ethics statement\n"
        "The case was presented at a departmental meeting.\n"
    ).document
    assert doc["rights"]["consent"] == "not_required"
    assert doc["rights"]["consent_statement"] == "Not applicable."
    # An ethics heading over text that says nothing of consent stays a section.
    assert [(section["heading"], section["body"]) for section in doc["sections"]] == [
        ("Ethics statement", "The case was presented at a departmental meeting.")
    ]


# --- diagnosis stated in the text -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "diagnosis"),
    [
        ("The final diagnosis was synovial sarcoma of the knee.", "Synovial sarcoma of the knee"),
        ("Histology confirmed an epidermoid cyst [3].", "Epidermoid cyst"),
        ("We report a rare case of Kimura disease in a 30-year-old man.", "Kimura disease"),
        ("A diagnosis of sarcoidosis was made on biopsy.", "Sarcoidosis"),
        ("Biopsy established the diagnosis of tuberculous spondylitis.", "Tuberculous spondylitis"),
        ("In our case, the diagnosis was Erdheim-Chester disease.", "Erdheim-Chester disease"),
        ("Biopsy showed non-caseating granulomas, confirming sarcoidosis.", "Sarcoidosis"),
    ],
)
def test_explicit_diagnosis_statements_are_read(text, diagnosis):
    assert diagnosis_in([text], closing=[])[0] == diagnosis


@pytest.mark.parametrize(
    "text",
    [
        "The appearances were not consistent with an abscess.",
        "Histology confirmed the presence of calcium crystals.",
        "The findings were consistent with the clinical picture.",
        "In this case, the diagnosis was made on MRI.",
    ],
)
def test_negated_or_empty_statements_give_no_diagnosis(text):
    assert diagnosis_in([text], closing=[text]) is None


def test_in_keeping_with_about_one_sign_is_no_diagnosis():
    end = "MRI showed low T2 signal of the mass, in keeping with mature fibrous tissue."
    assert diagnosis_in([end], closing=[end]) is None


def test_consistent_with_is_read_only_at_the_end_of_the_report():
    middle = "MRI showed appearances consistent with a haematoma."
    end = "At follow-up the appearances were consistent with a resolving haematoma."
    assert diagnosis_in([middle, end], closing=[end])[0] == "Resolving haematoma"
    assert (
        diagnosis_in([middle, "The patient did well."], closing=["The patient did well."]) is None
    )


def test_an_earlier_diagnosis_in_the_opening_of_the_history_is_not_the_final_diagnosis():
    doc = parse_case_report(
        "Shortness of breath in a runner\n"
        "A 34-year-old woman, who was diagnosed with asthma as a child, had worsening dyspnoea.\n"
        "CT of the chest showed a small pneumothorax (Fig. 1).\n"
    ).document
    assert doc["final_diagnosis"] == ""


# --- glued citation numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Embolisation and radiotherapy1 are options.",
            "Embolisation and radiotherapy [1] are options.",
        ),
        (
            "It is seen in such lesions2,3 and rarely elsewhere.",
            "It is seen in such lesions [2, 3] and rarely elsewhere.",
        ),
        (
            "It mimics a giant cell tumour.4 Septa enhance.",
            "It mimics a giant cell tumour [4]. Septa enhance.",
        ),
        ("It occurs in children,3 and in adults.", "It occurs in children [3], and in adults."),
        ("Cure follows complete resection5.", "Cure follows complete resection [5]."),
    ],
)
def test_citation_numbers_glued_to_words_become_markers(text, expected):
    assert paragraphs(text)[0].text == expected


@pytest.mark.parametrize(
    "text",
    [
        "Low signal on T1 and high on T2-weighted images at C5 and L4-5.",
        "A 3 cm mass with a Ki-67 index of 40% took up 99mTc-MDP and 18F-FDG.",
        "HER2 and BRCA1 were negative; pCO2 was normal; type1 diabetes; covid19 pneumonia.",
        "The dose was 2 mSv over 10 cm2 in 1.5 T and 3T scanners.",
    ],
)
def test_values_that_end_in_numbers_are_not_taken_for_citations(text):
    assert paragraphs(text)[0].text == text


def test_running_heads_of_author_names_on_alternate_pages_are_left_out():
    lines = []
    for page in range(1, 5):
        lines += [f"Osei et al. {page}" if page % 2 else f"{page} Case Rep Imaging"]
        lines += [
            "The lesion was followed with radiographs every three months and did not change in",
            "size or appearance over two years of follow-up, so no biopsy was done at any time.",
        ]
    text = "Stable bone island of the pelvis\n" + "\n".join(lines)
    kept = [para.text for para in paragraphs(text)]
    assert not any("et al" in para or "Case Rep" in para for para in kept)


# --- the import page and the API use the same reader ----------------------------------------------


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DOCUMENTS / name).read_bytes(), "application/octet-stream")


def _saved_document() -> dict:
    return case_to_document(Case.objects.prefetch_related(*DOCUMENT_PREFETCH).get())


def _check_article(doc: dict) -> None:
    assert doc["title"] == "Expansile lesion of the posterior elements of C5 in an adolescent"
    assert doc["final_diagnosis"] == "Primary aneurysmal bone cyst"
    assert modalities(doc) == ["XR", "CT", "MR"]
    assert doc["rights"]["consent"] == "waived"
    assert doc["rights"]["source"] == "https://doi.org/10.5555/arc.2025.0112"


@pytest.mark.django_db
def test_a_pdf_article_uploaded_on_the_import_page_is_read_the_same_way(
    author, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/", {"files": [_upload(ARTICLE)]})
    assert response.status_code == 302
    _check_article(_saved_document())


@pytest.mark.django_db
def test_a_pdf_article_uploaded_through_the_api_is_read_the_same_way(
    author, django_capture_on_commit_callbacks
):
    client = signed_in_api_client(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/", {"files": [_upload(ARTICLE)]}, format="multipart"
        )
    assert response.status_code == 202, response.json()
    _check_article(_saved_document())


@pytest.mark.parametrize(
    "first_line",
    ["A 61-year-old man with abdominal pain", "Patient: 70 yo F", "45 y M, fever and cough"],
)
def test_a_first_line_that_tells_the_patient_is_the_history_not_the_title(first_line):
    doc = parse_case_report(f"{first_line}\nCT of the abdomen showed a misty mesentery (Fig. 1).\n")
    assert doc.document["title"] != first_line
    assert doc.document["patient"]["age"] in (61, 70, 45)


@pytest.mark.django_db
def test_the_bulk_import_command_reads_these_layouts_the_same_way(author):
    paths = [str(DOCUMENTS / name) for name in (ARTICLE, TITLE_FIRST, REVIEW)]
    call_command("import_cases", *paths, "--author", author.username, stdout=StringIO())
    saved = {
        case.title: case_to_document(case)
        for case in Case.objects.prefetch_related(*DOCUMENT_PREFETCH)
    }
    _check_article(saved[document(ARTICLE)["title"]])
    title_first = saved["Painful thigh swelling after a football injury"]
    assert title_first["final_diagnosis"] == "Myositis ossificans"
    assert modalities(title_first) == ["US", "XR", "CT"]
    assert title_first["rights"]["consent"] == "obtained"
    review = saved["Osteoid osteoma: what the radiologist needs to know"]
    assert (review["case_type"], review["studies"]) == ("topic_review", [])


def test_a_review_in_cited_paragraphs_with_a_clinical_presentation_heading_is_a_topic_review():
    doc = parse_case_report(
        "Spontaneous coronary artery dissection\n"
        "Clinical presentation\n"
        "It presents as an acute coronary syndrome, mostly in women under 60 [1]. Chest pain is "
        "the usual complaint [2].\n"
        "Imaging\n"
        "Coronary angiography shows a long smooth narrowing [3]. CT coronary angiography can miss "
        "distal dissections [4].\n"
        "Management\n"
        "Most dissections heal without intervention, and conservative care is preferred [5].\n"
    )
    assert doc.document["case_type"] == "topic_review"
    assert doc.document["studies"] == []
    assert [section["kind"] for section in doc.document["sections"]] == [
        "clinical_perspective",
        "imaging_perspective",
        "management",
    ]
    assert not any("patient age" in warning for warning in doc.warnings)


def test_a_title_label_and_studies_not_done_in_a_run_of_short_sentences():
    doc = parse_case_report(
        "Title: Osteoid osteoma of the femur\n"
        "A 12-year-old boy had night pain relieved by ibuprofen.\n"
        "CT of the femur showed a 6 mm nidus (Fig. 1). Bone scan: not done. No MRI.\n"
    ).document
    assert doc["title"] == "Osteoid osteoma of the femur"
    assert modalities(doc) == ["CT"]
    assert doc["imaging_findings"] == "Bone scan: not done. No MRI."
