"""Bulk import: `manage.py import_cases` over folders, and `interchange.importing` under it.

The reports here are generated from invented findings; no seed document is copied.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Case
from interchange import bundle, importing
from interchange.importing import Result, import_file
from interchange.models import ImportedSource
from tests.factories import make_case
from tests.files import report


def write_reports(folder: Path, count: int, *, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        name, text = report(number)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def run(*args: str) -> tuple[str, str, CommandError | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_cases", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "reports"


# --- The command ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_folder_of_one_hundred_reports_imports_with_a_summary(folder, author):
    write_reports(folder / "first-batch", 50)
    write_reports(folder / "second-batch" / "late", 50, start=50)
    started = time.monotonic()
    out, err, error = run(str(folder), "--author", author.username)
    seconds = time.monotonic() - started
    print(f"Imported 100 reports in {seconds:.2f} s")
    assert error is None, err
    assert Case.objects.count() == 100
    assert ImportedSource.objects.count() == 100
    assert "Summary: 100 imported, 0 skipped as duplicates of an existing case, 0 needing " in out
    assert set(Case.objects.values_list("created_by", flat=True)) == {author.pk}
    assert Case.objects.filter(title="Ewing sarcoma of the femoral neck").exists()


@pytest.mark.django_db
def test_a_second_run_over_the_same_folder_imports_nothing_new(folder, author):
    write_reports(folder, 6)
    run(str(folder), "--author", author.username)
    first = dict(ImportedSource.objects.values_list("file_name", "case_id"))
    out, err, error = run(str(folder), "--author", author.username)
    assert error is None, err
    assert Case.objects.count() == 6
    assert "0 imported, 6 skipped as duplicates of an existing case, 0 needing attention" in out
    for name, case_id in first.items():
        assert f"{name} → case {case_id}" in out


@pytest.mark.django_db
def test_a_report_saved_again_with_other_line_endings_is_a_duplicate(folder, author):
    (path,) = write_reports(folder, 1, start=3)
    run(str(path), "--author", author.username)
    case = Case.objects.get()
    resaved = folder / "resaved-on-windows.txt"
    text = path.read_text(encoding="utf-8")
    resaved.write_bytes(("\ufeff" + text.replace("\n", "  \r\n\r\n")).encode("utf-8"))
    out, _, error = run(str(resaved), "--author", author.username)
    assert error is None
    assert Case.objects.count() == 1
    assert f"imported before as case {case.pk}, skipped" in out


@pytest.mark.django_db
def test_a_case_deleted_since_frees_its_source_to_be_imported_again(folder, author):
    (path,) = write_reports(folder, 1)
    run(str(path), "--author", author.username)
    Case.objects.get().delete()
    assert not ImportedSource.objects.exists()
    out, _, error = run(str(path), "--author", author.username)
    assert error is None and "1 imported" in out
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_broken_files_among_good_ones_need_attention_and_the_rest_import(folder, author):
    write_reports(folder, 3)
    (folder / "latin.txt").write_bytes(
        "A 40-year-old man with a café-au-lait spot.".encode("latin-1")
    )
    (folder / "empty.md").write_text(" \n\n", encoding="utf-8")
    (folder / "scan.zip").write_bytes(bytes(range(256)) * 8)
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("notes.txt", "Not a case bundle.")
    (folder / "notes.zip").write_bytes(plain_zip.getvalue())
    out, err, error = run(str(folder), "--author", author.username)
    assert error is not None and "4 of 7" in str(error)
    assert Case.objects.count() == 3
    assert "3 imported, 0 skipped as duplicates of an existing case, 4 needing attention" in out
    attention = out.split("Needing attention:")[1]
    assert "latin.txt: is not UTF-8 text" in attention
    assert "empty.md: is empty" in attention
    assert "scan.zip: is not a case bundle (not a zip file)" in attention
    assert "notes.zip: is not a case bundle this site can import" in attention
    assert "latin.txt: is not UTF-8" in err


@pytest.mark.django_db
def test_the_report_file_lists_each_file_its_case_and_the_totals(folder, tmp_path, author):
    good, other = write_reports(folder, 2)
    run(str(other), "--author", author.username)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    report_path = tmp_path / "import-report.json"
    _, _, error = run(str(folder), "--author", author.username, "--report", str(report_path))
    assert error is not None
    report_data = json.loads(report_path.read_text(encoding="utf-8"))
    assert report_data["totals"] == {
        "files": 3,
        "imported": 1,
        "duplicates": 1,
        "attention": 1,
        "ready": 0,
    }
    by_name = {Path(entry["name"]).name: entry for entry in report_data["files"]}
    new_case = Case.objects.get(title=by_name[good.name]["title"])
    assert by_name[good.name]["outcome"] == "imported"
    assert by_name[good.name]["case"] == new_case.pk
    assert by_name[good.name]["case_url"].endswith(new_case.get_absolute_url())
    assert by_name[other.name]["outcome"] == "duplicate"
    assert by_name["empty.txt"] == {
        **by_name["empty.txt"],
        "outcome": "attention",
        "case": None,
        "reasons": ["is empty"],
    }
    assert set(by_name[good.name]) >= {"name", "outcome", "case", "case_url", "warnings"}


@pytest.mark.django_db
def test_the_progress_bar_is_drawn_with_progress_and_not_in_json_mode(folder, author):
    write_reports(folder, 3)
    _, err, _ = run(str(folder), "--dry-run", "--progress")
    assert "3/3" in err and "100%" in err
    out, err, _ = run(str(folder), "--dry-run", "--progress", "--format", "json")
    assert "3/3" not in err and "%" not in err
    assert len(json.loads(out)) == 3


@pytest.mark.django_db
def test_no_progress_bar_is_drawn_when_stderr_is_not_a_terminal(folder, author):
    write_reports(folder, 2)
    _, err, _ = run(str(folder), "--dry-run")
    assert "2/2" not in err


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_but_still_reports(folder, tmp_path, author):
    write_reports(folder, 4)
    report_path = tmp_path / "dry.json"
    out, _, error = run(str(folder), "--dry-run", "--report", str(report_path))
    assert error is None
    assert not Case.objects.exists() and not ImportedSource.objects.exists()
    assert "4 ready to import (dry run, nothing saved)" in out
    report_data = json.loads(report_path.read_text(encoding="utf-8"))
    assert report_data["dry_run"] is True
    assert report_data["totals"]["ready"] == 4


@pytest.mark.django_db
def test_a_report_path_in_a_missing_folder_is_a_command_error(folder):
    write_reports(folder, 1)
    with pytest.raises(CommandError, match="no folder"):
        call_command(
            "import_cases",
            str(folder),
            "--report",
            "/no/such/folder/report.json",
            stdout=StringIO(),
        )


# --- The service --------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_imports_of_one_file_at_once_make_one_case(author, monkeypatch):
    name, text = report(7)
    first = import_file(name, text.encode(), author=author)
    # The second import looked for the source before the first had committed: it finds
    # nothing, then meets the unique fingerprint when it saves.
    real = importing._imported_before
    looks: list[str] = []

    def looked_too_early(fingerprint: str):
        looks.append(fingerprint)
        return None if len(looks) == 1 else real(fingerprint)

    monkeypatch.setattr(importing, "_imported_before", looked_too_early)
    second = import_file(name, text.encode(), author=author)
    assert first.result == Result.IMPORTED
    assert second.result == Result.DUPLICATE and second.case == first.case
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_file_that_fails_half_way_leaves_no_partial_case(author, monkeypatch):
    def fail(case):
        raise RuntimeError("storage went away")

    monkeypatch.setattr(importing, "publish_imported_case", fail)
    name, text = report(1)  # states a licence, so it would be published
    outcome = import_file(name, text.encode(), author=author, publish=True)
    assert outcome.result == Result.ATTENTION
    assert outcome.reasons == ["could not be imported because of an error on the site"]
    assert not Case.objects.exists() and not ImportedSource.objects.exists()


@pytest.mark.django_db
def test_a_report_without_a_title_is_nothing_recognisable(author):
    outcome = import_file("blank.txt", b"\n\n   \n", author=author)
    assert outcome.needs_attention and outcome.reasons == ["is empty"]
    outcome = import_file("photo.jpg", b"\xff\xd8\xff", author=author)
    assert outcome.needs_attention


@pytest.mark.django_db
def test_a_case_bundle_imports_once_as_a_new_draft_and_then_is_a_duplicate(author):
    original = make_case(author=author, title="Chondroblastoma of the proximal tibia")
    data = bundle.build_bundle(original, user=author)
    first = import_file("chondroblastoma.zip", data, author=author)
    assert first.result == Result.IMPORTED, first.reasons
    assert first.case.pk != original.pk and first.case.status == Case.Status.DRAFT
    assert first.case.title == original.title
    again = import_file("copy-of-chondroblastoma.zip", data, author=author)
    assert again.result == Result.DUPLICATE and again.case == first.case
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_a_case_bundle_through_the_command(folder, author):
    original = make_case(author=author, title="Enchondroma of the proximal phalanx")
    folder.mkdir()
    (folder / "enchondroma.zip").write_bytes(bundle.build_bundle(original, user=author))
    write_reports(folder, 1)
    out, err, error = run(str(folder), "--author", author.username)
    assert error is None, err
    assert "2 imported" in out
    assert Case.objects.filter(title="Enchondroma of the proximal phalanx").count() == 2
