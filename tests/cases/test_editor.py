"""The case editor: creating a case, editing each part, conflicts, permissions and uploads."""

from __future__ import annotations

import io
import os

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms import BaseFormSet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from cases import media_urls, services
from cases.models import (
    Case,
    CaseAuthor,
    Commentary,
    DifferentialDiagnosis,
    ExercisePrescription,
    Figure,
    QuizQuestion,
    Reference,
    Section,
    Study,
    System,
    Tag,
    TeachingPoint,
)
from imaging import uploads
from tests.factories import make_case, make_user
from tests.media import fetch

pytestmark = pytest.mark.django_db

PARTS = [
    "overview",
    "studies",
    "discussion",
    "diagnosis",
    "references",
    "commentaries",
    "rights",
    "authors",
    "quiz",
]


# Helpers ---------------------------------------------------------------------------------------


def jpeg_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size, color=90).save(buffer, format="JPEG")
    return buffer.getvalue()


def edit_url(case: Case, part: str = "overview") -> str:
    return reverse("case-edit-part", args=[case.pk, part])


def upload_url(case: Case, study: Study) -> str:
    return reverse("figure-upload", args=[case.pk, study.pk])


def field_values(form) -> dict:
    """What a browser posts for a form as the page shows it."""
    data = {}
    for field in form:
        value = field.value()
        if field.widget_type == "checkbox":
            if value:
                data[field.html_name] = "on"
        elif field.widget_type == "checkboxselectmultiple":
            data[field.html_name] = [getattr(item, "pk", item) for item in value or []]
        else:
            data[field.html_name] = "" if value is None else value
    return data


def page_data(response) -> dict:
    """Everything the part's form posts unchanged, as a browser would send it."""
    part = response.context["part"]
    data = {"base_version": response.context["base_version"]}
    for form in part.forms():
        if isinstance(form, BaseFormSet):
            data |= field_values(form.management_form)
            for row in form.forms:
                data |= field_values(row)
        else:
            data |= field_values(form)
    return data


def html(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def draft(author, coauthor) -> Case:
    """A draft written by `author` with `coauthor`, with its creation snapshot."""
    case = services.create_case(by=author, title="Osteoid osteoma of the femoral neck")
    CaseAuthor.objects.create(case=case, user=coauthor, position=1)
    return case


def signed_in(client, user):
    client.force_login(user)
    return client


def add_rows(case: Case, count: int) -> None:
    """`count` rows in every list of the case, figures with thumbnails included."""
    for number in range(count):
        study = Study.objects.create(
            case=case, position=number, modality="CT", label=f"CT {number}"
        )
        figure = Figure.objects.create(study=study, label=f"Fig {number}", alt_text="Axial CT")
        figure.thumbnail.save(f"thumb-{figure.pk}.jpg", ContentFile(jpeg_bytes()), save=False)
        figure.status = Figure.ProcessingStatus.READY
        figure.save(update_fields=["thumbnail", "status"])
        Section.objects.create(case=case, position=number, heading=f"Section {number}", body="x")
        DifferentialDiagnosis.objects.create(case=case, position=number, diagnosis=f"Dx {number}")
        TeachingPoint.objects.create(case=case, position=number, text=f"Point {number}")
        Reference.objects.create(case=case, number=number + 1, citation=f"Reference {number}")
        Commentary.objects.create(
            case=case,
            position=number,
            provenance=Commentary.Provenance.MACHINE_GENERATED,
            body=f"Analysis {number}",
        )
        QuizQuestion.objects.create(
            case=case, position=number, stem=f"Question {number}", options=["A", "B"], answer=0
        )
        CaseAuthor.objects.create(case=case, position=number + 2, name=f"External {number}")
        tag, _ = Tag.objects.get_or_create(name=f"Tag {number}")
        case.tags.add(tag)
    case.systems.add(*System.objects.all()[:count])


# Creating a case -------------------------------------------------------------------------------


def test_author_creates_a_case_and_lands_in_its_editor(client, author):
    signed_in(client, author)
    assert client.get(reverse("case-create")).status_code == 200

    response = client.post(
        reverse("case-create"), {"title": "Calcific tendinitis", "case_type": "topic_review"}
    )

    case = Case.objects.get(title="Calcific tendinitis")
    assert response.status_code == 302
    assert response["Location"] == reverse("case-edit", args=[case.pk])
    assert case.status == Case.Status.DRAFT
    assert case.case_type == Case.CaseType.TOPIC_REVIEW
    assert list(case.authors.values_list("user", flat=True)) == [author.pk]


def test_creating_a_case_without_a_title_shows_the_error_and_keeps_the_choice(client, author):
    response = signed_in(client, author).post(
        reverse("case-create"), {"title": "  ", "case_type": "topic_review"}
    )
    assert response.status_code == 200
    assert "The case was not created" in html(response)
    assert 'value="topic_review" required id="id_case_type_1" checked' in html(response)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("author", 200), ("reviewer", 200), ("trainee", 403), ("editor", 403), ("anonymous", 302)],
)
def test_only_authors_may_create_cases(client, persona, expected, request):
    user = request.getfixturevalue(persona)
    if user.is_authenticated:
        client.force_login(user)
    assert client.get(reverse("case-create")).status_code == expected
    response = client.post(
        reverse("case-create"), {"title": "A case", "case_type": "clinical_case"}
    )
    assert response.status_code == (302 if expected == 200 else expected)
    assert Case.objects.exists() == (expected == 200)


