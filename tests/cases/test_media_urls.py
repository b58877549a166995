"""Signed image addresses: made only for readers who may see the image, the same for everyone
within a time bucket, expiring between half an expiry and a whole one after they are given."""

from __future__ import annotations

import pytest

from cases import media_urls
from cases.models import Case, Figure, Study
from tests.factories import add_ready_figure, assign, make_case
from tests.media import START, path_of, query_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def figure(author) -> Figure:
    study = Study.objects.create(case=make_case(author=author), modality="CT")
    return add_ready_figure(study, label="Fig 1")


def held_figure(case: Case) -> Figure:
    study = Study.objects.create(case=case, modality="US")
    return Figure.objects.create(
        study=study, status=Figure.ProcessingStatus.QUARANTINED, thumbnail="held-thumb.jpg"
    )


def test_an_address_names_its_expiry_and_signature_in_readable_parameters(clock, figure):
    address = media_urls.figure_image_url(figure, "web")
    assert path_of(address) == f"/figures/{figure.pk}/web.jpg"
    assert list(query_of(address)) == ["expires", "signature", "v"]


def test_an_address_changes_when_the_figures_pictures_change(clock, figure):
    before = media_urls.figure_image_url(figure, "web")
    frame_before = media_urls.figure_frame_url(figure, 0)
    figure.thumbnail.name = "derivatives/re/redacted-thumb.jpg"  # as a redaction names them
    assert media_urls.figure_image_url(figure, "web") != before
    assert media_urls.figure_frame_url(figure, 0) != frame_before
    # Only the browser's cache is told apart: the signature is the same.
    assert (
        query_of(media_urls.figure_image_url(figure, "web"))["signature"]
        == (query_of(before)["signature"])
    )


def test_a_figure_read_without_its_file_names_is_signed_without_reading_them(
    clock, figure, django_assert_num_queries
):
    figure = Figure.objects.only("id", "status").get(pk=figure.pk)
    with django_assert_num_queries(0):
        address = media_urls.figure_image_url(figure, "thumb")
    assert list(query_of(address)) == ["expires", "signature"]


def test_addresses_are_identical_within_a_bucket_and_change_in_the_next(clock, figure):
    first = media_urls.figure_image_url(figure, "thumb")
    clock.now = START + 1799
    assert media_urls.figure_image_url(figure, "thumb") == first
    clock.now = START + 1800
    assert media_urls.figure_image_url(figure, "thumb") != first


def test_an_address_lives_between_half_an_expiry_and_a_whole_one(clock, figure, settings):
    settings.MEDIA_URL_EXPIRY_SECONDS = 3600
    for offset in (0, 1, 900, 1799):
        clock.now = START + offset
        expires = int(query_of(media_urls.figure_image_url(figure))["expires"])
        assert 1800 < expires - clock.now <= 3600


def test_the_expiry_is_a_setting(clock, figure, settings):
    settings.MEDIA_URL_EXPIRY_SECONDS = 600
    expires = int(query_of(media_urls.figure_image_url(figure))["expires"])
    assert 300 < expires - START <= 600
    assert media_urls.bucket_seconds() == 300


def test_each_figure_size_and_slice_has_its_own_signature(clock, figure):
    signatures = {
        query_of(address)["signature"]
        for address in [
            media_urls.figure_image_url(figure, "thumb"),
            media_urls.figure_image_url(figure, "web"),
            media_urls.figure_image_url(figure, "full"),
            media_urls.figure_frame_url(figure, 0),
            media_urls.figure_frame_url(figure, 1),
            media_urls.figure_frame_url(figure, 1, "lung"),
            media_urls.figure_dicom_url(figure),
        ]
    }
    assert len(signatures) == 7


def test_a_size_that_does_not_exist_gets_no_address(figure):
    assert media_urls.figure_image_url(figure, "huge") is None


@pytest.mark.parametrize("status", ["pending", "processing", "failed"])
def test_a_figure_not_processed_gets_no_address(author, status):
    study = Study.objects.create(case=make_case(author=author, published=False), modality="CT")
    figure = Figure.objects.create(study=study, status=status, thumbnail="t.jpg")
    assert media_urls.figure_image_url(figure, "thumb", author) is None
    assert media_urls.figure_frame_url(figure, 0, user=author) is None
    assert media_urls.figure_dicom_url(figure, author) is None


def test_a_figure_held_in_quarantine_gets_addresses_only_for_those_who_decide_on_it(
    author, coauthor, editor, trainee, reviewer, anonymous, two_author_draft
):
    case = two_author_draft
    Case.objects.filter(pk=case.pk).update(status=Case.Status.IN_REVIEW)
    assign(case, reviewer)
    figure = held_figure(case)
    for decider in (author, coauthor, editor):
        assert media_urls.figure_image_url(figure, "web", decider), decider
        assert media_urls.figure_frame_url(figure, 0, user=decider), decider
        # The DICOM may carry the burned-in text: nobody downloads it while it is held.
        assert media_urls.figure_dicom_url(figure, decider) is None
    for reader in (reviewer, trainee, anonymous, None):
        assert media_urls.figure_image_url(figure, "web", reader) is None, reader
        assert media_urls.figure_frame_url(figure, 0, user=reader) is None, reader


def test_making_addresses_of_a_processed_figure_reads_nothing(
    figure, trainee, django_assert_num_queries
):
    with django_assert_num_queries(0):
        media_urls.figure_image_url(figure, "thumb", trainee)
        media_urls.figure_frame_url(figure, 3, "bone", trainee)
        media_urls.figure_dicom_url(figure, trainee)


def test_a_quarantine_decision_is_asked_once_for_a_whole_stack(
    author, django_assert_max_num_queries
):
    figure = held_figure(make_case(author=author, published=False))
    figure = Figure.objects.select_related("study__case").get(pk=figure.pk)
    media_urls.figure_frame_url(figure, 0, user=author)
    with django_assert_max_num_queries(0):
        for position in range(50):
            assert media_urls.figure_frame_url(figure, position, "lung", author)
