"""The OpenAPI contract: it generates without warnings, validates, is served, documents every
operation fully, and its documentation pages work under the site's Content Security Policy with
nothing loaded from elsewhere."""

from __future__ import annotations

import json
import os
import re
import tempfile
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate
from playwright.sync_api import expect
from rest_framework.test import APIClient

from cases.filters import body_systems
from cases.models import System
from tests.browser.pages import CHROMIUM

METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker) -> dict:
    """The schema as `manage.py spectacular --validate --fail-on-warn` writes it."""
    with django_db_blocker.unblock(), tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "schema.yaml")
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", path)
        with open(path) as file:
            return yaml.safe_load(file)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def test_the_schema_generates_without_warnings_and_is_valid_openapi(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert len(list(operations(schema))) > 40


def test_every_path_is_under_the_versioned_api(schema):
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_every_operation_has_a_summary_a_tag_and_a_unique_id(schema):
    ids = []
    for label, operation in operations(schema):
        assert operation.get("summary"), f"{label} has no summary"
        assert operation.get("tags"), f"{label} has no tag"
        ids.append(operation["operationId"])
    assert len(ids) == len(set(ids))


def test_every_operation_documents_its_errors_in_the_one_error_format(schema):
    error = "#/components/schemas/Error"
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"detail", "errors"}
    for label, operation in operations(schema):
        responses = operation["responses"]
        assert any(code.startswith("2") for code in responses), f"{label}: no success answer"
        assert "429" in responses, f"{label}: throttled, but 429 is not documented"
        if any("tokenAuth" in requirement for requirement in operation.get("security", [])):
            assert "401" in responses, f"{label} accepts a token but documents no 401"
        if operation.get("parameters") and any(
            parameter["in"] == "query" for parameter in operation["parameters"]
        ):
            assert "400" in responses, f"{label} has query parameters but documents no 400"
        if "requestBody" in operation:
            assert "400" in responses or "415" in responses, f"{label}: no 400 for its body"
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                schema_ref = response["content"]["application/json"]["schema"]["$ref"]
                assert schema_ref == error, f"{label} {code} is not the error format"


def test_writes_need_a_user_and_anonymous_reads_are_declared(schema):
    for label, operation in operations(schema):
        security = operation.get("security", [])
        anonymous_allowed = {} in security
        if not label.startswith("GET") and label != "POST /api/v1/auth/token/":
            assert not anonymous_allowed, f"{label} is a write open to anonymous visitors"
        if label != "POST /api/v1/auth/token/":
            assert {"tokenAuth": []} in security, f"{label} does not accept a token"


def test_the_schema_is_served_as_yaml_and_as_json(db):
    client = APIClient()
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    validate(yaml.safe_load(response.content))

    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert "json" in response["Content-Type"]
    served = json.loads(response.content)
    validate(served)
    assert served["info"]["title"] == "Teaching File API"


# Documentation pages ----------------------------------------------------------------------------

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def external_urls(html: str) -> list[str]:
    return [url for url in ASSET.findall(html) if urlsplit(url).netloc or url.startswith("//")]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_documentation_pages_load_only_this_sites_assets(db, path):
    response = APIClient().get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert external_urls(html) == []
    assert "/static/drf_spectacular_sidecar/" in html
    assert "Content-Security-Policy" in response.headers
    assert "<style" not in html, "inline styles are refused by the site's CSP"


def test_swagger_uis_start_up_script_carries_the_csp_nonce(db):
    response = APIClient().get("/api/docs/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline, "Swagger UI is started by an inline script"
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline)
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_redoc_may_inject_its_styles_but_scripts_stay_strict(db):
    policy = APIClient().get("/api/redoc/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert "'unsafe-inline'" in directives["style-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]


# In the browser -------------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="the system Chromium is not installed"
)


def open_page(browser, url: str):
    """A page at `url`, with the console errors and the requests it made."""
    page = browser.new_page()
    seen = {"errors": [], "finished": []}
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("requestfinished", lambda request: seen["finished"].append(request.url))
    page.goto(url)
    return page, seen


@pytest.mark.browser
@needs_chromium
def test_swagger_ui_lists_every_operation_under_the_csp(live_server, browser, schema):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    page, seen = open_page(browser, f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-summary", timeout=20_000)
    page.wait_for_load_state("networkidle")
    assert page.locator(".opblock").count() == len(list(operations(schema)))
    expect(page.get_by_text("Create a draft case").first).to_be_visible()
    assert seen["errors"] == []
    origin = live_server.url
    assert [url for url in seen["finished"] if not url.startswith(origin)] == []


@pytest.mark.browser
@needs_chromium
def test_redoc_renders_the_reference_under_the_csp(live_server, browser):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    page, seen = open_page(browser, f"{live_server.url}/api/redoc/")
    page.locator("h2", has_text="Create a draft case").wait_for(timeout=20_000)
    page.wait_for_load_state("networkidle")
    # Redoc's own logo is the one thing it asks for elsewhere; the policy refuses it.
    assert [e for e in seen["errors"] if "cdn.redoc.ly" not in e] == []
    # Its search index is built in a worker loaded from a blob of this page.
    origins = (live_server.url, f"blob:{live_server.url}")
    assert [url for url in seen["finished"] if not url.startswith(origins)] == []


def properties(schema: dict, name: str) -> dict:
    return schema["components"]["schemas"][name]["properties"]


def test_the_schema_states_the_rules_a_body_must_keep_where_a_schema_can(db):
    """So that a request the schema calls valid is not refused as malformed
    (benchmarks/schema_conformance.py, positive data acceptance). The schema as served: the
    body systems are read from the database."""
    schema = APIClient().get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    # The body systems as the database holds them.
    assert {"musculoskeletal", "neuro", "chest"} <= set(components["SystemsEnum"]["enum"])
    # An author's ORCID iD as far as a pattern can say it (not its check digit).
    orcid = properties(schema, "AuthorRequest")["orcid"]["pattern"]
    assert re.search(orcid, " 0000-0002-1825-009X ")
    assert re.search(orcid, "") and not re.search(orcid, "12345")
    # Names and texts that must be more than blank space, as str.strip reads it.
    for component, field in [
        ("NewCommentRequest", "body"),
        ("CreateTokenRequest", "name"),
        ("SavedSearchRequest", "name"),
    ]:
        pattern = properties(schema, component)[field]["pattern"]
        assert re.search(pattern, " a "), component
        assert not re.search(pattern, " \x1d\t"), component
    # Redaction: 1 to 50 regions inside the image, each with a size; only `checked: true`.
    regions = properties(schema, "RedactionRequest")["regions"]
    assert (regions["minItems"], regions["maxItems"]) == (1, 50)
    region = properties(schema, "RedactionRegionRequest")
    assert region["x"]["exclusiveMaximum"] is True and region["width"]["exclusiveMinimum"] is True
    assert components["CheckedEnum"]["enum"] == [True]


@pytest.mark.django_db
def test_the_schema_is_valid_openapi_before_any_body_system_is_listed(tmp_path):
    """A database flushed of the data migrations' rows, or a new one: the body-system code is
    then any text, as OpenAPI has no empty list of values."""
    System.objects.all().delete()
    body_systems.forget()
    try:
        call_command(
            "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
        )
    finally:
        body_systems.forget()
