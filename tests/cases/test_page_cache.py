"""The case page from cache: never stale after a change, never one reader's page for another."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Role
from cases import editing, media_urls, page_cache, published_revisions, workflow_services
from cases.edit_values import (
    AuthorRow,
    CommentaryRow,
    DifferentialRow,
    ReferenceRow,
    SectionRow,
    TeachingPointRow,
)
from cases.models import Case, Figure, Study, System
from community import comments, moderation
from community.models import Comment
from imaging import processing, quarantine, uploads
from tests.factories import add_ready_figure, assign, complete_case, make_user
from tests.files import jpeg_with_exif, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return make_user("admin", is_superuser=True, is_staff=True, display_name="Site Admin")


@pytest.fixture
def case(author, coauthor) -> Case:
    return complete_case(
        author,
        coauthor,
        status=Case.Status.PUBLISHED,
        title="Calcific tendinitis",
        clinical_history="Hip pain for a week.",
    )


def page(client, case: Case, **headers):
    response = client.get(case.get_absolute_url(), headers=headers)
    return response


def text_of(client, case: Case) -> str:
    response = page(client, case)
    assert response.status_code == 200
    return response.content.decode()


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def cached(client, case: Case) -> str:
    """The anonymous page, read twice so that the second read is served from cache."""
    text_of(client, case)
    assert queries_for(client, case.get_absolute_url()) <= 1, "not served from cache"
    return text_of(client, case)


def again(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


# Every change a reader can see, and what the page shows after it ----------------------------


def edit_title(case, people):
    editing.change_case_fields(
        case, by=people.admin, base_version=case.version, fields={"title": "Gluteal calcific"}
    )
    return "Gluteal calcific"


def edit_history(case, people):
    editing.change_case_fields(
        case,
        by=people.admin,
        base_version=case.version,
        fields={"clinical_history": "Pain at night, **worse lying**."},
    )
    return "worse lying"


def edit_sections(case, people):
    editing.replace_sections(
        case,
        by=people.admin,
        base_version=case.version,
        sections=[SectionRow(kind="discussion", heading="Why it calcifies", body="Hydroxyapatite")],
    )
    return "Hydroxyapatite"


def add_a_study(case, people):
    editing.add_study(
        case, by=people.admin, base_version=case.version, modality="MR", label="MR hip today"
    )
    return "MR hip today"


def change_a_study(case, people):
    # The service writes the study with a queryset update, which sends no signal.
    study = case.studies.get()
    editing.change_study(
        case, study, by=people.admin, base_version=case.version, changes={"label": "CT, day 2"}
    )
    return "CT, day 2"


def edit_figure_caption(case, people):
    figure = Figure.objects.get(study__case=case)
    editing.change_figure(
        figure,
        by=people.admin,
        base_version=case.version,
        changes={"caption": "Amorphous calcification"},
    )
    return "Amorphous calcification"


def annotate_figure(case, people):
    figure = Figure.objects.get(study__case=case)
    editing.annotate_figure(
        figure,
        by=people.admin,
        base_version=case.version,
        annotations=[{"type": "text", "x": 0.5, "y": 0.5, "text": "Calcium here", "frame": None}],
    )
    return "Calcium here"


def edit_differentials(case, people):
    editing.replace_differentials(
        case,
        by=people.admin,
        base_version=case.version,
        differentials=[DifferentialRow(diagnosis="Myositis ossificans")],
    )
    return "Myositis ossificans"


def edit_teaching_points(case, people):
    editing.replace_teaching_points(
        case,
        by=people.admin,
        base_version=case.version,
        teaching_points=[TeachingPointRow(text="Look at the gluteal insertion")],
    )
    return "Look at the gluteal insertion"


def edit_references(case, people):
    editing.replace_references(
        case,
        by=people.admin,
        base_version=case.version,
        references=[ReferenceRow(citation="Smith J. Calcific tendinitis. Radiology. 2020.")],
    )
    return "Smith J. Calcific tendinitis"


def edit_commentaries(case, people):
    editing.replace_commentaries(
        case,
        by=people.admin,
        base_version=case.version,
        commentaries=[CommentaryRow(provenance="author", heading="A second look", body="Rare")],
    )
    return "A second look"


def edit_authors(case, people):
    editing.replace_authors(
        case,
        by=people.admin,
        base_version=case.version,
        authors=[
            *(AuthorRow(user=row.user, id=row.pk) for row in case.authors.all()),
            AuthorRow(name="Dr External Person"),
        ],
    )
    return "Dr External Person"


def edit_tags_and_systems(case, people):
    editing.change_case_fields(
        case,
        by=people.admin,
        base_version=case.version,
        fields={},
        systems=[System.objects.order_by("pk").first()],
        tags=["enthesopathy"],
    )
    return "enthesopathy"


def edit_rights(case, people):
    rights = {"copyright_holder": "St Elsewhere"}
    editing.set_rights(case, by=people.admin, base_version=case.version, rights=rights)
    return "St Elsewhere"


def rename_an_author(case, people):
    people.author.display_name = "Dr Ada Renamed"
    people.author.save()
    return "Dr Ada Renamed"


def new_published_revision(case, people):
    draft = published_revisions.start_revision(case, by=people.author)
    editing.change_case_fields(
        draft, by=people.author, base_version=draft.version, fields={"title": "Revised title"}
    )
    draft = again(draft)
    draft.status = Case.Status.ACCEPTED
    draft.save()
    workflow_services.publish_case(draft, by=people.editor)
    return "Revised title"


def post_a_comment(case, people):
    comments.post_comment(case=case, by=people.trainee, body="Is the femur involved?")
    return "Is the femur involved?"


def edit_a_comment(case, people):
    comment = comments.post_comment(case=case, by=people.trainee, body="First words")
    comments.edit_comment(comment=comment, by=people.trainee, body="Second thoughts")
    return "Second thoughts"


def in_a_new_revision(edit):
    """A published case changes only through a new revision: `edit` made in one, published."""

    def change(case, people):
        draft = published_revisions.start_revision(case, by=people.author)
        shown = edit(again(draft), people)
        draft = again(draft)
        draft.status = Case.Status.ACCEPTED
        draft.save()
        workflow_services.publish_case(draft, by=people.editor)
        return shown

    change.__name__ = f"{edit.__name__}_in_a_new_revision"
    return change


CONTENT_EDITS = [
    edit_title,
    edit_history,
    edit_sections,
    add_a_study,
    change_a_study,
    edit_figure_caption,
    annotate_figure,
    edit_differentials,
    edit_teaching_points,
    edit_references,
    edit_commentaries,
    edit_authors,
    edit_tags_and_systems,
    edit_rights,
]

CHANGES = [
    *(in_a_new_revision(edit) for edit in CONTENT_EDITS),
    rename_an_author,
    new_published_revision,
    post_a_comment,
    edit_a_comment,
]


@pytest.fixture
def people(admin, author, editor, moderator, trainee):
    return SimpleNamespace(
        admin=admin, author=author, editor=editor, moderator=moderator, trainee=trainee
    )


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_the_anonymous_page_shows_a_change_at_once(client, case, people, change):
    before = cached(client, case)
    shown = change(again(case), people)
    assert shown not in before
    assert shown in text_of(client, again(case))  # a new title is a new address


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_a_signed_in_readers_page_shows_a_change_at_once(client, case, people, change, outsider):
    client.force_login(outsider)
    text_of(client, case)  # the case body is now in the cache
    shown = change(again(case), people)
    assert shown in text_of(client, again(case))


def test_deleting_a_comment_takes_it_off_the_cached_page(client, case, trainee):
    comment = comments.post_comment(case=case, by=trainee, body="Wrong case, sorry")
    assert "Wrong case, sorry" in cached(client, case)
    comments.delete_comment(comment=comment, by=trainee)
    assert "Wrong case, sorry" not in text_of(client, case)


def test_hiding_and_restoring_a_comment_show_at_once(client, case, trainee, moderator):
    comment = comments.post_comment(case=case, by=trainee, body="Bed 3 on ward 7")
    assert "Bed 3 on ward 7" in cached(client, case)
    moderation.hide_comment(comment=comment, by=moderator, reason="Names a patient's bed.")
    assert "Bed 3 on ward 7" not in cached(client, case)
    moderation.restore_comment(
        comment=Comment.objects.get(pk=comment.pk), by=moderator, reason="Made up."
    )
    assert "Bed 3 on ward 7" in text_of(client, case)


def test_retraction_takes_the_page_off_at_once(client, case, editor):
    cached(client, case)
    workflow_services.retract_case(again(case), by=editor, reason="Duplicate publication.")
    assert page(client, case).status_code == 404


def test_unpublishing_takes_the_page_off_at_once(client, case, moderator):
    cached(client, case)
    moderation.unpublish_case(case=again(case), by=moderator, reason="Shows a patient's name.")
    assert page(client, case).status_code == 404


def test_a_change_of_visibility_takes_effect_at_once(client, case, trainee):
    cached(client, case)
    case = again(case)
    case.visibility = Case.Visibility.INSTITUTION
    case.institution = trainee.institution
    case.save()
    assert page(client, case).status_code == 404
    client.force_login(trainee)
    assert page(client, case).status_code == 200


def test_publication_shows_the_page_at_once(client, author, coauthor, editor):
    case = complete_case(author, coauthor, status=Case.Status.ACCEPTED, title="Soon out")
    assert page(client, case).status_code == 404
    workflow_services.publish_case(case, by=editor)
    assert "Soon out" in cached(client, case)


def test_a_figure_held_released_and_processed_again_shows_at_once(
    client, case, admin, editor, django_capture_on_commit_callbacks
):
    study = Study.objects.get(case=case)
    # A published case takes no new figure: the figure is added while it is a draft.
    Case.objects.filter(pk=case.pk).update(status=Case.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):  # processing is queued on commit
        figure = uploads.add_figure(
            study, upload=upload(jpeg_with_exif()), by=admin, flagged_burned_in=True
        )
    Case.objects.filter(pk=case.pk).update(status=Case.Status.PUBLISHED)
    figure.refresh_from_db()
    assert figure.status == Figure.ProcessingStatus.QUARANTINED
    assert "Image held for review" in cached(client, case)
    quarantine.attest_clean(figure, by=editor, note="Checked every corner.")
    text = cached(client, case)
    assert "Image held for review" not in text
    assert f'id="viewer-{figure.pk}"' in text
    # Processing again forgets the derivatives at once; the page says so until they are back.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        uploads.process_figure_again(Figure.objects.get(pk=figure.pk), by=admin)
    assert "Image processing" in cached(client, case)
    for callback in queued:
        callback()
    # The author's flag still stands, so the new derivatives are held for review again.
    assert Figure.objects.get(pk=figure.pk).status == Figure.ProcessingStatus.QUARANTINED
    assert "Image held for review" in text_of(client, case)


def test_a_figure_whose_processing_failed_shows_at_once(client, case):
    study = Study.objects.get(case=case)
    figure = Figure.objects.create(study=study, label="Fig 2", status="pending")
    figure.original.save("broken.jpg", content=ContentFile(b"not an image"), save=True)
    assert "Image processing" in cached(client, case)
    processing.process_figure(figure.pk)
    assert Figure.objects.get(pk=figure.pk).status == Figure.ProcessingStatus.FAILED
    assert "Image unavailable" in text_of(client, case)


# Never one reader's page for another ---------------------------------------------------------


def test_a_draft_never_reaches_the_cache(client, author, coauthor, trainee):
    draft = complete_case(author, coauthor, title="Unfinished")
    client.force_login(author)
    assert "Unfinished" in text_of(client, draft)
    client.logout()
    assert page(client, draft).status_code == 404
    client.force_login(trainee)
    assert page(client, draft).status_code == 404


def test_a_reviewers_view_never_reaches_another_reader(client, author, coauthor, reviewer):
    under_review = complete_case(author, coauthor, status=Case.Status.IN_REVIEW, title="Pending")
    assign(under_review, reviewer)
    client.force_login(reviewer)
    assert "Pending" in text_of(client, under_review)
    client.logout()
    assert page(client, under_review).status_code == 404


def test_an_institution_case_never_reaches_readers_outside_it(
    client, author, coauthor, trainee, outsider
):
    internal = complete_case(
        author,
        coauthor,
        status=Case.Status.PUBLISHED,
        visibility=Case.Visibility.INSTITUTION,
        institution=author.institution,
        title="Our own case",
    )
    client.force_login(trainee)
    assert "Our own case" in text_of(client, internal)
    assert "Our own case" in text_of(client, internal)  # its body from cache
    client.force_login(outsider)
    assert page(client, internal).status_code == 404
    client.logout()
    assert page(client, internal).status_code == 404


def test_an_unlisted_case_is_read_by_link_and_never_indexed(client, author, coauthor):
    unlisted = complete_case(
        author, coauthor, status=Case.Status.PUBLISHED, visibility=Case.Visibility.UNLISTED
    )
    text = cached(client, unlisted)
    assert '<meta name="robots" content="noindex">' in text


def test_an_editors_view_never_reaches_another_reader(client, case, editor, trainee):
    client.force_login(editor)
    assert "You are an editor of this case" in text_of(client, case)
    client.force_login(trainee)
    assert "You are an editor of this case" not in text_of(client, case)
    client.logout()
    text = cached(client, case)
    assert "You are an editor of this case" not in text
    assert "Log out" not in text


def test_a_signed_in_readers_page_is_never_served_to_anonymous_readers(client, case, trainee):
    client.force_login(trainee)
    signed_in = text_of(client, case)
    assert "Post comment" in signed_in and "csrfmiddlewaretoken" in signed_in
    client.logout()
    text = cached(client, case)
    assert "Post comment" not in text
    assert "csrfmiddlewaretoken" not in text
    assert "Log in" in text


def test_logging_out_shows_the_anonymous_page_at_once(client, case, author):
    client.force_login(author)
    assert "You are an author of this case" in text_of(client, case)
    client.post(reverse("account_logout"))
    text = text_of(client, case)
    assert "You are an author of this case" not in text
    assert "Log out" not in text


def test_a_change_of_role_takes_effect_at_once(client, case, trainee):
    client.force_login(trainee)
    assert "You are an editor of this case" not in text_of(client, case)
    editors = Group.objects.get_or_create(name=Role.EDITOR)[0]
    trainee.groups.add(editors)
    assert "You are an editor of this case" in text_of(client, case)
    trainee.groups.remove(editors)
    assert "You are an editor of this case" not in text_of(client, case)


def test_a_suspension_takes_effect_at_once(client, case, trainee, moderator):
    client.force_login(trainee)
    assert "Post comment" in text_of(client, case)
    moderation.suspend_user(member=trainee, by=moderator, reason="Spam.")
    text = text_of(client, case)
    assert "Post comment" not in text


def test_a_page_with_a_message_is_neither_served_from_nor_kept_in_the_cache(client, case):
    cached(client, case)
    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(message_levels.SUCCESS, "Signed out. See you soon.")
    response = client.get("/")  # any response to carry the cookie
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value
    assert "See you soon" in text_of(client, case)
    assert "See you soon" not in text_of(client, case)  # shown once, never kept


def test_a_query_string_is_never_shared(client, case):
    cached(client, case)
    response = client.get(case.get_absolute_url(), {"q": "<b>searched</b>"})
    assert response.status_code == 200
    assert "&lt;b&gt;searched&lt;/b&gt;" in response.content.decode()
    assert "searched" not in text_of(client, case)


def test_a_wrong_slug_from_cache_still_redirects_to_the_canonical_address(client, case):
    cached(client, case)
    response = client.get(reverse("case-detail", kwargs={"pk": case.pk, "slug": "old-title"}))
    assert response.status_code == 301
    assert response["Location"] == case.get_absolute_url()


# Cost and conditional requests ----------------------------------------------------------------


def test_an_anonymous_page_from_cache_costs_at_most_the_view_count(
    client, case, django_assert_max_num_queries
):
    text_of(client, case)  # built, kept, and this reader's view counted
    with django_assert_max_num_queries(1):  # the day's view, already counted
        response = page(client, case)
    assert response.status_code == 200
    assert response["Vary"] == "Cookie"


def test_a_view_from_cache_is_still_counted(client, case):
    text_of(client, case)
    other = client.__class__(HTTP_USER_AGENT="Another browser")
    assert other.get(case.get_absolute_url()).status_code == 200
    assert again(case).view_count == 2


def test_a_signed_in_page_from_cache_reads_less_than_one_built(client, case, trainee):
    client.force_login(trainee)
    text_of(client, case)  # this reader's view of the day counted
    cache.clear()
    built = queries_for(client, case.get_absolute_url())
    from_cache = queries_for(client, case.get_absolute_url())
    assert from_cache <= built - 8


def test_an_unchanged_anonymous_page_is_not_sent_again(client, case):
    first = page(client, case)
    etag = first["ETag"]
    assert page(client, case)["ETag"] == etag
    assert page(client, case, if_none_match=etag).status_code == 304
    new_published_revision(
        again(case), SimpleNamespace(author=case.created_by, editor=make_user("ed", "editor"))
    )
    # The new title is a new address (301); the old validator is not answered with 304.
    assert page(client, case, if_none_match=etag).status_code != 304


# Signed image addresses -------------------------------------------------------------------------


@pytest.fixture
def bucket_clock(monkeypatch):
    """The clock of the image addresses' buckets (cases/media_urls.py), at a bucket's start."""

    class Clock:
        now = 1_800_000_000

    monkeypatch.setattr(media_urls, "now", lambda: Clock.now)
    return Clock


def test_the_cached_anonymous_page_changes_with_the_bucket_of_its_image_addresses(
    client, case, bucket_clock
):
    study = Study.objects.create(case=case, modality="CT")
    figure = add_ready_figure(study, label="Fig 1")
    first = cached(client, case)
    assert escape(media_urls.figure_image_url(figure, "web")) in first
    bucket_clock.now += media_urls.bucket_seconds() - 1
    assert queries_for(client, case.get_absolute_url()) <= 1, "same bucket: from cache"
    bucket_clock.now += 1
    second = cached(client, case)
    assert second != first
    assert escape(media_urls.figure_image_url(figure, "web")) in second


def test_a_signed_in_readers_case_body_changes_with_the_bucket(client, case, trainee, bucket_clock):
    study = Study.objects.create(case=case, modality="CT")
    figure = add_ready_figure(study, label="Fig 1")
    client.force_login(trainee)
    text_of(client, case)  # the case body is now in the cache
    bucket_clock.now += media_urls.bucket_seconds()
    assert escape(media_urls.figure_image_url(figure, "web")) in text_of(client, case)


def thumbnail_sources(html: str) -> set[str]:
    return set(re.findall(r'src="(/figures/\d+/thumbnail\.jpg\?[^"]+)"', html))


@pytest.mark.parametrize("name", ["home", "browse"])
def test_a_cached_list_page_changes_with_the_bucket_of_its_thumbnails(
    client, case, bucket_clock, name
):
    Case.objects.filter(pk=case.pk).update(featured=True)
    url = reverse(name)
    client.get(url)
    assert queries_for(client, url) <= 1, "not served from cache"
    [before] = thumbnail_sources(client.get(url).content.decode())
    bucket_clock.now += media_urls.bucket_seconds()
    [after] = thumbnail_sources(client.get(url).content.decode())
    assert after != before
    path = before.split("?")[0]
    assert after.startswith(escape(media_urls.sign(path)))


def test_cached_pages_are_kept_no_longer_than_their_bucket(settings):
    settings.MEDIA_URL_EXPIRY_SECONDS = 600
    assert page_cache.page_timeout() == 300
