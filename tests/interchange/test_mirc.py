"""The MIRC export: a MIRCdocument and the zip a MIRC site's Submit Service ingests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree
from PIL import Image

from cases.models import (
    Case,
    CaseAuthor,
    DifferentialDiagnosis,
    Figure,
    Reference,
    Section,
    Study,
    System,
    Tag,
    TeachingPoint,
)
from cases.storage import private_storage
from interchange.mirc import DOCUMENT_NAME, build_mirc_document, build_mirc_zip
from tests.factories import make_case

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "interchange" / "schemas" / "MIRCdocument.xsd"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def jpeg(width: int, height: int, shade: int = 120) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), shade).save(buffer, format="JPEG")
    return buffer.getvalue()


def stored(name: str, data: bytes) -> str:
    return default_storage.save(f"derivatives/{name[:2]}/{name}", ContentFile(data))


def processed_figure(study: Study, label: str = "Fig 1", **fields) -> Figure:
    """A figure that finished processing, with its three derivatives in public storage."""
    figure = Figure.objects.create(
        study=study,
        label=label,
        caption=fields.pop("caption", "Calcification *posterior* to the femur."),
        alt_text="Radiograph of the hip",
        status=fields.pop("status", Figure.ProcessingStatus.READY),
        **fields,
    )
    stem = f"f{figure.pk:04d}"
    shade = (figure.pk * 37) % 200 + 20  # distinct bytes for each figure
    figure.thumbnail.name = stored(f"{stem}-thumb.jpg", jpeg(64, 48, shade))
    figure.web.name = stored(f"{stem}-web.jpg", jpeg(640, 480, shade))
    figure.full.name = stored(f"{stem}-full.jpg", jpeg(1280, 960, shade))
    figure.save(update_fields=["thumbnail", "web", "full"])
    return figure


def parse(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode("utf-8"))


def assert_valid(schema: etree.XMLSchema, xml: str) -> etree._Element:
    document = parse(xml)
    assert schema.validate(document), schema.error_log
    return document


def zip_contents(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def referenced_files(document: etree._Element) -> set[str]:
    return {element.get("src") for element in document.iter("image", "alternative-image")}


@pytest.fixture
def full_case(author) -> Case:
    case = make_case(
        author=author,
        title="Calcific tendinitis of the gluteus maximus",
        patient_age=52,
        patient_age_unit="years",
        patient_sex="female",
        clinical_history="Two weeks of **buttock pain**.\n\nNo trauma.",
        imaging_findings="Amorphous calcification near the linea aspera.",
        diagnostic_certainty="almost_certain",
        certainty_basis="clinical follow-up",
        difficulty="resident",
        copyright_holder="St Elsewhere Hospital",
        attribution="A. Author",
        consent="obtained",
        consent_statement="Written consent was obtained.",
    )
    CaseAuthor.objects.filter(case=case).update(affiliation="St Elsewhere Radiology")
    CaseAuthor.objects.create(
        case=case, name="Ext Co-Author", orcid="0000-0002-1825-0097", position=1
    )
    Section.objects.create(
        case=case, kind="discussion", heading="Discussion", body="Hydroxyapatite deposition."
    )
    Section.objects.create(case=case, kind="management", body="Rest and analgesia.", position=1)
    DifferentialDiagnosis.objects.create(
        case=case, diagnosis="Myositis ossificans", note="Zonal pattern"
    )
    TeachingPoint.objects.create(case=case, text="Calcific tendinitis can mimic a tumour.")
    Reference.objects.create(
        case=case, number=1, citation="Smith J. Calcific tendinitis.", doi="10.1000/x"
    )
    case.tags.add(Tag.objects.create(name="Calcific tendinitis", scheme="radlex", code="RID1234"))
    case.tags.add(Tag.objects.create(name="Hip pain"))
    case.systems.add(
        System.objects.get_or_create(code="musculoskeletal", defaults={"name": "Musculoskeletal"})[
            0
        ]
    )
    xr = Study.objects.create(
        case=case, modality="XR", label="Hip radiograph", findings="Dense focus."
    )
    ct = Study.objects.create(
        case=case, modality="CT", label="CT pelvis", timing="day 3", position=1
    )
    processed_figure(xr, "Fig 1")
    processed_figure(ct, "Fig 2", caption="")
    return case


def test_a_full_case_is_a_valid_mirc_document(full_case, author, schema):
    document = assert_valid(schema, build_mirc_document(full_case, user=author))

    assert document.get("display") == "tab"
    assert document.findtext("title") == "Calcific tendinitis of the gluteus maximus"
    assert [a.findtext("name") for a in document.findall("author")] == [
        str(author),
        "Ext Co-Author",
    ]
    assert document.find("author").findtext("affiliation") == "St Elsewhere Radiology"
    assert "0000-0002-1825-0097" in document.findall("author")[1].findtext("contact")
    assert document.findtext("abstract/p") == "Calcific tendinitis can mimic a tumour."
    headings = [s.get("heading") for s in document if s.tag in ("section", "image-section")]
    assert headings == [
        "History",
        "Images",
        "Findings",
        "Diagnosis",
        "Differential diagnosis",
        "Discussion",
        "Teaching points",
    ]
    history = document.find("section[@heading='History']")
    assert history.findtext("patient/pt-age/years") == "52"
    assert history.findtext("patient/pt-sex") == "female"
    assert [p.text for p in history.findall("history/p")] == [
        "Two weeks of buttock pain.",
        "No trauma.",
    ]
    findings = document.find("section[@heading='Findings']/findings")
    assert "Hip radiograph" in [h.text for h in findings.findall("h3")]
    diagnosis = document.find("section[@heading='Diagnosis']/diagnosis")
    assert [p.text for p in diagnosis] == [
        "Calcific tendinitis",
        "Diagnostic certainty: Almost certain (clinical follow-up)",
    ]
    assert (
        document.findtext("section/differential-diagnosis/ul/li")
        == "Myositis ossificans: Zonal pattern"
    )
    discussion = document.find("section[@heading='Discussion']/discussion")
    assert [h.text for h in discussion.findall("h3")] == ["Discussion", "Management"]
    assert document.find("references/reference/a").get("href") == "https://doi.org/10.1000/x"
    term = document.find("keywords/term")
    assert (term.get("lexicon"), term.get("id"), term.text) == (
        "RadLex",
        "RID1234",
        "Calcific tendinitis",
    )
    assert "Hip pain" in "".join(document.find("keywords").itertext())
    assert [m.text for m in document.findall("modality")] == ["XR", "CT"]
    assert document.findtext("level") == "intermediate"
    assert document.findtext("category") == "Musculoskeletal"
    assert document.findtext("publication-date") == full_case.published_at.date().isoformat()


def test_rights_name_the_licence_holder_attribution_and_consent(full_case, author):
    rights = parse(build_mirc_document(full_case, user=author)).findtext("rights")

    assert "Creative Commons Attribution 4.0" in rights
    assert "https://creativecommons.org/licenses/by/4.0/" in rights
    assert "© St Elsewhere Hospital" in rights
    assert "Attribution: A. Author" in rights
    assert "Written consent was obtained." in rights
    assert full_case.permanent_url in rights


def test_each_exported_figure_is_one_image_with_its_icon_full_size_and_caption(full_case, author):
    images = parse(build_mirc_document(full_case, user=author)).findall("image-section/image")

    assert [image.get("src") for image in images] == ["fig-1-1.jpg", "fig-2-1.jpg"]
    first = images[0]
    assert (first.get("w"), first.get("h")) == ("640", "480")
    roles = {alt.get("role"): alt.get("src") for alt in first.findall("alternative-image")}
    assert roles == {"icon": "fig-1-1-icon.jpg", "original-dimensions": "fig-1-1-full.jpg"}
    assert (
        first.findtext("image-caption")
        == "Fig 1 (Hip radiograph). Calcification posterior to the femur."
    )
    # Without a caption, the alt text describes the image.
    assert images[1].findtext("image-caption") == "Fig 2 (CT pelvis). Radiograph of the hip"


def test_the_zip_holds_exactly_the_document_and_the_images_it_references(full_case, author, schema):
    files = zip_contents(build_mirc_zip(full_case, user=author))

    document = assert_valid(schema, files[DOCUMENT_NAME].decode("utf-8"))
    assert set(files) == {DOCUMENT_NAME} | referenced_files(document)
    assert all("/" not in name for name in files)
    figure = Figure.objects.filter(study__case=full_case).order_by("study__position").first()
    assert files["fig-1-1.jpg"] == figure.web.read()
    assert files["fig-1-1-icon.jpg"] == default_storage.open(figure.thumbnail.name).read()
    assert files["fig-1-1-full.jpg"] == default_storage.open(figure.full.name).read()


@pytest.mark.parametrize("status", ["quarantined", "pending", "processing", "failed"])
def test_a_figure_that_is_not_processed_is_never_exported(full_case, author, schema, status):
    study = full_case.studies.get(modality="XR")
    held = processed_figure(study, "Fig 3", status=status, caption="Held back")
    held_bytes = {
        default_storage.open(f.name).read() for f in (held.thumbnail, held.web, held.full)
    }

    files = zip_contents(build_mirc_zip(full_case, user=author))

    document = assert_valid(schema, files[DOCUMENT_NAME].decode("utf-8"))
    assert "Held back" not in files[DOCUMENT_NAME].decode("utf-8")
    assert len(document.findall("image-section/image")) == 2
    assert not held_bytes & set(files.values())


def test_the_uploaded_original_never_leaves_the_site(full_case, author):
    figure = Figure.objects.filter(study__case=full_case).first()
    original = b"\xff\xd8original with a patient name in its metadata\xff\xd9"
    figure.original.name = private_storage.save("originals/ab/original.jpg", ContentFile(original))
    figure.save(update_fields=["original"])

    files = zip_contents(build_mirc_zip(full_case, user=author))

    assert original not in files.values()
    assert "original" not in files[DOCUMENT_NAME].decode("utf-8").lower().replace(
        "original-dimensions", ""
    )


def test_a_figure_whose_files_are_gone_is_left_out_of_document_and_zip(full_case, author, schema):
    figure = Figure.objects.filter(study__modality="CT", study__case=full_case).get()
    default_storage.delete(figure.web.name)

    files = zip_contents(build_mirc_zip(full_case, user=author))

    document = assert_valid(schema, files[DOCUMENT_NAME].decode("utf-8"))
    assert [image.get("src") for image in document.iter("image")] == ["fig-1-1.jpg"]
    assert set(files) == {DOCUMENT_NAME} | referenced_files(document)


def test_special_characters_are_escaped_and_raw_html_is_dropped(author, schema):
    title = 'Müller & "Søn" <sarcoma> — 肺 ≥ 5 mm'
    case = make_case(
        author=author,
        title=title,
        final_diagnosis="A & B < C",
        clinical_history=(
            "Pain <b>worse</b> at night.\n\n<script>alert('x')</script>\n\nT1 < T2 & \x0bdone"
        ),
    )

    xml = build_mirc_document(case, user=author)

    document = assert_valid(schema, xml)
    assert document.findtext("title") == title
    assert document.findtext("diagnosis") == "A & B < C"
    assert "&amp; B &lt; C" in xml
    paragraphs = [p.text for p in document.findall("section/history/p")]
    assert paragraphs == ["Pain worse at night.", "T1 < T2 & done"]
    assert "script" not in xml and "alert" not in xml and "<b>" not in xml


def test_a_topic_review_has_no_patient_and_is_valid(author, schema):
    case = make_case(
        author=author,
        case_type=Case.CaseType.TOPIC_REVIEW,
        title="Imaging of calcific tendinitis",
        final_diagnosis="",
    )
    Section.objects.create(case=case, kind="background", heading="Background", body="An overview.")

    document = assert_valid(schema, build_mirc_document(case, user=author))

    assert document.find(".//patient") is None
    assert document.find("section[@heading='Diagnosis']") is None
    assert document.findtext("abstract/p") == "An overview."


def test_a_case_without_figures_is_valid_and_zips_to_the_document_alone(author, schema):
    case = make_case(author=author, patient_age=40, patient_age_unit="years")

    files = zip_contents(build_mirc_zip(case, user=author))

    document = assert_valid(schema, files[DOCUMENT_NAME].decode("utf-8"))
    assert document.find("image-section") is None
    assert list(files) == [DOCUMENT_NAME]


def test_ages_of_ninety_and_over_leave_only_as_ninety_plus(author, schema):
    case = make_case(author=author, patient_age=97, patient_age_unit="years", patient_sex="male")

    xml = build_mirc_document(case, user=author)

    assert parse(xml).findtext(".//pt-age/years") == "90+"
    # The case's own address carries its id, which may contain the digits too.
    assert "97" not in xml.replace(case.permanent_url, "")
    assert_valid(schema, xml)


def test_an_infant_age_keeps_its_unit(author):
    case = make_case(author=author, patient_age=3, patient_age_unit="weeks")

    assert parse(build_mirc_document(case, user=author)).findtext(".//pt-age/weeks") == "3"


def test_only_a_published_public_case_asks_to_be_public_on_the_mirc_site(author, schema):
    public = make_case(author=author)
    institution_only = make_case(author=author, visibility="institution")
    draft = make_case(author=author, published=False)

    assert parse(build_mirc_document(public, user=author)).findtext("authorization/read") == "*"
    for case in (institution_only, draft):
        document = assert_valid(schema, build_mirc_document(case, user=author))
        assert not document.findtext("authorization/read")
    assert parse(build_mirc_document(draft, user=author)).find("publication-date") is None


def test_the_same_case_exports_to_the_same_bytes(full_case, author):
    assert build_mirc_zip(full_case, user=author) == build_mirc_zip(
        Case.objects.get(pk=full_case.pk), user=author
    )


def count_queries(case_pk: int, user) -> int:
    case = Case.objects.visible_to(user).get(pk=case_pk)
    with CaptureQueriesContext(connection) as queries:
        build_mirc_zip(case, user=user)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_figures(author):
    case = make_case(author=author)
    study = Study.objects.create(case=case, modality="CT", label="CT")
    processed_figure(study)
    one = count_queries(case.pk, author)

    for number in range(5):
        processed_figure(study, f"Fig {number + 2}")
    other = Study.objects.create(case=case, modality="MR", label="MR", position=1)
    processed_figure(other)
    many = count_queries(case.pk, author)

    # tags, systems, sections, differentials, teaching points, references, authors (with user
    # and institution), studies, their figures
    assert one == many == 9


def test_empty_parts_are_left_out_rather_than_written_empty(author, schema):
    case = make_case(author=author, final_diagnosis="", patient_age=1200, patient_age_unit="days")
    DifferentialDiagnosis.objects.create(case=case, diagnosis="  ")
    Reference.objects.create(case=case, number=1, citation="")
    TeachingPoint.objects.create(case=case, text="**  **")
    Section.objects.create(case=case, kind="outcome", body="")

    document = assert_valid(schema, build_mirc_document(case, user=author))

    assert document.findtext(".//pt-age/days") == "1200"
    assert [s.get("heading") for s in document.findall("section")] == ["History"]
    assert document.find("references") is None
    assert document.find("abstract") is None
