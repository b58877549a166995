"""`manage.py deidentify`: folders in, de-identified copies and a quarantine folder out."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pydicom
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pydicom.data import get_testdata_file

from imaging.deid import REPORT_KEYS


def bundled(name: str) -> Path:
    path = get_testdata_file(name, download=False)
    if path is None:
        pytest.skip(f"{name} is not bundled with this pydicom")
    return Path(path)


@pytest.fixture
def scans(tmp_path) -> Path:
    """A CT, an RT dose in a subfolder, an ultrasound, a text file and a zip archive."""
    folder = tmp_path / "scans"
    (folder / "series2").mkdir(parents=True)
    shutil.copy(bundled("CT_small.dcm"), folder / "ct.dcm")
    shutil.copy(bundled("rtdose.dcm"), folder / "series2" / "dose.dcm")
    ultrasound = pydicom.dcmread(bundled("CT_small.dcm"))
    ultrasound.Modality = "US"
    ultrasound.SOPInstanceUID = "1.2.3.4.5.6"
    ultrasound.save_as(folder / "us.dcm", enforce_file_format=True)
    (folder / "notes.txt").write_text("Mr Smith, room 4")
    with zipfile.ZipFile(folder / "series3.zip", "w") as archive:
        archive.write(folder / "ct.dcm", "ct.dcm")
    return folder


def run(*args: str) -> str:
    stdout = io.StringIO()
    call_command("deidentify", *args, stdout=stdout, stderr=io.StringIO())
    return stdout.getvalue()


def run_json(*args: str) -> list[dict]:
    return json.loads(run(*args, "--format", "json"))


def by_name(entries: list[dict]) -> dict[str, dict]:
    return {Path(entry["input"]).name: entry for entry in entries}


def hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_folder_is_deidentified_with_ultrasound_in_quarantine(scans, tmp_path):
    out = tmp_path / "out"

    entries = by_name(run_json(str(scans), "--out", str(out)))

    assert {name: entry["status"] for name, entry in entries.items()} == {
        "ct.dcm": "clean",
        "dose.dcm": "clean",
        "us.dcm": "quarantined",
        "notes.txt": "skipped",
        "series3.zip": "skipped",
    }
    assert Path(entries["ct.dcm"]["output"]) == out / "ct.dcm"
    assert Path(entries["dose.dcm"]["output"]) == out / "series2" / "dose.dcm"
    assert Path(entries["us.dcm"]["output"]) == out / "quarantine" / "us.dcm"
    assert entries["us.dcm"]["reasons"] == ["ultrasound"]
    assert entries["notes.txt"]["reasons"] == ["not DICOM"]
    assert "zip" in entries["series3.zip"]["reasons"][0]
    written = pydicom.dcmread(out / "ct.dcm")
    assert written.PatientIdentityRemoved == "YES"
    assert written.PatientName == ""
    assert sorted(path.name for path in out.rglob("*") if path.is_file()) == [
        "ct.dcm",
        "dose.dcm",
        "us.dcm",
    ]


def test_json_report_has_one_entry_per_input_with_action_counts(scans, tmp_path):
    entries = run_json(str(scans), "--out", str(tmp_path / "out"))

    assert len(entries) == 5
    for entry in entries:
        assert set(entry) == {"input", "output", "status", "reasons", "actions"}
    processed = [entry for entry in entries if entry["status"] in {"clean", "quarantined"}]
    for entry in processed:
        assert set(entry["actions"]) == set(REPORT_KEYS)
        assert all(isinstance(count, int) for count in entry["actions"].values())
    ct = by_name(entries)["ct.dcm"]
    assert ct["reasons"] == []
    assert ct["actions"]["U"] >= 3  # study, series and instance UIDs at least
    assert ct["actions"]["Z"] >= 2  # patient name and ID
    assert ct["actions"]["private_removed"] > 0
    skipped = by_name(entries)["notes.txt"]
    assert skipped["output"] is None
    assert skipped["actions"] == {}


def test_text_report_has_a_line_per_file_and_a_summary(scans, tmp_path):
    output = run(str(scans), "--out", str(tmp_path / "out"))

    lines = output.strip().splitlines()
    assert len(lines) == 6
    assert any(line.startswith("quarantined") and "us.dcm" in line for line in lines)
    assert any(line.startswith("skipped") and "(not DICOM)" in line for line in lines)
    assert lines[-1].startswith("5 file(s): 2 clean, 1 quarantined, 2 skipped, 0 failed.")


def test_inputs_are_left_untouched(scans, tmp_path):
    before = hashes(scans)

    run(str(scans), "--out", str(tmp_path / "out"))

    assert hashes(scans) == before


@pytest.mark.parametrize("inside", [".", "out", "series2/out"])
def test_an_output_folder_inside_an_input_is_refused(scans, inside):
    before = hashes(scans)

    with pytest.raises(CommandError, match="inside the input"):
        run(str(scans), "--out", str(scans / inside))

    assert hashes(scans) == before


def test_a_single_file_can_be_given(scans, tmp_path):
    out = tmp_path / "out"

    entries = run_json(str(scans / "ct.dcm"), "--out", str(out))

    assert entries[0]["status"] == "clean"
    assert (out / "ct.dcm").exists()


def test_a_broken_file_is_reported_and_the_command_fails(scans, tmp_path):
    broken = scans / "broken.dcm"
    broken.write_bytes(b"\x00" * 128 + b"DICM" + b"\x02\x00\x10\x00UI\xff\xff")
    stdout = io.StringIO()

    with pytest.raises(CommandError, match="1 file"):
        call_command(
            "deidentify",
            str(scans),
            "--out",
            str(tmp_path / "out"),
            "--format",
            "json",
            stdout=stdout,
        )

    entries = by_name(json.loads(stdout.getvalue()))
    assert entries["broken.dcm"]["status"] == "failed"
    assert entries["broken.dcm"]["reasons"]
    assert entries["ct.dcm"]["status"] == "clean"
    assert not (tmp_path / "out" / "broken.dcm").exists()


def test_a_missing_input_is_reported_as_failed(tmp_path):
    with pytest.raises(CommandError):
        run(str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))


def test_two_inputs_with_the_same_name_do_not_overwrite_each_other(scans, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(bundled("rtdose.dcm"), other / "ct.dcm")
    stdout = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "deidentify",
            str(scans / "ct.dcm"),
            str(other / "ct.dcm"),
            "--out",
            str(tmp_path / "out"),
            "--format",
            "json",
            stdout=stdout,
        )

    statuses = [entry["status"] for entry in json.loads(stdout.getvalue())]
    assert statuses == ["clean", "failed"]


def test_uids_depend_on_the_configured_secret(scans, tmp_path, settings):
    settings.DEIDENTIFICATION_SECRET = "first secret"
    run(str(scans / "ct.dcm"), "--out", str(tmp_path / "a"))
    run(str(scans / "ct.dcm"), "--out", str(tmp_path / "b"))
    settings.DEIDENTIFICATION_SECRET = "second secret"
    run(str(scans / "ct.dcm"), "--out", str(tmp_path / "c"))

    study = {
        run_name: pydicom.dcmread(tmp_path / run_name / "ct.dcm").StudyInstanceUID
        for run_name in "abc"
    }
    original = pydicom.dcmread(scans / "ct.dcm").StudyInstanceUID
    assert study["a"] == study["b"] != original
    assert study["c"] != study["a"]


def test_the_secret_falls_back_to_the_secret_key(scans, tmp_path, settings):
    del settings.DEIDENTIFICATION_SECRET
    settings.SECRET_KEY = "only the secret key"

    run(str(scans / "ct.dcm"), "--out", str(tmp_path / "out"))

    assert pydicom.dcmread(tmp_path / "out" / "ct.dcm").StudyInstanceUID.startswith("2.25.")
