"""The DICOM de-identification engine: PS3.15 Annex E, Basic Profile with options.

The key test plants a recognisable marker in every attribute the profile removes or replaces,
in nested sequence items, private blocks, overlays, curves, the File Meta Information and the
preamble, and then looks for those markers in the bytes of the written file.
"""

from __future__ import annotations

import dataclasses
import io
import json
from dataclasses import dataclass, field

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.datadict import dictionary_VR, keyword_for_tag
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from imaging.data.ps315_annex_e import ATTRIBUTES, BY_TAG
from imaging.deid import (
    ACTION_KEYS,
    REPORT_KEYS,
    DeidOptions,
    burned_in_text_risk,
    clean_descriptor,
    deidentify_dataset,
    deidentify_file,
    new_uid,
)

SECRET = b"test-secret"
OPTIONS = DeidOptions(uid_secret=SECRET)
NO_OPTIONS = DeidOptions(
    uid_secret=SECRET, retain_patient_characteristics=False, clean_descriptors=False
)

# Bundled with pydicom; never downloaded.
MARKED_FILES = [
    "CT_small.dcm",
    "MR_small.dcm",
    "JPEG2000.dcm",
    "MR_small_RLE.dcm",
    "rtdose.dcm",
    "examples_overlay.dcm",
    "nested_priv_SQ.dcm",
    "priv_SQ.dcm",
    "SC_rgb_rle.dcm",
]
PIXEL_FILES = [name for name in MARKED_FILES if "priv_SQ" not in name]

# The Retain Patient Characteristics column of Table E.1-1, cells marked K.
RETAINED_CHARACTERISTICS = {
    "PatientAge",
    "PatientSex",
    "PatientSize",
    "PatientWeight",
    "EthnicGroup",
    "PatientSexNeutered",
    "PregnancyStatus",
    "SmokingStatus",
}
TEXT_VRS = {"AE", "CS", "LO", "LT", "SH", "ST", "UC", "UR", "UT"}
BINARY_VRS = {"OB", "OD", "OF", "OL", "OV", "OW", "UN"}


def bundled(name: str) -> str:
    path = get_testdata_file(name, download=False)
    if path is None:
        pytest.skip(f"{name} is not bundled with this pydicom")
    return path


def read(name: str) -> Dataset:
    return pydicom.dcmread(bundled(name))


def written(ds: Dataset) -> bytes:
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


@dataclass
class Markers:
    """Everything planted: byte strings that must not survive, and planted values by tag."""

    texts: list[str] = field(default_factory=list)
    values: dict[int, object] = field(default_factory=dict)

    def text(self, value: str) -> str:
        self.texts.append(value)
        return value


def marker_value(vr: str, number: int, markers: Markers) -> object:
    if vr in TEXT_VRS:
        return markers.text(f"ZQX{number:05d}")
    if vr == "PN":
        return markers.text(f"ZQX{number:05d}^ZQXGIVEN")
    if vr == "DA":
        return markers.text(f"1887{number % 12 + 1:02d}{number % 28 + 1:02d}")
    if vr == "TM":
        return markers.text(f"2359{number % 60:02d}.{number:06d}")
    if vr == "DT":
        return markers.text(f"18870203040506.{number:06d}")
    if vr == "UI":
        return markers.text(f"1.2.3.999.{10000 + number}")
    if vr in BINARY_VRS:
        return markers.text(f"ZQX{number:05d}").encode()
    if vr == "SQ":
        item = Dataset()
        item.PatientName = markers.text(f"ZQXITEM{number:05d}")
        return Sequence([item])
    if vr == "AS":
        return "077Y"
    if vr in {"IS", "DS"}:
        return str(7000 + number)
    return 7  # US, SS, UL, SL: small enough for every integer VR


