"""The figures of a case through the API: upload, status, images, edits, quarantine decisions."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from api.concurrency import etag
from cases.models import Case, Figure, FigureFrame, QuarantineDecision, Revision, Study
from reviews.models import Review
from tests.factories import API_PERSONAS, make_case, signed_in_api_client
from tests.media import fetch, path_of

pytestmark = pytest.mark.django_db

PERSONAS = API_PERSONAS
client_for = signed_in_api_client


@pytest.fixture
def draft(two_author_draft) -> Case:
    return two_author_draft


@pytest.fixture
def study(draft) -> Study:
    return Study.objects.create(case=draft, modality="XR", label="Knee radiograph")


def ready_figure(study: Study, **fields) -> Figure:
    """A processed figure as stored, without files (its URLs are all the API gives)."""
    defaults = {
        "label": "Fig 1",
        "status": Figure.ProcessingStatus.READY,
        "thumbnail": "derivatives/ab/abc-thumb.jpg",
        "web": "derivatives/ab/abc-web.jpg",
        "full": "derivatives/ab/abc-full.jpg",
        "width": 320,
        "height": 240,
    }
    return Figure.objects.create(study=study, **{**defaults, **fields})


@pytest.fixture
def figure(study) -> Figure:
    return ready_figure(study)


def figures_url(case: Case, figure: Figure | None = None, action: str = "") -> str:
    base = f"/api/v1/cases/{case.pk}/figures/"
    if figure is None:
        return base
    return f"{base}{figure.pk}/{action + '/' if action else ''}"


def if_match(case: Case) -> dict[str, str]:
    case.refresh_from_db()
    return {"HTTP_IF_MATCH": etag(case)}


def png(width: int = 96, height: int = 64) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 90).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(data: bytes, name: str = "knee.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def post_upload(client: APIClient, case: Case, study: Study, data: bytes | None = None, **fields):
    body = {"study": study.pk, "file": upload(png() if data is None else data), **fields}
    return client.post(figures_url(case), body, format="multipart")


def stored_files(settings) -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


# --- Upload ------------------------------------------------------------------------------------


def test_an_upload_answers_202_with_its_status_and_is_ready_once_processed(
    author, draft, study, django_capture_on_commit_callbacks
):
    client = client_for(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, draft, study, label="Fig 3")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending"
    assert body["label"] == "Fig 3"
    assert body["study"] == study.pk
    assert body["images"] is None
    assert response["Location"] == body["status_url"]
    assert body["status_url"].endswith(f"/api/v1/cases/{draft.pk}/figures/{body['id']}/")

    status = client.get(body["status_url"])
    assert status.status_code == 200
    ready = status.json()
    assert ready["status"] == "ready"
    assert (ready["width"], ready["height"], ready["kind"]) == (96, 64, "image")
    assert ready["frame_count"] == 0
    images = ready["images"]
    assert path_of(images["thumbnail"]).endswith(f"/figures/{body['id']}/thumbnail.jpg")
    assert images["dicom"] is None
    assert [frame["src"] for frame in images["frames"]] == [images["web"]]
    # The URLs given are the ones the media views serve, to whoever holds them.
    assert client.get(images["thumbnail"]).status_code == 200
    assert fetch(images["full"]).status_code == 200


def test_an_upload_needs_no_version_and_leaves_it_unchanged(author, draft, study):
    assert post_upload(client_for(author), draft, study).status_code == 202
    draft.refresh_from_db()
    assert draft.version == 1


def test_an_upload_flagged_as_showing_text_is_held_until_checked(
    author, draft, study, django_capture_on_commit_callbacks
):
    client = client_for(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, draft, study, burned_in="true")
    held = client.get(response.json()["status_url"]).json()
    assert held["status"] == "quarantined"
    assert held["quarantine_reasons"] == [
        "The author flagged it as possibly showing text or a face."
    ]
    assert held["images"]["dicom"] is None  # its deciders see it; nothing is downloadable


REFUSED = {
    "text named .png": (b"just some words, not an image", "scan.png"),
    "html named .png": (b"<!DOCTYPE html><html><body>hi</body></html>", "page.png"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', "a.svg"),
    "truncated png": (png()[:60], "cut.png"),
}


@pytest.mark.parametrize("kind", list(REFUSED))
def test_a_refused_upload_answers_400_with_the_reason_and_keeps_nothing(
    settings, author, draft, study, kind, django_capture_on_commit_callbacks
):
    data, name = REFUSED[kind]
    before = stored_files(settings)
    client = client_for(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            figures_url(draft),
            {"study": study.pk, "file": upload(data, name)},
            format="multipart",
        )
    assert response.status_code == 400
    assert response.json()["errors"]["file"]
    assert Figure.objects.count() == 0
    assert stored_files(settings) == before == []


def test_an_upload_needs_a_file_a_study_of_the_case_and_no_text_fields(author, draft, study):
    client = client_for(author)
    other_case = make_case(author=author, published=False)
    other_study = Study.objects.create(case=other_case, modality="CT")
    no_file = client.post(figures_url(draft), {"study": study.pk}, format="multipart")
    assert no_file.status_code == 400
    assert "file" in no_file.json()["errors"]
    empty = post_upload(client, draft, study, data=b"")
    assert empty.status_code == 400
    foreign = post_upload(client, draft, other_study)
    assert foreign.status_code == 404
    assert foreign.json() == {"detail": f"This case has no study {other_study.pk}.", "errors": {}}
    with_caption = post_upload(client, draft, study, caption="A fracture")
    assert with_caption.status_code == 400
    long_label = post_upload(client, draft, study, label="x" * 41)
    assert long_label.status_code == 400
    assert "label" in long_label.json()["errors"]
    as_json = client.post(figures_url(draft), {"study": study.pk}, format="json")
    assert as_json.status_code == 415
    assert Figure.objects.count() == 0


UPLOAD_TO_DRAFT = {
    "anonymous": 401,
    "trainee": 404,
    "author": 202,
    "coauthor": 202,
    "another_author": 404,
    "editor": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_authors_upload_to_their_draft(api_personas, draft, study, persona):
    response = post_upload(client_for(api_personas[persona]), draft, study)
    assert response.status_code == UPLOAD_TO_DRAFT[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_nobody_uploads_to_a_published_case(api_personas, author, persona):
    case = make_case(author=author)
    study = Study.objects.create(case=case, modality="CT")
    response = post_upload(client_for(api_personas[persona]), case, study)
    assert response.status_code == (401 if persona == "anonymous" else 403)
    assert Figure.objects.count() == 0


# --- Reading -------------------------------------------------------------------------------------

DRAFT_READ = {
    "anonymous": 404,
    "trainee": 404,
    "author": 200,
    "coauthor": 200,
    "another_author": 404,
    "editor": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_figures_of_a_draft_are_read_by_its_authors_only(api_personas, draft, figure, persona):
    client = client_for(api_personas[persona])
    assert client.get(figures_url(draft)).status_code == DRAFT_READ[persona]
    assert client.get(figures_url(draft, figure)).status_code == DRAFT_READ[persona]


@pytest.fixture
def published(author) -> Case:
    return make_case(author=author)


@pytest.mark.parametrize("persona", PERSONAS)
def test_readers_of_a_published_case_see_its_processed_images(api_personas, published, persona):
    study = Study.objects.create(case=published, modality="CT")
    figure = ready_figure(study, caption="Calcification", alt_text="CT slice")
    response = client_for(api_personas[persona]).get(figures_url(published))
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == figure.pk
    assert row["caption"] == "Calcification"
    assert path_of(row["images"]["web"]).endswith(f"/figures/{figure.pk}/web.jpg")


def test_readers_see_a_figure_not_ready_as_the_case_page_does_without_images_or_reasons(
    trainee, author, editor, published
):
    study = Study.objects.create(case=published, modality="US")
    held = ready_figure(
        study,
        label="Fig 2",
        status=Figure.ProcessingStatus.QUARANTINED,
        quarantine_reasons=["Ultrasound: such images often carry text."],
    )
    failed = ready_figure(
        study, label="Fig 3", status=Figure.ProcessingStatus.FAILED, processing_error="Unreadable"
    )
    rows = {
        row["id"]: row for row in client_for(trainee).get(figures_url(published)).json()["results"]
    }
    assert rows[held.pk]["status"] == "quarantined"
    assert rows[held.pk]["images"] is None
    assert rows[held.pk]["quarantine_reasons"] == []
    assert rows[failed.pk]["processing_error"] == ""

    for decider in (author, editor):
        rows = {
            row["id"]: row
            for row in client_for(decider).get(figures_url(published)).json()["results"]
        }
        assert rows[held.pk]["images"]["thumbnail"]
        assert rows[held.pk]["quarantine_reasons"] == ["Ultrasound: such images often carry text."]
        assert rows[failed.pk]["processing_error"] == "Unreadable"
        assert rows[failed.pk]["images"] is None


def test_an_assigned_reviewer_sees_why_an_image_is_held_but_not_the_image(
    reviewer, editor, author, draft, study
):
    Case.objects.filter(pk=draft.pk).update(status=Case.Status.IN_REVIEW)
    Review.objects.create(
        case=draft,
        reviewer=reviewer,
        assigned_by=editor,
        case_version=1,
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    held = ready_figure(
        study, status=Figure.ProcessingStatus.QUARANTINED, quarantine_reasons=["Text."]
    )
    row = client_for(reviewer).get(figures_url(draft, held)).json()
    assert row["quarantine_reasons"] == ["Text."]
    assert row["images"] is None
    assert row["decisions"] == []


def test_a_figure_of_another_case_is_not_found(author, draft, figure):
    other = make_case(author=author, published=False)
    assert client_for(author).get(figures_url(other, figure)).status_code == 404


def test_the_list_is_in_reading_order_and_can_be_limited_to_a_study(author, draft, study):
    first_study = Study.objects.create(case=draft, modality="CT", position=0)
    Study.objects.filter(pk=study.pk).update(position=1)
    second = ready_figure(study, label="Fig 2", position=1)
    first = ready_figure(study, label="Fig 1", position=0)
    earliest = ready_figure(first_study, label="Fig 0")
    client = client_for(author)
    listed = client.get(figures_url(draft)).json()["results"]
    assert [row["id"] for row in listed] == [earliest.pk, first.pk, second.pk]
    only = client.get(figures_url(draft), {"study": study.pk}).json()["results"]
    assert [row["id"] for row in only] == [first.pk, second.pk]
    assert client.get(figures_url(draft), {"study": "x"}).status_code == 400


def test_a_dicom_stack_lists_its_slices_and_windows(author, draft, study):
    figure = ready_figure(study, kind=Figure.Kind.DICOM_SERIES, modality="CT")
    for position in range(3):
        FigureFrame.objects.create(
            figure=figure,
            position=position,
            dicom=f"deidentified/ab/s{position}.dcm",
            renders={"default": f"d{position}.jpg", "lung": f"l{position}.jpg"},
        )
    body = client_for(author).get(figures_url(draft, figure)).json()
    assert body["frame_count"] == 3
    images = body["images"]
    assert len(images["frames"]) == 3
    assert path_of(images["frames"][2]["src"]).endswith(
        f"/figures/{figure.pk}/frames/2/default.jpg"
    )
    lung = images["frames"][2]["presets"]["lung"]
    assert path_of(lung).endswith(f"/figures/{figure.pk}/frames/2/lung.jpg")
    assert images["window_presets"] == [
        {"name": "default", "label": "As acquired"},
        {"name": "lung", "label": "Lung"},
    ]
    assert path_of(images["dicom"]).endswith(f"/figures/{figure.pk}/dicom.zip")


# --- Changing and removing ------------------------------------------------------------------

PATCH_DRAFT = {
    "anonymous": 401,
    "trainee": 404,
    "author": 200,
    "coauthor": 200,
    "another_author": 404,
    "editor": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_authors_change_and_remove_figures_of_their_draft(
    api_personas, draft, figure, persona
):
    client = client_for(api_personas[persona])
    changed = client.patch(figures_url(draft, figure), {"caption": "x"}, **if_match(draft))
    assert changed.status_code == PATCH_DRAFT[persona]
    removed = client.delete(figures_url(draft, figure), **if_match(draft))
    expected = PATCH_DRAFT[persona]
    assert removed.status_code == (204 if expected == 200 else expected)


@pytest.mark.parametrize("persona", PERSONAS)
def test_nobody_changes_the_figures_of_a_submitted_case(api_personas, draft, figure, persona):
    Case.objects.filter(pk=draft.pk).update(status=Case.Status.SUBMITTED)
    client = client_for(api_personas[persona])
    expected = {"anonymous": 401, "trainee": 404, "another_author": 404}.get(persona, 403)
    response = client.patch(figures_url(draft, figure), {"caption": "x"}, **if_match(draft))
    assert response.status_code == expected
    assert client.delete(figures_url(draft, figure), **if_match(draft)).status_code == expected
    assert Figure.objects.get(pk=figure.pk).caption == ""


def test_changing_the_text_of_a_figure_is_a_versioned_edit_of_the_case(author, draft, figure):
    response = client_for(author).patch(
        figures_url(draft, figure),
        {"caption": "Calcific deposit.", "alt_text": "Radiograph of the hip"},
        **if_match(draft),
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["label"], body["caption"], body["alt_text"]) == (
        "Fig 1",
        "Calcific deposit.",
        "Radiograph of the hip",
    )
    draft.refresh_from_db()
    assert draft.version == 2
    assert response["ETag"] == etag(draft)
    revision = Revision.objects.filter(case=draft).latest("number")
    assert revision.document["studies"][0]["figures"][0]["caption"] == "Calcific deposit."


def test_figure_edits_need_the_current_version(author, coauthor, draft, figure):
    client = client_for(author)
    assert client.patch(figures_url(draft, figure), {"caption": "x"}).status_code == 428
    assert client.delete(figures_url(draft, figure)).status_code == 428
    stale = if_match(draft)
    assert (
        client_for(coauthor)
        .patch(figures_url(draft, figure), {"caption": "theirs"}, **stale)
        .status_code
        == 200
    )
    assert client.patch(figures_url(draft, figure), {"caption": "mine"}, **stale).status_code == (
        412
    )
    annotations = [{"type": "text", "x": 0.5, "y": 0.5, "text": "A"}]
    assert (
        client.patch(figures_url(draft, figure), {"annotations": annotations}, **stale).status_code
        == 412
    )
    assert client.delete(figures_url(draft, figure), **stale).status_code == 412
    figure.refresh_from_db()
    assert (figure.caption, figure.annotations) == ("theirs", [])


def test_figure_text_follows_the_editor_rules(author, draft, figure):
    client = client_for(author)
    response = client.patch(figures_url(draft, figure), {"label": "x" * 41}, **if_match(draft))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["label"]
    assert client.patch(figures_url(draft, figure), {}, **if_match(draft)).status_code == 400


def test_annotations_are_saved_through_the_annotation_service(author, draft, figure):
    arrow = {"type": "arrow", "x1": 0.1, "y1": 0.1, "x2": 0.5, "y2": 0.5, "label": "deposit"}
    response = client_for(author).patch(
        figures_url(draft, figure), {"annotations": [arrow]}, **if_match(draft)
    )
    assert response.status_code == 200
    assert response.json()["annotations"] == [{**arrow, "frame": None}]
    draft.refresh_from_db()
    assert draft.version == 2
    assert response["ETag"] == etag(draft)


def test_text_and_annotations_sent_together_are_two_edits_saved_together(author, draft, figure):
    client = client_for(author)
    bad = client.patch(
        figures_url(draft, figure),
        {"caption": "kept?", "annotations": [{"type": "star"}]},
        **if_match(draft),
    )
    assert bad.status_code == 400
    assert bad.json()["errors"]["annotations"] == [
        "An annotation is an arrow, an ellipse or a text."
    ]
    figure.refresh_from_db()
    assert figure.caption == ""  # neither was saved
    good = client.patch(
        figures_url(draft, figure),
        {"caption": "Both", "annotations": [{"type": "text", "x": 0.2, "y": 0.2, "text": "A"}]},
        **if_match(draft),
    )
    assert good.status_code == 200
    draft.refresh_from_db()
    assert draft.version == 2  # one PATCH, one edit
    assert good["ETag"] == etag(draft)


def test_an_image_not_processed_yet_cannot_be_annotated(author, draft, study):
    pending = Figure.objects.create(study=study, label="Fig 1")
    response = client_for(author).patch(
        figures_url(draft, pending),
        {"annotations": [{"type": "text", "x": 0.2, "y": 0.2, "text": "A"}]},
        **if_match(draft),
    )
    assert response.status_code == 409


def test_removing_a_figure_forgets_its_files_and_renumbers_the_others(
    settings, author, draft, study, django_capture_on_commit_callbacks
):
    client = client_for(author)
    with django_capture_on_commit_callbacks(execute=True):
        first = post_upload(client, draft, study).json()
        second = post_upload(client, draft, study, data=png(80, 80)).json()
    originals = [path for path in stored_files(settings) if "originals" in str(path)]
    assert len(originals) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"{figures_url(draft)}{first['id']}/", **if_match(draft))
    assert response.status_code == 204
    kept = Figure.objects.get(pk=second["id"])
    left = [path.name for path in stored_files(settings) if "originals" in str(path)]
    assert left == [Path(kept.original.name).name]
    assert list(study.figures.values_list("pk", "position")) == [(second["id"], 0)]
    draft.refresh_from_db()
    assert draft.version == 2


# --- Quarantine decisions ------------------------------------------------------------------


@pytest.fixture
def held(author, draft, study, django_capture_on_commit_callbacks) -> Figure:
    """A real image, flagged by its author as possibly showing text: held once processed."""
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client_for(author), draft, study, burned_in="true")
    figure = Figure.objects.get(pk=response.json()["id"])
    assert figure.status == Figure.ProcessingStatus.QUARANTINED
    return figure


DECIDE_ON_DRAFT = {
    "anonymous": 401,
    "trainee": 404,
    "author": 200,
    "coauthor": 200,
    "another_author": 404,
    "editor": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_authors_attest_that_a_held_image_is_clean(api_personas, draft, held, persona):
    response = client_for(api_personas[persona]).post(
        figures_url(draft, held, "attest-clean"), {"checked": True, "note": "No text."}
    )
    assert response.status_code == DECIDE_ON_DRAFT[persona]
    if response.status_code == 200:
        body = response.json()
        assert body["status"] == "ready"
        assert [d["decision"] for d in body["decisions"]] == ["attested_clean"]
        assert body["decisions"][0]["note"] == "No text."
        assert body["decisions"][0]["decided_by"] == api_personas[persona].username


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_authors_black_out_regions_of_a_held_image(api_personas, draft, held, persona):
    regions = [{"x": 0.0, "y": 0.0, "width": 1.0, "height": 0.1}]
    response = client_for(api_personas[persona]).post(
        figures_url(draft, held, "redact"), {"regions": regions}
    )
    assert response.status_code == DECIDE_ON_DRAFT[persona]
    held.refresh_from_db()
    assert held.is_quarantined == (response.status_code != 200)


def test_editors_decide_on_held_images_of_submitted_cases_and_readers_may_not(
    editor, author, draft, held
):
    Case.objects.filter(pk=draft.pk).update(status=Case.Status.SUBMITTED)
    response = client_for(editor).post(figures_url(draft, held, "attest-clean"), {"checked": True})
    assert response.status_code == 200
    assert QuarantineDecision.objects.get(figure=held).decided_by == editor


def test_a_reader_who_may_see_the_case_may_not_decide(trainee, author, published):
    study = Study.objects.create(case=published, modality="US")
    figure = ready_figure(study, status=Figure.ProcessingStatus.QUARANTINED)
    client = client_for(trainee)
    assert (
        client.post(figures_url(published, figure, "attest-clean"), {"checked": True}).status_code
        == 403
    )
    regions = [{"x": 0, "y": 0, "width": 0.5, "height": 0.2}]
    assert (
        client.post(figures_url(published, figure, "redact"), {"regions": regions}).status_code
        == 403
    )


def test_attesting_needs_the_check_and_a_held_image(author, draft, held, figure):
    client = client_for(author)
    unchecked = client.post(figures_url(draft, held, "attest-clean"), {"note": "ok"})
    assert unchecked.status_code == 400
    assert "checked" in unchecked.json()["errors"]
    refused = client.post(figures_url(draft, held, "attest-clean"), {"checked": False})
    assert refused.status_code == 400
    not_held = client.post(figures_url(draft, figure, "attest-clean"), {"checked": True})
    assert not_held.status_code == 409
    assert not_held.json() == {"detail": "This image is not held in quarantine.", "errors": {}}
    regions = [{"x": 0, "y": 0, "width": 0.5, "height": 0.2}]
    not_held = client.post(figures_url(draft, figure, "redact"), {"regions": regions})
    assert not_held.status_code == 409
    held.refresh_from_db()
    assert held.status == Figure.ProcessingStatus.QUARANTINED


def test_redacting_blacks_out_the_regions_and_releases_the_image(author, draft, held):
    regions = [{"x": 0.0, "y": 0.0, "width": 0.5, "height": 0.25}]
    response = client_for(author).post(
        figures_url(draft, held, "redact"), {"regions": regions, "note": "Name at the top."}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["decisions"][0]["decision"] == "redacted"
    assert body["decisions"][0]["regions"] == regions
    held.refresh_from_db()
    with held.original.open("rb") as source, Image.open(source) as image:
        assert image.convert("L").getpixel((5, 5)) == 0


@pytest.mark.parametrize(
    "body",
    [{}, {"regions": []}, {"regions": "everywhere"}, {"regions": [{"x": 0.1}]}, ["a list"]],
)
def test_redacting_needs_regions(author, draft, held, body):
    response = client_for(author).post(figures_url(draft, held, "redact"), body, format="json")
    assert response.status_code == 400
    if isinstance(body, dict):
        assert "regions" in response.json()["errors"]
    held.refresh_from_db()
    assert held.status == Figure.ProcessingStatus.QUARANTINED


# --- Query counts -------------------------------------------------------------------------------


def add_figures(case: Case, count: int) -> None:
    study = Study.objects.create(case=case, modality="CT")
    for number in range(count):
        figure = ready_figure(study, label=f"Fig {number}", position=number)
        FigureFrame.objects.create(
            figure=figure, position=0, renders={"default": "d.jpg", "bone": "b.jpg"}
        )
        QuarantineDecision.objects.create(
            figure=figure, decision=QuarantineDecision.Decision.ATTESTED_CLEAN
        )


@pytest.mark.parametrize("rows", [1, 50])
def test_the_figure_list_reads_as_many_queries_for_one_figure_as_for_many(
    author, draft, rows, django_assert_num_queries
):
    add_figures(draft, rows)
    client = client_for(author)
    # session, user, roles, the case (with the visibility rule), count, figures with their
    # studies, their frames, their decisions with who made them
    with django_assert_num_queries(8):
        response = client.get(figures_url(draft), {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_a_reader_lists_figures_in_as_many_queries_for_one_as_for_many(
    published, rows, django_assert_num_queries
):
    add_figures(published, rows)
    client = client_for(None)
    # the case (with the visibility rule), count, figures with their studies, their frames
    with django_assert_num_queries(4):
        response = client.get(figures_url(published), {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows
