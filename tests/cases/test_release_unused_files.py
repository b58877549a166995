"""`cases.files.release_unused_files`: a stored file goes once no figure or slice names it."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from cases.files import release_files_of, release_unused_files
from cases.models import Figure, FigureFrame, Study
from cases.storage import private_storage
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(author) -> Study:
    return Study.objects.create(case=make_case(author=author, published=False), modality="CT")


def stored(name: str) -> str:
    return private_storage.save(name, ContentFile(b"pixels"))


def test_a_file_no_figure_names_is_deleted(study):
    name = stored("originals/ab/unused.png")
    release_unused_files([(private_storage, name)], on_commit=False)
    assert not private_storage.exists(name)


def test_a_file_another_figure_or_slice_still_names_is_kept(study):
    original, dicom = stored("originals/ab/shared.png"), stored("deidentified/ab/shared.dcm")
    figure = Figure.objects.create(study=study, original=original)
    FigureFrame.objects.create(figure=figure, position=0, dicom=dicom)
    release_unused_files([(private_storage, original), (private_storage, dicom)], on_commit=False)
    assert private_storage.exists(original) and private_storage.exists(dicom)


def test_files_of_removed_figures_go_only_once_the_removal_is_committed(
    study, django_capture_on_commit_callbacks
):
    figure = Figure.objects.create(study=study, original=stored("originals/ab/removed.png"))
    name = figure.original.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        release_files_of([figure])
        figure.delete()
    assert private_storage.exists(name)
    for callback in callbacks:
        callback()
    assert not private_storage.exists(name)


def test_a_slice_render_another_figure_still_names_is_kept(study):
    render = default_storage.save("derivatives/ab/abc-f0000-default.jpg", ContentFile(b"jpeg"))
    unused = default_storage.save("derivatives/ab/abc-f0001-default.jpg", ContentFile(b"jpeg"))
    figure = Figure.objects.create(study=study, content_hash="abc")
    FigureFrame.objects.create(figure=figure, position=0, renders={"default": render})
    release_unused_files([(default_storage, render), (default_storage, unused)], on_commit=False)
    assert default_storage.exists(render)
    assert not default_storage.exists(unused)


def test_removing_a_figure_releases_its_derivatives_slices_and_renders_too(
    study, django_capture_on_commit_callbacks
):
    def derivative(name: str) -> str:
        return default_storage.save(f"derivatives/ab/{name}", ContentFile(b"jpeg"))

    figure = Figure.objects.create(
        study=study,
        content_hash="abd",
        original=stored("originals/ab/abd.zip"),
        thumbnail=derivative("abd-thumb.jpg"),
        web=derivative("abd-web.jpg"),
        full=derivative("abd-full.jpg"),
    )
    frame = FigureFrame.objects.create(
        figure=figure,
        position=0,
        dicom=stored("deidentified/ab/abd-0000.dcm"),
        renders={"default": derivative("abd-f0000-default.jpg")},
    )
    private = [figure.original.name, frame.dicom.name]
    public = [figure.thumbnail.name, figure.web.name, figure.full.name, frame.renders["default"]]
    with django_capture_on_commit_callbacks(execute=True):
        release_files_of([figure])
        figure.delete()
    assert not [name for name in private if private_storage.exists(name)]
    assert not [name for name in public if default_storage.exists(name)]
