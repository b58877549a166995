"""The image viewer and the drawing tools in the system Chromium (Playwright, sync API).

The pages are the real partials (cases/_viewer.html, _annotate.html, _redact.html) rendered
into tests/imaging/js_harness/page.html with figure data shaped like those of
imaging.viewer.viewer_data, and served with the site's static files and synthetic JPEG frames
by a small HTTP server that sends the site's Content-Security-Policy, so an inline style or
script would show up as a console error. Screenshots of every tool at desktop and phone widths
go to screenshots/viewer-*.png.
"""

from __future__ import annotations

import html
import io
import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.conf import settings
from django.template import engines
from PIL import Image, ImageDraw, ImageFont

from tests.browser.pages import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="the system Chromium is not installed"),
]

HARNESS = Path(__file__).parent / "js_harness"
STATIC = Path(settings.BASE_DIR) / "static"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
# The policy of teachingfile.settings.SECURE_CSP, less the nonce: these pages have no inline script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
SLICES = 20
PRESETS = [
    ["default", "As acquired"],
    ["brain", "Brain"],
    ["soft_tissue", "Soft tissue"],
    ["lung", "Lung"],
    ["bone", "Bone"],
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


# Synthetic images ---------------------------------------------------------------------------


def _jpeg(image: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    path.write_bytes(buffer.getvalue())


def _window(value: int, preset: str) -> int:
    """A rough stand-in for CT windowing, so each preset looks different."""
    if preset == "brain":
        return min(255, int(value * 1.5))
    if preset == "soft_tissue":
        return int(60 + value * 0.7)
    if preset == "lung":
        return 255 - value
    if preset == "bone":
        return 255 if value > 170 else int(value * 0.4)
    return value


def ct_slice(index: int, preset: str) -> Image.Image:
    """An axial 'CT' slice: body, spine, a lesion on the middle slices, and its number."""
    size = 256
    image = Image.new("L", (size, size), _window(8, preset))
    draw = ImageDraw.Draw(image)
    body = 92 + (index % 7)
    draw.ellipse(
        (128 - body, 128 - body + 14, 128 + body, 128 + body - 6), fill=_window(95, preset)
    )
    draw.ellipse((98, 70, 158, 126), fill=_window(55, preset))
    draw.ellipse((114, 172, 142, 200), fill=_window(225, preset))
    if 7 <= index <= 12:
        radius = 14 - abs(index - 10) * 2
        draw.ellipse(
            (70 - radius, 120 - radius, 70 + radius, 120 + radius), fill=_window(190, preset)
        )
    font = ImageFont.load_default(size=28)
    draw.text((10, 6), str(index + 1), fill=_window(240, preset), font=font)
    draw.text((10, 226), preset, fill=_window(200, preset), font=ImageFont.load_default(size=16))
    return image


def photo(width: int, height: int) -> Image.Image:
    """A clinical 'photograph': skin-coloured gradient with a darker lesion."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = 170 + int(50 * y / height)
        draw.line((0, y, width, y), fill=(shade, int(shade * 0.78), int(shade * 0.66)))
    draw.ellipse((width * 0.55, height * 0.35, width * 0.75, height * 0.62), fill=(120, 60, 55))
    return image


def ultrasound(index: int) -> Image.Image:
    """An 'ultrasound' frame with burned-in patient details along the top."""
    image = Image.new("L", (320, 240), 0)
    draw = ImageDraw.Draw(image)
    draw.pieslice((10, -150, 310, 230), 60, 120, fill=70 + index * 4)
    draw.ellipse((130, 120, 190, 170), fill=15)
    font = ImageFont.load_default(size=14)
    draw.text((8, 6), "DOE^JANE  1961-02-03", fill=255, font=font)
    draw.text((8, 222), f"Frame {index + 1}", fill=200, font=font)
    return image


# Figure data, as imaging.viewer.viewer_data gives it ---------------------------------------------


def signed(path: str) -> str:
    """An address as cases/media_urls.py signs it: the viewer keeps its query string intact."""
    return f"{path}?expires=1765000000&signature=5d41402abc4b2a76b9719d911017c592"


def ct_figure(figure_id: int = 12, annotations: list | None = None) -> dict:
    return {
        "id": figure_id,
        "label": "Fig 2",
        "caption": "Axial CT of the abdomen: a round hyperdense lesion on slices 8 to 13.",
        "alt": "Axial CT slice of the abdomen with a small round dense lesion",
        "kind": "stack",
        "width": 256,
        "height": 256,
        "frames": [
            {
                "src": signed(f"/figures/ct/{i}/default.jpg"),
                "presets": {
                    name: signed(f"/figures/ct/{i}/{name}.jpg")
                    for name, _ in PRESETS
                    if name != "default"
                },
            }
            for i in range(SLICES)
        ],
        "full": None,
        "presets": PRESETS,
        "photo": False,
        "annotations": [
            {
                "type": "arrow",
                "x1": 0.12,
                "y1": 0.2,
                "x2": 0.25,
                "y2": 0.42,
                "frame": None,
                "label": "lesion",
            },
            {
                "type": "ellipse",
                "cx": 0.5,
                "cy": 0.38,
                "rx": 0.14,
                "ry": 0.12,
                "frame": 2,
                "label": "stomach",
            },
            {"type": "text", "x": 0.9, "y": 0.5, "text": "L", "frame": None},
        ]
        if annotations is None
        else annotations,
        "download": signed("/figures/12/dicom.zip"),
    }


def photo_figure(figure_id: int = 13, annotations: list | None = None) -> dict:
    return {
        "id": figure_id,
        "label": "Fig 1",
        "caption": "Clinical photograph of the left forearm.",
        "alt": "Forearm skin with a dark oval lesion",
        "kind": "image",
        "width": 480,
        "height": 320,
        "frames": [{"src": signed("/figures/photo/web.jpg"), "presets": {}}],
        "full": signed("/figures/photo/full.jpg"),
        "presets": [],
        "photo": True,
        "annotations": [
            {
                "type": "arrow",
                "x1": 0.3,
                "y1": 0.75,
                "x2": 0.54,
                "y2": 0.55,
                "frame": None,
                "label": "ulcerated edge",
            },
            {"type": "text", "x": 0.05, "y": 0.1, "text": "R", "frame": None},
        ]
        if annotations is None
        else annotations,
        "download": None,
    }


def us_figure(figure_id: int = 21) -> dict:
    return {
        "id": figure_id,
        "label": "Fig 3",
        "caption": "Ultrasound clip held for review.",
        "alt": "Ultrasound frame with burned-in text",
        "kind": "stack",
        "width": 320,
        "height": 240,
        "frames": [{"src": signed(f"/figures/us/{i}.jpg"), "presets": {}} for i in range(6)],
        "full": None,
        "presets": [],
        "photo": False,
        "annotations": [],
        "download": None,
    }


# The harness server --------------------------------------------------------------------------


def render_page(title: str, partial: str, figures: list[dict], **context) -> str:
    template = engines["django"].from_string((HARNESS / "page.html").read_text())
    return template.render(
        {
            "title": title,
            "partial": partial,
            "figures": figures,
            "csrf_token": "harness-csrf-token",
            **context,
        }
    )


def build_harness(root: Path) -> None:
    for i in range(SLICES):
        for name, _ in PRESETS:
            _jpeg(ct_slice(i, name), root / "figures" / "ct" / str(i) / f"{name}.jpg")
    _jpeg(photo(480, 320), root / "figures" / "photo" / "web.jpg")
    _jpeg(photo(960, 640), root / "figures" / "photo" / "full.jpg")
    for i in range(6):
        _jpeg(ultrasound(i), root / "figures" / "us" / f"{i}.jpg")

    pages = root / "pages"
    pages.mkdir()
    (pages / "harness.css").write_text((HARNESS / "harness.css").read_text())
    (pages / "viewer.html").write_text(
        render_page("Viewer", "cases/_viewer.html", [ct_figure(), photo_figure()])
    )
    (pages / "viewer-grid.html").write_text(
        render_page(
            "Viewers side by side",
            "cases/_viewer.html",
            [ct_figure(), photo_figure(), ct_figure(figure_id=14, annotations=[])],
            grid=True,
        )
    )
    (pages / "annotate.html").write_text(
        render_page(
            "Annotate",
            "cases/_annotate.html",
            [ct_figure(annotations=[]), photo_figure()],
            annotate_url="/echo/annotate/",
            case={"version": 7},
        )
    )
    (pages / "redact.html").write_text(
        render_page("Redact", "cases/_redact.html", [us_figure()], redact_url="/echo/redact/")
    )


def handler_for(routes: dict[str, Path]) -> type[SimpleHTTPRequestHandler]:
    class HarnessHandler(SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            path = unquote(urlsplit(path).path)
            for prefix, folder in routes.items():
                if path.startswith(prefix):
                    target = (folder / path[len(prefix) :]).resolve()
                    if target.is_relative_to(folder.resolve()):
                        return str(target)
            return str(Path("/nonexistent"))

        def end_headers(self) -> None:
            self.send_header("Content-Security-Policy", CSP)
            super().end_headers()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            fields = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            posted = {name: values[0] for name, values in fields.items()}
            body = (
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                '<link rel="icon" href="data:,"><title>Posted</title></head><body>'
                f'<pre id="posted">{html.escape(json.dumps(posted))}</pre></body></html>'
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args) -> None:  # noqa: A002
            pass

    return HarnessHandler


@dataclass
class Harness:
    url: str
    pages: Path  # served as /harness/


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    root = tmp_path_factory.mktemp("js_harness")
    build_harness(root)
    routes = {
        "/static/": STATIC,
        "/figures/": root / "figures",
        "/harness/": root / "pages",
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(routes))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Harness(url=f"http://127.0.0.1:{server.server_port}", pages=root / "pages")
    server.shutdown()
    server.server_close()


class Tab:
    """A page with its console errors collected."""

    def __init__(self, browser, url: str, viewport: dict, **options):
        self.context = browser.new_context(viewport=viewport, **options)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")


def open_tab(browser, harness: Harness, name: str, viewport: dict = DESKTOP, **options) -> Tab:
    return Tab(browser, f"{harness.url}/harness/{name}.html", viewport, **options)


def canvas_point(page, selector: str, x: float, y: float) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    return box["x"] + box["width"] * x, box["y"] + box["height"] * y


def drag(page, selector: str, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*canvas_point(page, selector, *start))
    page.mouse.down()
    page.mouse.move(*canvas_point(page, selector, *end), steps=6)
    page.mouse.up()


def wait_until(page, expression: str, timeout: float = 5.0) -> None:
    """page.wait_for_function evaluates a string, which the site's policy forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout}s: {expression}"
        page.wait_for_timeout(50)


def transform(page, selector: str) -> str:
    return page.locator(selector).evaluate("element => element.style.transform")


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"viewer-{name}.png"), full_page=True)


