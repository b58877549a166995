"""Images in the system Chromium: an author uploads a CT series and an ultrasound, the series
is processed and annotated, the ultrasound is held and checked, and a trainee scrolls the
published series in the viewer.

Set SCREENSHOTS_DIR to keep screenshots of the upload, the quarantine review and the viewer.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pydicom
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect
from pydicom.data import get_testdata_file
from pydicom.uid import generate_uid

from accounts.models import Role
from cases.models import Case, CaseAuthor, Figure, Study
from tests.browser.pages import screenshot
from tests.factories import PASSWORD, make_user

CT = Path(get_testdata_file("CT_small.dcm"))


def dicom(**changes) -> bytes:
    ds = pydicom.dcmread(CT)
    for keyword, value in changes.items():
        setattr(ds, keyword, value)
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    study, series = generate_uid(), generate_uid()
    archive_path = tmp_path / "ct-series.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for number in range(5):
            archive.writestr(
                f"IM{number:04d}.dcm",
                dicom(
                    StudyInstanceUID=study,
                    SeriesInstanceUID=series,
                    SOPInstanceUID=generate_uid(),
                    InstanceNumber=number + 1,
                    ImagePositionPatient=[0, 0, float(number * 3)],
                ),
            )
    ultrasound = tmp_path / "ultrasound.dcm"
    ultrasound.write_bytes(dicom(Modality="US"))
    return {"series": archive_path, "ultrasound": ultrasound}


@pytest.fixture
def draft(transactional_db) -> Case:
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    author = make_user("imager", Role.AUTHOR, display_name="Dr Ima Imager")
    make_user("student", Role.TRAINEE, display_name="Stu Student")
    case = Case.objects.create(title="Osteoid osteoma on CT", created_by=author)
    CaseAuthor.objects.create(case=case, user=author)
    Study.objects.create(case=case, modality="CT", label="CT pelvis")
    return case


def sign_in(browser, url: str, username: str, width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url + "/accounts/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(url + "/")
    return page


def shot(page, name: str) -> None:
    screenshot(page, f"images-{name}")


def test_a_series_is_uploaded_annotated_checked_and_scrolled_by_a_trainee(
    live_server, draft, files, browser
):
    problems: list[str] = []
    author = sign_in(browser, live_server.url, "imager")
    author.on("pageerror", lambda error: problems.append(str(error)))

    # Upload the series and the ultrasound; both show their own progress and result.
    author.goto(f"{live_server.url}/cases/{draft.pk}/edit/studies/")
    author.get_by_label("Upload images").set_input_files(
        [str(files["series"]), str(files["ultrasound"])]
    )
    author.get_by_text("Fig 1: uploaded and processed.").wait_for()
    author.get_by_text(re.compile("Fig 2: held for review")).wait_for()
    assert author.locator(".upload-item progress").count() == 2
    shot(author, "upload")

    # The ultrasound is checked and attested clean.
    author.get_by_role("link", name="Check Fig 2").click()
    author.wait_for_url("**/review/")
    expect(author.get_by_role("heading", name=re.compile("is held for review"))).to_be_visible()
    shot(author, "quarantine-review")
    author.get_by_label(re.compile("nothing in it identifies the patient")).check()
    author.get_by_role("button", name="Attest and release to readers").click()
    author.wait_for_url("**/edit/studies/")
    expect(author.get_by_text("is released to readers")).to_be_visible()

    # An arrow drawn on the series.
    series = Figure.objects.get(study__case=draft, label="Fig 1")
    assert (series.kind, series.status, series.frames.count()) == ("dicom_series", "ready", 5)
    author.goto(f"{live_server.url}/figures/{series.pk}/annotate/")
    author.locator("[data-annotate-tools]").wait_for()  # shown once the script is ready
    canvas = author.locator("[data-annotate-canvas]")
    box = canvas.bounding_box()
    author.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2)
    author.mouse.down()
    author.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5, steps=6)
    author.mouse.up()
    shot(author, "annotate")
    author.get_by_role("button", name="Save annotations").click()
    author.wait_for_url("**/annotate/")
    expect(author.get_by_text("Annotations of Fig 1 saved.")).to_be_visible()
    series.refresh_from_db()
    assert [shape["type"] for shape in series.annotations] == ["arrow"]

    # Published, the trainee scrolls it in the viewer.
    Case.objects.filter(pk=draft.pk).update(status="published", published_at=timezone.now())
    trainee = sign_in(browser, live_server.url, "student")
    trainee.on("pageerror", lambda error: problems.append(str(error)))
    trainee.goto(live_server.url + draft.get_absolute_url())
    viewer = trainee.locator(f"#viewer-{series.pk}")
    status = viewer.locator("[data-viewer-status]")
    assert status.inner_text() == "Slice 1 of 5"
    viewer.locator("[data-viewer-stage]").focus()
    trainee.keyboard.press("ArrowDown")
    trainee.keyboard.press("ArrowDown")
    assert status.inner_text() == "Slice 3 of 5"
    # The slice is drawn from its values, fetched at a signed address: no session is needed,
    # nor checked.
    trainee.wait_for_function(
        "element => element.getAttribute('data-viewer-drawn') === '2'",
        arg=viewer.element_handle(),
    )
    viewer.locator("[data-viewer-stage]").hover()
    trainee.mouse.wheel(0, 200)
    trainee.wait_for_timeout(200)
    assert status.inner_text() == "Slice 4 of 5"
    viewer.get_by_label("Window").select_option("lung")
    assert viewer.locator("[data-viewer-window-level]").inner_text() == "W 1500 L -600"
    assert viewer.locator("svg line, svg path").count() >= 1  # the arrow
    shot(trainee, "viewer")
    trainee.set_viewport_size({"width": 390, "height": 844})
    assert trainee.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(trainee, "viewer-phone")
    assert problems == []
