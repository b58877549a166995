"""Plain factories shared by the suite: people, cases in every state, unknowns, collections,
comments and reports. Fixtures live in conftest.py; test modules import helpers only from here
and from the other helper modules (files.py, browser/pages.py, api/matrix.py).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from bookmarks import services as collections
from bookmarks.models import Collection
from cases.document import empty_document
from cases.models import (
    Case,
    CaseAuthor,
    DifferentialDiagnosis,
    Figure,
    QuizQuestion,
    Reference,
    Revision,
    Section,
    Study,
    System,
    Tag,
    TeachingPoint,
)
from cases.services import record_revision
from community.models import Comment, Flag
from reviews.models import Review
from study.models import Attempt
from tests.files import jpeg_bytes

PASSWORD = "correct-horse-battery"  # every persona's, from make_user


def make_user(username: str, *roles: str, **fields) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.org",
        **fields,
    )
    if roles:
        # get_or_create: transactional tests flush the database, data-migration groups included.
        user.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in roles))
    return user


def make_case(*, author: User | None = None, published: bool = True, **fields) -> Case:
    defaults = {
        "title": "Calcific tendinitis of the gluteus maximus",
        "final_diagnosis": "Calcific tendinitis",
        "status": Case.Status.PUBLISHED if published else Case.Status.DRAFT,
        "published_at": timezone.now() if published else None,
        "licence": "CC-BY-4.0",
        "created_by": author,
    }
    defaults.update(fields)
    case = Case.objects.create(**defaults)
    if author is not None:
        CaseAuthor.objects.create(case=case, user=author)
    return case


API_PERSONAS = ["anonymous", "trainee", "author", "coauthor", "another_author", "editor"]


def signed_in_api_client(user: User | None):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def complete_case(author, coauthor, *, status: str = Case.Status.DRAFT, **fields) -> Case:
    """A case whose publication checklist is complete, in any state."""
    defaults = {
        "title": "Calcific tendinitis of the gluteus maximus",
        "final_diagnosis": "Calcific tendinitis",
        "diagnostic_certainty": Case.Certainty.CERTAIN,
        "licence": "CC-BY-4.0",
        "consent": Case.Consent.OBTAINED,
        "status": status,
        "created_by": author,
        "published_at": (
            timezone.now() if status in (Case.Status.PUBLISHED, Case.Status.RETRACTED) else None
        ),
    }
    defaults.update(fields)
    case = Case.objects.create(**defaults)
    CaseAuthor.objects.create(case=case, user=author, position=0)
    CaseAuthor.objects.create(case=case, user=coauthor, position=1)
    TeachingPoint.objects.create(case=case, text="Calcium near the linea aspera is tendinous.")
    study = Study.objects.create(case=case, modality="CT", label="CT pelvis")
    Figure.objects.create(
        study=study,
        label="Fig 1",
        alt_text="Axial CT with calcification posterior to the femur",
        status=Figure.ProcessingStatus.READY,
        thumbnail="derivatives/fig1-thumb.jpg",
    )
    return case


FITT_VP = {
    "frequency": "Three sessions a week",
    "intensity": "Light elastic band",
    "time": "20 minutes",
    "type": "Closed-chain hip exercises",
    "volume": "Two sets of ten",
    "progression": "Add resistance when pain-free",
    "precautions": "Stop if pain rises above 4/10",
}


def full_document() -> dict:
    document = empty_document()
    document.update(
        {
            "title": "Myositis ossificans of the vastus lateralis",
            "patient": {"age": 23, "age_unit": "years", "age_display": "23 years", "sex": "male"},
            "clinical_history": "A rugby player with a thigh haematoma after a tackle.",
            "imaging_findings": "Peripheral mineralisation of a thigh mass.",
            "studies": [
                {
                    "modality": "XR",
                    "label": "Radiograph of the femur",
                    "timing": "six weeks after injury",
                    "findings": "Faint peripheral calcification [1].",
                    "figures": [
                        {
                            "label": "Fig 1",
                            "caption": "Lateral view",
                            "alt_text": "Lateral radiograph of the femur",
                            "status": "not_supplied",
                            "annotations": [],
                        }
                    ],
                },
                {
                    "modality": "MR",
                    "label": "MRI thigh",
                    "timing": "",
                    "findings": "Oedema around a rim.",
                    "figures": [],
                },
            ],
            "sections": [
                {"kind": "background", "heading": "Background", "body": "Zoning phenomenon."},
                {"kind": "outcome", "heading": "Outcome", "body": "Resolved at one year."},
            ],
            "differential_diagnoses": [{"diagnosis": "Parosteal osteosarcoma", "note": "No stalk"}],
            "final_diagnosis": "Myositis ossificans",
            "diagnostic_certainty": "almost_certain",
            "certainty_basis": "clinical follow-up",
            "teaching_points": ["Mature rim first, centre last.", "Avoid early biopsy."],
            "rehabilitation": FITT_VP,
            "commentaries": [
                {
                    "provenance": "machine_generated",
                    "heading": "Automated analysis",
                    "body": "Likely myositis ossificans.",
                    "disclaimer": "Not medical advice.",
                    "rehabilitation": FITT_VP,
                    "verified_by": None,
                    "verified_at": None,
                }
            ],
            "references": [
                {
                    "number": 1,
                    "citation": "A review of heterotopic ossification.",
                    "doi": "10.1000/example",
                    "pmid": "",
                    "url": "",
                }
            ],
            "tags": [
                {"name": "heterotopic ossification", "scheme": "custom", "code": ""},
                {"name": "myositis ossificans", "scheme": "radlex", "code": "RID4736"},
            ],
            "systems": ["musculoskeletal", "trauma"],
            "difficulty": "resident",
            "rights": {
                "licence": "CC-BY-4.0",
                "copyright_holder": "The authors",
                "attribution": "Dr A Author",
                "source": "",
                "consent": "waived",
                "consent_statement": "Consent was waived by the ethics board.",
            },
            "authors": [
                {"username": None, "name": "Dr External", "affiliation": "Elsewhere", "orcid": ""}
            ],
            "in_unknown_mode": True,
            "questions": [
                {
                    "stem": "What is the most likely diagnosis?",
                    "options": ["Osteosarcoma", "Myositis ossificans"],
                    "answer": 1,
                    "explanation": "Zoning.",
                }
            ],
        }
    )
    return document


DIAGNOSIS = "Calcific tendinitis of the gluteus maximus"
TITLE = "Gluteal calcific tendinitis at the linea aspera"
HISTORY = (
    "A 57-year-old man presented with a one-month history of severe worsening left buttock pain."
)
# What each stage adds; none of it may reach the browser before its stage.
FINDINGS_SECRETS = (
    "Findings-secret amorphous focus",
    "Study-findings-secret",
    "Caption-secret",
    "Alt-secret",
    "Annotation-secret",
)
DIAGNOSIS_SECRETS = (
    DIAGNOSIS,
    TITLE,
    "Tag-secret",
    "Differential-secret",
    "Explanation-secret",
    "Basis-secret",
)
# The title's slug, in the case page's URL: given with the link to the whole case.
SLUG = "gluteal-calcific-tendinitis-at-the-linea-aspera"
DISCUSSION_SECRETS = ("Discussion-secret", "Teaching-secret", "Reference-secret")
QUESTION_ANSWER = 2


def add_ready_figure(study: Study, **fields) -> Figure:
    figure = Figure.objects.create(study=study, **fields)
    figure.thumbnail.save(f"thumb-{figure.pk}.jpg", ContentFile(jpeg_bytes()), save=False)
    figure.status = Figure.ProcessingStatus.READY
    figure.save(update_fields=["thumbnail", "status"])
    return figure


def make_unknown(
    author=None, *, questions: int = 1, figures: int = 1, parts: int = 1, **fields
) -> Case:
    """A published case offered as an unknown, with a marked secret in every revealed part."""
    defaults = {
        "title": TITLE,
        "final_diagnosis": DIAGNOSIS,
        "diagnostic_certainty": Case.Certainty.CERTAIN,
        "certainty_basis": "Basis-secret: follow-up",
        "in_unknown_mode": True,
        "patient_age": 57,
        "patient_age_unit": Case.AgeUnit.YEARS,
        "patient_sex": Case.Sex.MALE,
        "clinical_history": HISTORY,
        "imaging_findings": "Findings-secret amorphous focus at the insertion.",
    }
    defaults.update(fields)
    case = make_case(author=author, **defaults)
    study = Study.objects.create(
        case=case, modality="CT", label="CT pelvis", findings="Study-findings-secret"
    )
    for number in range(figures):
        add_ready_figure(
            study,
            position=number,
            label=f"Fig {number + 1}",
            caption="Caption-secret: calcification at the insertion",
            alt_text="Alt-secret: axial CT",
            annotations=[
                {"type": "text", "x": 0.5, "y": 0.5, "label": "Annotation-secret"},
            ],
        )
    tag, _ = Tag.objects.get_or_create(name="Tag-secret")
    case.tags.add(tag)
    case.systems.add(System.objects.get(code="musculoskeletal"))
    for number in range(parts):
        DifferentialDiagnosis.objects.create(
            case=case, position=number, diagnosis=f"Differential-secret {number}"
        )
        Section.objects.create(
            case=case, position=number, kind="discussion", body=f"Discussion-secret {number} [1]"
        )
        TeachingPoint.objects.create(case=case, position=number, text=f"Teaching-secret {number}")
    Reference.objects.create(case=case, number=1, citation="Reference-secret et al.")
    for number in range(questions):
        QuizQuestion.objects.create(
            case=case,
            position=number,
            stem=f"Question {number + 1}: where does the gluteus maximus insert?",
            options=["Greater trochanter", "Iliac crest", "Linea aspera", "Ischial tuberosity"],
            answer=QUESTION_ANSWER,
            explanation=f"Explanation-secret {number}",
        )
    return case


def make_attempt(user, case, **fields) -> Attempt:
    now = timezone.now()
    defaults = {
        "case_version": case.version,
        "answer": "Gluteal tendinopathy",
        "started_at": now - datetime.timedelta(minutes=2),
        "answered_at": now,
        "duration_seconds": 120,
    }
    defaults.update(fields)
    return Attempt.objects.create(user=user, case=case, **defaults)


def assign(case: Case, reviewer, status=Review.Status.ASSIGNED) -> Review:
    return Review.objects.create(
        case=case,
        reviewer=reviewer,
        case_version=case.version,
        due_date=datetime.date.today() + datetime.timedelta(days=14),
        status=status,
    )


def wait_until_processed(figure: Figure, worker, log, *, seconds: float = 120) -> Figure:
    """Wait for a real worker (`celery_worker_process`) to finish a figure; fail with its log
    when it stops."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        figure.refresh_from_db()
        if figure.status not in ("pending", "processing"):
            break
        assert worker.poll() is None, log.read_text()
        time.sleep(0.5)
    assert figure.status == "ready", log.read_text()
    return figure