def plant_markers(ds: Dataset, *, skip: set[str] = frozenset()) -> Markers:
    markers = Markers()
    for number, attribute in enumerate(ATTRIBUTES):
        group = attribute.tag >> 16
        # Command (0000) elements never occur in stored instances; File Meta is planted below.
        if group in (0x0000, 0x0002) or attribute.keyword in skip:
            continue
        vr = dictionary_VR(attribute.tag)
        value = marker_value(vr, number, markers)
        ds.add_new(attribute.tag, vr, value)
        if vr != "SQ":  # sequences are changed in place; their items' markers are in texts
            markers.values[attribute.tag] = value

    # Identifying values in sequences the table does not name, two levels deep, with a
    # private block inside.
    inner = Dataset()
    inner.PatientID = markers.text("ZQXINNERID")
    inner.ReferencedSOPInstanceUID = markers.text("1.2.3.999.77777")
    inner_private = inner.private_block(0x0029, "ZQXINNERCREATOR", create=True)
    inner_private.add_new(0x10, "LO", markers.text("ZQXINNERPRIVATE"))
    outer = Dataset()
    outer.PatientName = markers.text("ZQXOUTER^NAME")
    outer.StudyDate = markers.text("18870707")
    outer.InstitutionName = markers.text("ZQXOUTERINSTITUTION")
    outer.ReferencedInstanceSequence = Sequence([inner])
    ds.ReferencedSeriesSequence = Sequence([outer])
    request = Dataset()
    request.PatientName = markers.text("ZQXREQUEST^NAME")
    request.RequestedProcedureID = markers.text("ZQXREQUESTID")
    ds.RequestAttributesSequence.append(request)

    block = ds.private_block(0x0019, "ZQXPRIVATECREATOR", create=True)
    block.add_new(0x10, "LO", markers.text("ZQXPRIVATEVALUE"))
    private_item = Dataset()
    private_item.PatientName = markers.text("ZQXPRIVATE^ITEM")
    block.add_new(0x11, "SQ", Sequence([private_item]))

    ds.add_new(0x60020010, "US", 8)
    ds.add_new(0x60020011, "US", 8)
    ds.add_new(0x60020022, "LO", markers.text("ZQXOVERLAYDESCRIPTION"))
    ds.add_new(0x60020040, "CS", "G")
    ds.add_new(0x60020050, "SS", [1, 1])
    ds.add_new(0x60020100, "US", 1)
    ds.add_new(0x60020102, "US", 0)
    ds.add_new(0x60024000, "LT", markers.text("ZQXOVERLAYCOMMENTS"))
    ds.add_new(0x60023000, "OW", b"ZQXOVRLY")
    markers.texts.append("ZQXOVRLY")
    ds.add_new(0x50000022, "LO", markers.text("ZQXCURVEDESCRIPTION"))

    if "SOPClassUID" not in ds:
        ds.SOPClassUID = pydicom.uid.CTImageStorage
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.file_meta.SourceApplicationEntityTitle = markers.text("ZQXSOURCEAE")
    ds.file_meta.ImplementationVersionName = markers.text("ZQXIMPL")
    ds.preamble = markers.text("ZQXPREAMBLE").encode().ljust(128, b"\x00")
    return markers


def assert_no_marker_survives(data: bytes, markers: Markers) -> None:
    survivors = [text for text in markers.texts if text.encode() in data]
    assert survivors == []


@pytest.mark.parametrize("name", MARKED_FILES)
def test_no_planted_identifier_survives_deidentification(name):
    ds = read(name)
    markers = plant_markers(ds, skip=RETAINED_CHARACTERISTICS)
    before = written(ds)
    assert [text for text in markers.texts if text.encode() not in before] == []

    report = deidentify_dataset(ds, options=OPTIONS)
    data = written(ds)

    assert_no_marker_survives(data, markers)
    out = pydicom.dcmread(io.BytesIO(data))
    for tag, planted in markers.values.items():
        assert tag not in out or out[tag].value != planted, BY_TAG[tag].keyword
    assert not any(elem.tag.is_private for elem in _walk(out))
    assert not any(elem.tag.group in range(0x5000, 0x6100) for elem in _walk(out))
    assert report.actions["private_removed"] >= 2
    assert report.actions["overlays_removed"] >= 1
    assert report.actions["curves_removed"] == 1


