"""The API's permission matrix for bulk import jobs.

Authors import; everyone signed in lists their own jobs (an empty list for most); a job is seen
only by the person who uploaded it, and is a 404 to anyone else.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interchange.models import ImportJob
from tests.api.matrix import AUTHORS, Row, expect, only, statuses_for, world  # noqa: F401

REPORT = b"Osteoid osteoma of the proximal tibia\nCLINICAL HISTORY\nNight pain in the shin.\n"

ROWS = [
    Row("GET", "/api/v1/imports/", {}, expect(200, anonymous=401)),
    Row(
        "POST",
        "/api/v1/imports/",
        {},
        only(202, *AUTHORS, "other_author", others=403, anonymous=401),
        multipart=True,
        uploads=lambda: {"files": [SimpleUploadedFile("osteoid-osteoma.txt", REPORT)]},
    ),
    Row(
        "GET",
        "/api/v1/imports/{id}/",
        {"id": "import_job"},
        only(200, "author", anonymous=401),
    ),
]


@pytest.fixture
def imports_world(world):  # noqa: F811
    people, objects = world
    job = ImportJob.objects.create(owner=people["author"], status=ImportJob.Status.DONE)
    return people, {**objects, "import_job": job}


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_persona_gets_the_expected_status(imports_world, row):
    people, objects = imports_world
    assert statuses_for(row, people, objects) == row.statuses
