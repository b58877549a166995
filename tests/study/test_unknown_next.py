"""The next unknown: a walk through a filtered set of unknowns or through a collection, in order,
skipping the cases already tried when it can."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bookmarks.models import Collection, CollectionItem
from cases.models import Case, Study
from study import labels
from study.models import Attempt
from study.views import unknown_url
from tests.factories import make_attempt, make_unknown

pytestmark = pytest.mark.django_db


def unknown_with(author, modality: str, *, days_ago: int, **fields) -> Case:
    case = make_unknown(
        author,
        questions=0,
        figures=0,
        published_at=timezone.now() - datetime.timedelta(days=days_ago),
        **fields,
    )
    Study.objects.filter(case=case).update(modality=modality)
    return case


@pytest.fixture
def unknowns(author):
    """Three CT unknowns, newest first, and one MR unknown."""
    return {
        "ct_new": unknown_with(author, "CT", days_ago=1),
        "mr": unknown_with(author, "MR", days_ago=2),
        "ct_mid": unknown_with(author, "CT", days_ago=3),
        "ct_old": unknown_with(author, "CT", days_ago=4),
    }


def next_case(client, after: Case | int | str | None = None, **params) -> int:
    """The case `unknown-next` leads to; `after` is sent as the unknown's code, as pages do."""
    if isinstance(after, Case):
        after = after.pk
    if isinstance(after, int):
        after = labels.encode_unknown(after)
    if after is not None:
        params["after"] = after
    response = client.get(reverse("unknown-next"), params)
    assert response.status_code == 302, response
    path = response.url.split("?")[0]
    assert path.startswith("/unknowns/"), response.url
    return labels.decode_unknown(path.split("/")[2])


def test_next_walks_the_filtered_unknowns_newest_first(client, trainee, unknowns):
    client.force_login(trainee)
    assert next_case(client, modality="CT") == unknowns["ct_new"].pk
    assert next_case(client, modality="CT", after=unknowns["ct_new"]) == unknowns["ct_mid"].pk
    assert next_case(client, modality="CT", after=unknowns["ct_mid"]) == unknowns["ct_old"].pk
    assert next_case(client, modality="MR") == unknowns["mr"].pk


def test_next_skips_unknowns_already_tried(client, trainee, unknowns):
    make_attempt(trainee, unknowns["ct_new"])
    make_attempt(trainee, unknowns["ct_mid"])
    client.force_login(trainee)
    assert next_case(client, modality="CT") == unknowns["ct_old"].pk


def test_when_every_unknown_was_tried_next_is_the_one_tried_longest_ago(client, trainee, unknowns):
    now = timezone.now()
    for days, name in ((1, "ct_new"), (5, "ct_mid"), (3, "ct_old")):
        make_attempt(trainee, unknowns[name], answered_at=now - datetime.timedelta(days=days))
    client.force_login(trainee)
    assert next_case(client, modality="CT") == unknowns["ct_mid"].pk
    # Not the case just done, even when it was tried longest ago.
    assert next_case(client, modality="CT", after=unknowns["ct_mid"]) == unknowns["ct_old"].pk


def test_next_carries_the_filters_to_the_unknown_and_its_attempt(client, trainee, unknowns):
    client.force_login(trainee)
    response = client.get(reverse("unknown-next"), {"modality": "CT", "page": "3", "q": "x"})
    assert response.url == f"{unknown_url(unknowns['ct_new'].pk)}?modality=CT"
    page = client.get(response.url).content.decode()
    assert 'name="walk" value="modality=CT"' in page
    answered = client.post(
        unknown_url(unknowns["ct_new"].pk),
        {"answer": "Bursitis", "walk": "modality=CT&collection=&evil=1"},
    )
    attempt = Attempt.objects.get()
    attempt_url = reverse("attempt-detail", args=[attempt.pk])
    assert answered.url == f"{attempt_url}?modality=CT#stage-findings"
    html = client.get(answered.url).content.decode()
    assert (
        f"/unknowns/next/?modality=CT&amp;after={labels.unknown_code(unknowns['ct_new'])}" in html
    )


def test_next_never_offers_unlisted_drafts_or_plain_cases(client, trainee, author, unknowns):
    unknown_with(author, "US", days_ago=0, visibility=Case.Visibility.UNLISTED)
    unknown_with(author, "US", days_ago=0, published=False)
    unknown_with(author, "US", days_ago=0, in_unknown_mode=False)
    client.force_login(trainee)
    response = client.get(reverse("unknown-next"), {"modality": "US"})
    assert response.url == f"{reverse('unknown-list')}?modality=US"
    followed = client.get(response.url)
    assert "No unknown matches these filters yet." in followed.content.decode()


def test_an_invalid_filter_is_ignored_not_a_500(client, trainee, unknowns):
    client.force_login(trainee)
    assert next_case(client, modality="NOPE", system="nothing", after="x") == unknowns["ct_new"].pk


def test_visitors_are_asked_to_log_in(client, unknowns):
    response = client.get(reverse("unknown-next"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- Collections -------------------------------------------------------------------------------


def collection_of(owner, cases, **fields) -> Collection:
    collection = Collection.objects.create(owner=owner, title="Hip unknowns", **fields)
    for position, case in enumerate(cases):
        CollectionItem.objects.create(collection=collection, case=case, position=position)
    return collection


def test_next_walks_a_collection_in_its_order(client, trainee, unknowns):
    order = [unknowns["ct_old"], unknowns["mr"], unknowns["ct_new"]]
    collection = collection_of(trainee, order)
    client.force_login(trainee)
    walked = [next_case(client, collection=collection.pk)]
    for _ in range(2):
        walked.append(next_case(client, collection=collection.pk, after=walked[-1]))
    assert walked == [case.pk for case in order]


def test_a_collection_walk_skips_tried_cases_and_cases_that_are_no_unknowns(
    client, trainee, author, unknowns
):
    plain = unknown_with(author, "CT", days_ago=0, in_unknown_mode=False)
    collection = collection_of(trainee, [plain, unknowns["ct_old"], unknowns["mr"]])
    make_attempt(trainee, unknowns["ct_old"])
    client.force_login(trainee)
    assert next_case(client, collection=collection.pk) == unknowns["mr"].pk


def test_a_public_collection_can_be_walked_by_anyone_signed_in(client, outsider, trainee, unknowns):
    collection = collection_of(trainee, [unknowns["mr"]], visibility=Collection.Visibility.PUBLIC)
    client.force_login(outsider)
    assert next_case(client, collection=collection.pk) == unknowns["mr"].pk


def test_a_shared_collection_needs_its_token(client, outsider, trainee, unknowns):
    collection = collection_of(trainee, [unknowns["mr"]], visibility=Collection.Visibility.LINK)
    client.force_login(outsider)
    wrong = client.get(reverse("unknown-next"), {"collection": collection.pk, "token": "guess"})
    assert wrong.status_code == 404
    assert (
        next_case(client, collection=collection.pk, token=collection.share_token)
        == unknowns["mr"].pk
    )


@pytest.mark.parametrize("collection_id", ["private", "999999", "abc", str(2**70)])
def test_a_collection_one_may_not_see_is_a_404(client, outsider, trainee, unknowns, collection_id):
    private = collection_of(trainee, [unknowns["mr"]])
    client.force_login(outsider)
    value = private.pk if collection_id == "private" else collection_id
    assert client.get(reverse("unknown-next"), {"collection": value}).status_code == 404
