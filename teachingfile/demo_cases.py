"""The demo's cases with images, written for this project around what each image shows.

The images are openly licensed DICOM test files (credits in `cases/demo_data/images/CREDITS.md`):
three copied into the repository from the `pydicom-data` package, and one read from the test
files that the installed `pydicom` package ships, so that the demo never needs the network. The
demo command uploads them through the same pipeline as an author's upload, so they are inspected,
de-identified and rendered like any other, and publishes each case only through the editorial
workflow, after its publication checklist is complete.

Each case is a canonical case document (PRODUCT.md section 6) whose figures name their file
under `"file"`; the demo adds the figures itself, with their files, rather than creating them
empty from the document.
"""

from __future__ import annotations

from pathlib import Path

import pydicom
from django.conf import settings

IMAGES_DIR = Path(settings.BASE_DIR) / "cases" / "demo_data" / "images"
# Shipped inside the pydicom wheel (not one of the test files it fetches on demand).
PYDICOM_TEST_FILES = Path(pydicom.__file__).parent / "data" / "test_files"

PYDICOM_DATA_CREDIT = "the pydicom-data package (MIT licence, © 2020 Dicom in Python)"
NEMA_CREDIT = (
    "a DICOM Working Group 4 sample image published by NEMA for testing DICOM software, "
    f"as distributed in {PYDICOM_DATA_CREDIT}"
)
TEST_IMAGE_CONSENT = (
    "The images are public DICOM test images, anonymised by those who published them for "
    "testing software; no patient can be identified. The case text was written for this demo."
)
DEMO_RIGHTS = {
    "licence": "CC-BY-4.0",
    "copyright_holder": "The Teaching File demo authors",
    "consent": "not_required",
    "consent_statement": TEST_IMAGE_CONSENT,
}


def _rights(image_credit: str) -> dict:
    return {**DEMO_RIGHTS, "attribution": f"Case text: the Teaching File demo. {image_credit}"}


