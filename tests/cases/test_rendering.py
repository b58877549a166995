"""Case text rendering, and what pages tell browsers and search engines."""

from cases import services
from cases.document import empty_document
from cases.rendering import figure_key, render_markdown
from tests.factories import make_case


def test_figure_labels_reduce_to_the_key_text_mentions_them_by():
    assert figure_key("Fig 1") == "1"
    assert figure_key("Fig. A") == "a"
    assert figure_key("Figure 2b") == "2b"
    assert figure_key("") is None
    assert figure_key("Axial image") is None


def test_mentions_of_known_figures_become_links_and_others_stay_text():
    html = render_markdown(
        "Calcification [Fig. A], a level (Figure 2) and Fig 3; `Fig. A` in code.",
        figure_anchors={"a": "figure-7", "2": "figure-9"},
    )
    assert '[<a href="#figure-7" class="figure-ref"' in html
    assert '(<a href="#figure-9" class="figure-ref"' in html
    assert "Fig 3" in html and "#figure-3" not in html
    assert "<code>Fig. A</code>" in html


def test_the_case_page_links_figure_mentions_to_their_figures(client, author):
    document = empty_document() | {
        "title": "Tumoral calcinosis",
        "clinical_history": "A mass over the hip [Fig. A].",
        "studies": [
            {"modality": "XR", "label": "Radiograph", "findings": "Lobulated calcification "
             "[Fig. A].", "figures": [{"label": "Fig. A", "caption": "AP pelvis"}]},
            {"modality": "CT", "label": "CT", "findings": "Fluid levels [Fig. B].",
             "figures": [{"label": "Fig. B", "caption": "Axial CT"}]},
        ],
    }  # fmt: skip
    case = services.create_case_from_document(document, author=author)
    client.force_login(author)
    content = client.get(case.get_absolute_url()).content.decode()
    figure_a, figure_b = case.studies.all()[0].figures.get(), case.studies.all()[1].figures.get()
    assert f'href="#figure-{figure_a.pk}" class="figure-ref"' in content
    assert f'href="#figure-{figure_b.pk}" class="figure-ref"' in content
    assert f'id="figure-{figure_a.pk}"' in content


def test_a_label_two_figures_share_links_to_neither(client, author):
    case = make_case(author=author, clinical_history="See Fig 1.")
    for modality in ("XR", "CT"):
        case.studies.create(modality=modality).figures.create(label="Fig 1")
    content = client.get(case.get_absolute_url()).content.decode()
    assert 'class="figure-ref"' not in content


def test_unlisted_cases_ask_search_engines_not_to_index_them(client, author):
    unlisted = make_case(author=author, visibility="unlisted")
    public = make_case(author=author, visibility="public")
    assert (
        'name="robots" content="noindex"'
        in client.get(unlisted.get_absolute_url()).content.decode()
    )
    assert 'content="noindex"' not in client.get(public.get_absolute_url()).content.decode()


def test_pages_send_a_content_security_policy_that_allows_only_this_site(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "http" not in policy  # no other origin: no CDN, no external font or script