@pytest.mark.parametrize("name", ["CT_small.dcm", "priv_SQ.dcm"])
def test_with_every_option_off_patient_characteristics_are_removed_too(name):
    ds = read(name)
    markers = plant_markers(ds)

    report = deidentify_dataset(ds, options=NO_OPTIONS)
    data = written(ds)

    assert_no_marker_survives(data, markers)
    out = pydicom.dcmread(io.BytesIO(data))
    for tag, planted in markers.values.items():
        assert tag not in out or out[tag].value != planted, BY_TAG[tag].keyword
    assert report.actions["K"] == 0
    assert report.actions["C"] == 0


def test_report_holds_counts_and_reasons_only():
    ds = read("CT_small.dcm")
    markers = plant_markers(ds)

    report = deidentify_dataset(ds, options=OPTIONS)

    serialised = json.dumps(dataclasses.asdict(report))
    assert not [text for text in markers.texts if text in serialised]
    assert set(report.actions) == set(REPORT_KEYS)
    assert all(report.actions[key] > 0 for key in ACTION_KEYS)
    assert report.actions["X"] > 100
    assert report.actions["U"] > 10


def _walk(ds: Dataset):
    for elem in ds:
        yield elem
        if elem.VR == "SQ":
            for item in elem.value:
                yield from _walk(item)


# UIDs


def _with_uids(study: str, sop: str, frame_of_reference: str = "1.2.3.4.100") -> Dataset:
    ds = read("CT_small.dcm")
    ds.StudyInstanceUID = study
    ds.SOPInstanceUID = sop
    ds.FrameOfReferenceUID = frame_of_reference
    return ds


def test_files_of_one_study_keep_one_new_study_uid():
    first = _with_uids("1.2.3.4.1", "1.2.3.4.1.1")
    second = _with_uids("1.2.3.4.1", "1.2.3.4.1.2")

    deidentify_dataset(first, options=OPTIONS)
    deidentify_dataset(second, options=OPTIONS)

    assert first.StudyInstanceUID == second.StudyInstanceUID != "1.2.3.4.1"
    assert first.StudyInstanceUID.startswith("2.25.")
    assert first.FrameOfReferenceUID == second.FrameOfReferenceUID
    assert first.SOPInstanceUID != second.SOPInstanceUID


def test_the_same_secret_gives_the_same_uid_and_another_secret_another():
    assert new_uid("1.2.3.4", b"one") == new_uid("1.2.3.4", b"one")
    assert new_uid("1.2.3.4", b"one") != new_uid("1.2.3.4", b"two")
    assert new_uid("1.2.3.4", b"one") != new_uid("1.2.3.5", b"one")
    assert len(new_uid("1.2.3.4", b"one")) <= 64
    assert pydicom.uid.UID(new_uid("1.2.3.4", b"one")).is_valid

    other = _with_uids("1.2.3.4.1", "1.2.3.4.1.1")
    same = _with_uids("1.2.3.4.1", "1.2.3.4.1.1")
    deidentify_dataset(other, options=DeidOptions(uid_secret=b"another secret"))
    deidentify_dataset(same, options=OPTIONS)
    assert other.StudyInstanceUID != same.StudyInstanceUID
    assert same.StudyInstanceUID == new_uid("1.2.3.4.1", SECRET)