NON_OSSIFYING_FIBROMA = {
    "title": "Non-ossifying fibroma of the distal tibia",
    "case_type": "clinical_case",
    "patient": {"age": None, "sex": "female"},
    "clinical_history": (
        "A woman had a radiograph of the right lower leg and ankle. The source of the image "
        "records no symptoms and no reason for the examination: read it as a lesion met by "
        "chance on a radiograph taken for something else, and decide whether it needs anything "
        "more."
    ),
    "imaging_findings": (
        "A well-defined, lobulated lucent lesion with a thin sclerotic margin lies eccentrically "
        "in the lateral part of the distal tibial metadiaphysis. No aggressive feature."
    ),
    "studies": [
        {
            "modality": "XR",
            "label": "Radiograph of the right lower leg and ankle",
            "timing": "",
            "findings": (
                "Frontal (AP) radiograph of the distal tibia, fibula and ankle; side marker R.\n\n"
                "- In the distal metadiaphysis of the tibia, a few centimetres above the ankle "
                "joint, an oval lucent lesion lies in the lateral half of the bone, its long "
                "axis along the shaft.\n"
                "- Its margin is sharp, thin and sclerotic, scalloped; faint internal ridges "
                "give it a multiloculated, bubbly look.\n"
                "- The lateral cortex next to it is thinned but intact. No periosteal reaction, "
                "no mineralised matrix, no soft-tissue mass.\n"
                "- The growth plates are closed (a faint physeal scar). Ankle joint, fibula "
                "and talus unremarkable."
            ),
            "figures": [
                {
                    "file": IMAGES_DIR / "RG3_J2KI.dcm",
                    "label": "Fig 1",
                    "caption": (
                        "AP radiograph of the right distal leg and ankle: a lobulated lucent "
                        "lesion with a thin sclerotic rim, eccentric in the lateral distal "
                        "tibial metadiaphysis, without periosteal reaction."
                    ),
                    "alt_text": (
                        "Frontal radiograph of a right lower leg and ankle. Above the ankle, "
                        "the outer side of the tibia holds an oval, bubbly dark lesion outlined "
                        "by a thin white rim; the bone around it is otherwise normal."
                    ),
                }
            ],
        }
    ],
    "sections": [
        {
            "kind": "background",
            "heading": "Background",
            "body": (
                "Non-ossifying fibroma (fibroxanthoma) is the commonest benign fibrous lesion "
                "of bone. It arises in the metaphysis of a long bone in childhood and "
                "adolescence, most often around the knee and in the distal tibia, and moves "
                "away from the growth plate as the bone grows. The smaller, purely cortical "
                "form is called a fibrous cortical defect. Most regress and fill in with bone "
                "after skeletal maturity [1]."
            ),
        },
        {
            "kind": "imaging_perspective",
            "heading": "Imaging perspective",
            "body": (
                "The radiograph is usually diagnostic: an eccentric, metaphyseal or "
                "metadiaphyseal lucency, longer than wide, with a thin sclerotic scalloped "
                "margin and a bubbly look, and no periosteal reaction or soft-tissue mass. "
                "It is a lesion to leave alone: no biopsy and, when typical, no further "
                "imaging. In adults the lesion is often partly sclerotic as it heals. A large "
                "lesion, occupying most of the width of the bone, can break, and pathological "
                "fracture is the usual reason it comes to treatment [2]."
            ),
        },
        {
            "kind": "outcome",
            "heading": "Outcome",
            "body": "The source of the image gives no follow-up.",
        },
    ],
    "differential_diagnoses": [
        {
            "diagnosis": "Fibrous dysplasia",
            "note": "Usually central and longer, with a ground-glass matrix.",
        },
        {
            "diagnosis": "Chondromyxoid fibroma",
            "note": "Also eccentric, lobulated and metaphyseal, but rare and often expansile.",
        },
        {
            "diagnosis": "Aneurysmal bone cyst",
            "note": "Eccentric too, but expansile, with fluid-fluid levels on MR.",
        },
        {
            "diagnosis": "Simple bone cyst",
            "note": "Central rather than eccentric; may show a fallen fragment.",
        },
    ],
    "final_diagnosis": "Non-ossifying fibroma",
    "diagnostic_certainty": "probable",
    "certainty_basis": (
        "Typical radiographic appearance; the diagnosis is the one the image's source gives it. "
        "No histology or follow-up is available."
    ),
    "teaching_points": [
        "An eccentric metaphyseal lucency with a thin sclerotic scalloped rim in a young person "
        "is a non-ossifying fibroma until proven otherwise.",
        "A typical non-ossifying fibroma is a lesion to leave alone: no biopsy, no routine "
        "follow-up imaging.",
        "Size matters: a lesion filling most of the width of the bone may fracture.",
    ],
    "references": [
        {
            "number": 1,
            "citation": (
                "Ritschl P, Karnel F, Hajek P. Fibrous metaphyseal defects: determination of "
                "their origin and natural history using a radiomorphological study. Skeletal "
                "Radiol. 1988;17(1):8-15."
            ),
        },
        {
            "number": 2,
            "citation": (
                "Arata MA, Peterson HA, Dahlin DC. Pathological fractures through non-ossifying "
                "fibromas. Review of the Mayo Clinic experience. J Bone Joint Surg Am. "
                "1981;63(6):980-988."
            ),
        },
    ],
    "tags": [{"name": "non-ossifying fibroma"}, {"name": "benign bone lesion"}],
    "systems": ["musculoskeletal"],
    "difficulty": "student",
    "rights": _rights(f"Radiograph: {NEMA_CREDIT} (file RG3)."),
    "questions": [
        {
            "stem": "Which feature of this lucent tibial lesion best supports a non-ossifying "
            "fibroma?",
            "options": [
                "An eccentric position with a thin sclerotic, scalloped margin",
                "A central ground-glass matrix",
                "A wide zone of transition with permeative destruction",
                "Lamellated periosteal reaction",
            ],
            "answer": 0,
            "explanation": (
                "A sharp, sclerotic, scalloped margin around an eccentric metaphyseal lucency "
                "is the typical pattern; the other features suggest fibrous dysplasia or an "
                "aggressive lesion."
            ),
        },
        {
            "stem": "What does a typical non-ossifying fibroma found by chance usually need?",
            "options": [
                "Nothing: no biopsy and no routine follow-up",
                "A biopsy",
                "MR with contrast",
                "Curettage and bone grafting",
            ],
            "answer": 0,
            "explanation": (
                "It is a lesion to leave alone; treatment is for large lesions at risk of "
                "fracture, or for a fracture."
            ),
        },
    ],
}

