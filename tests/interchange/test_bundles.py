"""Case bundles: export a case whole, import it as a new draft, and refuse unsafe bundles."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pydicom
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from PIL import Image
from rest_framework.test import APIClient

from cases import services
from cases.models import Case, CaseAuthor, Figure, Study
from imaging import uploads
from interchange import bundle as bundles
from interchange.bundle import BundleError, build_bundle, import_bundle, read_bundle
from tests.factories import make_case, make_user
from tests.files import dicom_bytes, jpeg_with_exif, series_zip

pytestmark = pytest.mark.django_db

IGNORED = {"id", "authors", "created_at", "updated_at", "published_at", "status", "version", "cite"}

DOCUMENT = {
    "title": "Calcific tendinitis of the gluteus maximus",
    "case_type": "clinical_case",
    "patient": {"age": 47, "age_unit": "years", "sex": "female"},
    "clinical_history": "Six weeks of **lateral hip pain**.",
    "imaging_findings": "Amorphous calcification posterior to the femur [1].",
    "studies": [
        {"modality": "XR", "label": "Radiograph of the hip", "timing": "Day 1", "findings": "."},
        {"modality": "CT", "label": "CT pelvis", "timing": "Day 3", "findings": "Erosion."},
    ],
    "sections": [{"kind": "discussion", "heading": "Discussion", "body": "Rare site (1-2)."}],
    "differential_diagnoses": [
        {"diagnosis": "Myositis ossificans", "note": "Zonal pattern."},
        {"diagnosis": "Parosteal osteosarcoma", "note": ""},
    ],
    "final_diagnosis": "Calcific tendinitis",
    "diagnostic_certainty": "almost_certain",
    "certainty_basis": "Clinical follow-up",
    "teaching_points": ["Calcium near the linea aspera is tendinous.", "Do not biopsy."],
    "rehabilitation": None,
    "commentaries": [
        {
            "provenance": "author",
            "heading": "Pitfall",
            "body": "Looks aggressive.",
            "disclaimer": "",
        }
    ],
    "references": [
        {
            "number": 1,
            "citation": "Smith J. Radiology 2020.",
            "doi": "10.1/x",
            "pmid": "",
            "url": "",
        },
        {"number": 2, "citation": "Jones K. AJR 2019.", "doi": "", "pmid": "123", "url": ""},
    ],
    "tags": [{"name": "calcific tendinitis", "scheme": "custom", "code": ""}],
    "systems": ["musculoskeletal"],
    "difficulty": "resident",
    "rights": {
        "licence": "CC-BY-NC-SA-4.0",
        "copyright_holder": "St Elsewhere Hospital",
        "attribution": "Dr Ada Author",
        "source": "",
        "consent": "obtained",
        "consent_statement": "Written consent on file.",
    },
    "authors": [
        {"username": None, "name": "Dr Ext Ernal", "affiliation": "Elsewhere", "orcid": ""}
    ],
    "visibility": "public",
    "in_unknown_mode": True,
    "questions": [
        {
            "stem": "What is it?",
            "options": ["Calcific tendinitis", "Osteosarcoma"],
            "answer": 0,
            "explanation": "Follow-up resolved.",
        }
    ],
}

ARROW = {"type": "arrow", "x1": 0.1, "y1": 0.2, "x2": 0.4, "y2": 0.5, "label": "calcium"}


def png_bytes(size=(80, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size, 120).save(buffer, format="PNG")
    return buffer.getvalue()


def add(study: Study, author, data: bytes, name: str, **fields) -> Figure:
    """Upload an image and run its processing, as after the request commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        figure = uploads.add_figure(
            study, upload=SimpleUploadedFile(name, data), by=author, label=fields.pop("label")
        )
    Figure.objects.filter(pk=figure.pk).update(**fields)
    figure.refresh_from_db()
    return figure


