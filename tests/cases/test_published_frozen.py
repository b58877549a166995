"""Published means frozen: a published case changes only through a new revision, for
superusers too (API and admin), and its citation keeps the authors' names as published."""

from __future__ import annotations

import importlib
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from api.concurrency import etag
from cases import published_revisions, workflow_services
from cases.citation import vancouver
from cases.models import Case, Figure, Section, Study
from tests.factories import complete_case, make_user, signed_in_api_client

pytestmark = pytest.mark.django_db

S = Case.Status


@pytest.fixture
def root(db):
    return make_user("root", is_superuser=True, is_staff=True)


@pytest.fixture
def published(author, coauthor) -> Case:
    return complete_case(author, coauthor, status=S.PUBLISHED, title="Calcific tendinitis")


def png_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("L", (64, 64), 90).save(buffer, format="PNG")
    return SimpleUploadedFile("knee.png", buffer.getvalue(), content_type="image/png")


def stored_files(settings) -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


def says_to_start_a_new_revision(response) -> bool:
    body = response.json()
    return "new revision" in body["detail"] and "errors" in body


# --- The API -----------------------------------------------------------------------------------


def test_a_superuser_cannot_edit_a_published_case_through_the_api(root, published):
    response = signed_in_api_client(root).patch(
        f"/api/v1/cases/{published.pk}/",
        {"title": "Changed in place", "final_diagnosis": "Something else"},
        format="json",
        headers={"If-Match": etag(published)},
    )
    assert response.status_code == 403
    assert says_to_start_a_new_revision(response)
    stored = Case.objects.get(pk=published.pk)
    assert (stored.title, stored.final_diagnosis, stored.version) == (
        "Calcific tendinitis",
        "Calcific tendinitis",
        published.version,
    )


def test_a_superuser_cannot_add_a_study_to_a_published_case(root, published):
    response = signed_in_api_client(root).post(
        f"/api/v1/cases/{published.pk}/studies/",
        {"modality": "MR"},
        format="json",
        headers={"If-Match": etag(published)},
    )
    assert response.status_code == 403
    assert says_to_start_a_new_revision(response)
    assert published.studies.count() == 1


def test_a_superuser_cannot_upload_a_figure_to_a_published_case(root, published, settings):
    study = published.studies.get()
    before = stored_files(settings)
    response = signed_in_api_client(root).post(
        f"/api/v1/cases/{published.pk}/figures/",
        {"study": study.pk, "file": png_upload()},
        format="multipart",
    )
    assert response.status_code == 403
    assert says_to_start_a_new_revision(response)
    assert Figure.objects.filter(study=study).count() == 1
    assert stored_files(settings) == before, "no file left behind"


def test_a_superuser_cannot_remove_or_redact_a_figure_of_a_published_case(root, editor, published):
    figure = Figure.objects.get(study__case=published)
    client = signed_in_api_client(root)
    url = f"/api/v1/cases/{published.pk}/figures/{figure.pk}/"
    removed = client.delete(url, headers={"If-Match": etag(published)})
    assert removed.status_code == 403
    assert says_to_start_a_new_revision(removed)
    assert Figure.objects.filter(pk=figure.pk).exists()

    Figure.objects.filter(pk=figure.pk).update(status=Figure.ProcessingStatus.QUARANTINED)
    regions = [{"x": 0, "y": 0, "width": 0.5, "height": 0.5}]
    redacted = signed_in_api_client(editor).post(
        f"{url}redact/", {"regions": regions}, format="json"
    )
    assert redacted.status_code == 403
    assert says_to_start_a_new_revision(redacted)
    assert Figure.objects.get(pk=figure.pk).status == Figure.ProcessingStatus.QUARANTINED


def test_the_draft_of_a_new_revision_is_edited_as_usual(author, published):
    draft = published_revisions.start_revision(published, by=author)
    response = signed_in_api_client(author).patch(
        f"/api/v1/cases/{draft.pk}/",
        {"title": "Calcific tendinitis, revised"},
        format="json",
        headers={"If-Match": etag(draft)},
    )
    assert response.status_code == 200, response.json()
    assert Case.objects.get(pk=published.pk).title == "Calcific tendinitis"


# --- The admin -------------------------------------------------------------------------------