NORMAL_SHOULDER_MR = {
    "title": "Normal shoulder on MR: coronal oblique anatomy",
    "case_type": "clinical_case",
    "patient": {"age": None, "sex": "male"},
    "clinical_history": (
        "A man had an MR of the right shoulder. The source of the image records no symptoms. "
        "Use this slice to name the structures a shoulder MR report goes through before "
        "looking for disease."
    ),
    "imaging_findings": (
        "One coronal oblique T1-weighted slice of the right shoulder: normal marrow, rotator "
        "cuff, acromioclavicular joint and glenohumeral joint."
    ),
    "studies": [
        {
            "modality": "MR",
            "label": "MR of the right shoulder",
            "timing": "",
            "findings": (
                "Coronal oblique T1-weighted spin-echo slice (TR 350 ms, TE 27 ms), in the "
                "plane of the supraspinatus.\n\n"
                "- Humeral head: bright fatty marrow with a thin dark line of the healed growth "
                "plate (physeal scar); smooth articular surface.\n"
                "- Supraspinatus: the muscle above the head, under the acromion and the "
                "acromioclavicular joint, continues as a dark tendon to the greater tuberosity; "
                "no gap in it.\n"
                "- Glenohumeral joint: the head sits centred on the glenoid; dark labrum and "
                "cartilage outline the joint.\n"
                "- The deltoid covers the shoulder laterally under a layer of bright "
                "subcutaneous fat.\n"
                "- No abnormal signal is seen in the bone or the muscles."
            ),
            "figures": [
                {
                    "file": IMAGES_DIR / "MR2_J2KI.dcm",
                    "label": "Fig 1",
                    "caption": (
                        "Coronal oblique T1-weighted MR of the right shoulder: humeral head "
                        "with fatty marrow and a physeal scar, supraspinatus muscle and "
                        "tendon under the acromion, deltoid laterally."
                    ),
                    "alt_text": (
                        "Grey-scale MR slice of a right shoulder seen from the front: the "
                        "rounded humeral head on the left of the picture, the glenoid of the "
                        "shoulder blade to its right, a muscle and tendon passing over the "
                        "head under the bony roof of the shoulder, and a bright rim of fat "
                        "under the skin."
                    ),
                }
            ],
        }
    ],
    "sections": [
        {
            "kind": "imaging_perspective",
            "heading": "Imaging perspective",
            "body": (
                "The coronal oblique plane is set along the supraspinatus, so one slice shows "
                "the muscle, its tendon and its insertion on the greater tuberosity, and the "
                "subacromial space above them. On T1-weighted images fat and fatty marrow are "
                "bright, tendons, ligaments, labrum and cortical bone dark. A report goes "
                "through the rotator cuff, the long biceps tendon, the labrum, the "
                "acromioclavicular joint and the marrow; fluid-sensitive (fat-suppressed) "
                "images, not shown here, are where tears and oedema show best."
            ),
        },
    ],
    "differential_diagnoses": [],
    "final_diagnosis": "Normal shoulder MR",
    "diagnostic_certainty": "probable",
    "certainty_basis": (
        "One T1-weighted slice only: no fluid-sensitive sequence and no other plane, so a "
        "small tear or oedema cannot be excluded."
    ),
    "teaching_points": [
        "The coronal oblique plane follows the supraspinatus from muscle to insertion.",
        "On T1-weighted MR fat is bright and tendons are dark: a tendon that turns grey or "
        "has a gap deserves the fluid-sensitive images.",
        "A thin dark line across the humeral head in an adult is the physeal scar, not a fracture.",
    ],
    "references": [],
    "tags": [{"name": "normal anatomy"}, {"name": "rotator cuff"}],
    "systems": ["musculoskeletal"],
    "difficulty": "student",
    "rights": _rights(f"MR image: {NEMA_CREDIT} (file MR2)."),
    "questions": [
        {
            "stem": "Which tendon does the coronal oblique plane of a shoulder MR follow?",
            "options": ["Supraspinatus", "Subscapularis", "Long head of biceps", "Teres minor"],
            "answer": 0,
            "explanation": (
                "The plane is set parallel to the supraspinatus, showing the muscle, its "
                "tendon and its insertion on the greater tuberosity on one slice."
            ),
        },
    ],
}

