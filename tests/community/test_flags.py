"""Reports of comments and cases to the moderators: on the pages and through the API."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case
from community import comments
from community.models import Comment, Flag
from tests.factories import make_case


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def case(author) -> Case:
    return make_case(author=author, title="Osteoid osteoma of the femoral neck")


@pytest.fixture
def comment(case, outsider) -> Comment:
    return comments.post_comment(case=case, by=outsider, body="Buy cheap watches here")


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- The services --------------------------------------------------------------------------


def test_a_reader_reports_a_comment_with_a_reason_and_a_note(comment, trainee):
    flag, created = comments.flag_comment(
        comment=comment, by=trainee, reason="spam", note="  Advertising.  "
    )
    assert created
    assert (flag.comment, flag.case, flag.reporter) == (comment, None, trainee)
    assert flag.reason == "spam" and flag.note == "Advertising." and flag.is_open


def test_reporting_again_while_the_first_report_is_open_adds_nothing(comment, trainee):
    first, _ = comments.flag_comment(comment=comment, by=trainee, reason="spam")
    again, created = comments.flag_comment(comment=comment, by=trainee, reason="offensive")
    assert not created and again == first
    assert Flag.objects.count() == 1


def test_after_a_report_is_resolved_the_reader_may_report_again(comment, trainee, moderator):
    first, _ = comments.flag_comment(comment=comment, by=trainee, reason="spam")
    Flag.objects.filter(pk=first.pk).update(
        resolved_at=timezone.now(), resolved_by=moderator, outcome="dismissed"
    )
    _, created = comments.flag_comment(comment=comment, by=trainee, reason="spam")
    assert created and Flag.objects.count() == 2


def test_different_readers_each_file_their_own_report(comment, trainee, author):
    comments.flag_comment(comment=comment, by=trainee, reason="spam")
    comments.flag_comment(comment=comment, by=author, reason="spam")
    assert Flag.objects.count() == 2


def test_nobody_reports_their_own_comment(comment, outsider):
    with pytest.raises(PermissionDenied, match="your own comment"):
        comments.flag_comment(comment=comment, by=outsider, reason="spam")
    assert not Flag.objects.exists()


def test_a_deleted_comment_cannot_be_reported(comment, outsider, trainee):
    comment = comments.delete_comment(comment=comment, by=outsider)
    with pytest.raises(PermissionDenied, match="nothing left to report"):
        comments.flag_comment(comment=comment, by=trainee, reason="spam")


def test_a_report_needs_a_known_reason_and_a_short_note(comment, trainee):
    with pytest.raises(ValidationError) as error:
        comments.flag_comment(comment=comment, by=trainee, reason="boring")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        comments.flag_comment(comment=comment, by=trainee, reason="spam", note="n" * 2001)
    assert "note" in error.value.message_dict


def test_a_reader_reports_a_case(case, trainee):
    flag, created = comments.flag_case(case=case, by=trainee, reason="patient_data")
    assert created and flag.case == case and flag.comment is None
    again, created = comments.flag_case(case=case, by=trainee, reason="incorrect")
    assert not created and again == flag


def test_an_unpublished_case_is_not_reported(author, trainee):
    draft = make_case(author=author, published=False)
    with pytest.raises(PermissionDenied, match="Only published cases"):
        comments.flag_case(case=draft, by=author, reason="incorrect")


def test_suspended_members_do_not_report(case, trainee):
    trainee.suspended_at = timezone.now()
    trainee.save()
    with pytest.raises(PermissionDenied, match="suspended"):
        comments.flag_case(case=case, by=trainee, reason="spam")


# --- The pages -----------------------------------------------------------------------------


def test_reporting_a_comment_from_the_case_page(client, case, comment, trainee):
    client.force_login(trainee)
    response = client.post(
        reverse("comment-flag", args=[comment.pk]),
        {"reason": "spam", "note": "Watches"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{case.get_absolute_url()}#comment-{comment.pk}"
    assert "your report was sent to the moderators" in response.content.decode()
    assert Flag.objects.get().note == "Watches"


def test_reporting_twice_says_it_is_already_reported(client, comment, trainee):
    client.force_login(trainee)
    url = reverse("comment-flag", args=[comment.pk])
    client.post(url, {"reason": "spam"})
    response = client.post(url, {"reason": "spam"}, follow=True)
    assert response.status_code == 200
    assert "You have already reported this comment" in response.content.decode()
    assert Flag.objects.count() == 1


def test_reporting_ones_own_comment_from_the_page_says_why(client, comment, outsider):
    client.force_login(outsider)
    response = client.post(
        reverse("comment-flag", args=[comment.pk]), {"reason": "spam"}, follow=True
    )
    assert "You cannot report your own comment." in response.content.decode()
    assert not Flag.objects.exists()


def test_a_report_without_a_reason_shows_the_form_again_with_the_note(client, comment, trainee):
    client.force_login(trainee)
    response = client.post(reverse("comment-flag", args=[comment.pk]), {"note": "My note"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose why you are reporting this." in html and "My note</textarea>" in html


def test_the_report_page_of_a_comment_works_without_the_case_page(client, comment, trainee):
    client.force_login(trainee)
    response = client.get(reverse("comment-flag", args=[comment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Report this comment" in html and "Buy cheap watches here" in html
    assert html.count('name="reason"') == len(Flag.Reason.choices)


def test_reporting_a_case_from_its_page(client, case, trainee):
    client.force_login(trainee)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Report this case</summary>" in page
    assert f'action="{reverse("case-flag", args=[case.pk])}"' in page
    response = client.post(
        reverse("case-flag", args=[case.pk]),
        {"reason": "patient_data", "note": "A name in Fig 2"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert "your report was sent to the moderators" in response.content.decode()
    response = client.post(reverse("case-flag", args=[case.pk]), {"reason": "spam"}, follow=True)
    assert "You have already reported this case" in response.content.decode()
    assert Flag.objects.get().case == case


def test_report_pages_need_a_signed_in_reader(client, case, comment):
    for url in (reverse("case-flag", args=[case.pk]), reverse("comment-flag", args=[comment.pk])):
        response = client.post(url, {"reason": "spam"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Flag.objects.exists()


def test_report_pages_of_an_invisible_case_are_404(client, author, outsider, institution):
    hidden = make_case(author=author, visibility="institution", institution=institution)
    comment = Comment.objects.create(case=hidden, author=author, body="Members only")
    client.force_login(outsider)
    assert (
        client.post(reverse("case-flag", args=[hidden.pk]), {"reason": "spam"}).status_code == 404
    )
    assert (
        client.post(reverse("comment-flag", args=[comment.pk]), {"reason": "spam"}).status_code
        == 404
    )
    assert not Flag.objects.exists()


def test_a_comment_of_an_unpublished_case_is_404_to_report(client, author, trainee):
    draft = make_case(author=author, published=False)
    comment = Comment.objects.create(case=draft, author=trainee, body="Left over")
    client.force_login(author)
    assert client.get(reverse("comment-flag", args=[comment.pk])).status_code == 404


# --- The API -------------------------------------------------------------------------------


def test_api_report_of_a_comment_is_201_then_200(comment, trainee):
    url = f"/api/v1/comments/{comment.pk}/flag/"
    response = api(trainee).post(url, {"reason": "spam", "note": "Ads"}, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["comment"] == comment.pk and data["case"] is None
    assert data["reason"] == "spam" and data["is_open"] is True
    again = api(trainee).post(url, {"reason": "offensive"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Flag.objects.count() == 1


def test_api_report_of_a_case_is_201_then_200(case, trainee):
    url = f"/api/v1/cases/{case.pk}/flag/"
    assert api(trainee).post(url, {"reason": "copyright"}, format="json").status_code == 201
    assert api(trainee).post(url, {"reason": "copyright"}, format="json").status_code == 200


def test_api_report_of_ones_own_comment_is_403(comment, outsider):
    response = api(outsider).post(
        f"/api/v1/comments/{comment.pk}/flag/", {"reason": "spam"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "You cannot report your own comment."


def test_api_report_of_an_invisible_case_is_404(author, outsider, institution):
    hidden = make_case(author=author, visibility="institution", institution=institution)
    comment = Comment.objects.create(case=hidden, author=author, body="Members only")
    client = api(outsider)
    assert (
        client.post(f"/api/v1/cases/{hidden.pk}/flag/", {"reason": "spam"}, format="json")
    ).status_code == 404
    assert (
        client.post(f"/api/v1/comments/{comment.pk}/flag/", {"reason": "spam"}, format="json")
    ).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": "boring"}, "reason"),
        ({"reason": "spam", "note": "n" * 2001}, "note"),
    ],
)
def test_api_bad_reports_are_400(case, trainee, body, field):
    response = api(trainee).post(f"/api/v1/cases/{case.pk}/flag/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_api_anonymous_reports_are_401(case, comment):
    assert api().post(f"/api/v1/cases/{case.pk}/flag/", {"reason": "spam"}).status_code == 401
    assert api().post(f"/api/v1/comments/{comment.pk}/flag/", {"reason": "spam"}).status_code == 401