def add_revisions(case: Case, count: int, by) -> None:
    for number in range(count):
        case.clinical_history = f"History, take {number}."
        case.save()
        record_revision(case, kind=Revision.Kind.EDITED, by=by, summary=f"Edit {number}")


def published(title: str = "Osteoid osteoma of the femoral neck", **fields) -> Case:
    """A published case with one processed figure."""
    case = make_case(title=title, **fields)
    study = Study.objects.create(case=case, modality="CT", label="CT hip")
    Figure.objects.create(
        study=study,
        label="Fig 1",
        alt_text="Axial CT of the hip",
        status=Figure.ProcessingStatus.READY,
        thumbnail="derivatives/fig-thumb.jpg",
        web="derivatives/fig-web.jpg",
        full="derivatives/fig-full.jpg",
    )
    return case


def collection_of(
    owner, *cases: Case, visibility: str = Collection.Visibility.PRIVATE, title: str = "Hip pain"
):
    collection = collections.create_collection(owner=owner, title=title, visibility=visibility)
    for case in cases:
        collections.add_to_collection(collection=collection, case=case, by=owner)
    return collection


def positions_of(collection: Collection) -> list[int]:
    return list(collection.items.order_by("position").values_list("position", flat=True))


def titles_in(collection: Collection) -> list[str]:
    return list(collection.items.order_by("position").values_list("case__title", flat=True))


