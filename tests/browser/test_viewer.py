"""The image viewer in the system Chromium, on slices processed by the real upload pipeline:
dragging windows a CT series and an MR slice from their full-bit-depth values, the wheel and
the arrow keys go through the slices, presets, invert and reset; on a phone a swipe goes
through the slices and a pinch zooms, with no keyboard hints; conference mode and full screen
take the width of the screen.

Set SCREENSHOTS_DIR to keep screenshots at 1280 and 390 pixels.
"""

from __future__ import annotations

import pydicom
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone
from pydicom.data import get_testdata_file
from pydicom.pixels import apply_modality_lut

from accounts.models import Role
from bookmarks import services as collections
from cases.models import Case, Figure, Study
from imaging import uploads
from tests.browser.pages import screenshot
from tests.factories import make_case, make_user
from tests.files import series_zip

# The red channel of every pixel of the viewer's canvas, summed: changes with the window.
CANVAS_SUM = """element => {
  const canvas = element.querySelector("[data-viewer-pixels]");
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += data[i];
  return sum;
}"""
CANVAS_PIXEL = """([element, x, y]) => {
  const canvas = element.querySelector("[data-viewer-pixels]");
  return canvas.getContext("2d").getImageData(x, y, 1, 1).data[0];
}"""


def add(study: Study, author, data: bytes, name: str, label: str) -> Figure:
    with TestCase.captureOnCommitCallbacks(execute=True):
        figure = uploads.add_figure(
            study,
            upload=SimpleUploadedFile(name, data, content_type="application/octet-stream"),
            by=author,
            label=label,
        )
    figure.refresh_from_db()
    assert figure.status == Figure.ProcessingStatus.READY, figure.processing_error
    return figure


@pytest.fixture
def case(transactional_db) -> Case:
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    author = make_user("imager", Role.AUTHOR, display_name="Dr Ima Imager")
    case = make_case(author=author, published=False, title="Osteoid osteoma on CT")
    study = Study.objects.create(case=case, modality="CT", label="CT pelvis")
    add(study, author, series_zip(5), "series.zip", "Fig 1")
    with open(get_testdata_file("MR_small.dcm"), "rb") as source:
        add(study, author, source.read(), "mr.dcm", "Fig 2")
    Case.objects.filter(pk=case.pk).update(status="published", published_at=timezone.now())
    return Case.objects.get(pk=case.pk)


def figure_of(case: Case, label: str) -> Figure:
    return Figure.objects.get(study__case=case, label=label)


def shot(page, name: str) -> None:
    screenshot(page, f"viewer-{name}")


