"""Serving images at signed addresses: whoever was given one may fetch it until it expires,
with no session; anything unsigned, expired or altered is not found."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import create_token
from cases import media_urls, workflow_services
from cases.models import Case, Figure, FigureFrame, Study
from tests.factories import add_ready_figure, complete_case, make_case
from tests.files import jpeg_bytes
from tests.media import START, fetch, path_of, query_of

pytestmark = pytest.mark.django_db


class NoLocalPathStorage(FileSystemStorage):
    """Object storage as the media views see it: no path on this machine, its own addresses."""

    def path(self, name: str) -> str:
        raise NotImplementedError("This storage has no local paths.")

    def url(self, name: str, expire: int | None = None) -> str:
        return f"https://objects.example.org/{name}?lifetime={expire}"


@pytest.fixture
def published_figure(author) -> Figure:
    study = Study.objects.create(case=make_case(author=author), modality="CT")
    return add_ready_figure(study, label="Fig 1", alt_text="Axial CT")


def with_web_image(figure: Figure) -> Figure:
    figure.web.save(f"web-{figure.pk}.jpg", ContentFile(jpeg_bytes()))
    return figure


def token_client(user) -> APIClient:
    _, key = create_token(user, name="Image fetcher")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def image_sources(html: str) -> list[str]:
    return [unescape(src) for src in re.findall(r'<img[^>]* src="([^"]+)"', html)]


def with_query(address: str, **changes: str) -> str:
    query = {**query_of(address), **changes}
    return path_of(address) + "?" + "&".join(f"{name}={value}" for name, value in query.items())


# --- Who can fetch -------------------------------------------------------------------------------


def test_a_token_client_fetches_its_own_drafts_thumbnails_from_the_addresses_the_api_gives(author):
    draft = make_case(author=author, published=False)
    figure = add_ready_figure(Study.objects.create(case=draft, modality="XR"), label="Fig 1")
    client = token_client(author)
    body = client.get(f"/api/v1/cases/{draft.pk}/figures/{figure.pk}/").json()
    response = client.get(body["images"]["thumbnail"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "sessionid" not in client.cookies
    assert fetch(body["images"]["thumbnail"]).status_code == 200


def test_an_anonymous_reader_fetches_a_published_cases_image_from_the_pages_address(
    author, coauthor
):
    case = complete_case(author, coauthor, status=Case.Status.PUBLISHED)
    study = Study.objects.create(case=case, modality="CT")
    figure = with_web_image(add_ready_figure(study, label="Fig 1"))
    html = Client().get(case.get_absolute_url()).content.decode()
    [address] = [src for src in image_sources(html) if f"/figures/{figure.pk}/" in src]
    response = Client().get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_a_trainee_is_given_no_address_for_a_draft(author, trainee):
    draft = make_case(author=author, published=False)
    add_ready_figure(Study.objects.create(case=draft, modality="XR"), label="Fig 1")
    client = token_client(trainee)
    assert client.get(f"/api/v1/cases/{draft.pk}/figures/").status_code == 404
    response = Client()
    response.force_login(trainee)
    assert response.get(draft.get_absolute_url()).status_code == 404


def test_addresses_given_before_a_case_is_retracted_work_only_until_they_expire(
    clock, author, coauthor, editor
):
    case = complete_case(author, coauthor, status=Case.Status.PUBLISHED)
    study = Study.objects.create(case=case, modality="CT")
    figure = with_web_image(add_ready_figure(study, label="Fig 1"))
    api = f"/api/v1/cases/{case.pk}/figures/{figure.pk}/"
    given = APIClient().get(api).json()["images"]["web"]
    workflow_services.retract_case(
        Case.objects.get(pk=case.pk), by=editor, reason="Duplicate publication."
    )
    # No new address for anonymous readers: the case is gone for them.
    assert APIClient().get(api).status_code == 404
    assert Client().get(case.get_absolute_url()).status_code == 404
    # The one given still works, until it expires.
    clock.now = int(query_of(given)["expires"]) - 1
    assert fetch(given).status_code == 200
    clock.now += 1
    assert fetch(given).status_code == 404


# --- Refused addresses ---------------------------------------------------------------------------


def test_an_unsigned_address_is_not_found(published_figure):
    for name in ("figure-thumbnail", "figure-dicom"):
        assert fetch(reverse(name, args=[published_figure.pk])).status_code == 404
    assert fetch(reverse("figure-image", args=[published_figure.pk, "web"])).status_code == 404


def test_an_expired_address_is_not_found(clock, published_figure):
    address = media_urls.figure_image_url(published_figure, "thumb")
    clock.now = START + 3600
    assert fetch(address).status_code == 404


@pytest.mark.parametrize(
    "changes",
    [
        {"signature": "0" * 32},
        {"signature": ""},
        {"expires": str(START + 3600 * 24)},
        {"expires": "soon"},
    ],
)
def test_a_tampered_address_is_not_found(clock, published_figure, changes):
    address = media_urls.figure_image_url(published_figure, "thumb")
    assert fetch(address).status_code == 200
    assert fetch(with_query(address, **changes)).status_code == 404


def test_a_signature_moved_to_another_figure_size_or_slice_is_not_found(clock, author):
    study = Study.objects.create(case=make_case(author=author), modality="CT")
    one = add_ready_figure(study, label="Fig 1")
    other = add_ready_figure(study, label="Fig 2")
    for figure in (one, other):
        with_web_image(figure)
    signed = query_of(media_urls.figure_image_url(one, "thumb"))
    moved = [
        reverse("figure-thumbnail", args=[other.pk]),
        reverse("figure-image", args=[one.pk, "web"]),
        reverse("figure-frame", args=[one.pk, 1, "default"]),
        reverse("figure-dicom", args=[one.pk]),
    ]
    for path in moved:
        assert fetch(with_query(path, **signed)).status_code == 404, path


def test_a_slices_signature_moved_to_another_slice_or_window_is_not_found(published_figure):
    storage = published_figure.thumbnail.storage
    for position in (0, 1):
        renders = {
            preset: storage.save(f"frames/{position}-{preset}.jpg", ContentFile(jpeg_bytes()))
            for preset in ("default", "lung")
        }
        FigureFrame.objects.create(figure=published_figure, position=position, renders=renders)
    first = media_urls.figure_frame_url(published_figure, 0)
    assert fetch(first).status_code == 200
    assert fetch(media_urls.figure_frame_url(published_figure, 1, "lung")).status_code == 200
    signed = query_of(first)
    for position, preset in ((1, "default"), (0, "lung")):
        path = reverse("figure-frame", args=[published_figure.pk, position, preset])
        assert fetch(with_query(path, **signed)).status_code == 404, path


def test_an_address_of_a_deleted_figure_is_not_found(published_figure):
    address = media_urls.figure_image_url(published_figure, "thumb")
    published_figure.delete()
    assert fetch(address).status_code == 404


def test_an_address_of_a_slice_or_window_that_does_not_exist_is_not_found(published_figure):
    FigureFrame.objects.create(figure=published_figure, position=0, renders={})
    assert fetch(media_urls.figure_frame_url(published_figure, 0, "lung")).status_code == 404
    assert fetch(media_urls.figure_frame_url(published_figure, 5)).status_code == 404


# --- How files are sent --------------------------------------------------------------------------


def test_an_image_is_cached_privately_no_longer_than_its_address_lives(clock, published_figure):
    address = media_urls.figure_image_url(published_figure, "thumb")
    clock.now = START + 1000
    response = fetch(address)
    left = int(query_of(address)["expires"]) - clock.now
    assert response.status_code == 200
    assert response["Cache-Control"] in (
        f"private, max-age={left}",
        f"max-age={left}, private",
    )


def test_object_storage_is_answered_with_a_redirect_to_its_own_address(
    clock, settings, published_figure
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.NoLocalPathStorage"},
    }
    settings.MEDIA_ACCEL = "nginx"  # for local disk only: object storage redirects
    address = media_urls.figure_image_url(Figure.objects.get(pk=published_figure.pk), "thumb")
    clock.now = START + 3000  # 600 seconds left
    response = fetch(address)
    assert response.status_code == 302
    assert response["Location"] == (
        f"https://objects.example.org/{published_figure.thumbnail.name}?lifetime=600"
    )
    assert "private" in response["Cache-Control"]
    assert "max-age=600" in response["Cache-Control"]
    assert "X-Accel-Redirect" not in response


def test_object_storages_own_address_lives_at_least_a_minute(clock, settings, published_figure):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.NoLocalPathStorage"},
    }
    address = media_urls.figure_image_url(Figure.objects.get(pk=published_figure.pk), "thumb")
    clock.now = int(query_of(address)["expires"]) - 5
    response = fetch(address)
    assert response["Location"].endswith("?lifetime=60")
    assert "max-age=5" in response["Cache-Control"]


def test_sendfile_names_the_local_file(settings, published_figure):
    settings.MEDIA_ACCEL = "sendfile"
    response = fetch(media_urls.figure_image_url(published_figure, "thumb"))
    assert response["X-Sendfile"] == published_figure.thumbnail.path


def test_nginx_is_not_asked_for_a_file_storage_lost(settings, author):
    settings.MEDIA_ACCEL = "nginx"
    study = Study.objects.create(case=make_case(author=author), modality="CT")
    figure = Figure.objects.create(study=study, status="ready", thumbnail="derivatives/gone.jpg")
    assert fetch(media_urls.figure_image_url(figure, "thumb")).status_code == 404
