"""`python manage.py demo`: demo users for every role and the demo cases, idempotently."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from accounts.models import Institution, Role, User
from cases.document import DOCUMENT_PREFETCH, case_to_document
from cases.models import Case, Figure, QuizQuestion, Tag
from cases.storage import private_storage
from interchange.importer import parse_case_report
from teachingfile.demo_cases import DEMO_IMAGED_CASES
from teachingfile.management.commands.demo import DEMO_DATA_DIR, DEMO_PASSWORD, Command

EXPECTED_ROLES = {
    "author": {"author"},
    "coauthor": {"author"},
    "reviewer": {"reviewer", "author"},
    "editor": {"editor", "author"},
    "moderator": {"moderator"},
    "trainee": {"trainee"},
    "admin": {"admin"},
}
IMAGED_TITLES = {document["title"] for document in DEMO_IMAGED_CASES}
CHECKLIST_PREFETCH = ("studies__figures", "teaching_points", "commentaries")


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Group, Institution, Case, Figure, Tag)
    }


def titles_by_prefix(folder: Path) -> dict[str, str]:
    """The title the importer gives each file, keyed by the file's number prefix."""
    return {
        path.name.split("_")[0]: parse_case_report(
            path.read_text(encoding="utf-8"), source_name=path.name
        ).document["title"]
        for path in sorted(folder.glob("*.txt"))
    }


@pytest.fixture
def seeds(settings) -> Path:
    folder = Path(settings.SEED_CASES_DIR)
    if not folder.is_dir():
        pytest.skip(f"the seed documents are not on this machine ({folder} is missing)")
    return folder


@pytest.fixture
def without_seeds(settings, tmp_path) -> Path:
    settings.SEED_CASES_DIR = tmp_path / "no-seeds-here"
    return DEMO_DATA_DIR


@pytest.mark.django_db
def test_demo_creates_a_user_for_every_role_with_its_groups(without_seeds):
    run_demo()

    for username, roles in EXPECTED_ROLES.items():
        user = User.objects.get(username=username)
        assert set(user.groups.values_list("name", flat=True)) == roles, username
        assert user.email == f"{username}@example.org"
        assert user.display_name
        assert user.check_password(DEMO_PASSWORD)
    assert set().union(*EXPECTED_ROLES.values()) == set(Role.values)


@pytest.mark.django_db
def test_only_the_admin_is_superuser_and_staff(without_seeds):
    run_demo()

    assert set(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == {
        "admin"
    }
    assert set(User.objects.filter(is_staff=True).values_list("username", flat=True)) == {"admin"}


@pytest.mark.django_db
def test_demo_users_belong_to_the_demo_hospital_with_a_training_level(without_seeds):
    run_demo()

    hospital = Institution.objects.get(name="Teaching File Demo Hospital")
    assert User.objects.get(username="author").institution == hospital
    assert User.objects.get(username="trainee").institution == hospital
    assert User.objects.get(username="trainee").training_level == User.TrainingLevel.RESIDENT
    assert User.objects.get(username="author").training_level == User.TrainingLevel.CONSULTANT


@pytest.mark.django_db
def test_running_demo_twice_creates_no_duplicates(without_seeds):
    run_demo()
    counts = row_counts()
    statuses = dict(Case.objects.values_list("title", "status"))

    output = run_demo()

    assert row_counts() == counts
    assert dict(Case.objects.values_list("title", "status")) == statuses
    assert output.count("already loaded") == Case.objects.count()


@pytest.mark.django_db
def test_demo_leaves_an_existing_users_password_and_roles_alone(without_seeds):
    User.objects.create_user(username="trainee", password="my-own-password")

    run_demo()

    trainee = User.objects.get(username="trainee")
    assert trainee.check_password("my-own-password")
    assert not trainee.groups.exists()


@pytest.mark.django_db
def test_imported_seeds_stay_unpublished_cases_of_the_demo_author(seeds):
    titles = titles_by_prefix(seeds)

    run_demo()

    author = User.objects.get(username="author")
    cases = {case.title: case for case in Case.objects.exclude(title__in=IMAGED_TITLES)}
    assert len(cases) == len(titles)
    for title in titles.values():
        case = cases[title]
        assert case.created_by == author
        assert case.authors.filter(user=author).exists()
        # Their figures have no image, so they fail the checklist, licence or not.
        assert case.status in (Case.Status.DRAFT, Case.Status.IN_REVIEW), title
    assert Case.objects.filter(status=Case.Status.IN_REVIEW).count() == 1


@pytest.mark.django_db
def test_without_the_seed_folder_the_projects_demo_files_are_loaded_as_drafts(without_seeds):
    titles = titles_by_prefix(without_seeds)

    output = run_demo()

    author = User.objects.get(username="author")
    cases = {case.title: case for case in Case.objects.exclude(title__in=IMAGED_TITLES)}
    assert len(cases) == len(titles) >= 4
    for title in titles.values():
        case = cases[title]
        assert case.created_by == author
        assert case.status in (Case.Status.DRAFT, Case.Status.IN_REVIEW), title
        assert title in output
    # Each says what keeps it from publication.
    assert output.count("At least one processed figure") == len(titles)


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["seeds", "without_seeds"])
def test_every_published_demo_case_passes_the_publication_checklist(source, request):
    request.getfixturevalue(source)

    run_demo()

    published = Case.objects.filter(status=Case.Status.PUBLISHED).prefetch_related(
        *CHECKLIST_PREFETCH
    )
    assert {case.title for case in published} == IMAGED_TITLES
    for case in published:
        assert case.publication_blockers() == [], case.title
        assert case.licence and case.attribution
        # Through the workflow: submitted by the author, sent to a reviewer who recommends it,
        # accepted and published by the editor.
        events = [(e.to_status, e.actor.username) for e in case.events.order_by("pk")]
        assert events == [
            ("submitted", "author"),
            ("in_review", "editor"),
            ("accepted", "editor"),
            ("published", "editor"),
        ], case.title
        review = case.reviews.get()
        assert review.reviewer.username == "reviewer"
        assert review.status == "completed" and review.recommendation == "accept"


