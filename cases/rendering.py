"""Markdown for case text: CommonMark with raw HTML off, then sanitised with nh3.

In-text citation markers such as `[3]`, `[1, 2]`, `[1-3]` or `(1-3)` become links to the
case's reference list (`#ref-3`), but only for numbers the list really has; figure mentions such
as "Fig. A", "Fig 2" or "Figure 1" link to the case's figure of that label. Both are found in text
tokens, so code spans, code blocks and link texts are never touched.
"""

from __future__ import annotations

import re
from html import escape

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "code",
    "em", "strong", "s", "a", "table", "thead", "tbody", "tr", "th", "td", "div", "span", "sup",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "ol": {"start"},
    "th": {"class"},
    "td": {"class"},
    "div": {"class"},
    "span": {"class"},
    "sup": {"class"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# Case text sits under the page's h1 and a section's h2: a Markdown "#" becomes an h3.
HEADING_SHIFT = 2
# A range wider than this is not a citation ("[1-500]").
MAX_RANGE = 50

_NUMBER_OR_RANGE = r"\d{1,3}(?:\s*[-–]\s*\d{1,3})?"
_NUMBER_LIST = rf"{_NUMBER_OR_RANGE}(?:\s*,\s*{_NUMBER_OR_RANGE})*"
# "(1)" right after a word is a call or a label ("f(1)", "A(2)"), not a citation.
CITATION_MARKER = re.compile(
    rf"\[(?P<square>{_NUMBER_LIST})\]|(?<!\w)\((?P<round>{_NUMBER_LIST})\)"
)
# "Fig 1", "Fig. A", "Figure 2b" (not "Figs 1 and 2", which names no single figure).
FIGURE_MENTION = re.compile(r"\b(?:Fig\.?|Figure)\s*(?P<key>\d{1,2}[a-z]?|[A-Z])\b")
_FIGURE_LABEL = re.compile(
    r"^\s*(?:Fig\.?|Figure)?\s*(?P<key>\d{1,2}[a-z]?|[A-Za-z])\s*\.?\s*$", re.I
)
_ITEM = re.compile(r"(?P<first>\d{1,3})(?:(?P<dash>\s*[-–]\s*)(?P<last>\d{1,3}))?")


def cited_numbers(marker_body: str) -> set[int] | None:
    """The reference numbers a marker body such as "1, 3-5" cites; None if it is not a citation."""
    numbers: set[int] = set()
    for item in _ITEM.finditer(marker_body):
        first = int(item["first"])
        last = int(item["last"]) if item["last"] else first
        if first == 0 or last < first or last - first > MAX_RANGE:
            return None
        numbers.update(range(first, last + 1))
    return numbers


def _linked_marker(marker: re.Match[str], reference_numbers: set[int]) -> str | None:
    body = marker["square"] or marker["round"]
    numbers = cited_numbers(body)
    if not numbers:
        return None
    if not reference_numbers:
        # No reference list to point at: still show a square-bracket marker as a citation.
        # "(2)" without references is as likely an enumeration as a citation; leave it.
        if marker["square"]:
            return f'<span class="cite">{escape(marker.group(0))}</span>'
        return None
    if not numbers <= reference_numbers:
        return None

    def link(match: re.Match[str]) -> str:
        first = f'<a href="#ref-{int(match["first"])}" class="cite">{match["first"]}</a>'
        if not match["last"]:
            return first
        last = f'<a href="#ref-{int(match["last"])}" class="cite">{match["last"]}</a>'
        return f"{first}–{last}"

    opening, closing = ("[", "]") if marker["square"] else ("(", ")")
    return f'<span class="cite-group">{opening}{_ITEM.sub(link, body)}{closing}</span>'


def figure_key(label: str) -> str | None:
    """The key a figure label is mentioned by: "Fig. A" -> "a", "Figure 2b" -> "2b"."""
    match = _FIGURE_LABEL.match(label or "")
    return match["key"].lower() if match else None


def _linked_figure(mention: re.Match[str], figure_anchors: dict[str, str]) -> str | None:
    anchor = figure_anchors.get(mention["key"].lower())
    if anchor is None:
        return None
    return f'<a href="#{anchor}" class="figure-ref">{escape(mention.group(0))}</a>'


def _split_text_token(
    token: Token, reference_numbers: set[int], figure_anchors: dict[str, str]
) -> list[Token]:
    marks = [
        (marker, _linked_marker(marker, reference_numbers))
        for marker in CITATION_MARKER.finditer(token.content)
    ]
    if figure_anchors:
        marks += [
            (mention, _linked_figure(mention, figure_anchors))
            for mention in FIGURE_MENTION.finditer(token.content)
        ]
    pieces: list[Token] = []
    position = 0
    for marker, html in sorted(marks, key=lambda mark: mark[0].start()):
        if html is None or marker.start() < position:
            continue
        if marker.start() > position:
            text = Token("text", "", 0)
            text.content = token.content[position : marker.start()]
            pieces.append(text)
        # The renderer writes html_inline content as is; nh3 still cleans the whole output.
        citation = Token("html_inline", "", 0)
        citation.content = html
        pieces.append(citation)
        position = marker.end()
    if not pieces:
        return [token]
    if position < len(token.content):
        rest = Token("text", "", 0)
        rest.content = token.content[position:]
        pieces.append(rest)
    return pieces


def _case_text_rule(state: StateCore) -> None:
    """Shift headings, turn alignment styles into classes, link citation markers."""
    reference_numbers: set[int] = state.env.get("reference_numbers") or set()
    figure_anchors: dict[str, str] = state.env.get("figure_anchors") or {}
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + HEADING_SHIFT)
            token.tag = f"h{level}"
        elif token.type in ("th_open", "td_open"):
            style = token.attrs.pop("style", None)
            if isinstance(style, str) and style.startswith("text-align:"):
                token.attrSet("class", f"align-{style.removeprefix('text-align:')}")
        elif token.type == "inline" and token.children:
            children: list[Token] = []
            link_depth = 0
            for child in token.children:
                if child.type == "link_open":
                    link_depth += 1
                elif child.type == "link_close":
                    link_depth -= 1
                if child.type == "text" and not link_depth:
                    children.extend(_split_text_token(child, reference_numbers, figure_anchors))
                else:
                    children.append(child)
            token.children = children


