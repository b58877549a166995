"""The reader-facing pages: home, browse and search, the case page, the site layout."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases import media_urls
from cases.models import (
    Case,
    Commentary,
    ExercisePrescription,
    Figure,
    Reference,
    Section,
    Study,
    System,
    Tag,
    TeachingPoint,
)
from cases.rendering import render_markdown
from tests.factories import make_case
from tests.files import jpeg_bytes
from tests.media import fetch

pytestmark = pytest.mark.django_db


def add_study(case: Case, *, modality: str = "CT", figures: int = 1, ready: bool = True) -> Study:
    study = Study.objects.create(case=case, modality=modality, label=f"{modality} study")
    for position in range(figures):
        figure = Figure.objects.create(
            study=study, position=position, label=f"Fig {position + 1}", alt_text="Axial image"
        )
        if ready:
            figure.thumbnail.save(f"thumb-{figure.pk}.jpg", ContentFile(jpeg_bytes()), save=False)
            figure.status = Figure.ProcessingStatus.READY
            figure.save(update_fields=["thumbnail", "status"])
    return study


def add_parts(
    case: Case,
    *,
    studies: int = 1,
    figures: int = 1,
    tags: int = 1,
    sections: int = 1,
    references: int = 1,
) -> Case:
    for number in range(studies):
        add_study(case, modality=["CT", "MR", "XR"][number % 3], figures=figures)
    for number in range(tags):
        tag, _ = Tag.objects.get_or_create(name=f"Tag {number}")
        case.tags.add(tag)
    for number in range(sections):
        Section.objects.create(case=case, position=number, heading=f"Part {number}", body="[1]")
    for number in range(1, references + 1):
        Reference.objects.create(case=case, number=number, citation=f"Reference {number}")
    case.systems.add(*System.objects.all()[:2])
    TeachingPoint.objects.create(case=case, text="Look at the insertion.")
    Commentary.objects.create(
        case=case,
        provenance=Commentary.Provenance.MACHINE_GENERATED,
        body="An analysis.",
        rehabilitation=ExercisePrescription.objects.create(frequency="Daily"),
    )
    return case


def html(response) -> str:
    return response.content.decode()


# Visibility ----------------------------------------------------------------------------------


def test_anonymous_reader_sees_published_cases_on_home_browse_and_case_page(client):
    case = make_case(title="Calcific tendinitis of the gluteus maximus", featured=True)
    add_parts(case)

    home = client.get(reverse("home"))
    browse = client.get(reverse("browse"))
    detail = client.get(case.get_absolute_url())

    assert home.status_code == browse.status_code == detail.status_code == 200
    assert case.title in html(home)
    assert "Featured cases" in html(home)
    assert case.title in html(browse)
    assert "<h1>Calcific tendinitis of the gluteus maximus</h1>" in html(detail)


def test_home_says_so_when_nothing_is_published(client):
    make_case(title="A draft", published=False)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "No teaching cases have been published yet." in html(response)
    assert "A draft" not in html(response)


@pytest.mark.parametrize(
    "fields",
    [
        {"published": False},
        {"visibility": Case.Visibility.PRIVATE},
        {"visibility": Case.Visibility.INSTITUTION},
        {"published": False, "status": Case.Status.SUBMITTED},
        {"status": Case.Status.RETRACTED},
    ],
    ids=["draft", "private", "institution", "submitted", "retracted"],
)
def test_anonymous_reader_never_sees_unpublished_or_restricted_cases(
    client, author, institution, fields
):
    case = make_case(title="Hidden case", author=author, institution=institution, **fields)

    assert "Hidden case" not in html(client.get(reverse("home")))
    assert "Hidden case" not in html(client.get(reverse("browse")))
    assert "Hidden case" not in html(client.get(reverse("browse"), {"q": "Hidden"}))
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(reverse("case-permalink", args=[case.pk])).status_code == 404


def test_institution_case_is_visible_to_a_trainee_of_that_institution_only(
    client, author, trainee, outsider, institution
):
    case = make_case(
        title="Institution case",
        author=author,
        institution=institution,
        visibility=Case.Visibility.INSTITUTION,
    )

    client.force_login(trainee)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert "Institution case" in html(client.get(reverse("browse")))

    client.force_login(outsider)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert "Institution case" not in html(client.get(reverse("browse")))


def test_unlisted_case_is_reachable_by_link_but_never_listed_or_searched(client):
    case = make_case(title="Unlisted rarity", visibility=Case.Visibility.UNLISTED, featured=True)

    assert client.get(case.get_absolute_url()).status_code == 200
    assert "Unlisted rarity" not in html(client.get(reverse("home")))
    assert "Unlisted rarity" not in html(client.get(reverse("browse")))
    assert "Unlisted rarity" not in html(client.get(reverse("browse"), {"q": "rarity"}))


def test_author_sees_a_status_banner_on_their_own_draft(client, author, trainee):
    case = make_case(title="Work in progress", author=author, published=False)

    client.force_login(author)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    assert 'class="status-banner"' in html(response)
    assert "This case is <strong>draft</strong>, not published." in html(response)

    client.force_login(trainee)
    assert client.get(case.get_absolute_url()).status_code == 404


def test_editor_sees_the_status_of_a_submitted_case(client, author, editor):
    case = make_case(author=author, published=False, status=Case.Status.SUBMITTED)

    client.force_login(editor)
    response = client.get(case.get_absolute_url())

    assert 'class="status-banner"' in html(response)
    assert '<span class="badge badge-status">Submitted</span>' in html(response)


def test_published_case_shows_no_status_banner_to_its_author(client, author):
    case = make_case(author=author)

    client.force_login(author)

    assert 'class="status-banner"' not in html(client.get(case.get_absolute_url()))


def test_case_urls_redirect_to_the_canonical_address(client):
    case = make_case(title="Calcific tendinitis")

    wrong_slug = client.get(reverse("case-detail", args=[case.pk, "old-title"]))
    permalink = client.get(reverse("case-permalink", args=[case.pk]))

    assert wrong_slug.status_code == 301
    assert wrong_slug["Location"] == f"/cases/{case.pk}/calcific-tendinitis/"
    assert permalink.status_code == 302
    assert permalink["Location"] == case.get_absolute_url()


def test_a_drafts_thumbnail_is_served_only_at_the_signed_address_its_readers_are_given(
    client, author
):
    draft = make_case(author=author, published=False)
    figure = add_study(draft).figures.get()

    client.force_login(author)
    assert client.get(reverse("figure-thumbnail", args=[figure.pk])).status_code == 404
    page = client.get(reverse("case-edit-part", args=[draft.pk, "studies"])).content.decode()
    address = media_urls.figure_image_url(figure, "thumb")
    assert escape(address) in page
    assert fetch(address).status_code == 200


# Browse and search ----------------------------------------------------------------------------


@pytest.fixture
def browsable_cases(db):
    chest = System.objects.get(code="chest")
    neuro = System.objects.get(code="neuro")
    pneumothorax = make_case(
        title="Tension pneumothorax", clinical_history="Sudden dyspnoea after a fall."
    )
    add_study(pneumothorax, modality="XR", ready=False)
    pneumothorax.systems.add(chest)
    pneumothorax.tags.add(Tag.objects.create(name="Emergency"))
    glioma = make_case(title="Glioblastoma", imaging_findings="Ring-enhancing mass.")
    add_study(glioma, modality="MR", ready=False)
    add_study(glioma, modality="CT", ready=False)
    glioma.systems.add(neuro)
    review = make_case(
        title="Imaging of headache",
        case_type=Case.CaseType.TOPIC_REVIEW,
        final_diagnosis="",
    )
    review.systems.add(neuro)
    return {"pneumothorax": pneumothorax, "glioma": glioma, "review": review}


def listed_titles(response) -> set[str]:
    return {case.title for case in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Tension pneumothorax", "Glioblastoma", "Imaging of headache"}),
        ({"modality": "MR"}, {"Glioblastoma"}),
        ({"modality": "XR"}, {"Tension pneumothorax"}),
        ({"system": "neuro"}, {"Glioblastoma", "Imaging of headache"}),
        ({"system": "neuro", "case_type": "topic_review"}, {"Imaging of headache"}),
        ({"tag": "emergency"}, {"Tension pneumothorax"}),
        ({"q": "dyspnoea"}, {"Tension pneumothorax"}),
        ({"q": "RING-enhancing"}, {"Glioblastoma"}),
        ({"q": "headache imaging"}, {"Imaging of headache"}),
        ({"q": "glioblastoma pneumothorax"}, set()),
    ],
)
def test_browse_filters_cases(client, browsable_cases, params, expected):
    response = client.get(reverse("browse"), params)

    assert response.status_code == 200
    assert listed_titles(response) == expected


def test_a_case_with_two_matching_studies_is_listed_once(client, browsable_cases):
    add_study(browsable_cases["glioma"], modality="MR", ready=False)

    response = client.get(reverse("browse"), {"modality": "MR"})

    assert [case.title for case in response.context["page"].object_list] == ["Glioblastoma"]


def test_active_filters_are_shown_as_removable_chips(client, browsable_cases):
    response = client.get(reverse("browse"), {"modality": "MR", "tag": "emergency", "page": "1"})

    content = html(response)
    assert 'aria-label="Remove filter Modality: MRI"' in content
    assert 'href="?tag=emergency"' in content  # removing the modality keeps the tag, drops page
    assert 'aria-label="Remove filter Tag: Emergency"' in content
    assert "No cases found" in content
    assert "Reset filters and show all cases" in content


def test_browse_paginates_twenty_cases_a_page_and_keeps_filters(client):
    cases = [make_case(title=f"Case {number:02d}") for number in range(45)]
    for case in cases:
        add_study(case, modality="CT", ready=False)

    first = client.get(reverse("browse"), {"modality": "CT"})
    third = client.get(reverse("browse"), {"modality": "CT", "page": "3"})
    beyond = client.get(reverse("browse"), {"modality": "CT", "page": "999"})

    assert len(first.context["page"].object_list) == 20
    assert len(third.context["page"].object_list) == 5
    assert 'href="?modality=CT&amp;page=2"' in html(first)
    assert 'aria-label="Page 2"' in html(first)
    assert 'aria-label="Next page"' in html(first)
    assert 'aria-current="page"' in html(third)
    assert beyond.context["page"].number == 3


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "999"},
        {"page": "-1"},
        {"page": "0"},
        {"page": "1.5"},
        {"modality": "ZZ"},
        {"system": "not-a-system"},
        {"case_type": "poem"},
        {"tag": "x" * 500},
        {"q": "x" * 5000},
        {"q": "nul\x00byte"},
        {"tag": "nul\x00byte"},
        {"system": "nul\x00byte"},
        {"q": "<script>alert(1)</script>"},
        {"modality": ["CT", "MR"]},
    ],
)
def test_bad_browse_parameters_never_fail(client, browsable_cases, params):
    response = client.get(reverse("browse"), params)

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html(response)


def test_invalid_filter_is_reported_and_ignored(client, browsable_cases):
    response = client.get(reverse("browse"), {"modality": "ZZ", "system": "neuro"})

    assert listed_titles(response) == {"Glioblastoma", "Imaging of headache"}
    assert "Select a valid choice" in html(response)
    # Facets are links, not form fields: the refused values are listed in an alert.
    assert 'class="filter-errors" role="alert"' in html(response)


def test_out_of_range_page_shows_the_last_page(client, browsable_cases):
    response = client.get(reverse("browse"), {"page": "999"})

    assert response.context["page"].number == 1
    assert len(listed_titles(response)) == 3


# The case page -------------------------------------------------------------------------------


def test_case_page_shows_every_part_in_reading_order(client):
    case = make_case(
        title="Osteoid osteoma",
        patient_age=17,
        patient_age_unit="years",
        patient_sex="male",
        difficulty="resident",
        clinical_history="Night pain relieved by aspirin.",
        imaging_findings="A lucent nidus [1].",
        diagnostic_certainty="almost_certain",
        certainty_basis="Histology",
        final_diagnosis="Osteoid osteoma",
        consent=Case.Consent.OBTAINED,
        consent_statement="Consent was obtained.",
        attribution="Dr A. Author",
        copyright_holder="The authors",
        rehabilitation=ExercisePrescription.objects.create(frequency="Twice weekly"),
    )
    add_parts(case)
    case.differential_diagnoses.create(diagnosis="Stress fracture", note="Linear lucency")
    case.questions.create(stem="Which is the nidus?", options=["A", "B"], answer=0)
    case.commentaries.create(heading="Author's note", body="Plain commentary.")

    content = html(client.get(case.get_absolute_url()))

    parts = [
        "<h1>Osteoid osteoma</h1>",
        "17 years, male",
        "Resident",
        "Clinical history",
        "Night pain relieved by aspirin.",
        "Imaging findings",
        "CT study",
        "Part 0",
        "Differential diagnosis",
        "Stress fracture",
        "Final diagnosis",
        "Almost certain",
        "Histology",
        "Teaching points",
        "Look at the insertion.",
        "Twice weekly",
        "Machine-generated analysis — not verified by a radiologist",
        "Author&#x27;s note",
        "References",
        'id="ref-1"',
        "CC-BY-4.0",
        "Consent was obtained.",
        "Cite this case",
    ]
    position = 0
    for part in parts:
        found = content.find(part, position)
        assert found != -1, f"{part!r} is missing or out of order"
        position = found + len(part)
    assert "Which is the nidus?" not in content  # quiz questions belong to unknown mode
    assert case.permanent_url in content
    first_figure = Figure.objects.filter(study__case=case).first()
    # In the image viewer, at a signed address.
    assert f'src="{escape(media_urls.figure_image_url(first_figure, "web"))}"' in content
    assert 'alt="Axial image"' in content


def test_figure_that_is_not_ready_shows_a_placeholder(client):
    case = make_case()
    add_study(case, ready=False)

    content = html(client.get(case.get_absolute_url()))

    assert "Image processing…" in content
    assert "/figures/" not in content


def test_markdown_in_case_text_is_sanitised(client):
    case = make_case(
        clinical_history=(
            "<script>alert('x')</script> *pain* <img src=x onerror=alert(1)> "
            "[click](javascript:alert(1)) [site](https://example.org)"
        ),
    )

    content = html(client.get(case.get_absolute_url()))

    assert "<script>alert" not in content
    assert "&lt;script&gt;alert" in content
    assert "<img src=x" not in content
    assert 'href="javascript' not in content
    assert "<em>pain</em>" in content
    assert '<a href="https://example.org" rel="nofollow noopener">site</a>' in content


def test_pages_carry_no_inline_styles(client):
    case = make_case(imaging_findings="| a | b |\n|--:|:-:|\n| 1 | 2 |")
    add_parts(case)

    for url in [reverse("home"), reverse("browse"), case.get_absolute_url()]:
        content = html(client.get(url))
        assert "style=" not in content
        assert "<style" not in content
    assert '<th class="align-right">a</th>' in html(client.get(case.get_absolute_url()))


def test_citation_markers_link_to_the_case_references(client):
    case = make_case(imaging_findings="Seen before (1-2) and [2]; not `[1]`, nor [9].")
    Reference.objects.create(case=case, number=1, citation="First")
    Reference.objects.create(case=case, number=2, citation="Second")

    content = html(client.get(case.get_absolute_url()))

    assert '<a href="#ref-1" class="cite" rel="nofollow noopener">1</a>–' in content
    assert '[<a href="#ref-2" class="cite" rel="nofollow noopener">2</a>]' in content
    assert "<code>[1]</code>" in content
    assert "nor [9]." in content
    assert '<li id="ref-2" value="2">' in content


def test_citation_markers_without_a_reference_list_stay_plain(client):
    case = make_case(imaging_findings="Described before [3].")

    content = html(client.get(case.get_absolute_url()))

    assert '<span class="cite">[3]</span>' in content
    assert 'href="#ref-3"' not in content


@pytest.mark.parametrize(
    ("text", "numbers", "expected"),
    [
        ("a [3] b", {3}, '<a href="#ref-3" class="cite" rel="nofollow noopener">3</a>'),
        ("a [1, 2] b", {1, 2}, '<a href="#ref-2" class="cite" rel="nofollow noopener">2</a>]'),
        ("a (1-3) b", {1, 2, 3}, '<a href="#ref-3" class="cite" rel="nofollow noopener">3</a>)'),
        ("a (1–3) b", {1, 2, 3}, '<a href="#ref-1" class="cite" rel="nofollow noopener">1</a>'),
        ("call f(1) here", {1}, "call f(1) here"),
        ("year (2019)", {1}, "year (2019)"),
        ("list (2) without refs", set(), "list (2) without refs"),
        ("```\n[1]\n```", {1}, "<pre><code>[1]\n</code></pre>"),
        ("[link [1]](https://example.org)", {1}, ">link [1]</a>"),
    ],
)
def test_render_markdown_links_only_real_citations(text, numbers, expected):
    assert expected in render_markdown(text, reference_numbers=numbers)


def test_machine_generated_commentary_is_labelled_with_its_verification(client, editor):
    case = make_case()
    Commentary.objects.create(
        case=case,
        provenance=Commentary.Provenance.MACHINE_GENERATED,
        heading="Analysis",
        body="Findings suggest tendinitis.",
        disclaimer="Not medical advice.",
    )
    Commentary.objects.create(
        case=case,
        position=1,
        provenance=Commentary.Provenance.MACHINE_GENERATED,
        body="Checked analysis.",
        verified_by=editor,
        verified_at=timezone.now(),
    )

    content = html(client.get(case.get_absolute_url()))

    assert "Machine-generated analysis — not verified by a radiologist" in content
    assert "Machine-generated analysis — verified by Dr Ed Editor on" in content
    assert "Not medical advice." in content
    assert content.count('class="case-part commentary commentary-machine"') == 2


def test_fitt_vp_prescription_is_a_table(client):
    prescription = ExercisePrescription.objects.create(
        frequency="3 times a week", intensity="Moderate", progression="Add load weekly"
    )
    case = make_case(rehabilitation=prescription)

    content = html(client.get(case.get_absolute_url()))

    assert '<th scope="row">Frequency</th><td>3 times a week</td>' in content
    assert '<th scope="row">Progression</th><td>Add load weekly</td>' in content
    assert "Volume" not in content


def test_licence_badge_shows_spdx_id_name_and_link(client):
    case = make_case(licence="CC-BY-NC-SA-4.0", source="https://www.eurorad.org/case/1")

    content = html(client.get(case.get_absolute_url()))

    assert ">CC-BY-NC-SA-4.0</a>" in content
    assert "Creative Commons Attribution-NonCommercial-ShareAlike 4.0" in content
    assert 'href="https://creativecommons.org/licenses/by-nc-sa/4.0/"' in content
    assert 'href="https://www.eurorad.org/case/1"' in content


def test_case_without_a_licence_says_so(client):
    case = make_case(licence=None)

    assert "Licence not stated" in html(client.get(case.get_absolute_url()))


@pytest.mark.parametrize(("age", "shown"), [(90, "90+ years"), (97, "90+ years"), (89, "89 years")])
def test_ages_of_90_and_over_are_shown_as_90_plus(client, age, shown):
    case = make_case(patient_age=age, patient_age_unit="years", patient_sex="female")
    add_study(case)

    detail = html(client.get(case.get_absolute_url()))
    card = html(client.get(reverse("browse")))

    assert f"{shown}, female" in detail
    assert f"{shown}, female" in card
    if age >= 90:
        assert f"{age} years" not in detail


# Layout --------------------------------------------------------------------------------------


def test_layout_offers_log_in_to_visitors_and_log_out_to_members(client, trainee):
    anonymous = html(client.get(reverse("home")))
    assert 'href="/accounts/login/"' in anonymous
    assert 'href="/accounts/signup/"' in anonymous

    client.force_login(trainee)
    member = html(client.get(reverse("home")))
    assert "Tess Trainee" in member
    assert '<form method="post" action="/accounts/logout/">' in member
    assert "csrfmiddlewaretoken" in member


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_account_pages_use_the_site_layout(client, url_name):
    response = client.get(reverse(url_name))

    content = html(response)
    assert response.status_code == 200
    assert '<html lang="en">' in content
    assert "css/site.css" in content
    assert 'class="auth-panel"' in content
    assert "Content licences vary per case" in content


def test_logout_page_uses_the_account_layout(client, trainee):
    client.force_login(trainee)

    content = html(client.get(reverse("account_logout")))

    assert 'class="account-menu"' in content
    assert "Sign Out" in content


def test_unknown_page_answers_with_the_site_404(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "We could not find that page" in html(response)
    assert "css/site.css" in html(response)


def test_500_template_renders_without_context():
    from django.template.loader import get_template

    content = get_template("500.html").render()

    assert "Something went wrong" in content


# Query counts --------------------------------------------------------------------------------


def make_listed_cases(*, count: int, **parts) -> list[Case]:
    cases = []
    for number in range(count):
        case = make_case(title=f"Case {number}", featured=number == 0)
        cases.append(add_parts(case, **parts))
    return cases


FEW = {"count": 1, "studies": 1, "figures": 1, "tags": 1, "sections": 1, "references": 1}
MANY = {"count": 15, "studies": 3, "figures": 2, "tags": 3, "sections": 4, "references": 5}


@pytest.mark.parametrize("rows", [FEW, MANY], ids=["few", "many"])
def test_home_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    make_listed_cases(**rows)
    # featured cases, their systems, studies, ready figures;
    # recent cases, their systems, studies, ready figures; the modalities present
    with django_assert_num_queries(9):
        response = client.get(reverse("home"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [FEW, MANY], ids=["few", "many"])
def test_browse_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    make_listed_cases(**rows)
    # the system choices, count, page of cases, their systems, studies, ready figures; the facet
    # counts: on SQLite four queries (case type, certainty, difficulty, age band and sex in one,
    # modality, system, tag), on PostgreSQL none: the count's one pass over the stored facet
    # values counted them too
    with django_assert_num_queries(10 if connection.vendor == "sqlite" else 6):
        response = client.get(reverse("browse"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [FEW, MANY], ids=["few", "many"])
def test_filtered_browse_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, rows
):
    make_listed_cases(**rows)
    Tag.objects.filter(name="Tag 0").update(slug="tag-0")
    # the system choices, count, the tag's name for its chip, page of cases, their systems,
    # studies, ready figures; the facet counts (four queries on SQLite; on PostgreSQL counted by
    # the count's pass, which also checks whether the words as typed found enough cases to skip
    # the typo search, and reads the highlighted passages)
    with django_assert_num_queries(11 if connection.vendor == "sqlite" else 9):
        response = client.get(
            reverse("browse"),
            {"q": "case", "modality": "CT", "tag": "tag-0", "system": "abdominal"},
        )
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [FEW, MANY], ids=["few", "many"])
def test_case_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    case = make_listed_cases(**rows)[-1]
    # the case with its rehabilitation and creator; tags, systems, sections, differential
    # diagnoses, teaching points, references, authors with users, studies, figures, the
    # figures' frames (DICOM slices), commentaries with their rehabilitation and verifier; the
    # day's view (insert, then the case's view count), the whole comment thread
    with django_assert_num_queries(15):
        response = client.get(case.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [FEW, MANY], ids=["few", "many"])
def test_case_page_query_count_for_a_signed_in_author(
    client, author, django_assert_num_queries, rows
):
    case = make_listed_cases(**rows)[-1]
    client.force_login(author)
    # session, user, the user's roles (visibility rule), the 12 queries of the page (whether the
    # reader co-authors it is read from the prefetched authors), the day's view (insert, count),
    # the unread notification count, bookmarked or not, the reader's collections, the comments
    with django_assert_num_queries(21):
        response = client.get(case.get_absolute_url())
    assert response.status_code == 200


def test_the_system_filter_still_works_after_the_api_schema_was_generated(client, db):
    # The schema reads the shared filters and builds their fields; the page must not inherit
    # a field built before the systems were read.
    from drf_spectacular.generators import SchemaGenerator

    from cases.models import System

    SchemaGenerator().get_schema(request=None, public=True)
    response = client.get(reverse("browse"), {"system": System.objects.first().code})
    assert "Select a valid choice" not in response.content.decode()