# The editor's frame ----------------------------------------------------------------------------


def test_editor_shows_every_part_the_status_version_links_and_checklist(client, author, draft):
    response = signed_in(client, author).get(reverse("case-edit", args=[draft.pk]))
    page = html(response)
    assert response.status_code == 200
    assert response.context["part"].slug == "overview"
    for part in PARTS:
        assert edit_url(draft, part) in page
    assert "Draft" in page and "Version" in page
    assert reverse("case-preview", args=[draft.pk]) in page
    assert reverse("case-editorial", args=[draft.pk]) in page
    assert "Before publication" in page
    assert "Missing:</span> A licence is chosen" in page
    assert f'name="base_version" value="{draft.version}"' in page


def test_an_unknown_part_or_case_is_not_found(client, author, draft):
    signed_in(client, author)
    assert client.get(edit_url(draft, "nonsense")).status_code == 404
    assert client.get(reverse("case-edit", args=[999_999])).status_code == 404


@pytest.mark.parametrize("part", PARTS)
def test_every_part_saves_unchanged_and_shows_again(client, author, draft, part):
    add_rows(draft, 2)
    signed_in(client, author)
    page = client.get(edit_url(draft, part))
    assert page.status_code == 200

    response = client.post(edit_url(draft, part), page_data(page))

    assert response.status_code == 302, response.context and response.context["errors"]
    assert response["Location"] == edit_url(draft, part)
    assert messages_of(response) == ["Saved."]
    draft.refresh_from_db()
    assert draft.version == 2
    assert client.get(edit_url(draft, part)).status_code == 200


@pytest.mark.parametrize("rows", [1, 10])
@pytest.mark.parametrize("part", PARTS)
def test_each_part_takes_the_same_queries_however_many_rows(
    client, author, draft, part, rows, django_assert_num_queries
):
    add_rows(draft, rows)
    signed_in(client, author)
    client.get(edit_url(draft, part))  # the session and the sites are read once
    # session, user, groups, the case (visible_to), tags, systems, sections, differentials,
    # teaching points, references, questions, authors (+ users), studies, figures,
    # frames of the figures, commentaries (+ verifier, prescription), unread notifications in
    # the header; and the system checkboxes on the overview.
    expected = 18 if part == "overview" else 17
    with django_assert_num_queries(expected):
        response = client.get(edit_url(draft, part))
    assert response.status_code == 200


# Overview --------------------------------------------------------------------------------------


def test_overview_saves_the_patient_systems_and_tags_reusing_tags_by_name(client, author, draft):
    existing = Tag.objects.create(name="Hip pain", scheme=Tag.Scheme.RADLEX)
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft)))
    chest, neuro = System.objects.filter(code__in=["chest", "neuro"]).order_by("code")
    data |= {
        "title": "Osteoid osteoma",
        "patient_age": "93",
        "patient_age_unit": "",
        "patient_sex": "male",
        "clinical_history": "Night pain relieved by **NSAIDs**.",
        "systems": [chest.pk, neuro.pk],
        "tags": "hip pain, Osteoid osteoma, osteoid OSTEOMA, ",
        "visibility": "institution",
    }

    response = client.post(edit_url(draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Osteoid osteoma"
    assert draft.slug == "osteoid-osteoma"
    assert (draft.patient_age, draft.patient_age_unit, draft.age_display) == (
        90,
        "years",
        "90+ years",
    )
    assert draft.clinical_history == "Night pain relieved by **NSAIDs**."
    assert draft.visibility == "institution"
    assert set(draft.systems.all()) == {chest, neuro}
    assert sorted(tag.name for tag in draft.tags.all()) == ["Hip pain", "Osteoid osteoma"]
    assert existing in draft.tags.all()
    assert draft.tags.get(name="Osteoid osteoma").scheme == Tag.Scheme.CUSTOM
    assert draft.status == Case.Status.DRAFT
    assert draft.revisions.order_by("-number").first().summary == "Overview"


def test_invalid_overview_keeps_the_text_and_shows_errors_next_to_fields_and_on_top(
    client, author, draft
):
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft)))
    data |= {"title": "", "patient_age": "two", "clinical_history": "Typed <b>history</b>"}

    response = client.post(edit_url(draft), data)

    page = html(response)
    assert response.status_code == 200
    assert "There are 2 problems" in page
    assert 'href="#id_title">Title: This field is required.' in page
    assert 'href="#id_patient_age">Age: Enter a whole number.' in page
    assert 'aria-invalid="true"' in page
    assert "Typed &lt;b&gt;history&lt;/b&gt;</textarea>" in page
    assert 'value="two"' in page
    assert "data-unsaved" in page
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("Osteoid osteoma of the femoral neck", 1)


