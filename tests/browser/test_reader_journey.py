"""A reader's journey through the site in the system Chromium (Playwright, sync API).

Set SCREENSHOTS_DIR (e.g. `SCREENSHOTS_DIR=screenshots pytest tests/test_browser.py`) to save
full-page screenshots of the main pages at desktop and phone widths.
"""

from __future__ import annotations

import io
import os
import random
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFilter

from accounts.models import Role
from cases.models import Case, Figure, System
from cases.services import create_case_from_document, publish_imported_case
from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself (not by the live server) are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="the system Chromium is not installed"),
]

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

OTHER_CASES = [
    ("Acute subdural haematoma", "CT", ["neuro", "trauma"], 78, "female"),
    ("Multiple sclerosis with active plaques", "MR", ["neuro"], 32, "female"),
    ("Tension pneumothorax", "XR", ["chest", "trauma"], 24, "male"),
    ("Acute appendicitis", "US", ["abdominal", "paediatric"], 11, "male"),
    ("Pulmonary embolism", "CT", ["chest", "vascular"], 93, "female"),
    ("Scaphoid waist fracture", "XR", ["musculoskeletal", "trauma"], 22, "male"),
]


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


def seed_documents() -> list[tuple[str, dict]]:
    """The seed case reports parsed by the importer, when both are there."""
    try:
        from cases.importer import parse_case_report
    except ImportError:
        return []
    seeds = Path(settings.SEED_CASES_DIR)
    if not seeds.is_dir():
        return []
    documents = []
    for path in sorted(seeds.glob("*.txt")):
        parsed = parse_case_report(path.read_text(encoding="utf-8"), source_name=path.name)
        documents.append((path.name, parsed.document))
    return documents


def publish(document: dict, *, featured: bool = False, source: str = "") -> Case:
    case = create_case_from_document(document, author=None, source=source)
    make_figures_ready(case)
    case = publish_imported_case(case)
    if featured:
        Case.objects.filter(pk=case.pk).update(featured=True)
    return case


@pytest.fixture
def published_cases(transactional_db) -> Case:
    """A rich case of our own (returned), a few simple ones, and the seed cases if importable."""
    # Transactional tests flush the database, taking the data migrations' rows with them.
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    for code in {"musculoskeletal", "paediatric", "neuro", "trauma", "chest", "abdominal",
                 "vascular"}:  # fmt: skip
        System.objects.get_or_create(code=code, defaults={"name": code.replace("_", " ").title()})

    for title, modality, systems, age, sex in OTHER_CASES:
        publish(
            {
                "title": title,
                "patient": {"age": age, "age_unit": "years", "sex": sex},
                "clinical_history": f"A teaching case of {title.lower()}.",
                "studies": [
                    {
                        "modality": modality,
                        "label": f"{modality} study",
                        "figures": [{"label": "Fig 1", "alt_text": title}],
                    }
                ],
                "final_diagnosis": title,
                "teaching_points": [f"Recognise {title.lower()}."],
                "systems": systems,
                "rights": {"licence": "CC-BY-4.0", "consent": "not_required"},
            },
            featured=title == "Pulmonary embolism",
        )
    for name, document in seed_documents():
        if (document.get("rights") or {}).get("licence"):
            publish(document, source=name)
    return publish(RICH_CASE, featured=True)


@pytest.fixture
def seed_case(published_cases) -> Case | None:
    """An imported seed case with a commentary, if the importer loaded any.

    A fixture so that it is read before the browser starts: ORM calls made once Playwright's
    sync API is running happen in another greenlet and leave a database connection open.
    """
    return Case.objects.exclude(source="").exclude(commentaries=None).order_by("pk").first()


def has_no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def save_screenshots(browser, base_url: str, pages: dict[str, str]) -> None:
    target = os.environ.get("SCREENSHOTS_DIR")
    if not target:
        return
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    for device, viewport in {"desktop": (1280, 900), "phone": (390, 844)}.items():
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        page = context.new_page()
        for name, path in pages.items():
            page.goto(base_url + path)
            page.screenshot(path=str(folder / f"{name}-{device}.png"), full_page=True)
        context.close()