THORACIC_VERTEBRA_CT = {
    "title": "Thoracic vertebra on axial CT: normal anatomy",
    "case_type": "clinical_case",
    "patient": {"age": None, "sex": "unknown"},
    "clinical_history": (
        "One axial CT slice of the thorax, shown in a bone window. The source of the image "
        "records no clinical details. Name the parts of the vertebra and what lies around it."
    ),
    "imaging_findings": (
        "Axial CT through a thoracic vertebra: vertebral body, pedicles, laminae and spinous "
        "process around the spinal canal; a rib articulating with the vertebra; the descending "
        "aorta to the left of the body; lung on both sides."
    ),
    "studies": [
        {
            "modality": "CT",
            "label": "CT of the thorax, one axial slice",
            "timing": "",
            "findings": (
                "A small (128 × 128) axial slice through a thoracic vertebra.\n\n"
                "- The round vertebral body in front, with trabecular bone inside a thin "
                "cortex.\n"
                "- The spinal canal behind it, closed by the pedicles and laminae, and the "
                "spinous process pointing back in the midline.\n"
                "- On the patient's right (the left of the picture) a rib meets the vertebra at "
                "its costovertebral and costotransverse joints.\n"
                "- In front and to the left of the body, a round soft-tissue density: the "
                "descending aorta.\n"
                "- Lung with its vessels on both sides; paraspinal muscles behind.\n"
                "- No fracture, no destructive or sclerotic lesion."
            ),
            "figures": [
                {
                    "file": PYDICOM_TEST_FILES / "CT_small.dcm",
                    "label": "Fig 1",
                    "caption": (
                        "Axial CT of a thoracic vertebra: body, spinal canal, posterior "
                        "elements, a costovertebral joint and the descending aorta."
                    ),
                    "alt_text": (
                        "Small axial CT image of the spine at chest level: a round vertebral "
                        "body with the ring of the spinal canal behind it, a rib joining it on "
                        "one side, a round blood vessel in front on the other side, and dark "
                        "lung to both sides."
                    ),
                }
            ],
        }
    ],
    "sections": [
        {
            "kind": "imaging_perspective",
            "heading": "Imaging perspective",
            "body": (
                "A thoracic vertebra carries the ribs: each rib head meets the vertebral body "
                "(costovertebral joint) and its tubercle meets the transverse process "
                "(costotransverse joint). Change the window: in a bone window the cortex and "
                "trabeculae show, in a soft-tissue window the aorta, muscles and canal "
                "contents. Axial images are read with the patient's right on the viewer's "
                "left."
            ),
        },
    ],
    "differential_diagnoses": [],
    "final_diagnosis": "Normal thoracic vertebra",
    "diagnostic_certainty": "probable",
    "certainty_basis": "One low-resolution slice only, without clinical details.",
    "teaching_points": [
        "Thoracic vertebrae are recognised by their rib articulations.",
        "Axial images are shown with the patient's right on the viewer's left.",
    ],
    "references": [],
    "tags": [{"name": "normal anatomy"}, {"name": "thoracic spine"}],
    "systems": ["spine"],
    "difficulty": "student",
    "rights": _rights(
        "CT image: the test file CT_small of pydicom (MIT licence, © 2008-2020 Darcy Mason "
        "and pydicom contributors), downsized from a NEMA DICOM Working Group 4 sample image."
    ),
    "questions": [
        {
            "stem": "What identifies this vertebra as thoracic on a single axial slice?",
            "options": [
                "A rib articulating with it",
                "A foramen in the transverse process",
                "A bifid spinous process",
                "Its large, kidney-shaped body",
            ],
            "answer": 0,
            "explanation": (
                "Rib articulations are unique to thoracic vertebrae; transverse foramina and "
                "bifid spinous processes are cervical, a large kidney-shaped body lumbar."
            ),
        },
    ],
}

