"""What the Chromium journeys share: where Chromium is, a rich case to publish with figures
ready, and a check that a page fits its width."""

from __future__ import annotations

import io
import os
import random
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFilter

from cases.models import Case, Figure
from cases.services import create_case_from_document, publish_imported_case

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# A case document with every part filled in, for `publish`.
RICH_CASE = {
    "title": "Osteoid osteoma of the femoral neck",
    "case_type": "clinical_case",
    "patient": {"age": 17, "age_unit": "years", "sex": "male"},
    "clinical_history": (
        "A 17-year-old footballer reports six months of deep right hip pain that wakes him at "
        "night and settles within half an hour of taking ibuprofen. There was no injury. "
        "Examination shows a mildly antalgic gait and painful internal rotation."
    ),
    "imaging_findings": (
        "Radiographs show cortical thickening along the medial femoral neck. CT confirms a "
        "small lucent nidus with a central mineralised dot, and MRI shows marrow and soft "
        "tissue oedema far larger than the lesion itself (1-3)."
    ),
    "studies": [
        {
            "modality": "XR",
            "label": "Radiograph, right hip (AP)",
            "timing": "At presentation",
            "findings": "Solid periosteal new bone and cortical thickening of the medial "
            "femoral neck. The nidus itself is hard to see.",
            "figures": [
                {
                    "label": "Fig 1",
                    "caption": "AP radiograph: cortical thickening of the medial femoral neck.",
                    "alt_text": "Hip radiograph with thickened cortex along the femoral neck",
                }
            ],
        },
        {
            "modality": "CT",
            "label": "CT right hip",
            "timing": "Two weeks later",
            "findings": "A 6 mm intracortical lucent nidus with a central calcified focus, "
            "surrounded by dense sclerosis [2].",
            "figures": [
                {
                    "label": "Fig 2a",
                    "caption": "Axial CT, bone window: lucent nidus with central mineralisation.",
                    "alt_text": "Axial CT slice showing a small round lucency with a dense dot",
                },
                {
                    "label": "Fig 2b",
                    "caption": "Coronal reformat showing the nidus in the medial cortex.",
                    "alt_text": "Coronal CT reformat of the proximal femur",
                },
            ],
        },
        {
            "modality": "MR",
            "label": "MRI right hip",
            "timing": "Same week as CT",
            "findings": "Extensive marrow oedema of the femoral neck and a small joint effusion; "
            "the nidus is easy to overlook on MRI alone.",
            "figures": [
                {
                    "label": "Fig 3",
                    "caption": "Coronal STIR: marrow oedema and a small effusion.",
                    "alt_text": "Coronal MRI of the hip with bright marrow signal",
                }
            ],
        },
    ],
    "sections": [
        {
            "kind": "background",
            "heading": "Background",
            "body": "Osteoid osteoma is a benign bone-forming tumour of children and young "
            "adults, most often in the long bones of the leg. The nidus, usually under "
            "1.5 cm, produces prostaglandins, which explains the night pain and the response "
            "to anti-inflammatory drugs [1].",
        },
        {
            "kind": "imaging_perspective",
            "heading": "Imaging perspective",
            "body": "CT is the best test to show the nidus. In intra-articular lesions the "
            "reactive sclerosis may be slight and synovitis can mimic inflammatory "
            "arthritis (2, 3).\n\n"
            "| Modality | What it shows best |\n|---|---|\n"
            "| Radiograph | Cortical thickening |\n| CT | The nidus |\n| MRI | Oedema, effusion |",
        },
        {
            "kind": "outcome",
            "heading": "Outcome",
            "body": "CT-guided radiofrequency ablation was performed. The pain resolved within "
            "a week and he returned to football after two months.",
        },
    ],
    "differential_diagnoses": [
        {"diagnosis": "Stress fracture", "note": "Linear lucency rather than a round nidus."},
        {"diagnosis": "Brodie abscess", "note": "Serpiginous tract, larger lucent cavity."},
        {"diagnosis": "Osteoblastoma", "note": "Nidus larger than 2 cm, expansile."},
    ],
    "final_diagnosis": "Osteoid osteoma of the femoral neck",
    "diagnostic_certainty": "almost_certain",
    "certainty_basis": "Typical CT appearance and response to ablation",
    "teaching_points": [
        "Night pain relieved by NSAIDs in a young patient suggests osteoid osteoma.",
        "CT shows the nidus best; MRI oedema can be misleading and look aggressive.",
        "Intra-articular lesions cause synovitis and little periosteal reaction [3].",
    ],
    "commentaries": [
        {
            "provenance": "machine_generated",
            "heading": "Automated analysis",
            "body": "The findings fit a small cortical nidus with reactive changes. "
            "Suggested management after ablation is a graded return to sport.",
            "disclaimer": "Generated automatically for teaching. It is not medical advice and "
            "has not been checked by a radiologist.",
            "rehabilitation": {
                "frequency": "3 sessions a week",
                "intensity": "Low to moderate, pain-free",
                "time": "30 to 40 minutes",
                "type": "Hip mobility, closed-chain strengthening, cycling",
                "volume": "2 to 3 sets of 10 to 15 repetitions",
                "progression": "Add running at week 4 if pain-free",
                "precautions": "Stop if night pain returns",
            },
        }
    ],
    "references": [
        {
            "number": 1,
            "citation": "Example A, Sample B. Benign bone tumours in adolescents. "
            "J Musculoskelet Teach. 2019;4:10-18.",
            "doi": "10.1000/example.1",
        },
        {
            "number": 2,
            "citation": "Example C. CT of the nidus: a pictorial review. "
            "Teach Radiol. 2020;12:100-109.",
            "pmid": "00000001",
        },
        {
            "number": 3,
            "citation": "Example D. Intra-articular osteoid osteoma. Hip Imaging. 2021;7:55-61.",
            "url": "https://example.org/hip",
        },
    ],
    "tags": [{"name": "Osteoid osteoma"}, {"name": "Hip pain"}, {"name": "Ablation"}],
    "systems": ["musculoskeletal", "paediatric"],
    "difficulty": "resident",
    "rights": {
        "licence": "CC-BY-NC-SA-4.0",
        "copyright_holder": "The authors",
        "attribution": "Written for the Teaching File test suite",
        "source": "",
        "consent": "obtained",
        "consent_statement": "Written informed consent was obtained from the patient's parent.",
    },
    "authors": [
        {"name": "Dr Jane Example", "affiliation": "Department of Radiology, Example Hospital"},
        {"name": "Dr Sam Sample", "affiliation": "Example University"},
    ],
}


