"""Reads carry an ETag and answer 304 Not Modified while nothing a reader sees has changed;
the case's ETag still names its version for writes (If-Match)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.services import create_token
from api.concurrency import etag
from cases.models import Case, Study
from tests.factories import add_ready_figure, make_case

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def token_client(user) -> APIClient:
    _, key = create_token(user, name="Conditional reads")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def clients(trainee) -> dict[str, APIClient]:
    return {"anonymous": APIClient(), "token": token_client(trainee)}


def revalidated(client: APIClient, url: str) -> tuple[int, int]:
    """The status of a read, then of the same read sent with its ETag in If-None-Match."""
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    if again.status_code == 304:
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
    return first.status_code, again.status_code


@pytest.mark.parametrize("who", ["anonymous", "token"])
@pytest.mark.parametrize(
    "url", [CASES, f"{CASES}?q=tendinitis", "/api/v1/tags/", "/api/v1/licences/"]
)
def test_a_read_unchanged_since_is_not_sent_again(clients, who, url, author):
    make_case(author=author)
    assert revalidated(clients[who], url) == (200, 304)


@pytest.mark.parametrize("who", ["anonymous", "token"])
def test_a_case_unchanged_since_is_not_sent_again(clients, who, author):
    case = make_case(author=author)
    assert revalidated(clients[who], f"{CASES}{case.pk}/") == (200, 304)


def test_the_list_is_sent_again_once_it_changed(author):
    client = APIClient()
    before = client.get(CASES)
    make_case(author=author, title="Osteoid osteoma")
    after = client.get(CASES, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]


def test_a_figure_added_without_a_new_version_is_sent_again(author):
    """Figures are uploaded (and processed) outside the case's version: the version alone
    would answer 304 with a case missing its new figure."""
    case = make_case(author=author)
    study = Study.objects.create(case=case, modality="CT")
    client = APIClient()
    before = client.get(f"{CASES}{case.pk}/")
    add_ready_figure(study)
    assert Case.objects.get(pk=case.pk).version == case.version
    for url in (f"{CASES}{case.pk}/", f"{CASES}{case.pk}/studies/"):
        after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
        assert after.status_code == 200
        assert after["ETag"].startswith(etag(case)[:-1] + ".")
        assert after["ETag"] != before["ETag"]


def test_the_etag_of_a_read_is_accepted_for_a_write_and_a_stale_one_refused(author):
    draft = make_case(author=author, published=False)
    client = APIClient()
    client.force_authenticate(author)
    read = client.get(f"{CASES}{draft.pk}/")
    edited = client.patch(
        f"{CASES}{draft.pk}/",
        {"title": "Osteoid osteoma"},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert edited.status_code == 200
    assert edited["ETag"] == etag(Case.objects.get(pk=draft.pk))
    stale = client.patch(
        f"{CASES}{draft.pk}/", {"title": "Again"}, format="json", HTTP_IF_MATCH=read["ETag"]
    )
    assert stale.status_code == 412
    reread = client.get(f"{CASES}{draft.pk}/", HTTP_IF_NONE_MATCH=read["ETag"])
    assert reread.status_code == 200
    assert reread.json()["title"] == "Osteoid osteoma"


def test_writes_are_never_answered_not_modified(author):
    draft = make_case(author=author, published=False)
    client = APIClient()
    client.force_authenticate(author)
    read = client.get(f"{CASES}{draft.pk}/")
    response = client.patch(
        f"{CASES}{draft.pk}/",
        {"title": "Osteoid osteoma"},
        format="json",
        HTTP_IF_MATCH=etag(draft),
        HTTP_IF_NONE_MATCH=read["ETag"],
    )
    assert response.status_code == 200