# The viewer ----------------------------------------------------------------------------------

CT = "#viewer-12"
PHOTO = "#viewer-13"


def test_stack_scrolls_with_the_wheel_the_keys_and_the_slider(browser, harness):
    from playwright.sync_api import expect

    tab = open_tab(browser, harness, "viewer")
    page = tab.page
    stage = page.locator(f"{CT} [data-viewer-stage]")
    status = page.locator(f"{CT} [data-viewer-status]")
    image = page.locator(f"{CT} [data-viewer-image]")
    slider = page.get_by_label("Slice", exact=True).first
    expect(status).to_have_text("Slice 1 of 20")
    expect(status).to_have_attribute("aria-live", "polite")

    stage.hover()
    page.mouse.wheel(0, 100)
    expect(status).to_have_text("Slice 2 of 20")
    expect(image).to_have_attribute("src", signed("/figures/ct/1/default.jpg"))
    page.mouse.wheel(0, 100)
    page.mouse.wheel(0, -100)
    expect(status).to_have_text("Slice 2 of 20")
    # A touchpad's small deltas add up to one slice.
    for _ in range(5):
        page.mouse.wheel(0, 12)
    expect(status).to_have_text("Slice 3 of 20")

    stage.focus()
    page.keyboard.press("ArrowDown")
    expect(status).to_have_text("Slice 4 of 20")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(status).to_have_text("Slice 2 of 20")
    page.keyboard.press("End")
    expect(status).to_have_text("Slice 20 of 20")
    page.keyboard.press("ArrowDown")
    expect(status).to_have_text("Slice 20 of 20")
    page.keyboard.press("PageUp")
    expect(status).to_have_text("Slice 18 of 20")
    page.keyboard.press("Home")
    expect(status).to_have_text("Slice 1 of 20")
    expect(slider).to_have_value("1")

    slider.fill("7")
    expect(status).to_have_text("Slice 7 of 20")
    expect(image).to_have_attribute("src", signed("/figures/ct/6/default.jpg"))
    expect(slider).to_have_attribute("aria-valuetext", "Slice 7 of 20")
    expect(page.locator(f"{CT} [data-viewer-badge]")).to_have_text("7/20")

    # Dragging down in scroll mode moves through the stack, one slice per few pixels.
    drag(page, f"{CT} [data-viewer-canvas]", (0.5, 0.4), (0.5, 0.52))
    assert int(slider.input_value()) > 7

    # On a phone one finger does the same: dragging up goes back through the stack, and the
    # browser leaves the gesture to the viewer instead of scrolling the page.
    expect(stage).to_have_class(re.compile(r"\bcaptures-touch\b"))
    before = int(slider.input_value())
    x, y = canvas_point(page, f"{CT} [data-viewer-canvas]", 0.5, 0.6)
    finger = {"pointerId": 7, "pointerType": "touch", "isPrimary": True, "button": 0}
    stage.dispatch_event("pointerdown", {**finger, "clientX": x, "clientY": y})
    for step in range(1, 5):
        stage.dispatch_event("pointermove", {**finger, "clientX": x, "clientY": y - step * 6})
    stage.dispatch_event("pointerup", {**finger, "clientX": x, "clientY": y - 24})
    assert int(slider.input_value()) == before - 4
    assert tab.errors == []