READING_A_STACK = {
    "title": "Reading an MR stack: follow each structure from slice to slice",
    "case_type": "topic_review",
    "clinical_history": "",
    "imaging_findings": (
        "Ten adjacent slices of a small T1-weighted enhanced MR test series of the head. Scroll "
        "through them in the viewer."
    ),
    "studies": [
        {
            "modality": "MR",
            "label": "MR of the head, ten slices",
            "timing": "",
            "findings": (
                "A test series, cropped and downsized to 64 × 64 pixels, ten frames of one "
                "multi-frame file. It shows folded cerebral cortex: bands of grey and white "
                "matter that bend around a smooth dark region edged by a bright curved band. "
                "From slice to slice the folds change shape while the curved band moves "
                "slowly. The images are too small and too tightly cropped to name every "
                "structure with confidence, which is what makes them a good exercise."
            ),
            "figures": [
                {
                    "file": IMAGES_DIR / "emri_small.dcm",
                    "label": "Fig 1",
                    "caption": (
                        "Ten slices of a T1-weighted MR test series of the head. Scroll with "
                        "the wheel, the arrow keys or the slider."
                    ),
                    "alt_text": (
                        "A stack of ten small grey-scale MR images of part of a brain: folded "
                        "cortex curving around a smooth dark area with a bright edge, changing "
                        "a little from one image to the next."
                    ),
                }
            ],
        }
    ],
    "sections": [
        {
            "kind": "discussion",
            "heading": "Why scroll",
            "body": (
                "A cross-sectional study is a volume, not a set of pictures. A structure seen "
                "on one slice is identified by where it comes from and where it goes on the "
                "next: a vessel continues as a tube, a nodule appears and disappears, a fold "
                "of cortex joins its neighbours. Scrolling back and forth, rather than "
                "reading each slice once, is how small findings are found and how partial "
                "volume is told from disease."
            ),
        },
        {
            "kind": "discussion",
            "heading": "How to read a stack here",
            "body": (
                "In the viewer, scroll with the mouse wheel, the arrow keys or the slider; "
                "zoom in on a detail and keep scrolling. Name one structure, then follow it "
                "through every slice before moving on to the next."
            ),
        },
    ],
    "teaching_points": [
        "Read a stack by scrolling back and forth, not slice by slice once.",
        "Identify a structure by its continuity across slices.",
        "Follow one structure through the whole stack before turning to the next.",
    ],
    "references": [],
    "tags": [{"name": "image interpretation"}],
    "systems": ["neuro"],
    "difficulty": "student",
    "rights": _rights(f"MR images: the test file emri_small from {PYDICOM_DATA_CREDIT}."),
}

# In the order they are created; the first two are featured on the home page.
DEMO_IMAGED_CASES: tuple[dict, ...] = (
    NON_OSSIFYING_FIBROMA,
    NORMAL_SHOULDER_MR,
    READING_A_STACK,
    THORACIC_VERTEBRA_CT,
)
