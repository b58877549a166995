"""/imports/: authors upload case reports and bundles and follow each import job."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from interchange.models import ImportJob
from tests.factories import make_case, make_user
from tests.files import report

IMPORTS = "/imports/"


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def reports(*numbers: int) -> list[SimpleUploadedFile]:
    return [upload(*report(number)) for number in numbers]


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def post_files(django_capture_on_commit_callbacks):
    """POST files through the form; the queued job runs (inline) once the request commits."""

    def post(user, files, *, follow: bool = True):
        client = client_for(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(IMPORTS, {"files": files})
        if follow and response.status_code == 302:
            response = client.get(response["Location"])
        return client, response

    return post


@pytest.fixture
def personas(author, another_author, trainee, editor) -> dict:
    return {
        "anonymous": None,
        "trainee": trainee,
        "author": author,
        "another_author": another_author,
        "editor": editor,
    }


# --- Who may use the pages ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("trainee", 403),
        ("author", 200),
        ("another_author", 200),
        ("editor", 403),
    ],
)
def test_only_authors_open_the_import_page(personas, persona, expected):
    response = client_for(personas[persona]).get(IMPORTS)
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if expected == 403:
        assert b"Only authors import cases" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("trainee", 404),
        ("author", 200),
        ("another_author", 404),
        ("editor", 404),
    ],
)
def test_an_import_job_is_shown_to_its_owner_only(personas, author, persona, expected):
    job = ImportJob.objects.create(owner=author, file_count=1)
    response = client_for(personas[persona]).get(reverse("import-job", args=[job.pk]))
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_someone_who_is_not_an_author_cannot_upload(post_files, trainee, settings):
    _, response = post_files(trainee, reports(1), follow=False)
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_the_author_dashboard_links_to_the_import_page(author):
    response = client_for(author).get(reverse("my-cases"))
    assert f'href="{IMPORTS}"'.encode() in response.content


# --- Uploading and reading the results --------------------------------------------------------


@pytest.mark.django_db
def test_two_good_files_import_and_a_bad_one_needs_attention_with_its_reason(post_files, author):
    client, response = post_files(author, [*reports(1, 2), upload("empty.md", b"")])
    job = ImportJob.objects.get(owner=author)
    assert response.request["PATH_INFO"] == reverse("import-job", args=[job.pk])
    assert job.status == ImportJob.Status.DONE
    assert (job.imported, job.duplicates, job.attention) == (2, 0, 1)
    page = response.content.decode()
    assert "3 files uploaded" in page
    assert '<progress id="import-progress" max="3" value="3">' in page
    assert 'http-equiv="refresh"' not in page  # a finished job stops refreshing
    assert page.count("import-outcome-imported") == 2
    assert page.count("import-outcome-attention") == 1
    assert "Is empty" in page
    for case in Case.objects.filter(created_by=author):
        assert f'href="{case.get_absolute_url()}"' in page


@pytest.mark.django_db
def test_the_same_files_uploaded_again_are_shown_as_duplicates_of_their_cases(post_files, author):
    post_files(author, reports(3, 4))
    _, response = post_files(author, reports(3, 4))
    page = response.content.decode()
    assert page.count("import-outcome-duplicate") == 2
    for case in Case.objects.filter(created_by=author):
        assert f'href="{case.get_absolute_url()}"' in page
    assert Case.objects.count() == 2
    listing = client_for(author).get(IMPORTS).content.decode()
    for job in ImportJob.objects.all():
        assert reverse("import-job", args=[job.pk]) in listing


@pytest.mark.django_db
def test_a_duplicate_of_a_case_the_author_cannot_see_is_not_linked(post_files, author):
    post_files(make_user("other_author", "author"), reports(6))
    _, response = post_files(author, reports(6))
    page = response.content.decode()
    assert "import-outcome-duplicate" in page
    assert "Imported before, as a case you cannot see" in page
    assert Case.objects.get().get_absolute_url() not in page


@pytest.mark.django_db
def test_a_case_deleted_since_the_import_is_no_longer_linked(post_files, author):
    client, response = post_files(author, reports(7))
    case = Case.objects.get()
    url = case.get_absolute_url()
    case.delete()
    page = client.get(response.request["PATH_INFO"]).content.decode()
    assert url not in page


@pytest.mark.django_db
def test_a_job_still_running_refreshes_itself(author):
    job = ImportJob.objects.create(owner=author, file_count=4, files_done=1, status="running")
    page = client_for(author).get(reverse("import-job", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "data-running" in page
    assert '<progress id="import-progress" max="4" value="1">' in page


@pytest.mark.django_db
def test_the_import_page_lists_the_authors_own_jobs_newest_first(author, another_author):
    older = ImportJob.objects.create(owner=author, file_count=1)
    newer = ImportJob.objects.create(owner=author, file_count=2)
    theirs = ImportJob.objects.create(owner=another_author, file_count=3)
    page = client_for(author).get(IMPORTS).content.decode()
    first = page.index(reverse("import-job", args=[newer.pk]))
    assert first < page.index(reverse("import-job", args=[older.pk]))
    assert reverse("import-job", args=[theirs.pk]) not in page


@pytest.mark.django_db
def test_an_author_without_imports_sees_the_empty_state(author):
    page = client_for(author).get(IMPORTS).content.decode()
    assert "No imports yet" in page
    assert 'type="file"' in page and "multiple" in page and 'accept=".md,.txt,.zip"' in page


# --- Refused uploads -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("files", "limits", "message"),
    [
        ([], {}, "Send at least one file"),
        (
            [upload("a.txt", "x"), upload("b.txt", "y"), upload("c.txt", "z")],
            {"IMPORT_MAX_FILES": 2},
            "Send at most 2 files at once; you sent 3.",
        ),
        ([upload("big.txt", "x" * 2000)], {"IMPORT_MAX_FILE_BYTES": 1000}, "big.txt: larger than"),
        ([upload("scan.pdf", b"%PDF-1.4")], {}, "scan.pdf: only .txt, .md and .zip files"),
    ],
    ids=["no file", "too many", "too large", "wrong type"],
)
def test_a_refused_upload_says_why_and_keeps_nothing(
    post_files, author, settings, files, limits, message
):
    for name, value in limits.items():
        setattr(settings, name, value)
    _, response = post_files(author, files, follow=False)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was uploaded" in page
    assert message in page
    assert not ImportJob.objects.exists()
    assert stored_files(settings) == []


# --- Queries that do not grow with the rows -----------------------------------------------------


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.django_db
def test_the_job_list_takes_as_many_queries_for_one_job_as_for_many(author):
    client = client_for(author)
    ImportJob.objects.create(owner=author, file_count=1)
    one = queries_for(client, IMPORTS)
    ImportJob.objects.bulk_create(ImportJob(owner=author, file_count=n) for n in range(30))
    assert queries_for(client, IMPORTS) == one


@pytest.mark.django_db
def test_the_job_page_takes_as_many_queries_for_one_file_as_for_many(author):
    client = client_for(author)

    def job_with(count: int) -> str:
        results = []
        for number in range(count):
            case = make_case(author=author, published=False, title=f"Imported case {number}")
            results.append(
                {
                    "name": f"case-{number}.txt",
                    "outcome": "imported",
                    "case": case.pk,
                    "case_url": None,
                    "case_api_url": None,
                    "title": case.title,
                    "warnings": ["An unplaced paragraph"],
                    "reasons": [],
                }
            )
        job = ImportJob.objects.create(
            owner=author, file_count=count, files_done=count, status="done", results=results
        )
        return reverse("import-job", args=[job.pk])

    one = queries_for(client, job_with(1))
    many_url = job_with(25)
    assert queries_for(client, many_url) == one
    assert client.get(many_url).content.decode().count("Imported case ") == 25
