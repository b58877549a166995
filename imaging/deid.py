"""De-identification of DICOM data sets: PS3.15 Annex E, Basic Application Level Confidentiality
Profile, with the Retain Patient Characteristics and Clean Descriptors options and deterministic
UID replacement.

One engine for everything that de-identifies: the upload pipeline and `manage.py deidentify`
both call `deidentify_dataset`. The attribute table is `imaging.data.ps315_annex_e`.

How each action of Table E.1-1 is carried out:

- D: a dummy value valid for the VR ("ANONYMIZED", "ANONYMOUS", 19000101, 000000, 0, zero bytes);
  a UID gets the same replacement as U; a sequence is emptied, because no dummy item is known to
  be harmless for every IOD.
- Z: a zero-length value; a sequence becomes an empty sequence.
- X: the attribute is removed (a sequence with everything in it).
- K: kept; a kept sequence is still cleaned item by item.
- C: clean descriptors keep their value only when every word is in the conservative vocabulary
  `DESCRIPTOR_WORDS`; otherwise (and for sequences and non-text values) the value is emptied.
- U: "2.25." followed by the integer of the first 16 bytes of HMAC-SHA256(secret, original UID),
  so one original UID maps to one new UID in every file de-identified with the same secret, and
  references (Referenced SOP Instance UID, Frame of Reference UID, in any sequence) stay
  consistent with what they point to.

Compound actions are resolved the strong way, as for a writer that does not know which type
each attribute has in the IOD: Z/D is Z, X/Z, X/D and X/Z/D are X, X/Z/U* keeps the sequence
and replaces the UIDs inside it. The table applies to items of sequences at every depth.
Private attributes, overlays (60xx) and curves (50xx) are removed everywhere, the File Meta
Information is rebuilt from non-identifying values and the 128-byte preamble is zeroed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pydicom
from pydicom.datadict import dictionary_VR
from pydicom.dataelem import DataElement, empty_value_for_VR
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.tag import BaseTag
from pydicom.uid import PYDICOM_IMPLEMENTATION_UID

from .data.ps315_annex_e import (
    BY_TAG,
    CURVE_GROUPS,
    DESCRIPTOR_WORDS,
    OVERLAY_GROUPS,
    Attribute,
)

ACTION_KEYS = ("D", "Z", "X", "K", "C", "U")
REPORT_KEYS = (*ACTION_KEYS, "private_removed", "overlays_removed", "curves_removed")

COMPOUND_ACTIONS = {"Z/D": "Z", "X/Z": "X", "X/D": "X", "X/Z/D": "X", "X/Z/U*": "U"}

# CID 7050 "De-identification Method" codes, scheme DCM.
BASIC_PROFILE_CODE = ("113100", "Basic Application Confidentiality Profile")
RETAIN_PATIENT_CHARACTERISTICS_CODE = ("113108", "Retain Patient Characteristics Option")
CLEAN_DESCRIPTORS_CODE = ("113105", "Clean Descriptors Option")
RETAIN_UIDS_CODE = ("113110", "Retain UIDs Option")

SECONDARY_CAPTURE_SOP_CLASSES = frozenset(
    {
        "1.2.840.10008.5.1.4.1.1.7",
        "1.2.840.10008.5.1.4.1.1.7.1",
        "1.2.840.10008.5.1.4.1.1.7.2",
        "1.2.840.10008.5.1.4.1.1.7.3",
        "1.2.840.10008.5.1.4.1.1.7.4",
    }
)
ULTRASOUND_SOP_CLASSES = frozenset(
    {
        "1.2.840.10008.5.1.4.1.1.3",  # retired multi-frame, still found in archives
        "1.2.840.10008.5.1.4.1.1.3.1",
        "1.2.840.10008.5.1.4.1.1.6",  # retired single-frame
        "1.2.840.10008.5.1.4.1.1.6.1",
        "1.2.840.10008.5.1.4.1.1.6.2",
    }
)

PATIENT_AGE_TAG = 0x00101010
UNDEFINED_LENGTH = 0xFFFFFFFF
OLDEST_AGE_SHOWN = "090Y"  # ages of 90 and over are identifying in small populations
_AGE = re.compile(r"^(\d{1,3})([DWMY])$")
_DESCRIPTOR_SEPARATORS = re.compile(r"[^A-Z0-9]+")
_DESCRIPTOR_NUMBER = re.compile(r"^\d{1,2}(?:MM)?$")

_TEXT_VRS = frozenset({"AE", "CS", "LO", "LT", "SH", "ST", "UC", "UR", "UT"})
_INTEGER_VRS = frozenset({"US", "SS", "UL", "SL", "SV", "UV", "AT"})
_BINARY_VRS = frozenset({"OB", "OD", "OF", "OL", "OV", "OW", "UN"})
_DUMMY_TEXT = "ANONYMIZED"
_MAX_LENGTH = {"AE": 16, "CS": 16, "SH": 16, "LO": 64}
_DUMMY_BY_VR: dict[str, object] = {
    "DA": "19000101",
    "TM": "000000",
    "DT": "19000101000000",
    "PN": "ANONYMOUS",
    "AS": "000D",
    "IS": "0",
    "DS": "0",
    "FL": 0.0,
    "FD": 0.0,
}


@dataclass(frozen=True, kw_only=True)
class DeidOptions:
    uid_secret: bytes
    retain_patient_characteristics: bool = True
    clean_descriptors: bool = True
    retain_uids: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.uid_secret, bytes) or not self.uid_secret:
            raise ValueError("uid_secret must be non-empty bytes.")


@dataclass
class DeidReport:
    """What was done to one data set. Counts and reasons only: no original value is kept."""

    actions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REPORT_KEYS, 0))
    quarantine_reasons: list[str] = field(default_factory=list)

    @property
    def quarantined(self) -> bool:
        return bool(self.quarantine_reasons)


def deidentify_dataset(ds: Dataset, *, options: DeidOptions) -> DeidReport:
    """De-identify `ds` in place and say what was done and whether it must be quarantined."""
    report = DeidReport(quarantine_reasons=burned_in_text_risk(ds))
    _clean_items(ds, options, report)
    _record_method(ds, options)
    _rebuild_file_meta(ds)
    ds.preamble = b"\x00" * 128
    return report


def deidentify_file(
    source: str | Path | BinaryIO, *, options: DeidOptions
) -> tuple[Dataset, DeidReport]:
    """Read a DICOM file and de-identify it. Write the result with
    `ds.save_as(out, enforce_file_format=True)`."""
    ds = pydicom.dcmread(source)
    return ds, deidentify_dataset(ds, options=options)


def burned_in_text_risk(ds: Dataset) -> list[str]:
    """Why the pixels may show text that identifies someone; empty when nothing suggests it.

    Looked at before de-identification, which removes some of the attributes it relies on."""
    reasons: list[str] = []
    modality = str(ds.get("Modality", "") or "").strip().upper()
    sop_class = str(ds.get("SOPClassUID", "") or "").strip("\x00 ")
    image_type = {value.strip().upper() for value in _values(ds.get("ImageType"))}
    if modality in {"US", "IVUS"} or sop_class in ULTRASOUND_SOP_CLASSES:
        reasons.append("ultrasound")
    # Conversion Type (WSD, SD, SI, DRW...) belongs to the SC Equipment module.
    conversion_type = str(ds.get("ConversionType", "") or "").strip()
    if sop_class in SECONDARY_CAPTURE_SOP_CLASSES or conversion_type:
        reasons.append("secondary capture")
    if _is_yes(ds.get("BurnedInAnnotation")):
        reasons.append("burned-in annotation")
    if any("SCREEN" in value for value in image_type):
        reasons.append("screenshot")
    # "DERIVED\SECONDARY" alone is not a reason: ordinary reconstructions (MPR, MIP) say so.
    if _is_yes(ds.get("RecognizableVisualFeatures")):
        reasons.append("recognisable visual features")
    return reasons


def new_uid(uid: str, secret: bytes) -> str:
    """The replacement for `uid`: the same for the same UID and secret, unguessable without it."""
    digest = hmac.new(secret, uid.strip("\x00 ").encode("ascii", "replace"), hashlib.sha256)
    return f"2.25.{int.from_bytes(digest.digest()[:16], 'big')}"


def planned_action(attribute: Attribute, options: DeidOptions) -> str:
    """The single action ("D", "Z", "X", "K", "C" or "U") the options call for."""
    if options.retain_uids and attribute.basic in {"U", "X/Z/U*"}:
        return "K"
    if options.retain_patient_characteristics and attribute.patient_characteristics:
        return attribute.patient_characteristics
    if options.clean_descriptors and attribute.clean_descriptors:
        return attribute.clean_descriptors
    return COMPOUND_ACTIONS.get(attribute.basic, attribute.basic)


def method_description(options: DeidOptions) -> list[str]:
    """Values for De-identification Method (LO, 64 characters each, so one per part)."""
    parts = ["DICOM PS3.15 E.1 Basic Application Confidentiality Profile"]
    if options.retain_patient_characteristics:
        parts.append("Retain Patient Characteristics Option")
    if options.clean_descriptors:
        parts.append("Clean Descriptors Option")
    parts.append("Retain UIDs Option" if options.retain_uids else "Deterministic UID replacement")
    return parts


def clean_descriptor(text: str) -> str:
    """`text` when every word is known not to identify anyone, else the empty string."""
    words = [word for word in _DESCRIPTOR_SEPARATORS.split(text.upper()) if word]
    if all(word in DESCRIPTOR_WORDS or _DESCRIPTOR_NUMBER.match(word) for word in words):
        return text
    return ""


def _clean_items(ds: Dataset, options: DeidOptions, report: DeidReport) -> None:
    counts = report.actions
    removed_groups: dict[str, set[int]] = {"overlays_removed": set(), "curves_removed": set()}
    for tag in list(ds.keys()):
        group = tag >> 16
        if group % 2:
            del ds[tag]
            counts["private_removed"] += 1
            continue
        if group in OVERLAY_GROUPS or group in CURVE_GROUPS:
            del ds[tag]
            kind = "overlays_removed" if group in OVERLAY_GROUPS else "curves_removed"
            removed_groups[kind].add(group)
            continue
        attribute = BY_TAG.get(int(tag))
        if attribute is None:
            if _is_sequence(ds, tag):
                _clean_sequence(ds[tag], options, report)
            continue
        _apply(ds, ds[tag], planned_action(attribute, options), options, report)
    for kind, groups in removed_groups.items():
        counts[kind] += len(groups)


def _clean_sequence(elem: DataElement, options: DeidOptions, report: DeidReport) -> None:
    for item in elem.value or ():
        _clean_items(item, options, report)


def _is_sequence(ds: Dataset, tag: BaseTag) -> bool:
    # Looking at the raw element spares decoding the many attributes that are simply kept.
    raw = ds.get_item(tag)
    if raw.VR == "SQ":
        return True
    if isinstance(raw, DataElement) or raw.VR not in (None, "UN"):
        return False
    # Implicit VR or UN: undefined length or the dictionary tells.
    return raw.length == UNDEFINED_LENGTH or _dictionary_vr(tag) == "SQ"


def _dictionary_vr(tag: BaseTag) -> str:
    try:
        return dictionary_VR(tag)
    except KeyError:
        return "UN"


def _apply(
    ds: Dataset, elem: DataElement, action: str, options: DeidOptions, report: DeidReport
) -> None:
    vr = _vr(elem)
    if action == "X":
        del ds[elem.tag]
    elif action == "K":
        if vr == "SQ":
            _clean_sequence(elem, options, report)
        elif elem.tag == PATIENT_AGE_TAG and not _cap_age(ds, elem):
            action = "X"
    elif action == "U" and vr == "SQ":
        _clean_sequence(elem, options, report)
    elif action in {"U", "D"} and vr == "UI":
        elem.value = _map_uids(elem.value, options.uid_secret)
    elif action == "D":
        elem.value = Sequence() if vr == "SQ" else _dummy_value(vr)
    elif action == "C" and vr in _TEXT_VRS:
        elem.value = _clean_text(elem.value)
    else:  # Z, C on something that is not text, U on something that is not a UID
        elem.value = Sequence() if vr == "SQ" else empty_value_for_VR(vr)
    report.actions[action] += 1


def _cap_age(ds: Dataset, elem: DataElement) -> bool:
    """Show ages of 90 years and over as 090Y; remove an age that cannot be read."""
    match = _AGE.match(str(elem.value or "").strip())
    if match is None:
        del ds[elem.tag]
        return False
    number, unit = int(match.group(1)), match.group(2)
    if unit == "Y" and number >= 90:
        elem.value = OLDEST_AGE_SHOWN
    return True


def _map_uids(value: object, secret: bytes) -> object:
    if isinstance(value, str | bytes):
        text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
        return new_uid(text, secret) if text.strip("\x00 ") else ""
    return [new_uid(str(uid), secret) for uid in value or () if str(uid).strip("\x00 ")]


def _clean_text(value: object) -> object:
    if isinstance(value, str):
        return clean_descriptor(value)
    cleaned = [clean_descriptor(str(part)) for part in _values(value)]
    return cleaned if all(cleaned) else ""


def _dummy_value(vr: str) -> object:
    if vr in _DUMMY_BY_VR:
        return _DUMMY_BY_VR[vr]
    if vr in _TEXT_VRS:
        return _DUMMY_TEXT[: _MAX_LENGTH.get(vr, len(_DUMMY_TEXT))]
    if vr in _INTEGER_VRS:
        return 0
    if vr in _BINARY_VRS:
        return b"\x00" * 8  # a whole number of words for every binary VR
    return empty_value_for_VR(vr)


def _record_method(ds: Dataset, options: DeidOptions) -> None:
    ds.PatientIdentityRemoved = "YES"
    ds.DeidentificationMethod = method_description(options)
    codes = [BASIC_PROFILE_CODE]
    if options.retain_patient_characteristics:
        codes.append(RETAIN_PATIENT_CHARACTERISTICS_CODE)
    if options.clean_descriptors:
        codes.append(CLEAN_DESCRIPTORS_CODE)
    if options.retain_uids:
        codes.append(RETAIN_UIDS_CODE)
    items = []
    for value, meaning in codes:
        item = Dataset()
        item.CodeValue = value
        item.CodingSchemeDesignator = "DCM"
        item.CodeMeaning = meaning
        items.append(item)
    ds.DeidentificationMethodCodeSequence = Sequence(items)
    # Dates and times are emptied or replaced by dummies, not shifted.
    ds.LongitudinalTemporalInformationModified = "REMOVED"


def _rebuild_file_meta(ds: Dataset) -> None:
    """Keep only what is needed to read the file: source AE titles, private information and the
    original implementation's names are dropped."""
    previous = getattr(ds, "file_meta", None)
    meta = FileMetaDataset()
    meta.FileMetaInformationVersion = b"\x00\x01"
    if "SOPClassUID" in ds:
        meta.MediaStorageSOPClassUID = ds.SOPClassUID
    if "SOPInstanceUID" in ds:
        meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    if previous is not None and previous.get("TransferSyntaxUID"):
        meta.TransferSyntaxUID = previous.TransferSyntaxUID
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    meta.ImplementationVersionName = f"PYDICOM {pydicom.__version__}"[:16]
    ds.file_meta = meta


def _vr(elem: DataElement) -> str:
    # Ambiguous VRs ("US or SS", "OB or OW") are read as their first choice; every choice of a
    # pair takes the same dummy or empty value.
    return str(elem.VR).split(" or ")[0]


def _values(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str | bytes):
        return [value.decode("ascii", "replace") if isinstance(value, bytes) else value]
    return [str(part) for part in value]


def _is_yes(value: object) -> bool:
    return str(value or "").strip().upper() == "YES"