def test_neighbouring_slices_are_loaded_ahead_of_time(browser, harness):
    tab = open_tab(browser, harness, "viewer")
    loaded = tab.page.evaluate(
        "performance.getEntriesByType('resource').map(entry => new URL(entry.name).pathname)"
    )
    # On screen, the whole stack is fetched in the background, the first slices first.
    assert "/figures/ct/1/default.jpg" in loaded
    assert "/figures/ct/19/default.jpg" in loaded
    assert not any(path.endswith("/bone.jpg") for path in loaded)
    assert tab.errors == []


def test_zoom_buttons_keys_and_double_click_change_the_transform(browser, harness):
    from playwright.sync_api import expect

    tab = open_tab(browser, harness, "viewer")
    page = tab.page
    viewer = page.locator(CT)
    canvas = f"{CT} [data-viewer-canvas]"
    level = page.locator(f"{CT} [data-viewer-zoom-level]")
    assert transform(page, canvas) == ""

    viewer.get_by_role("button", name="Zoom in").click()
    assert "scale(1.25)" in transform(page, canvas)
    expect(level).to_have_text("125%")
    page.locator(f"{CT} [data-viewer-stage]").focus()
    page.keyboard.press("+")
    assert "scale(1.5625)" in transform(page, canvas)
    page.keyboard.press("-")
    assert "scale(1.25)" in transform(page, canvas)
    viewer.get_by_role("button", name="Zoom out").click()
    assert transform(page, canvas) == ""
    # Not below fitting the frame.
    viewer.get_by_role("button", name="Zoom out").click()
    assert transform(page, canvas) == ""

    # Ctrl + wheel zooms around the pointer.
    page.locator(canvas).hover(position={"x": 40, "y": 40})
    page.keyboard.down("Control")
    page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    zoomed = transform(page, canvas)
    assert "scale(" in zoomed and "translate(0px, 0px)" not in zoomed

    # In pan mode a drag moves the image; the mode buttons say which is on.
    viewer.get_by_role("button", name="Fit").click()
    viewer.get_by_role("button", name="Zoom in").click()
    viewer.get_by_role("button", name="Zoom in").click()
    pan = viewer.get_by_role("button", name="Pan", exact=True)
    pan.click()
    expect(pan).to_have_attribute("aria-pressed", "true")
    expect(viewer.get_by_role("button", name="Scroll")).to_have_attribute("aria-pressed", "false")
    before = transform(page, canvas)
    drag(page, canvas, (0.5, 0.5), (0.6, 0.6))
    after = transform(page, canvas)
    assert after != before and "scale(1.5625)" in after
    expect(page.locator(f"{CT} [data-viewer-status]")).to_have_text("Slice 1 of 20")

    page.locator(f"{CT} [data-viewer-stage]").dblclick()
    assert transform(page, canvas) == ""
    viewer.get_by_role("button", name="Zoom in").click()
    page.keyboard.press("0")
    assert transform(page, canvas) == ""
    assert tab.errors == []


