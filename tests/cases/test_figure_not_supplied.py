"""A figure named (by an imported report, a document) but never given an image says "Image not
supplied", never "processing", on the case page, in the editor and in the API."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from cases.document import empty_document
from cases.models import Case, Figure, Study
from cases.services import create_case_from_document
from imaging.processing import process_figure
from imaging.uploads import attach_figure_image, process_figure_again
from tests.factories import make_case, signed_in_api_client
from tests.files import jpeg_bytes, upload


def document_naming_a_figure() -> dict:
    document = empty_document()
    document.update(
        {
            "title": "Stress fracture of the second metatarsal",
            "studies": [
                {
                    "modality": "XR",
                    "label": "Radiograph of the foot",
                    "figures": [{"label": "Fig 1", "caption": "Periosteal new bone."}],
                }
            ],
        }
    )
    return document


@pytest.fixture
def named_figure(author) -> Figure:
    case = create_case_from_document(document_naming_a_figure(), author=author)
    return Figure.objects.get(study__case=case)


def test_a_figure_named_by_a_document_is_not_supplied_rather_than_pending(named_figure):
    assert named_figure.status == Figure.ProcessingStatus.NOT_SUPPLIED
    assert named_figure.get_status_display() == "Image not supplied"
    assert named_figure.is_missing_image
    assert not named_figure.is_ready


def test_the_case_page_says_image_not_supplied_for_it(client, author, named_figure):
    client.force_login(author)

    page = client.get(named_figure.study.case.get_absolute_url()).content.decode()

    assert "Image not supplied" in page
    assert "Image processing" not in page


def test_a_figure_whose_image_is_being_processed_still_says_so(client, author):
    case = make_case(author=author, published=False)
    study = Study.objects.create(case=case, modality="CT")
    figure = Figure.objects.create(study=study, label="Fig 1")
    figure.original.save("abc.jpg", ContentFile(jpeg_bytes()), save=True)
    client.force_login(author)

    page = client.get(case.get_absolute_url()).content.decode()

    assert "Image processing…" in page
    assert "Image not supplied" not in page


def test_the_api_gives_the_status_not_supplied(author, named_figure):
    case = named_figure.study.case
    client = signed_in_api_client(author)

    document = client.get(f"/api/v1/cases/{case.pk}/").json()
    figure = client.get(f"/api/v1/cases/{case.pk}/figures/{named_figure.pk}/").json()

    assert document["studies"][0]["figures"][0]["status"] == "not_supplied"
    assert figure["status"] == "not_supplied"
    assert figure["status_display"] == "Image not supplied"
    assert figure["images"] is None


def test_the_editor_shows_it_waiting_for_its_image(client, author, named_figure):
    client.force_login(author)
    case = named_figure.study.case

    page = client.get(f"/cases/{case.pk}/edit/studies/").content.decode()

    assert "Image not supplied" in page
    assert "Processing…" not in page


def test_attaching_an_image_makes_it_pending_then_ready(author, named_figure):
    figure = attach_figure_image(named_figure, upload=upload(jpeg_bytes()), by=author)
    assert figure.status == Figure.ProcessingStatus.PENDING  # processed once this commits

    process_figure(figure.pk)

    figure.refresh_from_db()
    assert figure.is_ready


def test_processing_again_a_figure_without_an_image_leaves_it_not_supplied(author, named_figure):
    figure = process_figure_again(named_figure, by=author)

    assert figure.status == Figure.ProcessingStatus.NOT_SUPPLIED


def test_a_case_whose_only_figure_was_never_supplied_cannot_be_published(named_figure):
    case = Case.objects.prefetch_related("studies__figures", "teaching_points", "commentaries").get(
        pk=named_figure.study.case_id
    )

    assert "At least one processed figure" in case.publication_blockers()