def test_a_post_without_its_version_is_refused_with_the_text_kept(client, author, draft):
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft)))
    data |= {"base_version": "nonsense", "title": "Retitled"}
    response = client.post(edit_url(draft), data)
    assert response.status_code == 400
    assert 'value="Retitled"' in html(response)
    draft.refresh_from_db()
    assert draft.title != "Retitled"


# Ordered lists ---------------------------------------------------------------------------------


def test_teaching_points_are_added_reordered_and_removed_from_the_posted_order(
    client, author, draft
):
    first = TeachingPoint.objects.create(case=draft, position=0, text="First")
    second = TeachingPoint.objects.create(case=draft, position=1, text="Second")
    third = TeachingPoint.objects.create(case=draft, position=2, text="Third")
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft, "diagnosis")))
    data |= {
        "teaching_points-0-ORDER": "3",
        "teaching_points-1-DELETE": "on",
        "teaching_points-2-ORDER": "1",
        "teaching_points-2-text": "Third, edited",
        "teaching_points-3-text": "A new one",
        "teaching_points-3-ORDER": "2",
    }

    response = client.post(edit_url(draft, "diagnosis"), data)

    assert response.status_code == 302
    assert list(draft.teaching_points.values_list("text", "position")) == [
        ("Third, edited", 0),
        ("A new one", 1),
        ("First", 2),
    ]
    assert not TeachingPoint.objects.filter(pk=second.pk).exists()
    assert {first.pk, third.pk} <= set(draft.teaching_points.values_list("pk", flat=True))


def test_a_blank_new_row_that_was_only_moved_is_ignored(client, author, draft):
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft, "discussion")))
    data |= {"sections-0-ORDER": "1", "sections-0-kind": "discussion"}
    assert client.post(edit_url(draft, "discussion"), data).status_code == 302
    assert not draft.sections.exists()


def test_invalid_rows_come_back_in_the_posted_order_with_new_and_removed_rows_kept(
    client, author, draft
):
    DifferentialDiagnosis.objects.create(case=draft, position=0, diagnosis="Stress fracture")
    DifferentialDiagnosis.objects.create(case=draft, position=1, diagnosis="Brodie abscess")
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft, "diagnosis")))
    data |= {
        "differentials-0-ORDER": "2",
        "differentials-1-ORDER": "3",
        "differentials-1-DELETE": "on",
        "differentials-2-ORDER": "1",
        "differentials-2-diagnosis": "",
        "differentials-2-note": "A note without its diagnosis",
        "final_diagnosis": "Osteoid osteoma",
    }

    response = client.post(edit_url(draft, "diagnosis"), data)

    page = html(response)
    assert response.status_code == 200
    assert "Differential diagnosis 1, diagnosis: This field is required." in page
    assert page.index("A note without its diagnosis") < page.index('value="Stress fracture"')
    assert page.index('value="Stress fracture"') < page.index('value="Brodie abscess"')
    assert 'name="differentials-1-DELETE" id="id_differentials-1-DELETE" checked' in page
    assert 'value="Osteoid osteoma"' in page
    assert 'name="differentials-TOTAL_FORMS" value="3"' in page
    assert list(draft.differential_diagnoses.values_list("diagnosis", flat=True)) == [
        "Stress fracture",
        "Brodie abscess",
    ]