def test_window_preset_swaps_the_frame_source_and_keeps_the_slice(browser, harness):
    from playwright.sync_api import expect

    tab = open_tab(browser, harness, "viewer")
    page = tab.page
    image = page.locator(f"{CT} [data-viewer-image]")
    page.locator(f"{CT} [data-viewer-slider]").fill("5")
    page.locator(CT).get_by_label("Window").select_option("bone")
    expect(image).to_have_attribute("src", signed("/figures/ct/4/bone.jpg"))
    page.locator(f"{CT} [data-viewer-stage]").focus()
    page.keyboard.press("ArrowDown")
    expect(image).to_have_attribute("src", signed("/figures/ct/5/bone.jpg"))
    page.keyboard.press("4")  # the fourth preset: lung
    expect(image).to_have_attribute("src", signed("/figures/ct/5/lung.jpg"))
    expect(page.locator(CT).get_by_label("Window")).to_have_value("lung")
    page.keyboard.press("1")
    expect(image).to_have_attribute("src", signed("/figures/ct/5/default.jpg"))
    # A photograph has no window presets.
    assert page.locator(f"{PHOTO} [data-viewer-preset]").count() == 0
    assert tab.errors == []


def test_annotations_follow_their_slice_and_the_toggle_hides_them(browser, harness):
    from playwright.sync_api import expect

    tab = open_tab(browser, harness, "viewer")
    page = tab.page
    shapes = page.locator(f"{CT} .annotation")
    overlay = page.locator(f"{CT} .viewer-overlay")
    expect(shapes).to_have_count(2)  # the arrow and the text are on every slice
    expect(page.locator(f"{CT} .annotation-label")).to_have_text("lesion")
    expect(overlay).to_have_attribute("aria-label", "Annotations: Arrow “lesion”, Text “L”")
    arrow = page.locator(f"{CT} .shape-arrow .annotation-stroke")
    assert arrow.get_attribute("x1") == "12.000%"
    assert arrow.get_attribute("marker-end").startswith("url(#arrowhead-")

    page.locator(f"{CT} [data-viewer-slider]").fill("3")
    expect(shapes).to_have_count(3)  # and the ellipse is on slice 3
    expect(page.locator(f"{CT} .shape-ellipse")).to_be_visible()
    page.locator(f"{CT} [data-viewer-slider]").fill("4")
    expect(shapes).to_have_count(2)

    toggle = page.locator(CT).get_by_label("Show annotations")
    expect(toggle).to_be_checked()
    toggle.uncheck()
    expect(page.locator(f"{CT} .shape-arrow")).to_be_hidden()
    expect(page.locator(f"{CT} .shape-text")).to_be_hidden()
    # The other figure's annotations stay.
    expect(page.locator(f"{PHOTO} .shape-arrow")).to_be_visible()
    toggle.check()
    expect(page.locator(f"{CT} .shape-arrow")).to_be_visible()
    assert tab.errors == []


