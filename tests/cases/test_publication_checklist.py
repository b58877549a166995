"""What blocks publication, on the model and on the case page (for "My cases", see
test_dashboards.py)."""

import pytest
from django.utils import timezone

from cases.models import Case, Commentary, Figure
from tests.factories import complete_draft, make_case


def blockers(case: Case) -> list[str]:
    return Case.objects.get(pk=case.pk).publication_blockers()


def test_a_complete_case_has_no_blockers(author):
    assert blockers(complete_draft(author)) == []


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
    case = complete_draft(author)
    Case.objects.filter(pk=case.pk).update(**change)
    assert blockers(case) == [blocker]


def test_a_topic_review_needs_no_final_diagnosis(author):
    case = complete_draft(author, case_type="topic_review", final_diagnosis="")
    Case.objects.filter(pk=case.pk).update(diagnostic_certainty="")
    assert blockers(case) == []


def test_no_teaching_point_blocks_publication(author):
    case = complete_draft(author)
    case.teaching_points.all().delete()
    assert blockers(case) == ["At least one teaching point"]


def test_figures_must_be_processed_described_and_out_of_quarantine(author):
    case = complete_draft(author)
    figure = Figure.objects.get(study__case=case)
    Figure.objects.filter(pk=figure.pk).update(status="pending", alt_text=" ")
    assert blockers(case) == ["At least one processed figure", "Every figure has alt text"]
    Figure.objects.create(study=figure.study, status="quarantined", alt_text="US")
    assert "No image is in quarantine" in blockers(case)


def test_an_unverified_machine_commentary_blocks_until_verified(author, editor):
    case = complete_draft(author)
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