def _render_table_open(renderer, tokens, idx, options, env) -> str:
    # Wide tables scroll inside their box instead of widening the page on a phone.
    return '<div class="table-scroll">' + renderer.renderToken(tokens, idx, options, env)


def _render_table_close(renderer, tokens, idx, options, env) -> str:
    return renderer.renderToken(tokens, idx, options, env) + "</div>"


def _render_image(renderer, tokens, idx, options, env) -> str:
    # Images come from the case's own figures; an image in the text becomes a plain link.
    token = tokens[idx]
    alt = renderer.renderInlineAsText(token.children or [], options, env) or "image"
    return f'<a href="{escape(str(token.attrGet("src") or ""))}">{escape(alt)}</a>'


def _build_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False})
    parser.enable(["table", "strikethrough"])
    parser.core.ruler.push("case_text", _case_text_rule)
    parser.add_render_rule("table_open", _render_table_open)
    parser.add_render_rule("table_close", _render_table_close)
    parser.add_render_rule("image", _render_image)
    return parser


_parser = _build_parser()


def _sanitise(html: str) -> SafeString:
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it


def render_markdown(
    text: str,
    *,
    reference_numbers: set[int] | None = None,
    figure_anchors: dict[str, str] | None = None,
) -> SafeString:
    """Case Markdown as safe HTML: blocks, headings from h3, citations and figures linked.

    `figure_anchors` maps a figure key (see `figure_key`) to the id of its element on the page.
    """
    if not text:
        return mark_safe("")
    env = {"reference_numbers": set(reference_numbers or ()), "figure_anchors": figure_anchors}
    return _sanitise(_parser.render(text, env))


def render_markdown_inline(
    text: str,
    *,
    reference_numbers: set[int] | None = None,
    figure_anchors: dict[str, str] | None = None,
) -> SafeString:
    """One line of case Markdown (a teaching point, a caption) without a wrapping paragraph."""
    if not text:
        return mark_safe("")
    env = {"reference_numbers": set(reference_numbers or ()), "figure_anchors": figure_anchors}
    return _sanitise(_parser.renderInline(text, env))