def test_brightness_and_contrast_set_the_image_filter(browser, harness):
    from playwright.sync_api import expect

    tab = open_tab(browser, harness, "viewer")
    page = tab.page
    viewer = page.locator(PHOTO)
    image = page.locator(f"{PHOTO} [data-viewer-image]")
    filter_of = "element => element.style.filter"

    viewer.get_by_label("Brightness", exact=True).fill("150")
    assert image.evaluate(filter_of) == "brightness(150%) contrast(100%)"
    expect(viewer.locator("[data-viewer-brightness-value]")).to_have_text("150%")
    viewer.get_by_label("Contrast", exact=True).fill("60")
    assert image.evaluate(filter_of) == "brightness(150%) contrast(60%)"
    viewer.get_by_role("button", name="Reset brightness and contrast").click()
    assert image.evaluate(filter_of) == ""
    expect(viewer.get_by_label("Brightness", exact=True)).to_have_value("100")
    # CT has window presets instead.
    assert page.locator(f"{CT} [data-viewer-brightness]").count() == 0

    # Zoomed in, a single image shows its full-size version.
    viewer.get_by_role("button", name="Zoom in").click()
    viewer.get_by_role("button", name="Zoom in").click()
    expect(image).to_have_attribute("src", signed("/figures/photo/full.jpg"))
    # ... and the wheel over it is left to the page, to scroll it.
    page.evaluate(
        "window.addEventListener('wheel', event => { window.wheelTaken = event.defaultPrevented })"
    )
    page.locator(f"{PHOTO} [data-viewer-stage]").hover()
    page.mouse.wheel(0, 100)
    wait_until(page, "window.wheelTaken === false")
    page.locator(f"{CT} [data-viewer-stage]").hover()
    page.mouse.wheel(0, 100)
    wait_until(page, "window.wheelTaken === true")
    assert tab.errors == []


def test_full_screen_button_follows_the_fullscreen_api(browser, harness):
    from playwright.sync_api import expect

    tab = open_tab(browser, harness, "viewer")
    page = tab.page
    button = page.locator(f"{CT} [data-viewer-fullscreen]")
    if not page.evaluate("document.fullscreenEnabled"):
        expect(button).to_be_hidden()
        expect(page.locator(f"{CT} .viewer-help")).not_to_contain_text("full screen")
        return
    expect(button).to_have_text("Full screen")
    button.click()
    wait_until(page, "document.fullscreenElement && document.fullscreenElement.id === 'viewer-12'")
    expect(button).to_have_text("Exit full screen")
    expect(page.locator(f"{CT} [data-viewer-stage]")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"{CT} [data-viewer-status]")).to_have_text("Slice 2 of 20")
    page.keyboard.press("f")
    wait_until(page, "document.fullscreenElement === null")
    expect(button).to_have_text("Full screen")
    assert tab.errors == []


def test_viewers_on_one_page_work_independently(browser, harness):
    from playwright.sync_api import expect

    tab = open_tab(browser, harness, "viewer")
    page = tab.page
    page.locator(f"{CT} [data-viewer-stage]").focus()
    page.keyboard.press("End")
    page.locator(PHOTO).get_by_role("button", name="Zoom in").click()
    expect(page.locator(f"{CT} [data-viewer-status]")).to_have_text("Slice 20 of 20")
    assert transform(page, f"{CT} [data-viewer-canvas]") == ""
    assert "scale(1.25)" in transform(page, f"{PHOTO} [data-viewer-canvas]")
    # Each overlay has its own arrowhead.
    markers = page.locator("marker").evaluate_all("nodes => nodes.map(node => node.id)")
    assert len(markers) == len(set(markers)) == 4
    # A single image has no slice controls and no scroll mode.
    assert page.locator(f"{PHOTO} [data-viewer-slider]").count() == 0
    assert page.locator(f"{PHOTO} [data-viewer-mode]").count() == 0
    expect(page.locator(f"{PHOTO} .viewer-help")).to_have_text(
        "Keys: +/− zoom, 0 fit, F full screen"
    )
    assert tab.errors == []


def test_viewer_is_labelled_and_keyboard_reachable(browser, harness):
    from playwright.sync_api import expect

    tab = open_tab(browser, harness, "viewer")
    page = tab.page
    stage = page.locator(f"{CT} [data-viewer-stage]")
    expect(stage).to_have_attribute("tabindex", "0")
    expect(stage).to_have_attribute("role", "group")
    expect(stage).to_have_attribute("aria-label", "Fig 2: image viewer, 20 slices")
    expect(page.locator(f"{CT} .viewer-help")).to_have_text(
        "Keys: ↑↓ or wheel slices, +/− zoom, 0 fit, I invert, R reset, F full screen"
    )
    expect(page.locator(f"{CT} .viewer-caption")).to_contain_text("Fig 2")
    expect(
        page.locator(CT).get_by_role("link", name="Download DICOM (de-identified)")
    ).to_have_attribute("href", signed("/figures/12/dicom.zip"))
    expect(
        page.locator(PHOTO).get_by_role("link", name="Download DICOM (de-identified)")
    ).to_have_count(0)
    # Tab reaches the image area first, then its controls.
    page.locator("h1").click()
    page.keyboard.press("Tab")
    expect(stage).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(f"{CT} [data-viewer-slider]")).to_be_focused()
    assert tab.errors == []