def test_references_are_replaced_like_what_they_point_to():
    image = _with_uids("1.2.3.4.1", "1.2.3.4.1.1")
    derived = _with_uids("1.2.3.4.1", "1.2.3.4.1.2")
    reference = Dataset()
    reference.ReferencedSOPClassUID = image.SOPClassUID
    reference.ReferencedSOPInstanceUID = "1.2.3.4.1.1"
    derived.SourceImageSequence = Sequence([reference])
    nested = Dataset()
    nested.ReferencedSOPInstanceUID = "1.2.3.4.1.1"
    series = Dataset()
    series.ReferencedInstanceSequence = Sequence([nested])
    derived.ReferencedSeriesSequence = Sequence([series])

    deidentify_dataset(image, options=OPTIONS)
    deidentify_dataset(derived, options=OPTIONS)
    out = pydicom.dcmread(io.BytesIO(written(derived)))

    new_image_uid = image.SOPInstanceUID
    assert out.SourceImageSequence[0].ReferencedSOPInstanceUID == new_image_uid
    assert out.SourceImageSequence[0].ReferencedSOPClassUID == image.SOPClassUID
    assert (
        out.ReferencedSeriesSequence[0].ReferencedInstanceSequence[0].ReferencedSOPInstanceUID
        == new_image_uid
    )
    assert out.file_meta.MediaStorageSOPInstanceUID == out.SOPInstanceUID


def test_retain_uids_keeps_them_and_says_so():
    ds = _with_uids("1.2.3.4.1", "1.2.3.4.1.1")

    deidentify_dataset(ds, options=DeidOptions(uid_secret=SECRET, retain_uids=True))

    assert ds.StudyInstanceUID == "1.2.3.4.1"
    assert ds.SOPInstanceUID == "1.2.3.4.1.1"
    codes = {item.CodeValue for item in ds.DeidentificationMethodCodeSequence}
    assert "113110" in codes


# Patient characteristics, method, descriptors


def test_patient_characteristics_are_kept():
    ds = read("CT_small.dcm")
    ds.PatientSex = "F"
    ds.PatientSize = "1.62"
    ds.PatientWeight = "58"
    ds.PatientAge = "045Y"
    ds.PatientBirthDate = "19790101"
    ds.PatientName = "Doe^Jane"

    deidentify_dataset(ds, options=OPTIONS)

    assert (ds.PatientSex, ds.PatientSize, ds.PatientWeight) == ("F", 1.62, 58)
    assert ds.PatientAge == "045Y"
    assert ds.PatientBirthDate == ""
    assert ds.PatientName == ""


@pytest.mark.parametrize(
    ("age", "shown"),
    [
        ("095Y", "090Y"),
        ("090Y", "090Y"),
        ("120Y", "090Y"),
        ("089Y", "089Y"),
        ("006M", "006M"),
        ("012W", "012W"),
        ("003D", "003D"),
    ],
)
def test_ages_of_ninety_and_over_are_shown_as_ninety(age, shown):
    ds = read("CT_small.dcm")
    ds.PatientAge = age

    deidentify_dataset(ds, options=OPTIONS)

    assert ds.PatientAge == shown


def test_an_unreadable_age_is_removed():
    ds = read("CT_small.dcm")
    ds.PatientAge = "ninety"

    deidentify_dataset(ds, options=OPTIONS)

    assert "PatientAge" not in ds


def test_without_the_option_patient_characteristics_go():
    ds = read("CT_small.dcm")
    ds.PatientSex = "F"
    ds.PatientAge = "045Y"

    deidentify_dataset(ds, options=NO_OPTIONS)

    assert ds.PatientSex == ""
    assert "PatientAge" not in ds
    assert "PatientWeight" not in ds


def test_the_method_is_recorded_with_codes_from_cid_7050():
    ds = read("CT_small.dcm")

    deidentify_dataset(ds, options=OPTIONS)

    assert ds.PatientIdentityRemoved == "YES"
    assert "Basic Application Confidentiality Profile" in ds.DeidentificationMethod[0]
    assert all(len(value) <= 64 for value in ds.DeidentificationMethod)
    items = ds.DeidentificationMethodCodeSequence
    assert [item.CodeValue for item in items] == ["113100", "113108", "113105"]
    assert {item.CodingSchemeDesignator for item in items} == {"DCM"}
    assert items[0].CodeMeaning == "Basic Application Confidentiality Profile"