def test_the_admin_shows_a_published_case_read_only_and_says_how_to_change_it(
    client, root, published
):
    client.force_login(root)
    url = reverse("admin:cases_case_change", args=[published.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "read-only" in text and "Start a new revision" in text
    assert 'name="title"' not in text, "no editable field"

    posted = client.post(url, {"title": "Changed in the admin", "status": "draft"})
    assert posted.status_code == 403
    assert Case.objects.get(pk=published.pk).title == "Calcific tendinitis"


def test_the_admin_changes_no_part_of_a_published_case(client, root, published):
    client.force_login(root)
    section = Section.objects.create(case=published, heading="Discussion", body="As published")
    url = reverse("admin:cases_section_change", args=[section.pk])
    posted = client.post(
        url, {"case": published.pk, "position": 0, "kind": "discussion", "body": "Rewritten"}
    )
    assert posted.status_code == 403
    assert Section.objects.get(pk=section.pk).body == "As published"

    study = published.studies.get()
    posted = client.post(
        reverse("admin:cases_study_change", args=[study.pk]),
        {"case": published.pk, "modality": "MR", "label": "Rewritten"},
    )
    assert posted.status_code == 403
    assert Study.objects.get(pk=study.pk).label == "CT pelvis"

    added = client.post(
        reverse("admin:cases_section_add"),
        {"case": published.pk, "position": 1, "kind": "discussion", "body": "Slipped in"},
    )
    assert added.status_code == 200, "the form is shown again with the reason"
    assert "new revision" in added.content.decode()
    assert not Section.objects.filter(body="Slipped in").exists()


def test_the_admin_still_edits_a_draft(client, root, author, coauthor):
    draft = complete_case(author, coauthor, status=S.DRAFT)
    client.force_login(root)
    page = client.get(reverse("admin:cases_case_change", args=[draft.pk]))
    assert 'name="title"' in page.content.decode()


# --- Names as cited --------------------------------------------------------------------------


def publish_through_the_workflow(case: Case, editor) -> Case:
    return workflow_services.publish_case(case, by=editor)


def test_a_display_name_change_does_not_rewrite_a_published_citation(
    client, author, coauthor, editor
):
    author.display_name = "Ada Lovelace"
    author.save()
    case = complete_case(author, coauthor, status=S.ACCEPTED, title="Calcific tendinitis")
    publish_through_the_workflow(case, editor)
    case = Case.objects.prefetch_related("authors__user").get(pk=case.pk)
    cited = vancouver(case)
    assert cited.startswith("Lovelace A")

    author.display_name = "Ada King"
    author.save()

    case = Case.objects.prefetch_related("authors__user").get(pk=case.pk)
    assert vancouver(case) == cited
    bibtex = client.get(f"/cases/{case.pk}/cite/bibtex/").content.decode()
    assert "Lovelace" in bibtex and "King" not in bibtex
    page = client.get(case.get_absolute_url()).content.decode()
    cite_box = page[page.index('id="cite"') :]
    assert "Lovelace A" in cite_box and "King A" not in cite_box


def test_a_new_revision_published_afterwards_cites_the_new_name(author, coauthor, editor):
    author.display_name = "Ada Lovelace"
    author.save()
    case = complete_case(author, coauthor, status=S.ACCEPTED, title="Calcific tendinitis")
    publish_through_the_workflow(case, editor)
    author.display_name = "Ada King"
    author.save()

    draft = published_revisions.start_revision(Case.objects.get(pk=case.pk), by=author)
    Case.objects.filter(pk=draft.pk).update(status=S.ACCEPTED)
    publish_through_the_workflow(Case.objects.get(pk=draft.pk), editor)

    case = Case.objects.prefetch_related("authors__user").get(pk=case.pk)
    assert vancouver(case).startswith("King A")


def test_cases_published_before_record_their_names_as_they_read_now(author, coauthor, published):
    migration = importlib.import_module("cases.migrations.0012_cited_authors")
    author.display_name = "Ada Lovelace"
    author.save()
    Case.objects.filter(pk=published.pk).update(cited_authors=None)
    migration.record_names_of_published_cases(apps, None)
    recorded = Case.objects.get(pk=published.pk).cited_authors
    assert recorded == ["Ada Lovelace", str(coauthor)]


def test_the_admin_changes_no_figure_of_a_published_case(client, root, published):
    client.force_login(root)
    figure = Figure.objects.get(study__case=published)
    url = reverse("admin:cases_figure_change", args=[figure.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "read-only" in page.content.decode()
    posted = client.post(
        url,
        {
            "study": figure.study_id,
            "position": 0,
            "label": "Fig 1",
            "caption": "Rewritten",
            "alt_text": "Rewritten",
            "annotations": "[]",
        },
    )
    assert posted.status_code == 403
    assert Figure.objects.get(pk=figure.pk).caption == ""