def test_without_javascript_the_first_frame_and_caption_are_shown(browser, harness):
    from playwright.sync_api import expect

    tab = open_tab(browser, harness, "viewer", java_script_enabled=False)
    page = tab.page
    image = page.locator(f"{CT} img")
    expect(image).to_be_visible()
    expect(image).to_have_attribute("src", signed("/figures/ct/0/default.jpg"))
    expect(image).to_have_attribute(
        "alt", "Axial CT slice of the abdomen with a small round dense lesion"
    )
    assert page.locator(f"{CT} img").evaluate("img => img.naturalWidth") == 256
    expect(page.locator(f"{CT} figcaption")).to_contain_text("Axial CT of the abdomen")
    expect(page.locator(f"{CT} [data-viewer-controls]")).to_be_hidden()
    expect(page.get_by_role("link", name="Full size image")).to_have_attribute(
        "href", signed("/figures/photo/full.jpg")
    )


# The annotation tool -------------------------------------------------------------------------

ANNOTATE = "#annotate-12"
ANNOTATE_CANVAS = f"{ANNOTATE} [data-annotate-canvas]"


def annotations(page, selector: str = ANNOTATE) -> list[dict]:
    return json.loads(page.locator(f"{selector} input[name=annotations]").input_value())


def test_drawing_an_arrow_fills_the_hidden_field_and_undo_removes_it(browser, harness):
    from playwright.sync_api import expect

    tab = open_tab(browser, harness, "annotate")
    page = tab.page
    tool = page.locator(ANNOTATE)
    assert annotations(page) == []
    expect(tool.get_by_role("button", name="Arrow")).to_have_attribute("aria-pressed", "true")
    expect(tool.get_by_text("No annotations yet")).to_be_visible()

    drag(page, ANNOTATE_CANVAS, (0.2, 0.3), (0.5, 0.6))
    [arrow] = annotations(page)
    assert arrow["type"] == "arrow"
    assert arrow["frame"] == 0
    for name, expected in [("x1", 0.2), ("y1", 0.3), ("x2", 0.5), ("y2", 0.6)]:
        assert 0 <= arrow[name] <= 1
        assert arrow[name] == pytest.approx(expected, abs=0.01)
    expect(page.locator(f"{ANNOTATE} .shape-arrow")).to_have_count(1)
    expect(tool.locator("[data-annotate-list] li")).to_have_count(1)
    expect(tool.get_by_text("Unsaved changes")).to_be_visible()

    tool.get_by_role("button", name="Undo").click()
    assert annotations(page) == []
    expect(page.locator(f"{ANNOTATE} .annotation")).to_have_count(0)
    expect(tool.get_by_role("button", name="Undo")).to_be_disabled()

    # A click without a drag draws nothing.
    page.mouse.click(*canvas_point(page, ANNOTATE_CANVAS, 0.4, 0.4))
    assert annotations(page) == []
    assert tab.errors == []


