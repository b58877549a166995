"""The named edit operations of a case: each is one edit (one version, one revision), refuses a
stale version and a person who may not edit, and is what the editor and the API both call."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from api.concurrency import etag
from cases import services
from cases.edit_values import (
    AuthorRow,
    CaseChanges,
    CommentaryRow,
    DifferentialRow,
    FigureText,
    QuestionRow,
    ReferenceRow,
    SectionRow,
    StudyRow,
    TeachingPointRow,
)
from cases.models import Case, Commentary, Figure, Revision, Study
from tests.factories import make_case, signed_in_api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(two_author_draft) -> Case:
    return two_author_draft


@pytest.fixture
def study(draft) -> Study:
    return Study.objects.create(case=draft, modality="CT", label="CT pelvis", position=0)


@pytest.fixture
def figure(study) -> Figure:
    return Figure.objects.create(
        study=study, label="Fig 1", status=Figure.ProcessingStatus.READY, position=0
    )


# Each operation, as a call on the case as it is now, made by `by` from `version`.
Operation = Callable[..., object]


def _operations(draft: Case, study: Study, figure: Figure) -> dict[str, Operation]:
    return {
        "change_case_fields": lambda **kw: services.change_case_fields(
            draft, fields={"title": "Gluteal calcific tendinitis"}, tags=["hip pain"], **kw
        ),
        "set_rights": lambda **kw: services.set_rights(
            draft, rights={"licence": "CC-BY-4.0", "consent": "obtained"}, **kw
        ),
        "add_study": lambda **kw: services.add_study(draft, modality="MR", label="MR hip", **kw),
        "change_study": lambda **kw: services.change_study(
            draft, study, changes={"findings": "Calcification."}, position=0, **kw
        ),
        "move_study": lambda **kw: services.move_study(draft, study, position=3, **kw),
        "remove_study": lambda **kw: services.remove_study(draft, study, **kw),
        "change_figure": lambda **kw: services.change_figure(
            figure,
            changes={"caption": "Calcium", "alt_text": "An axial CT"},
            annotations=[{"type": "text", "x": 0.5, "y": 0.5, "text": "A", "frame": None}],
            **kw,
        ),
        "annotate_figure": lambda **kw: services.annotate_figure(
            figure, annotations=[{"type": "text", "x": 0.5, "y": 0.5, "text": "A"}], **kw
        ),
        "remove_figure": lambda **kw: services.remove_figure(figure, **kw),
        "replace_sections": lambda **kw: services.replace_sections(
            draft, sections=[SectionRow(kind="discussion", heading="Discussion")], **kw
        ),
        "replace_differentials": lambda **kw: services.replace_differentials(
            draft, differentials=[DifferentialRow(diagnosis="Bursitis")], **kw
        ),
        "replace_teaching_points": lambda **kw: services.replace_teaching_points(
            draft, teaching_points=[TeachingPointRow(text="Look at the linea aspera.")], **kw
        ),
        "replace_references": lambda **kw: services.replace_references(
            draft, references=[ReferenceRow(doi="10.1148/rg.2019180001")], **kw
        ),
        "replace_commentaries": lambda **kw: services.replace_commentaries(
            draft,
            commentaries=[CommentaryRow(provenance="author", body="Why it matters.")],
            rehabilitation={"frequency": "daily"},
            **kw,
        ),
        "replace_authors": lambda **kw: services.replace_authors(
            draft,
            authors=[
                AuthorRow(id=row.pk, user=row.user, name=row.name)
                for row in draft.authors.order_by("position")
            ]
            + [AuthorRow(name="Dr External")],
            **kw,
        ),
        "replace_questions": lambda **kw: services.replace_questions(
            draft, questions=[QuestionRow(stem="Which?", options=["A", "B"], answer=1)], **kw
        ),
        "replace_studies": lambda **kw: services.replace_studies(
            draft,
            studies=[
                StudyRow(id=study.pk, modality="CT", figures=[FigureText(id=figure.pk)]),
                StudyRow(modality="US"),
            ],
            **kw,
        ),
    }


OPERATIONS = list(_operations(Case(), Study(), Figure()))


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_operation_raises_the_version_once_and_records_one_revision(
    draft, study, figure, author, name
):
    _operations(draft, study, figure)[name](by=author, base_version=1)
    draft.refresh_from_db()
    assert draft.version == 2
    revision = Revision.objects.get(case=draft)
    assert (revision.kind, revision.case_version) == (Revision.Kind.EDITED, 2)


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_operation_refuses_a_stale_version_and_changes_nothing(
    draft, study, figure, author, name
):
    Case.objects.filter(pk=draft.pk).update(version=2)
    draft.refresh_from_db()
    with pytest.raises(services.StaleEdit):
        _operations(draft, study, figure)[name](by=author, base_version=1)
    draft.refresh_from_db()
    assert draft.version == 2
    assert not Revision.objects.filter(case=draft).exists()
    assert draft.studies.count() == 1 and Figure.objects.filter(pk=figure.pk).exists()


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_operation_refuses_someone_who_does_not_author_the_case(
    draft, study, figure, another_author, name
):
    with pytest.raises(PermissionDenied):
        _operations(draft, study, figure)[name](by=another_author, base_version=1)
    draft.refresh_from_db()
    assert draft.version == 1
    assert not Revision.objects.filter(case=draft).exists()


def test_a_submitted_case_is_not_edited_even_by_its_author(draft, study, author):
    Case.objects.filter(pk=draft.pk).update(status=Case.Status.SUBMITTED)
    draft.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.add_study(draft, by=author, base_version=1, modality="CT")
    assert draft.studies.count() == 1


def test_moving_a_study_renumbers_the_others(draft, study, author):
    second = Study.objects.create(case=draft, modality="MR", position=1)
    third = Study.objects.create(case=draft, modality="US", position=2)
    services.move_study(draft, third, by=author, base_version=1, position=0)
    assert list(draft.studies.values_list("pk", flat=True)) == [third.pk, study.pk, second.pk]


def test_a_changed_commentary_is_no_longer_verified(draft, author, editor):
    commentary = Commentary.objects.create(
        case=draft, provenance="machine_generated", body="Old words.", verified_by=editor
    )
    services.replace_commentaries(
        draft,
        by=author,
        base_version=1,
        commentaries=[
            CommentaryRow(id=commentary.pk, provenance="machine_generated", body="New words.")
        ],
    )
    commentary.refresh_from_db()
    assert commentary.verified_by is None


def test_an_unchanged_commentary_stays_verified(draft, author, editor):
    commentary = Commentary.objects.create(
        case=draft, provenance="machine_generated", body="Same words.", verified_by=editor
    )
    services.replace_commentaries(
        draft,
        by=author,
        base_version=1,
        commentaries=[
            CommentaryRow(id=commentary.pk, provenance="machine_generated", body="Same words.")
        ],
    )
    commentary.refresh_from_db()
    assert commentary.verified_by == editor


def test_the_creator_cannot_be_taken_off_the_byline(draft, author, coauthor):
    others = [AuthorRow(id=row.pk, user=coauthor) for row in draft.authors.filter(user=coauthor)]
    with pytest.raises(ValidationError):
        services.replace_authors(draft, by=coauthor, base_version=1, authors=others)
    assert draft.authors.filter(user=author).exists()


def test_several_parts_changed_together_are_one_edit(draft, author):
    services.change_case(
        draft,
        by=author,
        base_version=1,
        changes=CaseChanges(
            fields={"final_diagnosis": "Calcific tendinitis"},
            teaching_points=[TeachingPointRow(text="One")],
            sections=[SectionRow(kind="outcome", body="Resolved.")],
        ),
        summary="Diagnosis",
    )
    draft.refresh_from_db()
    assert draft.version == 2
    assert Revision.objects.get(case=draft).summary == "Diagnosis"


# --- One API PATCH, one version ------------------------------------------------------------------


def test_one_patch_of_a_figure_raises_the_version_by_exactly_one(draft, figure, author):
    response = signed_in_api_client(author).patch(
        f"/api/v1/cases/{draft.pk}/figures/{figure.pk}/",
        {
            "label": "Fig 2",
            "caption": "Calcium",
            "alt_text": "An axial CT",
            "annotations": [{"type": "text", "x": 0.2, "y": 0.2, "text": "A"}],
        },
        format="json",
        HTTP_IF_MATCH=etag(draft),
    )
    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert draft.version == 2
    assert Revision.objects.filter(case=draft).count() == 1
    assert response["ETag"] == etag(draft)


def test_one_patch_of_a_study_that_changes_and_moves_it_raises_the_version_by_one(
    draft, study, author
):
    Study.objects.create(case=draft, modality="MR", position=1)
    response = signed_in_api_client(author).patch(
        f"/api/v1/cases/{draft.pk}/studies/{study.pk}/",
        {"label": "CT hip", "findings": "Calcification.", "position": 1},
        format="json",
        HTTP_IF_MATCH=etag(draft),
    )
    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert draft.version == 2
    assert Revision.objects.filter(case=draft).count() == 1
    assert response.json()["position"] == 1


def test_a_case_written_by_no_one_on_the_site_is_not_edited_by_a_stranger(author):
    imported = make_case(author=None, published=False)
    with pytest.raises(PermissionDenied):
        services.change_case_fields(imported, by=author, base_version=1, fields={"title": "Mine"})


def test_a_figure_moves_within_its_study_and_to_another_study_of_the_case(
    draft, study, figure, author
):
    second = Figure.objects.create(study=study, label="Fig 2", position=1)
    services.change_figure(second, by=author, base_version=1, position=0)
    assert list(study.figures.values_list("pk", flat=True)) == [second.pk, figure.pk]

    other = Study.objects.create(case=draft, modality="MR", position=1)
    Figure.objects.create(study=other, label="Fig 3", position=0)
    services.change_figure(figure, by=author, base_version=2, study=other, position=0)
    assert list(other.figures.values_list("label", "position")) == [("Fig 1", 0), ("Fig 3", 1)]
    assert list(study.figures.values_list("label", "position")) == [("Fig 2", 0)]
    draft.refresh_from_db()
    assert draft.version == 3


def test_a_figure_does_not_move_to_a_study_of_another_case(draft, figure, author):
    elsewhere = Study.objects.create(case=make_case(author=author), modality="CT")
    with pytest.raises(ValidationError):
        services.change_figure(figure, by=author, base_version=1, study=elsewhere)
    figure.refresh_from_db()
    assert figure.study.case == draft
    draft.refresh_from_db()
    assert draft.version == 1