def test_references_are_numbered_by_their_place_in_the_list(client, author, draft):
    Reference.objects.create(case=draft, number=1, citation="Alpha")
    Reference.objects.create(case=draft, number=2, citation="Beta")
    Reference.objects.create(case=draft, number=3, citation="Gamma")
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft, "references")))
    data |= {
        "references-0-DELETE": "on",
        "references-1-ORDER": "2",
        "references-2-ORDER": "1",
        "references-3-citation": "Delta",
        "references-3-doi": "https://doi.org/10.1148/rg.2019180001",
        "references-3-pmid": "12345",
    }

    assert client.post(edit_url(draft, "references"), data).status_code == 302
    assert list(draft.references.values_list("number", "citation", "doi")) == [
        (1, "Gamma", ""),
        (2, "Beta", ""),
        (3, "Delta", "10.1148/rg.2019180001"),
    ]


def test_a_reference_needs_something_to_cite_and_well_formed_ids(client, author, draft):
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft, "references")))
    data |= {"references-0-doi": "nonsense", "references-0-pmid": "PMID12"}
    response = client.post(edit_url(draft, "references"), data)
    page = html(response)
    assert "A DOI starts with" in page
    assert "A PMID is made of digits only." in page
    assert not draft.references.exists()


def test_discussion_sections_are_saved_in_order(client, author, draft):
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft, "discussion")))
    data |= {
        "sections-0-kind": "background",
        "sections-0-heading": "Background",
        "sections-0-body": "Benign.",
    }
    assert client.post(edit_url(draft, "discussion"), data).status_code == 302

    data = page_data(client.get(edit_url(draft, "discussion")))
    data |= {
        "sections-1-kind": "outcome",
        "sections-1-body": "Pain resolved.",
        "sections-1-ORDER": "0",
    }
    assert client.post(edit_url(draft, "discussion"), data).status_code == 302
    assert list(draft.sections.values_list("kind", "position")) == [
        ("outcome", 0),
        ("background", 1),
    ]


# Studies and figures ---------------------------------------------------------------------------


def test_studies_and_their_figures_are_edited_reordered_and_removed(client, author, draft):
    ct = Study.objects.create(case=draft, position=0, modality="CT", label="CT hip")
    mr = Study.objects.create(case=draft, position=1, modality="MR", label="MRI hip")
    fig_a = Figure.objects.create(study=ct, position=0, label="Fig 1")
    fig_b = Figure.objects.create(study=ct, position=1, label="Fig 2")
    fig_c = Figure.objects.create(study=mr, position=0, label="Fig 3")
    signed_in(client, author)
    page = client.get(edit_url(draft, "studies"))
    assert "Save the study before uploading figures to it." in html(page)
    data = page_data(page)
    data |= {
        "studies-0-ORDER": "2",
        "studies-1-DELETE": "on",
        "studies-2-modality": "XR",
        "studies-2-label": "Radiograph",
        "studies-2-ORDER": "1",
        f"figures-{ct.pk}-0-ORDER": "2",
        f"figures-{ct.pk}-1-ORDER": "1",
        f"figures-{ct.pk}-1-alt_text": "Axial CT of the hip",
    }

    response = client.post(edit_url(draft, "studies"), data)

    assert response.status_code == 302
    assert list(draft.studies.values_list("label", "position")) == [
        ("Radiograph", 0),
        ("CT hip", 1),
    ]
    assert not Study.objects.filter(pk=mr.pk).exists()
    assert not Figure.objects.filter(pk=fig_c.pk).exists()
    assert list(ct.figures.values_list("pk", "position", "alt_text")) == [
        (fig_b.pk, 0, "Axial CT of the hip"),
        (fig_a.pk, 1, ""),
    ]


def test_a_removed_figure_takes_its_image_files_with_it(
    client, author, draft, django_capture_on_commit_callbacks
):
    study = Study.objects.create(case=draft, modality="CT")
    with django_capture_on_commit_callbacks(execute=True):
        figure = uploads.add_figure(
            study, upload=SimpleUploadedFile("a.jpg", jpeg_bytes()), by=author
        )
    figure.refresh_from_db()
    stored = [figure.original.path, figure.thumbnail.path]
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft, "studies"))) | {
        f"figures-{study.pk}-0-DELETE": "on"
    }

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(edit_url(draft, "studies"), data).status_code == 302

    assert not Figure.objects.filter(pk=figure.pk).exists()
    assert not any(os.path.exists(path) for path in stored)