@pytest.fixture
def full_case(author) -> Case:
    """A case with every part: two studies, JPEG, PNG and DICOM figures, annotations, quiz."""
    case = services.create_case_from_document(json.loads(json.dumps(DOCUMENT)), author=author)
    radiograph, ct = case.studies.all()
    add(
        radiograph,
        author,
        jpeg_with_exif(),
        "hip.jpg",
        label="Fig 1",
        caption="Frog-leg view.",
        alt_text="Calcification behind the femur",
        annotations=[{**ARROW, "frame": None}],
    )
    add(radiograph, author, png_bytes(), "hip.png", label="Fig 2", alt_text="Lateral view")
    add(
        ct,
        author,
        dicom_bytes(),
        "ct.dcm",
        label="Fig 3",
        caption="Axial CT.",
        alt_text="Axial CT of the pelvis",
        annotations=[{"type": "text", "x": 0.5, "y": 0.5, "text": "erosion", "frame": 0}],
    )
    add(ct, author, series_zip(3), "series.zip", label="Fig 4", alt_text="Axial stack")
    assert set(Figure.objects.filter(study__case=case).values_list("status", flat=True)) == {
        "ready"
    }
    return case


def comparable(document: dict) -> dict:
    return {key: value for key, value in document.items() if key not in IGNORED}