def test_without_options_only_the_basic_profile_code_is_recorded():
    ds = read("CT_small.dcm")

    deidentify_dataset(ds, options=NO_OPTIONS)

    assert [item.CodeValue for item in ds.DeidentificationMethodCodeSequence] == ["113100"]


@pytest.mark.parametrize(
    ("description", "kept"),
    [
        ("AX T2 FLAIR", True),
        ("CT Chest w/ contrast", True),
        ("Sag T1 3MM", True),
        ("Smith chest", False),
        ("CHEST 2019-03-04", False),
        ("ACC 12345678", False),
        ("", True),
    ],
)
def test_clean_descriptors_keep_only_known_words(description, kept):
    assert clean_descriptor(description) == (description if kept else "")


def test_descriptors_are_cleaned_with_the_option_and_removed_without_it():
    cleaned = read("CT_small.dcm")
    cleaned.SeriesDescription = "AX T2 FLAIR"
    cleaned.StudyDescription = "MRI brain for J. Smith"
    removed = read("CT_small.dcm")
    removed.SeriesDescription = "AX T2 FLAIR"

    deidentify_dataset(cleaned, options=OPTIONS)
    deidentify_dataset(removed, options=NO_OPTIONS)

    assert cleaned.SeriesDescription == "AX T2 FLAIR"
    assert cleaned.StudyDescription == ""
    assert "SeriesDescription" not in removed


def test_file_meta_keeps_the_transfer_syntax_and_loses_the_rest():
    ds = read("JPEG2000.dcm")
    transfer_syntax = ds.file_meta.TransferSyntaxUID
    ds.file_meta.SourceApplicationEntityTitle = "SCANNER1"

    deidentify_dataset(ds, options=OPTIONS)

    meta = ds.file_meta
    assert meta.TransferSyntaxUID == transfer_syntax
    assert meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
    assert meta.ImplementationClassUID == pydicom.uid.PYDICOM_IMPLEMENTATION_UID
    assert "SourceApplicationEntityTitle" not in meta


@pytest.mark.parametrize("name", PIXEL_FILES)
def test_pixel_data_is_unchanged(name):
    original = read(name).pixel_array
    ds, _ = deidentify_file(bundled(name), options=OPTIONS)

    out = pydicom.dcmread(io.BytesIO(written(ds)))

    assert np.array_equal(out.pixel_array, original)


def test_deidentify_file_reads_a_path_or_an_open_file():
    with open(bundled("CT_small.dcm"), "rb") as handle:
        from_handle, _ = deidentify_file(handle, options=OPTIONS)
    from_path, report = deidentify_file(bundled("CT_small.dcm"), options=OPTIONS)

    assert from_handle.SOPInstanceUID == from_path.SOPInstanceUID
    assert report.quarantine_reasons == []


# Quarantine: burned-in text


def test_a_plain_ct_has_no_burned_in_text_risk():
    ds = read("CT_small.dcm")

    assert burned_in_text_risk(ds) == []
    assert deidentify_dataset(ds, options=OPTIONS).quarantined is False


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"Modality": "US"}, "ultrasound"),
        ({"SOPClassUID": "1.2.840.10008.5.1.4.1.1.6.1"}, "ultrasound"),
        ({"SOPClassUID": "1.2.840.10008.5.1.4.1.1.7"}, "secondary capture"),
        ({"SOPClassUID": "1.2.840.10008.5.1.4.1.1.7.4"}, "secondary capture"),
        ({"ConversionType": "WSD"}, "secondary capture"),
        ({"BurnedInAnnotation": "YES"}, "burned-in annotation"),
        ({"ImageType": ["ORIGINAL", "PRIMARY", "SCREEN SAVE"]}, "screenshot"),
        ({"RecognizableVisualFeatures": "YES"}, "recognisable visual features"),
    ],
)
def test_images_at_risk_of_burned_in_text_are_quarantined(change, reason):
    ds = read("CT_small.dcm")
    for keyword, value in change.items():
        setattr(ds, keyword, value)

    report = deidentify_dataset(ds, options=OPTIONS)

    assert reason in report.quarantine_reasons
    assert report.quarantined