def test_studies_page_shows_thumbnails_and_processing_status(client, author, draft):
    add_rows(draft, 1)
    failed = Figure.objects.create(
        study=draft.studies.get(), label="Fig 9", status="failed", processing_error="Not an image"
    )
    page = html(signed_in(client, author).get(edit_url(draft, "studies")))
    figure = Figure.objects.exclude(pk=failed.pk).get(study__case=draft)
    assert escape(media_urls.figure_image_url(figure, "thumb")) in page
    assert "Not an image" in page
    assert upload_url(draft, draft.studies.get()) in page


# Commentaries and rehabilitation ---------------------------------------------------------------


def test_editing_a_verified_machine_generated_commentary_clears_its_verification(
    client, author, editor, draft
):
    verified_at = timezone.now()
    commentary = Commentary.objects.create(
        case=draft,
        provenance=Commentary.Provenance.MACHINE_GENERATED,
        body="The findings fit a nidus.",
        verified_by=editor,
        verified_at=verified_at,
    )
    signed_in(client, author)
    page = client.get(edit_url(draft, "commentaries"))
    assert f"Verified by {editor}" in html(page)

    # Saving it unchanged keeps the verification.
    assert client.post(edit_url(draft, "commentaries"), page_data(page)).status_code == 302
    commentary.refresh_from_db()
    assert commentary.verified_by == editor

    data = page_data(client.get(edit_url(draft, "commentaries")))
    data["commentaries-0-body"] = "The findings fit a nidus, or an abscess."
    assert client.post(edit_url(draft, "commentaries"), data).status_code == 302
    commentary.refresh_from_db()
    assert (commentary.verified_by, commentary.verified_at) == (None, None)
    assert "Not verified yet" in html(client.get(edit_url(draft, "commentaries")))


def test_rehabilitation_is_created_when_filled_and_deleted_when_emptied(client, author, draft):
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft, "commentaries")))
    data |= {"rehabilitation-frequency": "3 sessions a week", "rehabilitation-time": "30 min"}
    assert client.post(edit_url(draft, "commentaries"), data).status_code == 302
    draft.refresh_from_db()
    assert draft.rehabilitation.rows() == [("Frequency", "3 sessions a week"), ("Time", "30 min")]
    prescription_pk = draft.rehabilitation_id

    data = page_data(client.get(edit_url(draft, "commentaries")))
    data |= {"rehabilitation-frequency": "", "rehabilitation-time": ""}
    assert client.post(edit_url(draft, "commentaries"), data).status_code == 302
    draft.refresh_from_db()
    assert draft.rehabilitation is None
    assert not ExercisePrescription.objects.filter(pk=prescription_pk).exists()


# Rights, authors, quiz -------------------------------------------------------------------------


def test_rights_part_sets_and_clears_the_licence(client, author, draft):
    signed_in(client, author)
    page = client.get(edit_url(draft, "rights"))
    assert "Not chosen yet" in html(page)
    assert "CC-BY-4.0 — Creative Commons Attribution 4.0" in html(page)
    data = page_data(page) | {"licence": "CC-BY-4.0", "consent": "obtained"}
    assert client.post(edit_url(draft, "rights"), data).status_code == 302
    draft.refresh_from_db()
    assert (draft.licence, draft.consent) == ("CC-BY-4.0", "obtained")

    data = page_data(client.get(edit_url(draft, "rights"))) | {"licence": ""}
    assert client.post(edit_url(draft, "rights"), data).status_code == 302
    draft.refresh_from_db()
    assert draft.licence is None


def test_authors_are_added_by_username_or_email_or_as_external_people(client, author, draft):
    friend = make_user("friend", "author", display_name="Dr Friend")
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft, "authors")))
    data |= {
        "authors-1-ORDER": "3",
        "authors-2-person": "FRIEND@example.org",
        "authors-2-ORDER": "2",
    }
    assert client.post(edit_url(draft, "authors"), data).status_code == 302

    data = page_data(client.get(edit_url(draft, "authors")))
    data |= {
        "authors-3-name": "Dr Jane Example",
        "authors-3-affiliation": "Example Hospital",
        "authors-3-orcid": "0000-0002-1825-0097",
    }
    assert client.post(edit_url(draft, "authors"), data).status_code == 302
    assert [author.display_name for author in draft.authors.all()] == [
        "Dr Ada Author",
        "Dr Friend",
        "Dr Co Author",
        "Dr Jane Example",
    ]
    assert draft.authors.get(user=friend)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"authors-2-person": "nobody"}, "No one on this site has the username or e-mail"),
        ({"authors-2-person": "coauthor"}, "is listed twice: keep one row."),
        ({"authors-2-name": "Dr X", "authors-2-orcid": "0000-0002-1825-0098"}, "typing error"),
        ({"authors-2-affiliation": "Somewhere"}, "Give a site user or the name"),
    ],
)
def test_bad_authors_are_refused_with_a_clear_message(client, author, draft, row, message):
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft, "authors"))) | row
    response = client.post(edit_url(draft, "authors"), data)
    assert response.status_code == 200
    assert message in html(response)
    assert draft.authors.count() == 2


