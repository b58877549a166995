"""Conference mode: a collection stepped through as unknowns. The reveal is done on the server:
a step's page holds nothing of the steps after it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookmarks import services
from bookmarks.models import Collection
from cases.models import Case, Figure
from cases.services import create_case_from_document, publish_imported_case
from tests.factories import collection_of, published

V = Collection.Visibility

DOCUMENT = {
    "title": "Osteoid osteoma of the femoral neck",
    "patient": {"age": 17, "age_unit": "years", "sex": "male"},
    "clinical_history": "Night pain that settles with aspirin. HISTORY-TEXT.",
    "imaging_findings": "A lucent FINDINGS-TEXT with dense sclerosis.",
    "studies": [
        {
            "modality": "CT",
            "label": "STUDY-LABEL hip",
            "timing": "At presentation",
            "findings": "STUDY-FINDINGS-TEXT in the medial cortex.",
            "figures": [
                {"label": "Fig 1", "caption": "CAPTION-TEXT here", "alt_text": "ALT-TEXT here"}
            ],
        }
    ],
    "differential_diagnoses": [{"diagnosis": "DIFFERENTIAL-TEXT", "note": "Larger."}],
    "final_diagnosis": "FINAL-DIAGNOSIS-TEXT",
    "diagnostic_certainty": "almost_certain",
    "teaching_points": ["TEACHING-POINT-TEXT"],
    "sections": [{"kind": "discussion", "heading": "Discussion", "body": "DISCUSSION-TEXT"}],
    "tags": [{"name": "TAG-TEXT"}],
    "rights": {"licence": "CC-BY-4.0", "consent": "not_required"},
}

# What each step adds: nothing of a later step may be in the page.
REVEALED_AT = {
    "HISTORY-TEXT": 0,
    "17 years, male": 0,
    "Fig 1": 0,
    "FINDINGS-TEXT": 1,
    "STUDY-FINDINGS-TEXT": 1,
    "STUDY-LABEL": 1,
    "CAPTION-TEXT": 1,
    "ALT-TEXT": 1,
    "ANNOTATION-TEXT": 1,
    "Osteoid osteoma": 2,
    "osteoid-osteoma": 3,  # the link to the full case carries its title
    "FINAL-DIAGNOSIS-TEXT": 2,
    "DIFFERENTIAL-TEXT": 2,
    "TEACHING-POINT-TEXT": 3,
    "DISCUSSION-TEXT": 3,
    "TAG-TEXT": 3,
    "NOTE-TEXT": 3,
}


def rich_case() -> Case:
    case = publish_imported_case(create_case_from_document(DOCUMENT, author=None))
    Figure.objects.filter(study__case=case).update(
        status=Figure.ProcessingStatus.READY,
        thumbnail="derivatives/t.jpg",
        web="derivatives/w.jpg",
        full="derivatives/f.jpg",
        annotations=[{"type": "text", "x": 0.5, "y": 0.5, "text": "ANNOTATION-TEXT"}],
    )
    return case


@pytest.fixture
def session(trainee):
    """A link-shared collection: the rich case (with a note), then a plain one."""
    collection = collection_of(trainee, visibility=V.LINK, title="Thursday unknowns")
    services.add_to_collection(
        collection=collection, case=rich_case(), by=trainee, note="NOTE-TEXT for the room"
    )
    services.add_to_collection(collection=collection, case=published("Plain case"), by=trainee)
    return collection


def present(client, collection, **query) -> str:
    response = client.get(reverse("collection-present", args=[collection.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("step", [0, 1, 2, 3])
def test_a_step_shows_what_it_reveals_and_nothing_of_later_steps(client, trainee, session, step):
    client.force_login(trainee)
    html = present(client, session, item=1, step=step)
    for text, revealed_at in REVEALED_AT.items():
        if revealed_at <= step:
            assert text in html, f"step {step} should show {text}"
        else:
            assert text not in html, f"step {step} gives away {text}"


def test_the_unknown_labels_its_images_without_the_authors_words(client, trainee, session):
    client.force_login(trainee)
    html = present(client, session, item=1, step=0)
    assert 'alt="Image: Fig 1, CT"' in html
    assert "<title>Case 1 of 2 · Conference · Teaching File</title>" in html


def test_the_steps_lead_from_case_to_case_and_to_the_end(client, trainee, session):
    client.force_login(trainee)
    base = reverse("collection-present", args=[session.pk])

    def links(**query) -> tuple[str | None, str | None]:
        html = present(client, session, **query)
        found = {}
        for rel in ("next", "prev"):
            match = re.search(rf'href="([^"]+)#current" rel="{rel}"', html)
            found[rel] = match.group(1).replace("&amp;", "&") if match else None
        return found["prev"], found["next"]

    assert links(item=1, step=0) == (None, f"{base}?item=1&step=1")
    assert links(item=1, step=3) == (f"{base}?item=1&step=2", f"{base}?item=2&step=0")
    assert links(item=2, step=0) == (f"{base}?item=1&step=3", f"{base}?item=2&step=1")
    assert links(item=2, step=3) == (f"{base}?item=2&step=2", f"{base}?item=3&step=0")
    end = present(client, session, item=3)
    assert "End of “Thursday unknowns”" in end
    assert f'href="{base}?item=2&amp;step=3#current" rel="prev"' in end
    assert "Start again" in end


@pytest.mark.parametrize(
    "query",
    [{"item": "abc", "step": "x"}, {"item": "-5", "step": "99"}, {"item": "10**9"}, {}],
)
def test_nonsense_step_numbers_are_brought_into_range(client, trainee, session, query):
    client.force_login(trainee)
    response = client.get(reverse("collection-present", args=[session.pk]), query)
    assert response.status_code == 200


def test_the_keyboard_help_and_the_exit_are_on_every_step(client, trainee, session):
    client.force_login(trainee)
    html = present(client, session, item=2, step=1)
    assert "data-conference" in html
    assert f'data-exit-url="{session.get_absolute_url()}"' in html
    assert "<kbd>Esc</kbd> exit" in html


def test_anyone_with_the_link_presents_only_the_cases_they_may_read(
    client, trainee, session, institution
):
    internal = published("Internal case", visibility="institution", institution=institution)
    services.add_to_collection(collection=session, case=internal, by=trainee)
    url = reverse("collection-shared-present", args=[session.share_token])
    html = client.get(url, {"item": 3}).content.decode()
    assert "End of “Thursday unknowns”" in html  # two cases for an anonymous visitor
    assert "2 cases presented" in html
    assert f'data-exit-url="{session.get_shared_url()}"' in html

    client.force_login(trainee)
    html = client.get(url, {"item": 3, "step": 2}).content.decode()
    assert "Internal case" in html


def test_a_collection_without_readable_cases_says_so(client, trainee):
    collection = collection_of(trainee, visibility=V.PUBLIC)
    html = client.get(reverse("collection-present", args=[collection.pk])).content.decode()
    assert "No cases to present" in html


def test_conference_mode_records_nothing(client, trainee, session):
    client.force_login(trainee)
    present(client, session)  # the session is read and written at sign-in, not after
    with CaptureQueriesContext(connection) as captured:
        for step in range(4):
            present(client, session, item=1, step=step)
    writes = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


@pytest.mark.parametrize("step", [0, 3])
@pytest.mark.parametrize("rows", [1, 30])
def test_a_steps_query_count_does_not_grow_with_the_collection(
    client, django_assert_num_queries, trainee, rows, step
):
    collection = collection_of(trainee, visibility=V.LINK)
    services.add_to_collection(collection=collection, case=rich_case(), by=trainee, note="N")
    for number in range(rows - 1):
        services.add_to_collection(
            collection=collection, case=published(f"Case {number}"), by=trainee
        )
    url = reverse("collection-shared-present", args=[collection.share_token])
    # the collection; the ids of the items shown; the case with its studies, their ready
    # figures, the figures' frames, references; and at the discussion step the differential
    # diagnoses, sections, teaching points, tags and the item's note
    expected = 7 if step == 0 else 12
    with django_assert_num_queries(expected):
        response = client.get(url, {"item": 1, "step": step})
    assert response.status_code == 200
