"""An unexpected error under /api/ answers the API's JSON error shape, never Django's HTML page."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from community import comments
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _raise(**kwargs):
    raise RuntimeError("the disk caught fire")


@pytest.fixture
def failing_comments(monkeypatch):
    monkeypatch.setattr(comments, "post_comment", _raise)


def test_an_unhandled_error_in_an_api_view_answers_500_in_the_json_error_shape(
    failing_comments, author, trainee
):
    case = make_case(author=author)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(trainee)
    response = client.post(f"/api/v1/cases/{case.pk}/comments/", {"body": "Hi"}, format="json")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["errors"] == {}
    assert "may have been stored" in body["detail"]
    assert "fire" not in body["detail"]


def test_an_unhandled_error_on_a_page_still_answers_the_sites_html_error_page(
    failing_comments, author, trainee, client
):
    case = make_case(author=author)
    client.raise_request_exception = False
    client.force_login(trainee)
    response = client.post(f"/cases/{case.pk}/comments/", {"body": "Hi"})
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