class Clock:
    """A frozen `timezone.now()` that a test moves forward by hand."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


REASON = "Names the patient's ward and bed."


def make_comment(case: Case, author, body: str = "The ward 7 patient, bed 3, had this too.", **kw):
    return Comment.objects.create(case=case, author=author, body=body, **kw)


def report(reporter, *, comment=None, case=None, reason=Flag.Reason.PATIENT_DATA, note=""):
    return Flag.objects.create(
        reporter=reporter, comment=comment, case=case, reason=reason, note=note
    )


def complete_draft(author, **fields) -> Case:
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


def case_under_review_with_two_revisions(author, coauthor) -> Case:
    """A case under review, written by `author` and `coauthor`, with two revisions."""
    case = make_case(author=author, published=False, status=Case.Status.IN_REVIEW)
    CaseAuthor.objects.create(case=case, user=coauthor, position=1)
    TeachingPoint.objects.create(case=case, position=0, text="Calcification can mimic infection.")
    record_revision(case, kind=Revision.Kind.CREATED, by=author)
    case.clinical_history = "Acute right hip pain for three days."
    case.save()
    TeachingPoint.objects.create(case=case, position=1, text="Look for cortical erosion.")
    record_revision(
        case, kind=Revision.Kind.EDITED, by=coauthor, summary="Clinical history, teaching points"
    )
    return case