def test_ellipse_text_slices_select_and_delete(browser, harness):
    from playwright.sync_api import expect

    tab = open_tab(browser, harness, "annotate")
    page = tab.page
    tool = page.locator(ANNOTATE)

    # An ellipse with a label, on slice 5.
    tool.get_by_label("Slice", exact=True).fill("5")
    tool.get_by_role("button", name="Ellipse").click()
    tool.get_by_label("Label for the next arrow or ellipse").fill("lesion")
    drag(page, ANNOTATE_CANVAS, (0.2, 0.4), (0.4, 0.6))
    [ellipse] = annotations(page)
    assert ellipse["type"] == "ellipse" and ellipse["label"] == "lesion" and ellipse["frame"] == 4
    assert ellipse["cx"] == pytest.approx(0.3, abs=0.01)
    assert ellipse["rx"] == pytest.approx(0.1, abs=0.01)
    expect(tool.get_by_label("Label for the next arrow or ellipse")).to_have_value("")

    # Text typed in place, on every slice.
    tool.get_by_label("Show on every slice").check()
    tool.get_by_role("button", name="Text").click()
    page.mouse.click(*canvas_point(page, ANNOTATE_CANVAS, 0.85, 0.1))
    field = tool.get_by_role("textbox", name="Text of the new annotation")
    expect(field).to_be_focused()
    field.fill("R")
    field.press("Enter")
    text = annotations(page)[1]
    assert text["type"] == "text" and text["text"] == "R" and text["frame"] is None
    expect(field).to_have_count(0)
    # Escape leaves nothing behind.
    page.mouse.click(*canvas_point(page, ANNOTATE_CANVAS, 0.5, 0.5))
    tool.get_by_role("textbox", name="Text of the new annotation").press("Escape")
    assert len(annotations(page)) == 2

    # On another slice only what is on every slice shows.
    tool.get_by_label("Slice", exact=True).fill("1")
    expect(page.locator(f"{ANNOTATE} .annotation")).to_have_count(1)
    tool.get_by_label("Slice", exact=True).fill("5")
    expect(page.locator(f"{ANNOTATE} .annotation")).to_have_count(2)
    expect(tool.locator(".shape-where")).to_have_text(["slice 5", "every slice"])

    # Select the ellipse by clicking its outline, then delete it with the key.
    tool.get_by_role("button", name="Select", exact=True).click()
    page.mouse.click(*canvas_point(page, ANNOTATE_CANVAS, 0.4, 0.5))
    expect(page.locator(f"{ANNOTATE} .shape-ellipse")).to_have_class(re.compile(r"\bis-selected\b"))
    expect(tool.get_by_role("button", name="Delete selected")).to_be_enabled()
    page.keyboard.press("Delete")
    assert [shape["type"] for shape in annotations(page)] == ["text"]

    # Labels are edited in the list; Clear all and Undo.
    tool.get_by_role("textbox", name="Text of annotation 1").fill("Right")
    assert annotations(page)[0]["text"] == "Right"
    expect(page.locator(f"{ANNOTATE} .shape-text")).to_have_text("Right")
    tool.get_by_role("button", name="Clear all").click()
    assert annotations(page) == []
    tool.get_by_role("button", name="Undo").click()
    assert annotations(page)[0]["text"] == "Right"
    assert tab.errors == []


def test_arrow_can_be_added_with_the_keyboard_and_saved_by_a_form_post(browser, harness):
    from playwright.sync_api import expect

    tab = open_tab(browser, harness, "annotate")
    page = tab.page
    tool = page.locator(ANNOTATE)
    tool.get_by_text("Add an arrow with the keyboard").click()
    tool.get_by_label("Tail x (%)").fill("10")
    tool.get_by_label("Tail y (%)").fill("20")
    tool.get_by_label("Head x (%)").fill("140")
    tool.get_by_label("Head y (%)").fill("45")
    tool.get_by_role("button", name="Add arrow").click()
    expect(tool.get_by_role("alert")).to_have_text("Give each position as a number from 0 to 100.")
    expect(tool.get_by_label("Head x (%)")).to_be_focused()
    tool.get_by_label("Head x (%)").fill("40")
    tool.locator("[data-coordinate=label]").fill("nidus")
    tool.get_by_label("Head y (%)").press("Enter")
    [arrow] = annotations(page)
    assert arrow == {
        "type": "arrow",
        "x1": 0.1,
        "y1": 0.2,
        "x2": 0.4,
        "y2": 0.45,
        "frame": 0,
        "label": "nidus",
    }
    expect(tool.get_by_role("alert")).to_be_hidden()

    # The other figure on the page keeps its own shapes.
    assert [shape["type"] for shape in annotations(page, "#annotate-13")] == ["arrow", "text"]

    tool.get_by_role("button", name="Save annotations").click()
    page.wait_for_url("**/echo/annotate/")
    posted = json.loads(page.locator("#posted").text_content())
    assert json.loads(posted["annotations"]) == [arrow]
    assert posted["base_version"] == "7"
    assert posted["csrfmiddlewaretoken"] == "harness-csrf-token"
    assert tab.errors == []


def test_annotation_tool_restores_what_was_posted_after_a_refused_save(browser, harness):
    from playwright.sync_api import expect

    posted = [{"type": "text", "x": 0.5, "y": 0.5, "text": "kept", "frame": None}]
    page_html = render_page(
        "Annotate again",
        "cases/_annotate.html",
        [ct_figure(annotations=[])],
        annotate_url="/echo/annotate/",
        case={"version": 7},
        annotations_json=json.dumps(posted),
        annotate_errors=["This case was changed by someone else."],
    )
    (harness.pages / "annotate-again.html").write_text(page_html)
    tab = open_tab(browser, harness, "annotate-again")
    page = tab.page
    expect(page.get_by_text("This case was changed by someone else.")).to_be_visible()
    assert annotations(page) == posted
    expect(page.locator(f"{ANNOTATE} .shape-text")).to_have_text("kept")
    assert tab.errors == []


# The redaction tool ----------------------------------------------------------------------

REDACT = "#redact-21"
REDACT_CANVAS = f"{REDACT} [data-redact-canvas]"


def regions(page) -> list[dict]:
    value = page.locator(f"{REDACT} input[name=regions]").input_value()
    return json.loads(value) if value else []


