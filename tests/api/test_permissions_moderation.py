"""The permission matrix of /api/v1/moderation/: moderators only; other members 403, anonymous 401.

Rows are collected by tests/api/test_permissions.py, which fails when an operation of the schema
has no row.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from community.models import Comment, Flag
from tests.api.matrix import Row, only, statuses_for, world  # noqa: F401
from tests.factories import make_user

MODERATORS_ONLY = only(200, "moderator", others=403, anonymous=401)
REASON = {"reason": "Identifies the patient."}

ROWS = [
    Row("GET", "/api/v1/moderation/flags/", {}, MODERATORS_ONLY),
    Row(
        "POST",
        "/api/v1/moderation/flags/{id}/dismiss/",
        {"id": "comment_flag"},
        MODERATORS_ONLY,
        body=REASON,
    ),
    Row(
        "POST",
        "/api/v1/moderation/comments/{id}/hide/",
        {"id": "flagged_comment"},
        MODERATORS_ONLY,
        body=REASON,
    ),
    Row(
        "POST",
        "/api/v1/moderation/comments/{id}/restore/",
        {"id": "hidden_comment"},
        MODERATORS_ONLY,
        body=REASON,
    ),
    Row(
        "POST",
        "/api/v1/moderation/comments/{id}/delete/",
        {"id": "flagged_comment"},
        MODERATORS_ONLY,
        body=REASON,
    ),
    Row(
        "POST",
        "/api/v1/moderation/cases/{id}/unpublish/",
        {"id": "published"},
        MODERATORS_ONLY,
        body=REASON,
    ),
    Row(
        "POST",
        "/api/v1/moderation/users/{id}/suspend/",
        {"id": "member"},
        MODERATORS_ONLY,
        body=REASON,
    ),
    Row(
        "POST",
        "/api/v1/moderation/users/{id}/reinstate/",
        {"id": "suspended_member"},
        MODERATORS_ONLY,
        body=REASON,
    ),
    Row("GET", "/api/v1/moderation/actions/", {}, MODERATORS_ONLY),
]


@pytest.fixture
def moderation_world(world):  # noqa: F811
    people, objects = world
    published = objects["published"]
    member = make_user("member", "trainee")
    flagged = Comment.objects.create(case=published, author=member, body="Ward 7, bed 3.")
    hidden = Comment.objects.create(
        case=published, author=member, body="Bed 4.", status=Comment.Status.HIDDEN
    )
    flag = Flag.objects.create(
        reporter=people["trainee"], comment=flagged, reason=Flag.Reason.PATIENT_DATA
    )
    Flag.objects.create(reporter=people["trainee"], case=published, reason=Flag.Reason.COPYRIGHT)
    suspended = make_user("suspended_member", "trainee", suspended_at=timezone.now())
    objects = {
        **objects,
        "member": member,
        "suspended_member": suspended,
        "flagged_comment": flagged,
        "hidden_comment": hidden,
        "comment_flag": flag,
    }
    return people, objects


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_persona_gets_the_expected_status(moderation_world, row):
    people, objects = moderation_world
    assert statuses_for(row, people, objects) == row.statuses
