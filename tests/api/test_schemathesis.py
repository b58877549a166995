"""Schemathesis against the live schema: every operation, as an author with a token and
anonymously, with no server error and every answer as the schema describes it.

Requests go through the WSGI application in-process (no server, no network), inside the test's
database transaction. Path ids are drawn partly from the rows seeded below, so that operations
reach real cases, studies, figures, reviews, revisions, notifications and tokens, and not only
404s. Hypothesis runs derandomized with few examples per operation: the same requests on every
run, quick enough for every run of the suite.
"""

from __future__ import annotations

import datetime
import io

import hypothesis
import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from schemathesis.generation import GenerationMode

from accounts.models import ApiToken
from accounts.services import create_token
from cases import services
from cases.models import Case, Figure, Revision, Study
from imaging import processing, uploads
from notifications.models import Notification
from reviews import services as review_services
from reviews.models import Review
from tests.api.schemathesis_run import CONFIG, draw_seeded_ids, run
from tests.factories import complete_case, make_user


def radiograph_upload() -> SimpleUploadedFile:
    image = Image.new("L", (96, 96), 20)
    ImageDraw.Draw(image).rectangle((30, 10, 60, 86), fill=210)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    return SimpleUploadedFile("hip.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def seeded(author, coauthor, reviewer, editor):
    return seed(author, coauthor, reviewer, editor)


def seed(author, coauthor, reviewer, editor) -> dict:
    """Cases in several states, with their studies, figures, reviews, revisions and
    notifications, and the author's token; returns the ids each path parameter may take.
    (benchmarks/schema_conformance.py seeds its database with it too.)"""
    draft = complete_case(author, coauthor, title="Osteoid osteoma of the femoral neck")
    study = Study.objects.create(case=draft, modality="XR", label="Radiograph pelvis")
    figure = uploads.add_figure(study, upload=radiograph_upload(), by=author, label="Fig 2")
    processing.process_figure(figure.pk)

    submitted = complete_case(author, coauthor, title="Sacral insufficiency fracture")
    services.submit_case(submitted, by=author)
    review_services.assign_reviewer(
        submitted,
        by=editor,
        reviewer=reviewer,
        due_date=datetime.date.today() + datetime.timedelta(days=14),
    )

    published = complete_case(author, coauthor, title="Pigmented villonodular synovitis")
    services.submit_case(published, by=author)
    services.accept_case(published, by=editor, without_review=True)
    services.publish_case(published, by=editor)

    # Cases the author does not write: one they may read, one they may not see at all.
    other = make_user("other", "author")
    theirs = complete_case(other, coauthor, title="Hip bursitis", status=Case.Status.PUBLISHED)
    hidden = complete_case(other, coauthor, title="Calcific tendinopathy")

    create_token(author, name="Schemathesis")
    _, key = create_token(author, name="The program under test")
    cases = [draft, submitted, published, theirs, hidden]
    return {
        "key": key,
        "case": [case.pk for case in cases],
        "study": list(Study.objects.values_list("pk", flat=True)),
        "figure": list(Figure.objects.values_list("pk", flat=True)),
        "review": list(Review.objects.values_list("pk", flat=True)),
        "revision": sorted(set(Revision.objects.values_list("number", flat=True))) or [1],
        "notification": list(Notification.objects.values_list("pk", flat=True)),
        "token": list(ApiToken.objects.values_list("pk", flat=True)),
    }


def kind_of_id(path: str, name: str) -> str | None:
    """Which rows a path parameter names: `case_id`, `study_id`, … or the `id` of the resource
    the path is about (/cases/{id}/, /reviews/{id}/ …)."""
    if name == "number":
        return "revision"
    if name.endswith("_id"):
        return name.removesuffix("_id")
    if name in ("id", "pk"):
        resource = path.split("/{")[0].rstrip("/").rsplit("/", 1)[-1]
        return {
            "cases": "case",
            "studies": "study",
            "figures": "figure",
            "reviews": "review",
            "revisions": "revision",
            "notifications": "notification",
            "tokens": "token",
        }.get(resource)
    return None


@pytest.fixture
def api_schema(db, seeded, no_throttling, one_connection):
    from teachingfile.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=CONFIG)
    return draw_seeded_ids(schema, seeded, kind_of_id)


def exercise(
    schema, headers: dict[str, str], mode: GenerationMode
) -> tuple[dict[str, set[int]], list[str]]:
    """Every operation with valid or invalid data: the statuses each operation answered, and
    each failure (operation, check, and the request as a curl command)."""
    statuses, failures = {}, []
    for result in schema.get_all_operations():
        operation = result.ok()
        answered = statuses.setdefault(operation.label, set())
        try:
            run(operation, mode, headers, answered)
        except hypothesis.errors.Unsatisfiable:
            # No invalid request exists: every value a path segment can hold is valid.
            pass
        except (Exception, BaseExceptionGroup) as failure:
            # Reported at the end, so that one run shows every operation that fails.
            failures.append(f"{operation.label} ({mode.value}): {str(failure)[:4000]}")
    return statuses, failures


# Valid and invalid data are separate tests, so that parallel workers share the run.
MODES = pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda mode: mode.value
)


@MODES
def test_every_operation_answers_an_author_with_a_token_as_the_schema_says(
    api_schema, seeded, mode
):
    statuses, failures = exercise(api_schema, {"Authorization": f"Token {seeded['key']}"}, mode)
    assert not failures, "\n\n".join(failures)
    if mode == GenerationMode.POSITIVE:
        # The seeded rows are reached: many operations answered valid data with success.
        succeeded = [label for label, codes in statuses.items() if any(c < 300 for c in codes)]
        assert len(succeeded) > len(statuses) / 3, sorted(statuses.items())


@MODES
def test_every_operation_answers_an_anonymous_visitor_as_the_schema_says(api_schema, mode):
    statuses, failures = exercise(api_schema, {}, mode)
    assert not failures, "\n\n".join(failures)
    if mode == GenerationMode.POSITIVE:
        # Every operation answered; invalid data may not exist for some (Unsatisfiable).
        assert all(codes for codes in statuses.values())
