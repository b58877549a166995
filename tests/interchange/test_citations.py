"""Citing a case: the text styles, the citation files, their downloads and the case page."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from cases.citation import Name, split_name
from cases.models import Case, CaseAuthor, Tag
from interchange import citations
from tests.factories import make_case, make_user

SITE = "https://teachingfile.example"
ACCESSED = datetime.date(2026, 11, 22)
PUBLISHED = datetime.datetime(2026, 5, 21, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def with_authors(case: Case) -> Case:
    """The case as the pages read it: authors (with users) and tags prefetched."""
    return Case.objects.prefetch_related(
        Prefetch("authors", queryset=CaseAuthor.objects.select_related("user")), "tags"
    ).get(pk=case.pk)


def add_authors(case: Case, *names: str) -> None:
    for position, name in enumerate(names, start=1):
        CaseAuthor.objects.create(case=case, name=name, position=position)


@pytest.fixture
def cited_case(db) -> Case:
    """A published case by a site user and two co-authors, saved 17 times and published
    three times (its first publication and two new revisions), with two tags."""
    user = make_user("lopez", "author", display_name="Dr Maria Lopez")
    case = make_case(
        author=user,
        title='Osteoid osteoma: the nidus & its 100% "double density" sign',
        published_at=PUBLISHED,
        version=17,
        published_revision=3,
    )
    add_authors(case, "Smith JA", "Łukasz Żółć")
    case.tags.add(
        Tag.objects.create(name="Osteoid osteoma"), Tag.objects.create(name="Bone_tumour")
    )
    return with_authors(case)


# Names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Maria Lopez", Name(family="Lopez", given="Maria")),
        ("Lopez M", Name(family="Lopez", given="M.")),
        ("Lopez MA", Name(family="Lopez", given="M. A.")),
        ("Lopez, Maria", Name(family="Lopez", given="Maria")),
        ("Lopez, MA", Name(family="Lopez", given="M. A.")),
        ("Dr Ada Author", Name(family="Author", given="Ada")),
        ("Prof. Dr. Ada Author, MD, FRCR", Name(family="Author", given="Ada")),
        ("Ludwig van Beethoven", Name(family="Beethoven", given="Ludwig", particle="van")),
        ("Martin Luther King Jr", Name(family="King", given="Martin Luther", suffix="Jr")),
        ("García Márquez, José María", Name(family="García Márquez", given="José María")),
        ("Madonna", Name(literal="Madonna")),
        ("山田太郎", Name(literal="山田太郎")),
    ],
)
def test_author_names_are_split_into_family_and_given_names(written, name):
    assert split_name(written) == name


# Text styles -------------------------------------------------------------------------------


def test_vancouver_citation_of_a_published_case(cited_case):
    assert citations.vancouver(cited_case, accessed=ACCESSED) == (
        "Lopez M, Smith JA, Żółć Ł. "
        'Osteoid osteoma: the nidus & its 100% "double density" sign [Internet]. '
        "Teaching File; 2026 [cited 2026 Nov 22]. Version 3. "
        f"Available from: {SITE}/cases/{cited_case.pk}/"
    )


def test_apa_citation_of_a_published_case(cited_case):
    assert citations.apa(cited_case, accessed=ACCESSED) == (
        "Lopez, M., Smith, J. A., & Żółć, Ł. (2026). "
        'Osteoid osteoma: the nidus & its 100% "double density" sign (Version 3) '
        f"[Teaching case]. Teaching File. {SITE}/cases/{cited_case.pk}/"
    )


def test_one_author_and_two_authors_in_apa(db):
    case = make_case(title="Hip effusion", published_at=PUBLISHED)
    add_authors(case, "Maria Lopez")
    assert citations.apa(with_authors(case)).startswith("Lopez, M. (2026). Hip effusion")
    add_authors(case, "Jean-Pierre Dupont")
    assert citations.apa(with_authors(case)).startswith(
        "Lopez, M., & Dupont, J.-P. (2026). Hip effusion"
    )


def test_vancouver_lists_six_authors_then_et_al(db):
    case = make_case(title="Hip effusion", published_at=PUBLISHED)
    add_authors(case, *(f"Author{number} A" for number in range(1, 9)))

    text = citations.vancouver(with_authors(case), accessed=ACCESSED)

    assert text.startswith(
        "Author1 A, Author2 A, Author3 A, Author4 A, Author5 A, Author6 A, et al. Hip effusion "
    )
    assert "Author7" not in text


def test_apa_lists_twenty_authors_with_an_ampersand(db):
    case = make_case(title="Hip effusion", published_at=PUBLISHED)
    add_authors(case, *(f"Author{number} A" for number in range(1, 21)))

    text = citations.apa(with_authors(case))

    assert text.startswith("Author1, A., Author2, A., ")
    assert "Author19, A., & Author20, A. (2026)." in text


def test_apa_lists_nineteen_authors_an_ellipsis_and_the_last_of_twenty_one_or_more(db):
    case = make_case(title="Hip effusion", published_at=PUBLISHED)
    add_authors(case, *(f"Author{number} A" for number in range(1, 26)))

    text = citations.apa(with_authors(case))

    assert "Author19, A., . . . Author25, A. (2026). Hip effusion" in text
    assert "Author20" not in text
    assert "&" not in text


def test_a_case_without_authors_starts_with_its_title(db):
    case = with_authors(make_case(title="Why is the hip painful?", published_at=PUBLISHED))

    assert citations.vancouver(case, accessed=ACCESSED).startswith(
        "Why is the hip painful? [Internet]. Teaching File; 2026 [cited 2026 Nov 22]."
    )
    assert citations.apa(case).startswith(
        "Why is the hip painful? (Version 1) [Teaching case]. (2026). Teaching File. "
    )
    assert "author" not in citations.bibtex(case, accessed=ACCESSED)
    assert "AU  - " not in citations.ris(case, accessed=ACCESSED)
    assert citations.csl_item(case, accessed=ACCESSED)["author"] == []


def test_an_author_without_name_or_user_is_left_out(db):
    case = make_case(title="Hip effusion", published_at=PUBLISHED)
    add_authors(case, "", "Maria Lopez")

    assert citations.apa(with_authors(case)).startswith("Lopez, M. (2026).")


def test_a_case_not_yet_published_has_no_date(db):
    case = with_authors(make_case(published=False, title="Hip effusion"))

    assert "Teaching File; [date unknown] [cited" in citations.vancouver(case)
    assert "(n.d.)" in citations.apa(case)
    assert "issued" not in citations.csl_item(case)


def test_case_citation_is_the_vancouver_citation_of_the_canonical_document(cited_case):
    from cases.document import case_to_document

    today = timezone.localdate()
    expected = citations.vancouver(cited_case, accessed=today)
    assert case_to_document(cited_case)["cite"] == {
        "text": expected,
        "url": f"{SITE}/cases/{cited_case.pk}/",
    }


# BibTeX -----------------------------------------------------------------------------------


def test_bibtex_entry_of_a_published_case(cited_case):
    assert citations.bibtex(cited_case, accessed=ACCESSED) == (
        f"@misc{{teachingfile{cited_case.pk},\n"
        "  author       = {Lopez, Maria and Smith, J. A. and Żółć, Łukasz},\n"
        '  title        = {{Osteoid osteoma: the nidus \\& its 100\\% "double density" sign}},\n'
        "  howpublished = {Teaching File},\n"
        "  organization = {Teaching File},\n"
        "  year         = {2026},\n"
        "  month        = may,\n"
        "  date         = {2026-05-21},\n"
        "  version      = {3},\n"
        f"  url          = {{{SITE}/cases/{cited_case.pk}/}},\n"
        "  urldate      = {2026-11-22},\n"
        "  note         = {Teaching case, version 3},\n"
        "  keywords     = {Bone\\_tumour, Osteoid osteoma},\n"
        "}\n"
    )


def test_latex_special_characters_are_escaped_once_and_unicode_is_kept():
    assert citations.latex_escape("a & b % c $ d # e _ f { g } h ~ i ^ j \\ k — ü") == (
        r"a \& b \% c \$ d \# e \_ f \{ g \} h \textasciitilde{} i \textasciicircum{} j "
        r"\textbackslash{} k — ü"
    )


def test_bibtex_keeps_one_word_names_and_names_with_and_whole(db):
    case = make_case(title="Hip effusion", published_at=PUBLISHED)
    add_authors(case, "Madonna", "Ludwig van Beethoven", "Martin Luther King Jr")

    entry = citations.bibtex(with_authors(case), accessed=ACCESSED)

    assert (
        "author       = {{Madonna} and van Beethoven, Ludwig and King, Jr, Martin Luther}," in entry
    )


def test_bibtex_braces_are_balanced_whatever_the_title(db):
    case = make_case(title="A {weird} title with } and { and \\", published_at=PUBLISHED)

    entry = citations.bibtex(with_authors(case), accessed=ACCESSED)
    unescaped = entry.replace("\\{", "").replace("\\}", "")

    assert unescaped.count("{") == unescaped.count("}")


# RIS --------------------------------------------------------------------------------------


def test_ris_record_of_a_published_case(cited_case):
    record = citations.ris(cited_case, accessed=ACCESSED)

    assert record == "\r\n".join(
        [
            "TY  - ELEC",
            "AU  - Lopez, Maria",
            "AU  - Smith, J. A.",
            "AU  - Żółć, Łukasz",
            'TI  - Osteoid osteoma: the nidus & its 100% "double density" sign',
            "T2  - Teaching File",
            "PY  - 2026",
            "DA  - 2026/05/21",
            "ET  - 3",
            "PB  - Teaching File",
            "M3  - Teaching case",
            f"UR  - {SITE}/cases/{cited_case.pk}/",
            "Y2  - 2026/11/22",
            "KW  - Bone_tumour",
            "KW  - Osteoid osteoma",
            f"ID  - teachingfile{cited_case.pk}",
            "ER  - ",
            "",
        ]
    )


def test_ris_lines_are_tag_two_spaces_dash_and_start_and_end_with_ty_and_er(db):
    case = make_case(title="Line\nbreaks\r\nin   the title", published_at=PUBLISHED)
    add_authors(case, *(f"Author{number} A" for number in range(1, 9)))

    lines = citations.ris(with_authors(case)).split("\r\n")

    assert lines[0] == "TY  - ELEC" and lines[-2] == "ER  - " and lines[-1] == ""
    assert all(len(line) >= 6 and line[2:6] == "  - " for line in lines[:-1])
    assert "TI  - Line breaks in the title" in lines
    assert sum(line.startswith("AU  - ") for line in lines) == 8


# CSL-JSON ---------------------------------------------------------------------------------


def test_csl_json_item_of_a_published_case(cited_case):
    assert citations.csl_item(cited_case, accessed=ACCESSED) == {
        "id": f"teachingfile{cited_case.pk}",
        "type": "webpage",
        "title": 'Osteoid osteoma: the nidus & its 100% "double density" sign',
        "author": [
            {"family": "Lopez", "given": "Maria"},
            {"family": "Smith", "given": "J. A."},
            {"family": "Żółć", "given": "Łukasz"},
        ],
        "container-title": "Teaching File",
        "publisher": "Teaching File",
        "genre": "Teaching case",
        "version": "3",
        "number": str(cited_case.pk),
        "URL": f"{SITE}/cases/{cited_case.pk}/",
        "accessed": {"date-parts": [[2026, 11, 22]]},
        "issued": {"date-parts": [[2026, 5, 21]]},
        "keyword": "Bone_tumour, Osteoid osteoma",
        "license": "CC-BY-4.0",
    }


# The key constraints of the CSL-JSON schema (citation-style-language/schema, csl-data.json).
CSL_TYPES = {
    "article", "article-journal", "article-magazine", "article-newspaper", "book", "dataset",
    "document", "entry", "entry-dictionary", "entry-encyclopedia", "post", "post-weblog",
    "report", "software", "webpage",
}  # fmt: skip
CSL_NAME_KEYS = {
    "family", "given", "dropping-particle", "non-dropping-particle", "suffix",
    "comma-suffix", "static-ordering", "literal", "parse-names",
}  # fmt: skip
CSL_STRING_KEYS = {"id", "title", "container-title", "publisher", "genre", "version", "URL"}


def assert_valid_csl_item(item: dict) -> None:
    assert {"id", "type"} <= item.keys()
    assert item["type"] in CSL_TYPES
    for key in CSL_STRING_KEYS & item.keys():
        assert isinstance(item[key], str), key
    for name in item.get("author", []):
        assert name and set(name) <= CSL_NAME_KEYS
        assert all(isinstance(value, str) for value in name.values())
        assert "literal" in name or "family" in name
    for date_key in ("issued", "accessed"):
        if date_key in item:
            parts = item[date_key]["date-parts"]
            assert 1 <= len(parts) <= 2
            assert all(1 <= len(part) <= 3 for part in parts)
            assert all(isinstance(number, int) for part in parts for number in part)


def test_csl_json_file_is_an_array_of_items_in_the_schema_shape(db):
    case = make_case(title="Hip effusion", published_at=PUBLISHED)
    add_authors(case, "Madonna", "Ludwig van Beethoven", "Martin Luther King Jr")

    items = json.loads(citations.csl_json(with_authors(case)))

    assert isinstance(items, list) and len(items) == 1
    assert_valid_csl_item(items[0])
    assert items[0]["author"] == [
        {"literal": "Madonna"},
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr"},
    ]


def test_csl_json_keeps_unicode_as_characters(cited_case):
    assert "Żółć" in citations.csl_json(cited_case)


# Downloads --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("citation_format", "content_type", "extension"),
    [
        ("bibtex", "application/x-bibtex; charset=utf-8", "bib"),
        ("ris", "application/x-research-info-systems; charset=utf-8", "ris"),
        ("csl-json", "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
    ],
)
def test_citation_downloads_have_their_content_type_and_a_filename(
    client, cited_case, citation_format, content_type, extension
):
    response = client.get(reverse("case-citation", args=[cited_case.pk, citation_format]))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="teachingfile-case-{cited_case.pk}.{extension}"'
    )
    assert f"teachingfile{cited_case.pk}" in response.content.decode()


def test_an_unknown_download_format_is_a_404(client, cited_case):
    response = client.get(reverse("case-citation", args=[cited_case.pk, "endnote"]))
    assert response.status_code == 404


@pytest.mark.parametrize("status", [Case.Status.DRAFT, Case.Status.ACCEPTED, Case.Status.RETRACTED])
def test_only_published_cases_are_citable_even_by_their_authors(client, author, status):
    case = make_case(author=author, published=False, status=status)
    client.force_login(author)

    assert client.get(reverse("case-citation", args=[case.pk, "bibtex"])).status_code == 404
    api = client.get(reverse("api-case-citation", args=[case.pk]), {"format": "bibtex"})
    assert api.status_code == 404


def test_an_unlisted_published_case_is_citable_by_its_link(client, db):
    case = make_case(visibility=Case.Visibility.UNLISTED)
    assert client.get(reverse("case-citation", args=[case.pk, "ris"])).status_code == 200


def test_an_institution_case_is_citable_only_by_members(client, trainee, outsider, author):
    case = make_case(
        author=author, visibility=Case.Visibility.INSTITUTION, institution=trainee.institution
    )
    url = reverse("case-citation", args=[case.pk, "ris"])

    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(trainee)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("authors", [1, 12], ids=["one author", "twelve authors"])
def test_a_download_reads_the_case_authors_and_tags_in_three_queries(
    client, db, django_assert_num_queries, authors
):
    case = make_case(title="Hip effusion")
    add_authors(case, *(f"Author{number} A" for number in range(authors)))
    case.tags.add(*(Tag.objects.create(name=f"Tag {number}") for number in range(authors)))
    # the case (visibility rule, published), its authors with their users, its tags
    with django_assert_num_queries(3):
        response = client.get(reverse("case-citation", args=[case.pk, "csl-json"]))
    assert response.status_code == 200


# API --------------------------------------------------------------------------------------


@pytest.mark.parametrize("citation_format", citations.FORMATS)
def test_the_api_answers_each_format_as_the_download_does(client, cited_case, citation_format):
    chosen = citations.CITATION_FORMATS[citation_format]

    response = client.get(
        reverse("api-case-citation", args=[cited_case.pk]), {"format": citation_format}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == chosen.content_type
    today = timezone.localdate()
    assert response.content.decode() == chosen.render(cited_case, accessed=today)
    if citation_format in citations.TEXT_FORMATS:
        assert "Content-Disposition" not in response
    else:
        assert response["Content-Disposition"].startswith("attachment; filename=")


def test_the_api_gives_vancouver_when_no_format_is_asked_for(client, cited_case):
    response = client.get(reverse("api-case-citation", args=[cited_case.pk]))

    assert response.status_code == 200
    assert response.content.decode().endswith(f"Available from: {SITE}/cases/{cited_case.pk}/")


def test_the_api_refuses_an_unknown_format_with_a_clear_400(client, cited_case):
    response = client.get(reverse("api-case-citation", args=[cited_case.pk]), {"format": "endnote"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert "format" in body["errors"]
    assert "endnote" in body["detail"]


@pytest.mark.parametrize("case_id", [999999, 2**64], ids=["unknown", "beyond 64 bits"])
def test_the_api_answers_404_for_a_case_that_does_not_exist(client, db, case_id):
    response = client.get(reverse("api-case-citation", args=[case_id]), {"format": "ris"})

    assert response.status_code == 404
    assert response.json()["detail"]
    page = client.get(reverse("case-citation", args=[case_id, "ris"]))
    assert page.status_code == 404


# The case page ----------------------------------------------------------------------------


def test_case_page_shows_both_styles_the_permanent_link_and_the_downloads(client, cited_case):
    response = client.get(cited_case.get_absolute_url())
    content = response.content.decode()
    today = timezone.localdate()

    from django.utils.html import escape

    assert escape(citations.vancouver(cited_case, accessed=today)) in content
    assert escape(citations.apa(cited_case)) in content
    assert f'href="{SITE}/cases/{cited_case.pk}/"' in content
    for name, label in [("bibtex", "BibTeX"), ("ris", "RIS"), ("csl-json", "CSL-JSON")]:
        url = reverse("case-citation", args=[cited_case.pk, name])
        assert f'<a href="{url}" download>{label}</a>' in content
    assert reverse("case-export", args=[cited_case.pk, "bundle"]) in content
    assert reverse("case-export", args=[cited_case.pk, "mirc"]) in content
    assert 'data-copy-target="cite-vancouver"' in content
    assert "js/citations.js" in content
    assert "onclick" not in content


def test_case_page_of_an_unpublished_case_offers_no_citation(client, author):
    case = make_case(author=author, published=False)
    client.force_login(author)

    content = client.get(case.get_absolute_url()).content.decode()

    assert "This case can be cited once it is published." in content
    assert reverse("case-citation", args=[case.pk, "bibtex"]) not in content
    assert "js/citations.js" not in content


@pytest.mark.parametrize("authors", [1, 25], ids=["one author", "twenty-five authors"])
def test_the_cite_box_adds_no_query_to_the_case_page(
    client, db, django_assert_num_queries, authors
):
    case = make_case(title="Hip effusion")
    add_authors(case, *(f"Author{number} A" for number in range(authors)))
    # as tests/cases/test_pages.py counts them, less figures and frames (this case has no study):
    # the case, tags, systems, sections, differentials, teaching points, references, authors
    # with users, studies, commentaries; the day's view (insert, count); the comment thread
    with django_assert_num_queries(13):
        response = client.get(case.get_absolute_url())
    assert response.status_code == 200