def test_the_creator_cannot_be_removed_from_the_authors(client, author, coauthor, draft):
    signed_in(client, coauthor)
    page = client.get(edit_url(draft, "authors"))
    assert 'name="authors-0-DELETE"' not in html(page)
    data = page_data(page) | {"authors-0-DELETE": "on", "authors-0-person": "coauthor"}
    assert client.post(edit_url(draft, "authors"), data).status_code == 302
    assert set(draft.authors.values_list("user", flat=True)) == {author.pk, coauthor.pk}


def test_quiz_questions_store_their_options_and_the_chosen_answer(client, author, draft):
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft, "quiz")))
    data |= {
        "in_unknown_mode": "on",
        "questions-0-stem": "What is the diagnosis?",
        "questions-0-options_text": "Stress fracture\n\nOsteoid osteoma\nBrodie abscess\n",
        "questions-0-answer_number": "2",
        "questions-0-explanation": "A nidus with night pain.",
    }
    assert client.post(edit_url(draft, "quiz"), data).status_code == 302
    draft.refresh_from_db()
    question = draft.questions.get()
    assert draft.in_unknown_mode
    assert question.options == ["Stress fracture", "Osteoid osteoma", "Brodie abscess"]
    assert question.answer == 1
    page = html(client.get(edit_url(draft, "quiz")))
    assert 'name="questions-0-answer_number" value="2"' in page


@pytest.mark.parametrize(
    ("options", "answer", "message"),
    [
        ("Only one", "1", "Give at least two options, one per line."),
        ("One\nTwo", "3", "There are 2 options: choose a number up to that."),
        ("One\nTwo", "0", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_a_question_needs_two_options_and_an_answer_among_them(
    client, author, draft, options, answer, message
):
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft, "quiz")))
    data |= {
        "questions-0-stem": "Which?",
        "questions-0-options_text": options,
        "questions-0-answer_number": answer,
    }
    response = client.post(edit_url(draft, "quiz"), data)
    assert message in html(response)
    assert not draft.questions.exists()


# Two people editing at once --------------------------------------------------------------------


def test_a_stale_save_is_refused_and_keeps_the_text_without_overwriting(
    client, author, coauthor, draft
):
    author_client, coauthor_client = client, type(client)()
    author_client.force_login(author)
    coauthor_client.force_login(coauthor)
    author_page = page_data(author_client.get(edit_url(draft, "diagnosis")))
    coauthor_page = page_data(coauthor_client.get(edit_url(draft, "diagnosis")))

    coauthor_page["final_diagnosis"] = "Osteoblastoma"
    assert coauthor_client.post(edit_url(draft, "diagnosis"), coauthor_page).status_code == 302

    author_page["final_diagnosis"] = "Osteoid osteoma"
    author_page["teaching_points-0-text"] = "Night pain relieved by NSAIDs."
    response = author_client.post(edit_url(draft, "diagnosis"), author_page)

    page = html(response)
    assert response.status_code == 409
    assert (
        "Someone else saved this case while you were editing: you started from version 1, "
        "it is now at version 2. Your text is kept below; review what changed, then save again."
    ) in page
    assert "What changed meanwhile" in page
    assert "Osteoblastoma" in page  # in the list of changes
    assert 'value="Osteoid osteoma"' in page
    assert "Night pain relieved by NSAIDs.</textarea>" in page
    assert 'name="base_version" value="2"' in page
    draft.refresh_from_db()
    assert (draft.final_diagnosis, draft.version) == ("Osteoblastoma", 2)
    assert not draft.teaching_points.exists()

    # Saving again, now deliberately from version 2, goes through.
    again = author_client.post(edit_url(draft, "diagnosis"), author_page | {"base_version": "2"})
    assert again.status_code == 302
    draft.refresh_from_db()
    assert (draft.final_diagnosis, draft.version) == ("Osteoid osteoma", 3)


# Who may edit ----------------------------------------------------------------------------------

PERSONAS = [
    "author",
    "coauthor",
    "reviewer",
    "editor",
    "moderator",
    "trainee",
    "outsider",
    "anonymous",
]

