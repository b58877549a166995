"""What blocks publication, on the model, on the case page and on "My cases"."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import Case, CaseAuthor, Commentary, Figure, Study, TeachingPoint

from .conftest import make_case


def complete_case(author, **fields) -> Case:
    """A draft that meets every condition of publication."""
    case = make_case(
        author=author,
        published=False,
        consent="obtained",
        diagnostic_certainty="certain",
        **fields,
    )
    TeachingPoint.objects.create(case=case, text="Look at the insertion.")
    study = Study.objects.create(case=case, modality="CT")
    figure = Figure.objects.create(study=study, alt_text="Axial CT", status="ready")
    figure.thumbnail.save("t.jpg", ContentFile(b"jpeg"), save=True)
    return case


def blockers(case: Case) -> list[str]:
    return Case.objects.get(pk=case.pk).publication_blockers()


def test_a_complete_case_has_no_blockers(author):
    assert blockers(complete_case(author)) == []


@pytest.mark.parametrize(
    ("change", "blocker"),
    [
        ({"licence": None}, "A licence is chosen"),
        ({"consent": "unknown"}, "Patient consent is recorded"),
        ({"final_diagnosis": ""}, "A final diagnosis is given"),
        ({"diagnostic_certainty": ""}, "The diagnostic certainty is given"),
    ],
)
def test_each_missing_case_field_blocks_publication(author, change, blocker):
    case = complete_case(author)
    Case.objects.filter(pk=case.pk).update(**change)
    assert blockers(case) == [blocker]


def test_a_topic_review_needs_no_final_diagnosis(author):
    case = complete_case(author, case_type="topic_review", final_diagnosis="")
    Case.objects.filter(pk=case.pk).update(diagnostic_certainty="")
    assert blockers(case) == []


def test_no_teaching_point_blocks_publication(author):
    case = complete_case(author)
    case.teaching_points.all().delete()
    assert blockers(case) == ["At least one teaching point"]


def test_figures_must_be_processed_described_and_out_of_quarantine(author):
    case = complete_case(author)
    figure = Figure.objects.get(study__case=case)
    Figure.objects.filter(pk=figure.pk).update(status="pending", alt_text=" ")
    assert blockers(case) == ["At least one processed figure", "Every figure has alt text"]
    Figure.objects.create(study=figure.study, status="quarantined", alt_text="US")
    assert "No image is in quarantine" in blockers(case)


def test_an_unverified_machine_commentary_blocks_until_verified(author, editor):
    case = complete_case(author)
    commentary = Commentary.objects.create(case=case, provenance="machine_generated", body="x")
    Commentary.objects.create(case=case, provenance="author", body="y")
    assert blockers(case) == ["Every machine-generated commentary is verified or removed"]
    commentary.verified_by, commentary.verified_at = editor, timezone.now()
    commentary.save()
    assert blockers(case) == []


def test_authors_see_the_checklist_on_their_draft(client, author):
    case = make_case(author=author, published=False, licence=None)
    client.force_login(author)
    content = client.get(case.get_absolute_url()).content.decode()
    assert "Before publication" in content
    assert "A licence is chosen" in content
    assert "still block publication" in content


def test_readers_of_a_published_case_see_no_checklist(client, author, trainee):
    case = make_case(author=author)
    client.force_login(trainee)
    assert "Before publication" not in client.get(case.get_absolute_url()).content.decode()


def test_my_cases_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get("/cases/mine/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_my_cases_lists_own_and_coauthored_cases_with_their_blockers(
    client, author, coauthor, trainee
):
    own = make_case(author=author, published=False, title="Own draft", licence=None)
    shared = make_case(author=coauthor, published=False, title="Shared draft")
    CaseAuthor.objects.create(case=shared, user=author, position=1)
    make_case(author=trainee, published=False, title="Someone else's draft")
    client.force_login(author)
    content = client.get("/cases/mine/").content.decode()
    assert "Own draft" in content and "Shared draft" in content
    assert "Someone else" not in content
    assert "A licence is chosen" in content
    assert own.get_absolute_url() in content


def test_my_cases_has_an_empty_state(client, trainee):
    client.force_login(trainee)
    assert "No cases yet" in client.get("/cases/mine/").content.decode()


def test_my_cases_takes_the_same_queries_however_many_cases(
    client, author, django_assert_num_queries
):
    client.force_login(author)
    complete_case(author)
    # Session, user, roles, the cases, then studies, figures, teaching points, commentaries.
    with django_assert_num_queries(8):
        assert client.get("/cases/mine/").status_code == 200
    for _ in range(6):
        complete_case(author)
    with django_assert_num_queries(8):
        assert client.get("/cases/mine/").status_code == 200