def synthetic_image(modality: str, seed: int) -> bytes:
    """A plausible grey-scale image for a figure: shapes, blur and noise, no patient data."""
    rng = random.Random(seed)
    size = 480
    image = Image.new("L", (size, size), 8)
    draw = ImageDraw.Draw(image)
    if modality in {"CT", "MR"}:
        draw.ellipse((60, 90, 420, 400), fill=70 if modality == "CT" else 95)
        draw.ellipse((150, 160, 330, 330), fill=120 if modality == "CT" else 60)
        draw.ellipse((200, 200, 280, 280), fill=225 if modality == "CT" else 180)
        draw.ellipse((232, 232, 248, 248), fill=40 if modality == "CT" else 235)
    elif modality == "US":
        draw.pieslice((-80, -300, 560, 520), 60, 120, fill=60)
        draw.ellipse((190, 230, 300, 320), fill=20)
    else:
        draw.rectangle((0, 0, size, size), fill=30)
        draw.ellipse((40, 20, 440, 470), fill=80)
        draw.rounded_rectangle((190, 40, 290, 470), radius=40, fill=200)
        draw.ellipse((150, 10, 330, 150), fill=210)
        draw.ellipse((255, 250, 290, 300), fill=240)
    image = image.filter(ImageFilter.GaussianBlur(6))
    noise = Image.effect_noise((size, size), 18 + rng.randint(0, 8))
    image = Image.blend(image, noise, 0.12)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def make_figures_ready(case: Case) -> None:
    for figure in Figure.objects.filter(study__case=case).select_related("study"):
        image = synthetic_image(figure.study.modality, figure.pk)
        # One picture stands in for every derivative the pages ask for.
        for field in (figure.thumbnail, figure.web, figure.full):
            field.save(f"figure-{figure.pk}.jpg", ContentFile(image), save=False)
        figure.status = Figure.ProcessingStatus.READY
        figure.save(update_fields=["thumbnail", "web", "full", "status"])


def publish(document: dict, *, featured: bool = False, source: str = "") -> Case:
    case = create_case_from_document(document, author=None, source=source)
    make_figures_ready(case)
    case = publish_imported_case(case)
    if featured:
        Case.objects.filter(pk=case.pk).update(featured=True)
    return case


def has_no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def screenshot(page, name: str) -> None:
    """Keep a full-page screenshot as `<name>.png` in SCREENSHOTS_DIR, when it is set."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