@pytest.mark.django_db
def test_two_published_demo_cases_with_images_are_featured(without_seeds):
    run_demo()

    featured = Case.objects.filter(featured=True)
    assert featured.count() == 2
    for case in featured:
        assert case.is_published
        assert Figure.objects.filter(study__case=case, status="ready").exists()


@pytest.mark.django_db
def test_the_demo_images_are_processed_and_one_is_a_scrollable_stack(without_seeds):
    run_demo()

    figures = list(
        Figure.objects.filter(study__case__title__in=IMAGED_TITLES).select_related("study")
    )
    assert len(figures) == len(DEMO_IMAGED_CASES)
    assert all(figure.is_ready and figure.web and figure.full for figure in figures)
    frames = [(figure.study.modality, figure.frames.count()) for figure in figures]
    assert max(count for modality, count in frames if modality in ("CT", "MR")) > 1
    assert ("XR", 1) in frames  # a radiograph


@pytest.mark.django_db
def test_the_demo_images_are_de_identified_by_the_pipeline(without_seeds):
    import pydicom

    run_demo()

    radiograph = Figure.objects.get(study__case__title__in=IMAGED_TITLES, study__modality="XR")
    frame = radiograph.frames.get()
    with private_storage.open(frame.dicom.name) as stored:
        dataset = pydicom.dcmread(stored, stop_before_pixels=True)
    assert dataset.PatientIdentityRemoved == "YES"
    assert not str(dataset.get("PatientName", ""))
    assert not dataset.get("PatientBirthDate")


@pytest.mark.django_db
def test_a_demo_case_left_half_way_is_finished_by_the_next_run(without_seeds):
    run_demo()
    author = User.objects.get(username="author")
    document = DEMO_IMAGED_CASES[0]
    Case.objects.filter(title=document["title"]).delete()
    case = Command().create_imaged_case(document, author=author)
    assert case.status == Case.Status.DRAFT

    run_demo()

    case = Case.objects.get(title=document["title"])
    assert case.status == Case.Status.PUBLISHED
    assert case.studies.get().figures.get().is_ready


@pytest.mark.django_db
def test_figures_of_imported_reports_say_their_image_was_not_supplied(without_seeds):
    run_demo()

    imported = Figure.objects.exclude(study__case__title__in=IMAGED_TITLES)
    assert imported.exists()
    assert set(imported.values_list("status", flat=True)) == {"not_supplied"}
    assert not imported.exclude(original="").exists()


@pytest.mark.django_db
def test_the_93_year_old_patient_is_shown_only_as_90_plus(without_seeds):
    run_demo()

    case = Case.objects.prefetch_related(*DOCUMENT_PREFETCH).get(
        title__icontains="sacral insufficiency fracture"
    )
    patient = case_to_document(case)["patient"]

    assert patient["age"] == 90
    assert patient["age_display"] == "90+"
    assert case.age_display == "90+ years"


@pytest.mark.django_db
def test_demo_prints_the_users_their_roles_the_password_and_the_site_address(without_seeds):
    output = run_demo()

    for username in EXPECTED_ROLES:
        assert username in output
    assert "reviewer, author" in output or "author, reviewer" in output
    assert DEMO_PASSWORD in output
    assert "http://127.0.0.1:8000/" in output