def test_reader_browses_filters_and_reads_a_case(live_server, published_cases, seed_case, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console_errors: list[str] = []
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )

    page.goto(live_server.url)
    assert page.get_by_role("heading", name="Radiology teaching cases").is_visible()
    assert page.get_by_role("heading", name="Featured cases").is_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Browse").click()
    page.wait_for_url("**/cases/")
    assert page.get_by_role("heading", name="Browse cases", level=1).is_visible()

    facets = page.get_by_role("complementary", name="Refine results")
    facets.get_by_role("link", name=re.compile(r"^MRI, \d+ cases?$")).click()
    page.wait_for_url("**/cases/?*modality=MR*")
    results = page.locator(".results")
    assert results.get_by_role("link", name="Multiple sclerosis with active plaques").is_visible()
    assert results.get_by_role("link", name="Tension pneumothorax").count() == 0
    assert page.get_by_role("link", name="Remove filter Modality: MRI").is_visible()

    results.get_by_role("link", name=RICH_CASE["title"]).click()
    page.wait_for_url(f"**{published_cases.get_absolute_url()}")
    assert page.get_by_role("heading", name=RICH_CASE["title"], level=1).is_visible()
    assert page.locator(".final-diagnosis").inner_text() == RICH_CASE["final_diagnosis"]
    teaching_points = page.locator("#teaching-points li")
    assert teaching_points.count() == 3
    assert teaching_points.first.is_visible()
    machine_label = "Machine-generated analysis — not verified by a radiologist"
    assert page.get_by_text(machine_label).is_visible()
    assert page.locator(".figure img").count() == 4

    page.get_by_role("link", name="3", exact=True).first.click()
    assert page.url.endswith("#ref-3")

    page.set_viewport_size({"width": 375, "height": 800})
    for path in ["/", "/cases/", published_cases.get_absolute_url(), "/accounts/login/"]:
        page.goto(live_server.url + path)
        assert has_no_horizontal_scroll(page), f"{path} scrolls sideways on a phone"

    assert console_errors == []  # no CSP violation, no failed image
    context.close()

    save_screenshots(
        browser,
        live_server.url,
        {
            "home": "/",
            "browse": "/cases/",
            "browse-filtered": "/cases/?system=trauma",
            "case": published_cases.get_absolute_url(),
            **({"case-seed": seed_case.get_absolute_url()} if seed_case else {}),
            "login": "/accounts/login/",
            "signup": "/accounts/signup/",
            "not-found": "/cases/999999/",
        },
    )


def test_keyboard_user_can_skip_to_the_content(live_server, published_cases, browser):
    page = browser.new_page()
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert skip_link.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.close()


@pytest.fixture
def author_with_a_draft(published_cases):
    """The demo-like author and one of their drafts, made before the browser starts."""
    from .conftest import make_case, make_user

    author = make_user("drafting-author", Role.AUTHOR, display_name="Dr Drafting Author")
    draft = make_case(
        author=author, published=False, title="Pigmented villonodular synovitis", licence=None
    )
    return draft


def test_author_finds_a_draft_and_sees_what_blocks_its_publication(
    live_server, author_with_a_draft, browser
):
    page = browser.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Login").fill("drafting-author")
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My cases").click()
    page.wait_for_url("**/cases/mine/")
    drafts = page.get_by_role("region", name="Drafts")
    card = drafts.locator(".dash-card", has_text="Pigmented villonodular synovitis")
    assert card.get_by_text("Draft", exact=True).is_visible()
    card.get_by_text("still block publication").click()  # the list of what blocks it opens
    assert card.get_by_text("A licence is chosen").is_visible()

    card.get_by_role("link", name="Pigmented villonodular synovitis", exact=True).click()
    page.wait_for_url(f"**{author_with_a_draft.get_absolute_url()}")
    checklist = page.get_by_role("region", name="Before publication")
    assert checklist.get_by_text("still block publication").is_visible()
    assert checklist.locator("li.missing", has_text="A licence is chosen").is_visible()
    assert checklist.locator("li.met", has_text="A final diagnosis is given").is_visible()

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/cases/mine/")
    assert has_no_horizontal_scroll(page)
    page.close()


def test_reader_searches_for_a_seed_case_and_reads_it(live_server, seed_case, browser):
    if seed_case is None:
        pytest.skip("the seed case reports (settings.SEED_CASES_DIR) are not beside the checkout")
    title, diagnosis = seed_case.title, seed_case.final_diagnosis
    page = browser.new_page()
    page.goto(live_server.url)
    header_search = page.get_by_role("banner").get_by_role("search")
    header_search.get_by_label("Search cases").fill(title.split()[0])
    header_search.get_by_role("button", name="Search").click()
    page.wait_for_url("**/cases/?q=*")
    page.locator(".results").get_by_role("link", name=title).click()
    page.wait_for_url(f"**{seed_case.get_absolute_url()}")

    assert page.get_by_role("heading", name=title, level=1).is_visible()
    assert page.locator(".final-diagnosis").inner_text() == diagnosis
    assert page.get_by_text(
        "Machine-generated analysis — not verified by a radiologist"
    ).is_visible()
    assert page.get_by_role("table", name="FITT-VP exercise prescription").first.is_visible()
    assert page.get_by_text(seed_case.licence, exact=True).is_visible()
    page.close()