# Status of opening the editor, per state of the case, for each persona above. Saving answers
# the same, with 302 (saved, then back to the part) instead of 200.
EDITOR_MATRIX = {
    "draft": [200, 200, 404, 404, 404, 404, 404, 302],
    "changes_requested": [200, 200, 404, 403, 404, 404, 404, 302],
    "submitted": [403, 403, 404, 403, 404, 404, 404, 302],
    "published": [403, 403, 403, 403, 403, 403, 403, 302],
}


@pytest.mark.parametrize(
    ("state", "persona", "expected"),
    [
        (state, persona, status)
        for state, statuses in EDITOR_MATRIX.items()
        for persona, status in zip(PERSONAS, statuses, strict=True)
    ],
)
def test_editor_permission_matrix(client, request, author, coauthor, state, persona, expected):
    case = make_case(author=author, published=state == "published", status=state)
    CaseAuthor.objects.create(case=case, user=coauthor, position=1)
    user = request.getfixturevalue(persona)
    if user.is_authenticated:
        client.force_login(user)

    opened = client.get(edit_url(case, "diagnosis"))
    assert opened.status_code == expected

    data = {
        "base_version": case.version,
        "final_diagnosis": "Changed",
        "diagnostic_certainty": "",
        "certainty_basis": "",
    }
    for prefix in ("differentials", "teaching_points"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    saved = client.post(edit_url(case, "diagnosis"), data)
    assert saved.status_code == (302 if expected == 200 else expected)
    case.refresh_from_db()
    assert (case.final_diagnosis == "Changed") == (expected == 200)
    if expected == 302:
        assert "/accounts/login/" in saved["Location"]


def test_a_submitted_case_cannot_be_saved_and_says_why(client, author, draft):
    signed_in(client, author)
    data = page_data(client.get(edit_url(draft, "diagnosis"))) | {"final_diagnosis": "Late edit"}
    Case.objects.filter(pk=draft.pk).update(status=Case.Status.SUBMITTED)

    response = client.post(edit_url(draft, "diagnosis"), data)

    assert response.status_code == 403
    assert "locked while under review" in html(response)
    draft.refresh_from_db()
    assert draft.final_diagnosis == ""


def test_others_who_may_read_the_case_are_told_only_authors_edit_it(client, editor, author):
    case = make_case(author=author, published=False, status="in_review")
    response = signed_in(client, editor).get(reverse("case-edit", args=[case.pk]))
    assert response.status_code == 403
    assert "Only the case's authors can edit it" in html(response)
    assert "Start a new revision" not in html(response)


def test_a_published_case_offers_its_authors_a_new_revision(client, author):
    published = make_case(author=author, published=True)
    signed_in(client, author)
    page = client.get(reverse("case-edit", args=[published.pk]))
    assert page.status_code == 403
    assert reverse("case-revise", args=[published.pk]) in html(page)
    assert "Start a new revision" in html(page)

    response = client.post(reverse("case-revise", args=[published.pk]))

    revision = Case.objects.get(revision_of=published)
    assert response.status_code == 302
    assert response["Location"] == reverse("case-edit", args=[revision.pk])
    assert revision.status == Case.Status.DRAFT
    assert client.get(response["Location"]).status_code == 200
    published.refresh_from_db()
    assert published.is_published
    assert "Continue the revision" in html(client.get(reverse("case-edit", args=[published.pk])))


def test_only_authors_may_start_a_revision(client, trainee, author):
    published = make_case(author=author, published=True)
    response = signed_in(client, trainee).post(reverse("case-revise", args=[published.pk]))
    assert response.status_code == 403
    assert not Case.objects.filter(revision_of=published).exists()
    assert client.get(reverse("case-revise", args=[published.pk])).status_code == 405


# Uploads ---------------------------------------------------------------------------------------


def test_uploading_a_jpeg_adds_a_processed_figure_to_the_study(
    client, author, draft, django_capture_on_commit_callbacks
):
    study = Study.objects.create(case=draft, modality="XR", label="Radiograph")
    Figure.objects.create(study=study, label="Fig 1")
    signed_in(client, author)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            upload_url(draft, study),
            {"image": SimpleUploadedFile("hip.jpg", jpeg_bytes(), content_type="image/jpeg")},
            headers={"accept": "application/json"},
        )

    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"id", "label", "status", "thumbnail_url"}
    figure = Figure.objects.get(pk=body["id"])
    assert (figure.study, figure.label, body["label"]) == (study, "Fig 2", "Fig 2")
    # Processing is queued once the upload is committed: here, when the request has ended.
    assert body["status"] == "pending"
    figure.refresh_from_db()
    assert figure.is_ready
    status = client.get(reverse("figure-status", args=[figure.pk])).json()
    assert fetch(status["thumbnail_url"]).status_code == 200
    draft.refresh_from_db()
    assert draft.version == 1  # uploads do not make the text open in another tab stale


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "No file was sent"),
        ({"image": SimpleUploadedFile("empty.jpg", b"")}, "The file is empty"),
    ],
)
def test_a_missing_or_empty_file_is_refused_with_a_clear_message(
    client, author, draft, files, message
):
    study = Study.objects.create(case=draft, modality="XR")
    response = signed_in(client, author).post(upload_url(draft, study), files)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Figure.objects.exists()