@pytest.mark.parametrize("path", sorted(DEMO_DATA_DIR.glob("*.txt")), ids=lambda path: path.name)
def test_every_demo_file_is_read_without_warnings_or_unplaced_sections(path):
    parsed = parse_case_report(path.read_text(encoding="utf-8"), source_name=path.name)

    # The one notice allowed: the 93-year-old's age rewritten as 90+ in the narrative.
    assert [warning for warning in parsed.warnings if "90+" not in warning] == []
    assert parsed.document["title"]
    assert parsed.document["final_diagnosis"] or parsed.document["case_type"] == "topic_review"
    assert [s for s in parsed.document["sections"] if s["kind"] == "other"] == []


@pytest.mark.django_db
def test_demo_refuses_to_give_cases_to_an_existing_author_without_the_author_role(
    without_seeds,
):
    User.objects.create_user(username="author", password="my-own-password")

    with pytest.raises(CommandError, match="author role"):
        run_demo()

    assert not Case.objects.exists()


@pytest.mark.django_db
def test_an_empty_seed_file_is_reported_and_the_others_still_load(settings, tmp_path):
    (tmp_path / "000_empty.txt").write_text("\n", encoding="utf-8")
    (tmp_path / "001_case.txt").write_text(
        (DEMO_DATA_DIR / "03_pigmented_villonodular_synovitis_knee.txt").read_text(), "utf-8"
    )
    settings.SEED_CASES_DIR = tmp_path
    errors = StringIO()

    call_command("demo", stdout=StringIO(), stderr=errors)

    assert "000_empty.txt: not loaded" in errors.getvalue()
    assert Case.objects.exclude(title__in=IMAGED_TITLES).get().title == (
        "Pigmented villonodular synovitis of the knee"
    )


@pytest.mark.django_db
def test_the_demo_sends_one_draft_through_submission_to_the_demo_reviewer(without_seeds):
    from reviews.models import Review

    run_demo()
    run_demo()

    review = Review.objects.get(status=Review.Status.ASSIGNED)
    assert review.reviewer.username == "reviewer"
    assert review.assigned_by.username == "editor"
    assert review.case.status == Case.Status.IN_REVIEW
    assert [e.to_status for e in review.case.events.all()] == ["submitted", "in_review"]


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["seeds", "without_seeds"])
def test_published_demo_cases_are_offered_as_unknowns_with_questions(source, request):
    request.getfixturevalue(source)
    run_demo()
    clinical = Case.objects.filter(
        status=Case.Status.PUBLISHED, case_type=Case.CaseType.CLINICAL_CASE
    )
    assert clinical.count() >= 3
    for case in clinical:
        assert case.in_unknown_mode
        questions = list(case.questions.all())
        assert questions
        assert all(0 <= question.answer < len(question.options) for question in questions)
    assert not Case.objects.exclude(status=Case.Status.PUBLISHED).filter(in_unknown_mode=True)


@pytest.mark.django_db
def test_running_demo_twice_adds_the_questions_once(without_seeds):
    run_demo()
    count = QuizQuestion.objects.count()
    run_demo()
    assert QuizQuestion.objects.count() == count > 0


@pytest.mark.django_db
def test_a_demo_case_whose_image_could_not_be_processed_stays_a_draft_showing_why(
    without_seeds, monkeypatch
):
    from teachingfile.management.commands import demo

    def fail(figure_id: int, **options) -> None:
        Figure.objects.filter(pk=figure_id).update(status="failed", processing_error="Unreadable")

    monkeypatch.setattr(demo, "process_figure", fail)

    output = run_demo()

    assert not Case.objects.filter(status=Case.Status.PUBLISHED).exists()
    assert set(Case.objects.filter(title__in=IMAGED_TITLES).values_list("status", flat=True)) == {
        Case.Status.DRAFT
    }
    assert output.count("unmet on its checklist: At least one processed figure") == len(
        IMAGED_TITLES
    )


@pytest.mark.django_db
def test_a_case_an_earlier_demo_published_without_its_checklist_is_retracted(without_seeds):
    from cases.services import create_case_from_document, publish_imported_case

    run_demo()
    author = User.objects.get(username="author")
    path = DEMO_DATA_DIR / "01_myositis_ossificans_vastus_lateralis.txt"
    Case.objects.filter(title=titles_by_prefix(without_seeds)["01"]).delete()
    document = parse_case_report(path.read_text(encoding="utf-8"), source_name=path.name).document
    # What the demo did before it went through the checklist.
    old = publish_imported_case(create_case_from_document(document, author=author))
    Case.objects.filter(pk=old.pk).update(featured=True)

    run_demo()

    old.refresh_from_db()
    assert old.status == Case.Status.RETRACTED
    assert not old.featured
    assert "fails the publication checklist" in old.events.get(to_status="retracted").note
    for case in Case.objects.filter(status=Case.Status.PUBLISHED).prefetch_related(
        *CHECKLIST_PREFETCH
    ):
        assert case.publication_blockers() == []