def zip_of(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def stored_files(settings) -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


# --- Export ----------------------------------------------------------------------------------


def test_a_bundle_holds_the_document_its_images_the_licence_and_a_readme(full_case, author):
    archive = zipfile.ZipFile(io.BytesIO(build_bundle(full_case, user=author)))
    names = set(archive.namelist())
    assert names == {
        "case.json",
        "LICENCE.txt",
        "README.txt",
        "images/1-1-fig-1.png",
        "images/1-2-fig-2.png",
        "images/2-1-fig-3.dcm",
        "images/2-2-fig-4.zip",
    }
    document = json.loads(archive.read("case.json"))
    figures_ = [f for study in document["studies"] for f in study["figures"]]
    assert [f["image"] for f in figures_] == sorted(n for n in names if n.startswith("images/"))
    assert figures_[0]["annotations"][0]["label"] == "calcium"
    assert document["questions"][0]["answer"] == 0  # an author reads the quiz's answers
    licence = archive.read("LICENCE.txt").decode()
    assert "Creative Commons Attribution-NonCommercial-ShareAlike 4.0" in licence
    assert "https://creativecommons.org/licenses/by-nc-sa/4.0/" in licence
    assert "St Elsewhere Hospital" in licence and "Written consent on file." in licence
    readme = archive.read("README.txt").decode()
    assert full_case.title in readme and full_case.permanent_url in readme
    assert "manage.py import_cases bundle.zip" in readme


def test_exported_images_carry_no_metadata_and_dicom_only_its_deidentified_copy(full_case, author):
    archive = zipfile.ZipFile(io.BytesIO(build_bundle(full_case, user=author)))
    photo = Image.open(io.BytesIO(archive.read("images/1-1-fig-1.png")))
    assert photo.format == "PNG"
    assert not photo.getexif() and "exif" not in photo.info
    assert photo.height > photo.width  # the orientation flag was applied to the pixels
    dicom = archive.read("images/2-1-fig-3.dcm")
    assert b"CompressedSamples" not in dicom  # the patient's name in the test file
    assert pydicom.dcmread(io.BytesIO(dicom)).PatientIdentityRemoved == "YES"
    series = zipfile.ZipFile(io.BytesIO(archive.read("images/2-2-fig-4.zip")))
    assert series.namelist() == ["IM0001.dcm", "IM0002.dcm", "IM0003.dcm"]
    for name in series.namelist():
        assert pydicom.dcmread(io.BytesIO(series.read(name))).PatientIdentityRemoved == "YES"


def test_a_held_figure_is_left_out_and_named_in_the_readme(full_case, author):
    study = full_case.studies.last()
    held = add(study, author, dicom_bytes(Modality="US"), "us.dcm", label="Fig 5")
    assert held.status == "quarantined"
    archive = zipfile.ZipFile(io.BytesIO(build_bundle(full_case, user=author)))
    document = json.loads(archive.read("case.json"))
    assert [f["label"] for f in document["studies"][1]["figures"]] == ["Fig 3", "Fig 4"]
    assert not any("5" in name for name in archive.namelist() if name.startswith("images/"))
    assert "Fig 5 (quarantined)" in archive.read("README.txt").decode()


def test_readers_get_the_questions_without_their_answers(full_case, trainee):
    Case.objects.filter(pk=full_case.pk).update(status="published")
    archive = zipfile.ZipFile(io.BytesIO(build_bundle(full_case, user=trainee)))
    assert json.loads(archive.read("case.json"))["questions"] == []


def test_the_export_reads_the_same_number_of_queries_for_one_figure_or_many(author):
    def queries_for(count: int) -> int:
        case = make_case(author=author)
        study = Study.objects.create(case=case, modality="CT", label="CT")
        for number in range(count):
            Figure.objects.create(study=study, label=f"Fig {number}", status="ready")
        with CaptureQueriesContext(connection) as context:
            build_bundle(case, user=author)
        return len(context.captured_queries)

    queries_for(1)  # the first export also reads the person's roles, then remembered
    assert queries_for(1) == queries_for(8)


# --- Round trip ------------------------------------------------------------------------------


def test_export_import_export_gives_the_same_document(full_case, author, settings):
    importer = make_user("importer", "author", display_name="Dr Ian Porter")
    first = build_bundle(full_case, user=author)
    with TestCase.captureOnCommitCallbacks(execute=True):
        imported = import_bundle(first, author=importer)
    assert imported.pk != full_case.pk
    assert imported.status == Case.Status.DRAFT
    assert set(imported.studies.values_list("figures__status", flat=True)) == {"ready"}
    second = build_bundle(imported, user=importer)

    before = read_bundle(first).document
    after = read_bundle(second).document
    assert comparable(after) == comparable(before)
    assert [a["name"] for a in after["authors"]] == [
        "Dr Ian Porter",
        "Dr Ada Author",
        "Dr Ext Ernal",
    ]
    assert after["authors"][0]["username"] == "importer"
    # A lossless PNG of the same pixels, twice over.
    one, two = zipfile.ZipFile(io.BytesIO(first)), zipfile.ZipFile(io.BytesIO(second))
    assert one.read("images/1-2-fig-2.png") == two.read("images/1-2-fig-2.png")
    assert imported.revisions.filter(kind="created").exists()


def test_an_import_that_fails_half_way_leaves_no_case_and_no_files(
    full_case, author, settings, monkeypatch
):
    data = build_bundle(full_case, user=author)
    cases, before = Case.objects.count(), stored_files(settings)

    attach, seen = uploads.attach_figure_image, []

    def attach_and_look(figure, **kwargs):
        figure = attach(figure, **kwargs)
        seen.append(figure.original.name)
        return figure

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(uploads, "attach_figure_image", attach_and_look)
    monkeypatch.setattr(services, "record_revision", broken)
    with pytest.raises(RuntimeError):
        import_bundle(data, author=make_user("importer", "author"))
    assert len(seen) == 4  # every image was stored before the failure…
    assert any(Path(settings.PRIVATE_MEDIA_ROOT, name) not in before for name in seen)
    assert Case.objects.count() == cases
    assert stored_files(settings) == before  # …and none is left


def test_images_are_uploaded_anew_and_held_when_at_risk(author):
    document = {
        "title": "Ultrasound of the hip",
        "studies": [
            {"modality": "US", "figures": [{"label": "Fig 1", "image": "images/1-1-fig-1.dcm"}]}
        ],
    }
    data = zip_of(
        {"case.json": json.dumps(document), "images/1-1-fig-1.dcm": dicom_bytes(Modality="US")}
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        case = import_bundle(data, author=author)
    figure = Figure.objects.get(study__case=case)
    assert figure.status == "quarantined"
    assert list(case.authors.values_list("user__username", flat=True)) == ["author"]


def test_only_authors_may_import(trainee, full_case, author):
    from django.core.exceptions import PermissionDenied

    data = build_bundle(full_case, user=author)
    with pytest.raises(PermissionDenied):
        import_bundle(data, author=trainee)


# --- Unsafe or broken bundles ----------------------------------------------------------------


def minimal_document(**changes) -> str:
    return json.dumps({"title": "Calcific tendinitis", **changes})


BAD_BUNDLES = {
    "not a zip": (b"just text", "not a zip"),
    "path traversal": (
        zip_of({"case.json": minimal_document(), "../../etc/cron.d/evil": "x"}),
        "outside its folder",
    ),
    "absolute path": (
        zip_of({"case.json": minimal_document(), "/etc/passwd": "x"}),
        "outside its folder",
    ),
    "zip bomb": (
        zip_of({"case.json": minimal_document(), "images/zeros.png": b"\0" * (20 * 1024 * 1024)}),
        "zip bomb",
    ),
    "no case.json": (zip_of({"README.txt": "hello"}), "no case.json"),
    "invalid json": (zip_of({"case.json": "{title: oops"}), "not valid JSON"),
    "not a document": (zip_of({"case.json": "[1, 2]"}), "expected a JSON object"),
    "no title": (zip_of({"case.json": json.dumps({"title": ""})}), "title"),
    "unknown modality": (
        zip_of({"case.json": minimal_document(studies=[{"modality": "XYZ"}])}),
        "studies.0.modality",
    ),
    "missing image": (
        zip_of(
            {
                "case.json": minimal_document(
                    studies=[{"modality": "CT", "figures": [{"image": "images/gone.png"}]}]
                )
            }
        ),
        "no file",
    ),
    "text in images/": (
        zip_of(
            {
                "case.json": minimal_document(
                    studies=[{"modality": "CT", "figures": [{"image": "images/1-1-a.png"}]}]
                ),
                "images/1-1-a.png": b"<html><script>alert(1)</script></html>",
            }
        ),
        "images/1-1-a.png",
    ),
    "annotation outside the image": (
        zip_of(
            {
                "case.json": minimal_document(
                    studies=[
                        {
                            "modality": "CT",
                            "figures": [{"annotations": [{**ARROW, "x1": 7}]}],
                        }
                    ]
                )
            }
        ),
        "annotations",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_BUNDLES))
def test_an_unsafe_or_broken_bundle_is_refused_with_a_reason_and_leaves_nothing(
    kind, author, settings
):
    data, reason = BAD_BUNDLES[kind]
    before = stored_files(settings)
    with pytest.raises(BundleError, match=reason):
        import_bundle(data, author=author)
    assert not Case.objects.exists()
    assert stored_files(settings) == before


def test_too_many_files_or_too_much_data_is_refused(monkeypatch):
    data = zip_of({"case.json": minimal_document(), **{f"n{i}.txt": "x" for i in range(5)}})
    monkeypatch.setattr(bundles, "MAX_MEMBERS", 3)
    with pytest.raises(BundleError, match="more than 3 files"):
        read_bundle(data)
    monkeypatch.setattr(bundles, "MAX_MEMBERS", 1000)
    monkeypatch.setattr(bundles, "MAX_EXPANDED_BYTES", 10)
    with pytest.raises(BundleError, match="expands to more than"):
        read_bundle(io.BytesIO(data))


# --- Downloads: API, page and command ----------------------------------------------------------


def test_the_api_and_the_page_download_a_bundle_named_after_the_case(full_case, author, client):
    api = APIClient()
    api.force_authenticate(author)
    response = api.get(f"/api/v1/cases/{full_case.pk}/export/?format=bundle")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert (
        f'filename="case-{full_case.pk}-calcific-tendinitis-of-the-gluteus-maximus.zip"'
        in response["Content-Disposition"]
    )
    assert "case.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    client.force_login(author)
    page = client.get(f"/cases/{full_case.pk}/export/bundle/")
    assert page.status_code == 200 and page["Content-Type"] == "application/zip"
    as_json = client.get(f"/cases/{full_case.pk}/export/json/")
    assert json.loads(as_json.content)["title"] == full_case.title


def test_an_unknown_format_is_a_400_in_the_api_and_a_404_on_the_page(full_case, author, client):
    api = APIClient()
    api.force_authenticate(author)
    response = api.get(f"/api/v1/cases/{full_case.pk}/export/?format=docx")
    assert response.status_code == 400
    assert "not an export format" in response.json()["detail"]
    # Given empty is no format (left out is the default, json).
    empty = api.get(f"/api/v1/cases/{full_case.pk}/export/?format=")
    assert empty.status_code == 400
    assert api.get(f"/api/v1/cases/{full_case.pk}/export/").status_code == 200
    client.force_login(author)
    assert client.get(f"/cases/{full_case.pk}/export/docx/").status_code == 404


def test_the_media_of_a_draft_cannot_be_exported_by_an_outsider(full_case, outsider, client):
    api = APIClient()
    api.force_authenticate(outsider)
    for format in ("bundle", "json", "mirc"):
        assert api.get(f"/api/v1/cases/{full_case.pk}/export/?format={format}").status_code == 404
    assert APIClient().get(f"/api/v1/cases/{full_case.pk}/export/?format=bundle").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/cases/{full_case.pk}/export/bundle/").status_code == 404


def test_the_command_writes_a_bundle_or_prints_the_document(full_case, tmp_path, monkeypatch):
    out = io.StringIO()
    call_command("export_case", str(full_case.pk), "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["questions"][0]["answer"] == 0
    target = tmp_path / "hip.zip"
    call_command("export_case", str(full_case.pk), "-o", str(target), stdout=io.StringIO())
    assert "images/2-1-fig-3.dcm" in zipfile.ZipFile(target).namelist()
    monkeypatch.chdir(tmp_path)
    call_command("export_case", str(full_case.pk), "--format", "bundle", stdout=io.StringIO())
    assert (tmp_path / f"case-{full_case.pk}.zip").exists()


def test_the_command_refuses_unknown_cases_and_cases_the_person_may_not_read(full_case, outsider):
    with pytest.raises(CommandError, match="no case 999999"):
        call_command("export_case", "999999", "--format", "json")
    with pytest.raises(CommandError, match="not a case number"):
        call_command("export_case", "twelve")
    with pytest.raises(CommandError, match="that outsider may read"):
        call_command("export_case", str(full_case.pk), "--as", "outsider", "--format", "json")
    with pytest.raises(CommandError, match="No user"):
        call_command("export_case", str(full_case.pk), "--as", "nobody")


def test_the_command_never_exports_held_figures(full_case, author, tmp_path):
    add(full_case.studies.first(), author, png_bytes(), "flagged.png", label="Fig 9")
    Figure.objects.filter(label="Fig 9").update(status="quarantined")
    target = tmp_path / "out.zip"
    call_command("export_case", str(full_case.pk), "-o", str(target), stdout=io.StringIO())
    document = json.loads(zipfile.ZipFile(target).read("case.json"))
    assert "Fig 9" not in [f["label"] for s in document["studies"] for f in s["figures"]]


def test_co_authors_who_are_site_users_travel_by_name(full_case, author, coauthor):
    CaseAuthor.objects.create(case=full_case, user=coauthor, position=5)
    data = build_bundle(full_case, user=author)
    with TestCase.captureOnCommitCallbacks(execute=True):
        imported = import_bundle(data, author=author)
    rows = list(imported.authors.order_by("position").values_list("user__username", "name"))
    assert rows[0] == ("author", "")
    assert ("", "Dr Co Author") in [(u or "", n) for u, n in rows]