def watch(page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    return problems


def drawn(viewer, index: int) -> None:
    viewer.page.wait_for_function(
        "([element, index]) => element.getAttribute('data-viewer-drawn') === String(index)",
        arg=[viewer.element_handle(), index],
    )


def test_dragging_windows_a_ct_series_and_the_wheel_and_keys_go_through_its_slices(
    live_server, case, browser
):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch(page)
    page.goto(live_server.url + case.get_absolute_url())
    series = figure_of(case, "Fig 1")
    viewer = page.locator(f"#viewer-{series.pk}")
    stage = viewer.locator("[data-viewer-stage]")
    level = viewer.locator("[data-viewer-window-level]")
    drawn(viewer, 0)

    # The series opens in its file's own window, drawn from its values, with a scale bar.
    opened = level.inner_text()
    assert opened.startswith("W ")
    assert viewer.locator("[data-viewer-mode='window']").get_attribute("aria-pressed") == "true"
    expect_text(viewer.locator("[data-viewer-scale-text]"), "mm")
    assert viewer.locator(".viewer-help").is_visible()
    before = viewer.evaluate(CANVAS_SUM)

    # Dragging right widens the window, dragging down lowers the level: other pixels.
    stage.scroll_into_view_if_needed()
    box = stage.bounding_box()
    centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(centre_x, centre_y)
    page.mouse.down()
    page.mouse.move(centre_x + 120, centre_y + 80, steps=8)
    page.mouse.up()
    dragged = viewer.evaluate(CANVAS_SUM)
    assert dragged != before
    assert level.inner_text() != opened
    assert viewer.get_by_label("Window").input_value() == "custom"

    # A preset is a shortcut to its window.
    viewer.get_by_label("Window").select_option("lung")
    assert level.inner_text() == "W 1500 L -600"
    lung = viewer.evaluate(CANVAS_SUM)
    assert lung not in (before, dragged)

    # Invert turns every pixel over; Reset brings back the opening window, upright and fitted.
    grey = page.evaluate(CANVAS_PIXEL, [viewer.element_handle(), 64, 64])
    viewer.get_by_role("button", name="Invert").click()
    assert viewer.get_by_role("button", name="Invert").get_attribute("aria-pressed") == "true"
    assert page.evaluate(CANVAS_PIXEL, [viewer.element_handle(), 64, 64]) == 255 - grey
    viewer.get_by_role("button", name="Zoom in").click()
    viewer.get_by_role("button", name="Reset").click()
    assert level.inner_text() == opened
    assert viewer.evaluate(CANVAS_SUM) == before
    assert viewer.get_by_role("button", name="Invert").get_attribute("aria-pressed") == "false"
    assert viewer.locator("[data-viewer-zoom-level]").inner_text() == "100%"

    # The mouse reads the Hounsfield units under it: the middle of the slice.
    stage.hover()
    probe = viewer.locator("[data-viewer-badge]").inner_text().rsplit(" · ", 1)[-1]
    ct = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    middle = apply_modality_lut(ct.pixel_array, ct)[63:66, 63:66]
    assert probe.endswith(" HU")
    assert int(probe.removesuffix(" HU")) in {int(value) for value in middle.flat}

    # The wheel and the arrow keys go through the slices, each drawn from its own values.
    status = viewer.locator("[data-viewer-status]")
    stage.hover()
    page.mouse.wheel(0, 120)
    drawn(viewer, 1)
    assert status.inner_text() == "Slice 2 of 5"
    stage.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    drawn(viewer, 3)
    assert status.inner_text() == "Slice 4 of 5"
    page.keyboard.press("ArrowUp")
    drawn(viewer, 2)
    page.keyboard.press("i")
    assert viewer.get_by_role("button", name="Invert").get_attribute("aria-pressed") == "true"
    page.keyboard.press("r")
    assert viewer.get_by_role("button", name="Invert").get_attribute("aria-pressed") == "false"

    # The study's viewer is large, and its strip switches to the MR slice, windowed too.
    assert stage.bounding_box()["width"] > 700
    strip = page.locator(".study-strip-button")
    assert strip.count() == 2
    shot(page, "ct-1280")
    mr = figure_of(case, "Fig 2")
    strip.nth(1).click()
    mr_viewer = page.locator(f"#viewer-{mr.pk}")
    assert not viewer.is_visible()
    drawn(mr_viewer, 0)
    mr_before = mr_viewer.evaluate(CANVAS_SUM)
    mr_viewer.locator("[data-viewer-stage]").scroll_into_view_if_needed()
    box = mr_viewer.locator("[data-viewer-stage]").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 150, box["y"] + box["height"] / 2, steps=6)
    page.mouse.up()
    assert mr_viewer.evaluate(CANVAS_SUM) != mr_before
    shot(page, "mr-1280")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert problems == []


def expect_text(locator, text: str) -> None:
    locator.page.wait_for_function(
        "([element, text]) => element.textContent.includes(text)",
        arg=[locator.element_handle(), text],
    )


def touch(cdp, kind: str, points: list[tuple[float, float]]) -> None:
    cdp.send(
        "Input.dispatchTouchEvent",
        {
            "type": kind,
            "touchPoints": [{"x": x, "y": y, "id": n} for n, (x, y) in enumerate(points)],
        },
    )