def test_drawing_a_region_lists_it_and_enables_the_black_out(browser, harness):
    from playwright.sync_api import expect

    tab = open_tab(browser, harness, "redact")
    page = tab.page
    tool = page.locator(REDACT)
    submit = tool.get_by_role("button", name="Black out these regions")
    expect(submit).to_be_disabled()
    expect(tool.get_by_text("No regions yet.")).to_be_visible()

    drag(page, REDACT_CANVAS, (0.02, 0.01), (0.45, 0.1))
    [region] = regions(page)
    assert region["x"] == pytest.approx(0.02, abs=0.01)
    assert region["y"] == pytest.approx(0.01, abs=0.01)
    assert region["width"] == pytest.approx(0.43, abs=0.01)
    assert region["height"] == pytest.approx(0.09, abs=0.01)
    assert all(0 <= value <= 1 for value in region.values())
    expect(submit).to_be_enabled()
    expect(tool.locator("[data-redact-list] li")).to_have_text(
        ["Region 1: 2%, 1% – 45%, 10%Remove"]
    )
    expect(page.locator(f"{REDACT} .redaction-region")).to_have_count(1)

    # Regions stay while the slider shows the other slices.
    tool.get_by_label("Slice", exact=True).fill("6")
    expect(tool.locator("[data-redact-slice-status]")).to_have_text("Slice 6 of 6")
    expect(page.locator(f"{REDACT} [data-redact-image]")).to_have_attribute(
        "src", signed("/figures/us/5.jpg")
    )
    expect(page.locator(f"{REDACT} .redaction-region")).to_have_count(1)

    tool.get_by_role("button", name="Remove region 1").click()
    assert regions(page) == []
    expect(submit).to_be_disabled()

    # With the keyboard, then posted.
    tool.get_by_text("Add a region with the keyboard").click()
    tool.get_by_label("Left (%)").fill("0")
    tool.get_by_label("Top (%)").fill("90")
    tool.get_by_label("Right (%)").fill("30")
    tool.get_by_label("Bottom (%)").fill("100")
    tool.get_by_role("button", name="Add region").click()
    assert regions(page) == [{"x": 0, "y": 0.9, "width": 0.3, "height": 0.1}]
    drag(page, REDACT_CANVAS, (0.6, 0.2), (0.9, 0.3))
    assert len(regions(page)) == 2
    submit.click()
    page.wait_for_url("**/echo/redact/")
    posted = json.loads(page.locator("#posted").text_content())
    assert len(json.loads(posted["regions"])) == 2
    assert tab.errors == []


# Screenshots ---------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_screenshots_of_the_viewer_and_the_tools(browser, harness, viewport):
    from playwright.sync_api import expect

    width = "desktop" if viewport is DESKTOP else "phone"
    tab = open_tab(browser, harness, "viewer", viewport)
    page = tab.page
    page.locator(f"{CT} [data-viewer-slider]").fill("10")
    expect(page.locator(f"{CT} .annotation")).to_have_count(2)
    # Controls wrap inside the page: nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, width)
    page.locator(CT).get_by_label("Window").select_option("soft_tissue")
    page.locator(CT).get_by_role("button", name="Zoom in").click()
    page.locator(CT).get_by_role("button", name="Zoom in").click()
    page.locator(f"{CT} [data-viewer-slider]").fill("3")
    page.locator(CT).scroll_into_view_if_needed()
    page.locator(CT).screenshot(path=str(SCREENSHOTS / f"viewer-zoomed-{width}.png"))
    if page.evaluate("document.fullscreenEnabled"):
        page.locator(CT).get_by_role("button", name="Full screen").click()
        wait_until(page, "document.fullscreenElement !== null")
        page.wait_for_timeout(200)
        page.screenshot(path=str(SCREENSHOTS / f"viewer-fullscreen-{width}.png"))
    assert tab.errors == []

    tab = open_tab(browser, harness, "viewer", viewport, java_script_enabled=False)
    screenshot(tab.page, f"nojs-{width}")

    # Side by side in a study's grid of figures, as on the case page.
    tab = open_tab(browser, harness, "viewer-grid", viewport)
    page = tab.page
    expect(page.locator("[data-viewer-ready]")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"grid-{width}")
    assert tab.errors == []

    tab = open_tab(browser, harness, "annotate", viewport)
    page = tab.page
    tool = page.locator(ANNOTATE)
    tool.get_by_label("Slice", exact=True).fill("10")
    tool.get_by_label("Label for the next arrow or ellipse").fill("lesion")
    drag(page, ANNOTATE_CANVAS, (0.12, 0.2), (0.25, 0.44))
    tool.get_by_role("button", name="Ellipse").click()
    drag(page, ANNOTATE_CANVAS, (0.36, 0.25), (0.62, 0.5))
    tool.get_by_role("button", name="Select", exact=True).click()
    page.mouse.click(*canvas_point(page, ANNOTATE_CANVAS, 0.62, 0.375))
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"annotate-{width}")
    assert tab.errors == []

    tab = open_tab(browser, harness, "redact", viewport)
    page = tab.page
    drag(page, REDACT_CANVAS, (0.02, 0.01), (0.5, 0.1))
    drag(page, REDACT_CANVAS, (0.02, 0.91), (0.3, 0.99))
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"redact-{width}")
    assert tab.errors == []