@pytest.mark.parametrize(
    ("persona", "state", "expected"),
    [
        ("coauthor", "draft", 201),
        ("outsider", "draft", 404),
        ("editor", "submitted", 403),
        ("author", "submitted", 403),
        ("trainee", "published", 403),
        ("anonymous", "draft", 403),
    ],
)
def test_only_those_who_may_edit_the_case_may_upload(
    client, request, author, coauthor, persona, state, expected
):
    case = make_case(author=author, published=state == "published", status=state)
    CaseAuthor.objects.create(case=case, user=coauthor, position=1)
    study = Study.objects.create(case=case, modality="CT")
    user = request.getfixturevalue(persona)
    if user.is_authenticated:
        client.force_login(user)

    response = client.post(
        upload_url(case, study), {"image": SimpleUploadedFile("a.jpg", jpeg_bytes())}
    )

    assert response.status_code == expected
    assert ("error" in response.json()) == (expected != 201)
    assert Figure.objects.filter(study=study).exists() == (expected == 201)


def test_a_study_of_another_case_is_not_found(client, author, draft):
    other = make_case(author=author, published=False)
    study = Study.objects.create(case=other, modality="CT")
    response = signed_in(client, author).post(
        upload_url(draft, study), {"image": SimpleUploadedFile("a.jpg", jpeg_bytes())}
    )
    assert response.status_code == 404


def test_uploads_without_javascript_go_back_to_the_studies(client, author, draft):
    study = Study.objects.create(case=draft, modality="CT")
    response = signed_in(client, author).post(
        upload_url(draft, study),
        {
            "then": "editor",
            "image": [
                SimpleUploadedFile("a.jpg", jpeg_bytes()),
                SimpleUploadedFile("b.jpg", jpeg_bytes((32, 32))),
            ],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == edit_url(draft, "studies") + f"#study-{study.pk}"
    assert study.figures.count() == 2
    assert messages_of(response) == ["2 files uploaded. Give each figure a caption and alt text."]


# Preview ---------------------------------------------------------------------------------------


def test_preview_shows_the_case_as_readers_will_see_it(client, author, draft):
    TeachingPoint.objects.create(case=draft, text="Night pain relieved by NSAIDs.")
    response = signed_in(client, author).get(reverse("case-preview", args=[draft.pk]))
    page = html(response)
    assert response.status_code == 200
    assert "Preview — not published." in page
    assert "Night pain relieved by NSAIDs." in page
    assert reverse("case-edit", args=[draft.pk]) in page


@pytest.mark.parametrize(("persona", "expected"), [("trainee", 404), ("anonymous", 302)])
def test_others_cannot_preview_a_draft(client, request, draft, persona, expected):
    user = request.getfixturevalue(persona)
    if user.is_authenticated:
        client.force_login(user)
    assert client.get(reverse("case-preview", args=[draft.pk])).status_code == expected


def test_preview_takes_the_same_queries_however_many_rows(client, author):
    signed_in(client, author)
    counts = []
    for rows in (1, 10):
        case = make_case(author=author, published=False, title=f"A case with {rows} rows")
        add_rows(case, rows)
        client.get(reverse("case-preview", args=[case.pk]))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("case-preview", args=[case.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize(
    "data",
    [
        {"base_version": "1"},
        {"base_version": "1", "studies-TOTAL_FORMS": "9999", "studies-INITIAL_FORMS": "x"},
        {"base_version": "1", "teaching_points-0-ORDER": "first", "authors-0-id": "999999"},
    ],
)
def test_tampered_or_incomplete_posts_show_errors_rather_than_fail(
    client, author, draft, part, data
):
    add_rows(draft, 1)
    response = signed_in(client, author).post(edit_url(draft, part), data)
    assert response.status_code == 200
    assert "Nothing was saved" in html(response)
    draft.refresh_from_db()
    assert draft.version == 1
