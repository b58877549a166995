"""The API's permission matrix for tokens, cases, studies, figures, reviews and the rest of v1.

A test fails when the schema lists an operation that has no row in any
`test_api_permissions*.py` module: a new endpoint needs its permissions written down.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.api.matrix import AUTHORS, SIGNED_IN, WRITE, Row, expect, only, statuses_for, world  # noqa: F401

ROWS = [
    # Tokens
    Row(
        "POST",
        "/api/v1/auth/token/",
        {},
        expect(201),
        body={"username": "author", "password": "correct-horse-battery", "name": "Script"},
        signs_in_by_body=True,
        note="the author's credentials",
    ),
    Row("GET", "/api/v1/tokens/", {}, expect(200, anonymous=401)),
    Row("POST", "/api/v1/tokens/", {}, expect(201, anonymous=401), body={"name": "Script"}),
    Row("GET", "/api/v1/tokens/{id}/", {"id": "token"}, only(200, "author", anonymous=401)),
    Row("DELETE", "/api/v1/tokens/{id}/", {"id": "token"}, only(204, "author", anonymous=401)),
    # Cases
    Row("GET", "/api/v1/cases/", {}, expect(200)),
    Row(
        "POST",
        "/api/v1/cases/",
        {},
        only(201, *AUTHORS, "other_author", others=403, anonymous=401),
        body={"title": "Chondroblastoma of the proximal tibia"},
    ),
    Row("GET", "/api/v1/cases/{id}/", {"id": "published"}, expect(200), note="published"),
    Row("GET", "/api/v1/cases/{id}/", {"id": "draft"}, only(200, *AUTHORS), note="draft"),
    Row(
        "GET",
        "/api/v1/cases/{id}/",
        {"id": "in_review"},
        only(200, *AUTHORS, "reviewer", "editor"),
        note="in review",
    ),
    Row(
        "PATCH",
        "/api/v1/cases/{id}/",
        {"id": "draft"},
        only(200, *AUTHORS, anonymous=401),
        body={"final_diagnosis": "Osteoid osteoma"},
        if_match="draft",
        note="draft",
    ),
    Row(
        "PATCH",
        "/api/v1/cases/{id}/",
        {"id": "in_review"},
        only(403, *AUTHORS, "reviewer", "editor", anonymous=401),
        body={"final_diagnosis": "Osteoid osteoma"},
        if_match="in_review",
        note="in review: content frozen",
    ),
    Row(
        "PATCH",
        "/api/v1/cases/{id}/",
        {"id": "published"},
        expect(403, anonymous=401),
        body={"final_diagnosis": "Osteoid osteoma"},
        if_match="published",
        note="published: only through a new revision",
    ),
    Row(
        "DELETE",
        "/api/v1/cases/{id}/",
        {"id": "draft"},
        {**only(204, "author", anonymous=401), "coauthor": 403},
    ),
    Row("GET", "/api/v1/cases/{id}/export/", {"id": "published"}, expect(200)),
    Row("GET", "/api/v1/cases/{id}/actions/", {"id": "draft"}, only(200, *AUTHORS)),
    Row(
        "POST",
        "/api/v1/cases/{id}/submit/",
        {"id": "draft"},
        only(200, *AUTHORS, anonymous=401),
        body={"note": "Ready for review"},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/withdraw/",
        {"id": "submitted"},
        {**only(200, *AUTHORS, anonymous=401), "editor": 403},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/reopen/",
        {"id": "withdrawn"},
        only(200, *AUTHORS, anonymous=401),
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/assign-reviewer/",
        {"id": "in_review"},
        {**only(201, "editor", anonymous=401), **dict.fromkeys((*AUTHORS, "reviewer"), 403)},
        body={"reviewer": "unassigned_reviewer"},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/decide/",
        {"id": "in_review"},
        {**only(200, "editor", anonymous=401), **dict.fromkeys((*AUTHORS, "reviewer"), 403)},
        body={"decision": "request_changes", "message": "Add the follow-up CT."},
    ),
    # Nobody has reviewed the case: accepting it asks the editor to confirm.
    Row(
        "POST",
        "/api/v1/cases/{id}/decide/",
        {"id": "in_review"},
        {**only(400, "editor", anonymous=401), **dict.fromkeys((*AUTHORS, "reviewer"), 403)},
        body={"decision": "accept"},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/decide/",
        {"id": "in_review"},
        {**only(200, "editor", anonymous=401), **dict.fromkeys((*AUTHORS, "reviewer"), 403)},
        body={"decision": "accept", "without_review": True},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/return-to-draft/",
        {"id": "in_review"},
        {**only(200, "editor", anonymous=401), **dict.fromkeys((*AUTHORS, "reviewer"), 403)},
        body={"reason": "Wrong case type"},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/publish/",
        {"id": "accepted"},
        {**only(200, "editor", anonymous=401), **dict.fromkeys(AUTHORS, 403)},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/retract/",
        {"id": "published"},
        expect(403, anonymous=401, editor=200),
        body={"reason": "Duplicate of another case"},
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/revise/",
        {"id": "published"},
        expect(403, anonymous=401, author=201, coauthor=201),
    ),
    Row(
        "POST",
        "/api/v1/cases/{id}/verify-commentary/",
        {"id": "in_review"},
        {**only(200, "editor", "reviewer", anonymous=401), **dict.fromkeys(AUTHORS, 403)},
        body={"commentary": 0},
    ),
    # Studies and figures
    Row("GET", "/api/v1/cases/{case_id}/studies/", {"case_id": "draft"}, only(200, *AUTHORS)),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/studies/",
        {"case_id": "draft"},
        only(201, *AUTHORS, anonymous=401),
        body={"modality": "MR", "label": "MRI hip"},
        if_match="draft",
    ),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/studies/{study_id}/",
        {"case_id": "published", "study_id": "published_study"},
        expect(200),
    ),
    Row(
        "PATCH",
        "/api/v1/cases/{case_id}/studies/{study_id}/",
        {"case_id": "draft", "study_id": "draft_study"},
        only(200, *AUTHORS, anonymous=401),
        body={"findings": "A lucent nidus."},
        if_match="draft",
    ),
    Row(
        "DELETE",
        "/api/v1/cases/{case_id}/studies/{study_id}/",
        {"case_id": "draft", "study_id": "draft_study"},
        only(204, *AUTHORS, anonymous=401),
        if_match="draft",
    ),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/figures/",
        {"case_id": "published"},
        expect(200),
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/figures/",
        {"case_id": "draft"},
        only(202, *AUTHORS, anonymous=401),
        body={"study": "draft_study", "label": "Fig 2"},
        multipart=True,
        if_match="draft",
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/figures/",
        {"case_id": "published"},
        expect(403, anonymous=401),
        body={"study": "published_study", "label": "Fig 2"},
        multipart=True,
        note="published: only through a new revision",
    ),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/figures/{figure_id}/",
        {"case_id": "draft", "figure_id": "draft_figure"},
        only(200, *AUTHORS),
    ),
    Row(
        "PATCH",
        "/api/v1/cases/{case_id}/figures/{figure_id}/",
        {"case_id": "draft", "figure_id": "draft_figure"},
        only(200, *AUTHORS, anonymous=401),
        body={"caption": "Axial CT: a calcified nidus."},
        if_match="draft",
    ),
    Row(
        "DELETE",
        "/api/v1/cases/{case_id}/figures/{figure_id}/",
        {"case_id": "draft", "figure_id": "draft_figure"},
        only(204, *AUTHORS, anonymous=401),
        if_match="draft",
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/figures/{figure_id}/attest-clean/",
        {"case_id": "draft", "figure_id": "quarantined_figure"},
        only(200, *AUTHORS, anonymous=401),
        body={"checked": True, "note": "The text is a side marker only."},
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/figures/{figure_id}/redact/",
        {"case_id": "draft", "figure_id": "quarantined_figure"},
        only(200, *AUTHORS, anonymous=401),
        body={"regions": [{"x": 0.0, "y": 0.0, "width": 0.2, "height": 0.1}]},
    ),
    # Revisions
    Row(
        "GET",
        "/api/v1/cases/{case_id}/revisions/",
        {"case_id": "draft"},
        only(200, *AUTHORS, anonymous=401),
    ),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/revisions/{number}/",
        {"case_id": "in_review", "number": "first_revision"},
        only(200, *AUTHORS, "reviewer", "editor", anonymous=401),
    ),
    # Reviews
    Row("GET", "/api/v1/reviews/", {}, expect(200, anonymous=401)),
    Row(
        "GET",
        "/api/v1/reviews/{id}/",
        {"id": "open_review"},
        only(200, "reviewer", "editor", anonymous=401),
    ),
    Row(
        "POST",
        "/api/v1/reviews/{id}/submit/",
        {"id": "open_review"},
        {**only(200, "reviewer", anonymous=401), "editor": 403},
        body={"recommendation": "minor_changes", "comments_to_authors": "Add a coronal image."},
    ),
    Row(
        "POST",
        "/api/v1/reviews/{id}/decline/",
        {"id": "open_review"},
        {**only(200, "reviewer", anonymous=401), "editor": 403},
        body={"reason": "On leave"},
    ),
    Row(
        "POST",
        "/api/v1/reviews/{id}/cancel/",
        {"id": "open_review"},
        {**only(200, "editor", anonymous=401), "reviewer": 403},
    ),
    Row(
        "POST",
        "/api/v1/reviews/{id}/answer/",
        {"id": "completed_review"},
        {**only(200, *AUTHORS, anonymous=401), "reviewer": 403, "editor": 403},
        body={"response": "The coronal image is added."},
    ),
    # Notifications, reference lists, me
    Row("GET", "/api/v1/notifications/", {}, expect(200, anonymous=401)),
    Row(
        "GET",
        "/api/v1/notifications/{id}/",
        {"id": "notification"},
        only(200, "author", anonymous=401),
    ),
    Row(
        "POST",
        "/api/v1/notifications/{id}/read/",
        {"id": "notification"},
        only(200, "author", anonymous=401),
    ),
    Row("POST", "/api/v1/notifications/read-all/", {}, expect(200, anonymous=401)),
    Row("GET", "/api/v1/tags/", {}, expect(200)),
    Row("GET", "/api/v1/licences/", {}, expect(200)),
    Row("GET", "/api/v1/me/", {}, expect(200, anonymous=401)),
    Row("PATCH", "/api/v1/me/", {}, expect(200, anonymous=401), body={"display_name": "Dr Z"}),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_persona_gets_the_expected_status(world, row):  # noqa: F811
    people, objects = world
    assert statuses_for(row, people, objects) == row.statuses


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def all_rows() -> list[Row]:
    """The rows of every permission-matrix module of the suite."""
    rows = []
    for module_path in sorted(Path(__file__).parent.glob("test_permissions*.py")):
        rows.extend(importlib.import_module(f"tests.api.{module_path.stem}").ROWS)
    return rows


def test_every_operation_of_the_schema_has_a_row(db):
    covered = {(row.method, row.path) for row in all_rows()}
    assert schema_operations() - covered == set()
    assert covered - schema_operations() == set()