def test_burned_in_annotation_no_is_not_a_reason():
    ds = read("CT_small.dcm")
    ds.BurnedInAnnotation = "NO"

    assert burned_in_text_risk(ds) == []


def test_a_bundled_secondary_capture_is_quarantined():
    _, report = deidentify_file(bundled("SC_rgb_rle.dcm"), options=OPTIONS)

    assert "secondary capture" in report.quarantine_reasons


# The table


def test_every_table_keyword_matches_the_dicom_dictionary():
    mismatched = [
        (f"{row.tag:08X}", row.keyword)
        for row in ATTRIBUTES
        if keyword_for_tag(row.tag) != row.keyword
    ]
    assert mismatched == []


def test_the_table_is_well_formed():
    assert len(ATTRIBUTES) >= 300
    assert len(BY_TAG) == len(ATTRIBUTES)
    assert {row.basic for row in ATTRIBUTES} <= {
        "D",
        "Z",
        "X",
        "U",
        "Z/D",
        "X/Z",
        "X/D",
        "X/Z/D",
        "X/Z/U*",
    }
    assert {row.patient_characteristics for row in ATTRIBUTES} <= {"", "K", "C"}
    assert {row.clean_descriptors for row in ATTRIBUTES} <= {"", "C"}
    assert {
        row.keyword for row in ATTRIBUTES if row.patient_characteristics == "K"
    } == RETAINED_CHARACTERISTICS


@pytest.mark.parametrize(
    ("keyword", "basic"),
    [
        ("PatientName", "Z"),
        ("PatientBirthDate", "Z"),
        ("PatientAddress", "X"),
        ("PatientTelephoneNumbers", "X"),
        ("OtherPatientIDs", "X"),
        ("AccessionNumber", "Z"),
        ("StudyID", "Z"),
        ("StudyDate", "Z"),
        ("SeriesDate", "X/D"),
        ("StudyInstanceUID", "U"),
        ("SeriesInstanceUID", "U"),
        ("SOPInstanceUID", "U"),
        ("FrameOfReferenceUID", "U"),
        ("ReferencedSOPInstanceUID", "U"),
        ("InstitutionName", "X/Z/D"),
        ("InstitutionAddress", "X"),
        ("ReferringPhysicianName", "Z"),
        ("PerformingPhysicianName", "X"),
        ("OperatorsName", "X/Z/D"),
        ("StationName", "X/Z/D"),
        ("DeviceSerialNumber", "X/Z/D"),
        ("StudyDescription", "X"),
        ("SeriesDescription", "X"),
        ("ProtocolName", "X/D"),
        ("ImageComments", "X"),
        ("RequestAttributesSequence", "X"),
        ("ReferencedPatientSequence", "X"),
        ("SourceImageSequence", "X/Z/U*"),
        ("OriginalAttributesSequence", "X"),
        ("DigitalSignaturesSequence", "X"),
        ("DataSetTrailingPadding", "X"),
    ],
)
def test_the_table_names_the_attributes_that_identify(keyword, basic):
    rows = [row for row in ATTRIBUTES if row.keyword == keyword]
    assert [row.basic for row in rows] == [basic]


def test_a_reconstruction_marked_derived_secondary_is_not_held():
    ds = read("CT_small.dcm")
    ds.ImageType = ["DERIVED", "SECONDARY", "MPR"]
    assert deidentify_dataset(ds, options=OPTIONS).quarantine_reasons == []
