"""Files to upload and import: JPEGs with and without EXIF, DICOM slices and series, and
invented case reports for the bulk importer."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pydicom
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pydicom.data import get_testdata_file
from pydicom.uid import generate_uid

GPS_TAG = 0x8825
ORIENTATION_TAG = 0x0112


def jpeg_with_exif(width: int = 120, height: int = 60, *, rotate: bool = True) -> bytes:
    """A landscape JPEG with GPS data and, optionally, an 'rotate 90°' orientation flag."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Scanner Maker"
    exif.get_ifd(GPS_TAG)[2] = (51.0, 30.0, 0.0)  # GPSLatitude
    if rotate:
        exif[ORIENTATION_TAG] = 6
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(data: bytes, name: str = "hip.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (64, 48), color=90).save(buffer, format="JPEG")
    return buffer.getvalue()


CT = Path(get_testdata_file("CT_small.dcm"))


def dicom_bytes(**changes) -> bytes:
    ds = pydicom.dcmread(CT)
    for keyword, value in changes.items():
        setattr(ds, keyword, value)
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def series_zip(count: int = 3) -> bytes:
    """A zip of `count` CT slices of one series, named out of order."""
    study, series = generate_uid(), generate_uid()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in reversed(range(count)):
            archive.writestr(
                f"series/slice{number}.dcm",
                dicom_bytes(
                    StudyInstanceUID=study,
                    SeriesInstanceUID=series,
                    SOPInstanceUID=generate_uid(),
                    InstanceNumber=number + 1,
                    ImagePositionPatient=[0, 0, float(number * 5)],
                ),
            )
    return buffer.getvalue()


LESIONS = [
    ("Osteoid osteoma", "a small lucent nidus with surrounding sclerosis", "CT"),
    ("Chondroblastoma", "a lobulated lucent lesion in the epiphysis", "MR"),
    ("Giant cell tumour", "an eccentric lytic lesion reaching the subchondral bone", "XR"),
    ("Enchondroma", "a lesion with ring-and-arc chondroid matrix", "XR"),
    ("Aneurysmal bone cyst", "an expansile lesion with fluid-fluid levels", "MR"),
    ("Simple bone cyst", "a central lucent lesion with a fallen fragment", "XR"),
    ("Fibrous dysplasia", "a ground-glass lesion with a long zone of transition", "CT"),
    ("Osteochondroma", "a bony outgrowth continuous with the medulla", "XR"),
    ("Ewing sarcoma", "a permeative lesion with a large soft-tissue mass", "MR"),
    ("Brodie abscess", "a lucent tract crossing the physis", "MR"),
]
SITES = [
    "proximal tibia",
    "distal femur",
    "proximal humerus",
    "calcaneus",
    "iliac wing",
    "distal radius",
    "femoral neck",
    "fibular shaft",
    "scapular body",
    "talar dome",
]
MODALITY_WORDS = {"CT": "CT", "MR": "MRI", "XR": "Radiographs"}


def report(number: int) -> tuple[str, str]:
    """An invented case report (name, text): Markdown for even numbers, plain text for odd."""
    lesion, finding, modality = LESIONS[number % len(LESIONS)]
    site = SITES[(number // len(LESIONS)) % len(SITES)]
    title = f"{lesion} of the {site}"
    age = 8 + number % 60
    sex = "boy" if number % 2 else "girl"
    history = f"A {age}-year-old {sex} had {1 + number % 9} months of pain in the {site}."
    findings = f"{MODALITY_WORDS[modality]} of the {site} showed {finding} (Fig. 1)."
    points = [f"{lesion} is a cause of pain at the {site}.", f"Report number {number} reads well."]
    if number % 2 == 0:
        text = (
            f"# {title}\n\n## Clinical history\n{history}\n\n## Imaging findings\n{findings}\n\n"
            f"## Teaching points\n" + "".join(f"- {point}\n" for point in points)
        )
        return f"case-{number:03d}.md", text
    text = (
        f"{title}\nCLINICAL HISTORY\n{history}\nIMAGING FINDINGS\n{findings}\n"
        f"TEACHING POINTS\n{' '.join(points)}\n"
        "This case is shared under a Creative Commons Attribution 4.0 International licence.\n"
    )
    return f"case-{number:03d}.txt", text
