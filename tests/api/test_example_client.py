"""The example client (examples/submit_case.py) against a running site: it turns a seed
document and an image into a submitted case, and says clearly what went wrong when the API
refuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from accounts.services import create_token
from cases.models import Case, Figure
from interchange.importer import parse_case_report

SCRIPT = Path(settings.BASE_DIR) / "examples" / "submit_case.py"
DEMO_DATA = Path(settings.BASE_DIR) / "cases" / "demo_data"


def seed_report() -> Path:
    """The first seed document, or the project's own sample when the seeds are not here."""
    seeds = sorted(Path(settings.SEED_CASES_DIR).glob("*.txt"))
    return seeds[0] if seeds else sorted(DEMO_DATA.glob("*.txt"))[0]


@pytest.fixture
def case_document(tmp_path) -> tuple[Path, dict]:
    """What `import_cases REPORT --dry-run --format json` prints, as a file."""
    report = seed_report()
    document = parse_case_report(report.read_text(encoding="utf-8"), source_name=report.name)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(document.document, ensure_ascii=False), encoding="utf-8")
    return path, document.document


def run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={"PATH": "/usr/bin:/bin"},  # the script needs nothing from the project
    )


def test_the_example_script_creates_a_case_with_its_figure_and_submits_it(
    live_server, author, case_document, radiograph
):
    _, key = create_token(author, name="submit_case.py")
    path, document = case_document

    result = run_script(
        "--url", live_server.url,
        "--token", key,
        "--alt-text", "Radiograph of the hip",
        "--licence", "CC-BY-4.0",
        "--consent", "obtained",
        "--note", "Submitted from the example script.",
        str(path),
        str(radiograph),
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    case = Case.objects.get(title=document["title"])
    assert case.status == Case.Status.SUBMITTED
    assert list(case.authors.values_list("user", flat=True)) == [author.pk]
    assert case.licence == "CC-BY-4.0"
    assert case.studies.count() == max(len(document["studies"]), 1)
    figure = Figure.objects.get(study__case=case)
    assert figure.status == Figure.ProcessingStatus.READY
    assert figure.alt_text == "Radiograph of the hip"
    assert f"/cases/{case.pk}" in result.stdout
    assert "Submitted case" in result.stdout


def test_the_example_script_prints_what_the_api_refused(live_server, case_document, radiograph):
    path, _ = case_document

    result = run_script("--url", live_server.url, "--token", "tf_not-a-token", str(path),
                        str(radiograph))  # fmt: skip

    assert result.returncode == 1
    assert "POST" in result.stderr and "answered 401" in result.stderr
    assert "Unknown or revoked token." in result.stderr
    assert not Case.objects.exists()


def test_the_example_script_needs_a_token(case_document, radiograph):
    path, _ = case_document

    result = run_script(str(path), str(radiograph))

    assert result.returncode == 2
    assert "TEACHINGFILE_TOKEN" in result.stderr