def test_on_a_phone_a_swipe_goes_through_the_slices_and_a_pinch_zooms(live_server, case, browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    problems = watch(page)
    page.goto(live_server.url + case.get_absolute_url())
    series = figure_of(case, "Fig 1")
    viewer = page.locator(f"#viewer-{series.pk}")
    stage = viewer.locator("[data-viewer-stage]")
    drawn(viewer, 0)
    stage.scroll_into_view_if_needed()

    # No keyboard hints on a touch screen; one finger goes through the slices.
    assert not viewer.locator(".viewer-help").is_visible()
    assert viewer.locator("[data-viewer-mode='scroll']").get_attribute("aria-pressed") == "true"
    cdp = context.new_cdp_session(page)
    box = stage.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.3
    touch(cdp, "touchStart", [(x, y)])
    for step in range(1, 9):
        touch(cdp, "touchMove", [(x, y + step * 5)])
    touch(cdp, "touchEnd", [])
    status = viewer.locator("[data-viewer-status]")
    assert status.inner_text() != "Slice 1 of 5"
    swiped = status.inner_text()

    # Two fingers moving apart zoom in, and the slice stays.
    y = box["y"] + box["height"] / 2
    touch(cdp, "touchStart", [(x - 20, y), (x + 20, y)])
    for step in range(1, 9):
        touch(cdp, "touchMove", [(x - 20 - step * 8, y), (x + 20 + step * 8, y)])
    touch(cdp, "touchEnd", [])
    zoom = viewer.locator("[data-viewer-zoom-level]").inner_text()
    assert int(zoom.rstrip("%")) > 150
    assert status.inner_text() == swiped
    shot(page, "ct-390")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert problems == []
    context.close()


def test_conference_mode_and_full_screen_take_the_width_of_the_screen(live_server, case, browser):
    owner = make_user("presenter", Role.TRAINEE)
    collection = collections.create_collection(owner=owner, title="Hip pain", visibility="public")
    collections.add_to_collection(collection=collection, case=case, by=owner)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch(page)
    page.goto(live_server.url + f"/collections/{collection.pk}/present/")
    series = figure_of(case, "Fig 1")
    viewer = page.locator(f"#viewer-{series.pk}")
    drawn(viewer, 0)

    stage = viewer.locator("[data-viewer-stage]")
    assert stage.bounding_box()["width"] >= 1280 - 80
    assert page.locator(".conference .study-strip-button").count() == 2
    shot(page, "conference-1280")

    viewer.get_by_role("button", name="Full screen").click()
    page.wait_for_function("document.fullscreenElement !== null")
    assert page.evaluate("document.fullscreenElement.id") == f"viewer-{series.pk}"
    width, height = page.evaluate("[window.innerWidth, window.innerHeight]")
    assert stage.bounding_box()["width"] >= width - 40
    assert stage.bounding_box()["height"] >= height * 0.6
    shot(page, "fullscreen-1280")
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === null")
    assert problems == []


def test_slices_whose_values_cannot_be_had_are_shown_from_their_pictures(
    live_server, case, browser
):
    series = figure_of(case, "Fig 1")
    for frame in series.frames.all():
        frame.pixels = {**frame.pixels, "name": "derivatives/lost/lost-f0000-pixels.gz"}
        frame.save(update_fields=["pixels"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + case.get_absolute_url())
    viewer = page.locator(f"#viewer-{series.pk}")
    # The viewer starts to window the series, then gives up once its first slice's values fail.
    page.wait_for_function(
        "element => element.hasAttribute('data-viewer-ready')"
        " && !element.querySelector('[data-viewer-pixels]')",
        arg=viewer.element_handle(),
    )

    assert not viewer.locator("[data-viewer-mode='window']").is_visible()
    assert viewer.locator("img[data-viewer-image]").is_visible()
    viewer.locator("[data-viewer-stage]").focus()
    page.keyboard.press("ArrowDown")
    assert "/frames/1/default.jpg" in viewer.locator("img[data-viewer-image]").get_attribute("src")
    viewer.get_by_role("button", name="Invert").click()
    assert "is-inverted" in viewer.get_attribute("class")
    assert errors == []
