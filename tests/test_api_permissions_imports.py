"""The API's permission matrix for bulk import jobs.

Authors import; everyone signed in lists their own jobs (an empty list for most); a job is seen
only by the person who uploaded it, and is a 404 to anyone else.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from rest_framework.test import APIClient

from interchange.models import ImportJob

from .matrix import AUTHORS, PERSONAS, Rollback, Row, expect, only, world  # noqa: F401

REPORT = b"Osteoid osteoma of the proximal tibia\nCLINICAL HISTORY\nNight pain in the shin.\n"

ROWS = [
    Row("GET", "/api/v1/imports/", {}, expect(200, anonymous=401)),
    Row(
        "POST",
        "/api/v1/imports/",
        {},
        only(202, *AUTHORS, "other_author", others=403, anonymous=401),
        multipart=True,
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


def request_as(row: Row, persona: str, people, objects) -> int:
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(people[persona])
    path = row.path
    for parameter, name in row.ids.items():
        path = path.replace("{" + parameter + "}", str(objects[name].pk))
    if row.multipart:
        files = [SimpleUploadedFile("osteoid-osteoma.txt", REPORT)]
        return client.post(path, {"files": files}, format="multipart").status_code
    return client.generic(row.method, path).status_code


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_persona_gets_the_expected_status(imports_world, row):
    people, objects = imports_world
    got = {}
    for persona in PERSONAS:
        cache.clear()
        try:
            with transaction.atomic():
                got[persona] = request_as(row, persona, people, objects)
                raise Rollback
        except Rollback:
            pass
    assert got == row.statuses
