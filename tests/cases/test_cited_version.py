"""Citations give the published revision of a case (1, 2, …), not the count of its saves."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from cases import published_revisions, services, workflow_services
from cases.citation import vancouver
from cases.document import case_to_document
from cases.editing import record_revision
from cases.models import Case, Revision
from interchange import citations
from tests.factories import complete_case, make_case

pytestmark = pytest.mark.django_db

S = Case.Status


def for_citing(case: Case) -> Case:
    return Case.objects.prefetch_related("authors__user", "tags").get(pk=case.pk)


def publish_new_revision(case: Case, *, author, editor) -> Case:
    draft = published_revisions.start_revision(Case.objects.get(pk=case.pk), by=author)
    Case.objects.filter(pk=draft.pk).update(status=S.ACCEPTED, version=9)
    workflow_services.publish_case(Case.objects.get(pk=draft.pk), by=editor)
    return for_citing(case)


def test_a_first_publication_is_cited_as_version_1_however_often_it_was_saved(
    author, coauthor, editor
):
    case = complete_case(author, coauthor, status=S.ACCEPTED, version=17)
    workflow_services.publish_case(case, by=editor)

    case = for_citing(case)
    assert case.version == 17
    assert case.published_revision == 1
    assert "Version 1. Available from" in vancouver(case)
    assert "(Version 1)" in citations.apa(case)


def test_each_new_revision_published_is_cited_as_the_next_version(author, coauthor, editor):
    case = complete_case(author, coauthor, status=S.ACCEPTED, version=17)
    workflow_services.publish_case(case, by=editor)

    case = publish_new_revision(case, author=author, editor=editor)
    assert case.published_revision == 2
    assert case.version == 18  # every save still counts for editing
    assert "Version 2. Available from" in vancouver(case)
    assert "(Version 2)" in citations.apa(case)
    assert "version      = {2}" in citations.bibtex(case)
    assert "note         = {Teaching case, version 2}" in citations.bibtex(case)
    assert "ET  - 2" in citations.ris(case)
    assert citations.csl_item(case)["version"] == "2"

    case = publish_new_revision(case, author=author, editor=editor)
    assert case.published_revision == 3
    assert "Version 3. Available from" in vancouver(case)


def test_the_draft_of_a_new_revision_does_not_change_the_published_citation(
    author, coauthor, editor
):
    case = complete_case(author, coauthor, status=S.ACCEPTED)
    workflow_services.publish_case(case, by=editor)
    cited = vancouver(for_citing(case))

    published_revisions.start_revision(Case.objects.get(pk=case.pk), by=author)

    assert vancouver(for_citing(case)) == cited


def test_the_case_document_cites_the_published_revision(author, coauthor, editor):
    case = complete_case(author, coauthor, status=S.ACCEPTED, version=17)
    workflow_services.publish_case(case, by=editor)
    case = publish_new_revision(case, author=author, editor=editor)

    document = case_to_document(Case.objects.get(pk=case.pk))
    assert "Version 2. Available from" in document["cite"]["text"]
    assert document["version"] == 18  # the version edits are made from is unchanged


def test_an_imported_case_published_is_at_its_first_published_revision(author):
    case = make_case(author=author, status=S.DRAFT, published=False, version=5)

    services.publish_imported_case(case)

    assert Case.objects.get(pk=case.pk).published_revision == 1


def test_the_case_page_and_the_api_cite_the_published_revision(client, author, coauthor, editor):
    case = complete_case(author, coauthor, status=S.ACCEPTED, version=17)
    workflow_services.publish_case(case, by=editor)
    case = publish_new_revision(case, author=author, editor=editor)

    page = client.get(case.get_absolute_url()).content.decode()
    cite_box = page[page.index('id="cite"') :]
    assert "Version 2." in cite_box and "Version 18" not in cite_box
    bibtex = client.get(f"/cases/{case.pk}/cite/bibtex/").content.decode()
    assert "version      = {2}" in bibtex


def test_cases_published_before_count_the_publications_their_history_records(
    author, coauthor, editor
):
    migration = importlib.import_module("cases.migrations.0013_published_revision")
    revised = complete_case(author, coauthor, status=S.PUBLISHED, version=17)
    for _ in range(2):
        record_revision(revised, kind=Revision.Kind.PUBLISHED, by=editor)
    record_revision(revised, kind=Revision.Kind.EDITED, by=author)
    imported = make_case(author=author, status=S.PUBLISHED, published=True)
    draft = make_case(author=author, status=S.DRAFT, published=False)

    migration.count_publications(apps, None)

    assert Case.objects.get(pk=revised.pk).published_revision == 2
    assert Case.objects.get(pk=imported.pk).published_revision == 1
    assert Case.objects.get(pk=draft.pk).published_revision == 0
