"""Snippets: the passage of a case's text that matched a search, the matched words in <mark>
and everything else escaped (PostgreSQL's ts_headline, or a simple highlighter elsewhere)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import nh3
from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connections
from django.db.models import Func, OuterRef, StringAgg, Subquery, TextField, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cases.fulltext import clean_text, parse_terms
from cases.models import Case, Section, Study
from cases.search_vector import SEARCH_CONFIG

SNIPPET_MAX_CHARS = 260

# Sentinels ts_headline puts around matched words; replaced by <mark> once the text is escaped.
_MARK_START = "\u2983"
_MARK_END = "\u2984"

_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_LINE_START = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.MULTILINE)
_MARKDOWN_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|`+|~~)")


def plain_text(markdown: str) -> str:
    """Markdown as a reader would read it aloud: no markup characters, one line."""
    text = _MARKDOWN_LINK.sub(r"\1", markdown)
    text = _MARKDOWN_LINE_START.sub("", text)
    text = _MARKDOWN_EMPHASIS.sub("", text)
    return " ".join(text.split())


def _marked_html(text: str) -> SafeString:
    """Escape `text`, turn the sentinels around matched words into <mark>, allow nothing else."""
    html = escape(text).replace(_MARK_START, "<mark>").replace(_MARK_END, "</mark>")
    return mark_safe(nh3.clean(html, tags={"mark"}, attributes={}))  # noqa: S308


def attach_snippets(cases: Sequence[Case], text: str) -> None:
    """Give each case a `snippet`: the passage of its text that matched `text` (safe HTML)."""
    cases = list(cases)
    text = clean_text(text)
    for case in cases:
        case.snippet = ""
    if not cases or not text:
        return
    if connections[cases[0]._state.db or "default"].vendor == "postgresql":
        _postgres_snippets(cases, text)
    else:
        for case in cases:
            case.snippet = simple_snippet(
                "\n\n".join([case.clinical_history, case.imaging_findings]),
                [term.text for term in parse_terms(text) if not term.excluded],
            )


def _snippet_source() -> Func:
    def joined(model, field: str) -> Subquery:
        rows = (
            model.objects.filter(case=OuterRef("pk"))
            .order_by()
            .values("case")
            .annotate(text=StringAgg(field, Value("\n\n")))
            .values("text")
        )
        return Subquery(rows, output_field=TextField())

    # concat_ws skips what is NULL: a case without studies or sections.
    return Func(
        Value("\n\n"),
        "clinical_history",
        "imaging_findings",
        joined(Study, "findings"),
        joined(Section, "body"),
        function="concat_ws",
        output_field=TextField(),
    )


def _postgres_snippets(cases: list[Case], text: str) -> None:
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    headlines = dict(
        Case.objects.filter(pk__in=[case.pk for case in cases])
        .annotate(
            headline=SearchHeadline(
                _snippet_source(),
                query,
                config=SEARCH_CONFIG,
                start_sel=_MARK_START,
                stop_sel=_MARK_END,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .values_list("pk", "headline")
    )
    for case in cases:
        headline = plain_text(headlines.get(case.pk) or "")
        if len(headline) > SNIPPET_MAX_CHARS:
            headline = headline[:SNIPPET_MAX_CHARS].rsplit(" ", 1)[0] + " …"
            if headline.count(_MARK_START) > headline.count(_MARK_END):
                headline += _MARK_END
        case.snippet = _marked_html(headline)


def simple_snippet(markdown: str, terms: Iterable[str]) -> SafeString:
    """The first passage of `markdown` holding one of `terms`, each occurrence marked."""
    text = plain_text(markdown)
    terms = sorted({term for term in terms if term.strip()}, key=len, reverse=True)
    if not text:
        return mark_safe("")
    pattern = None
    if terms:
        pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    first = pattern.search(text) if pattern else None
    start = 0
    if first and first.start() > 60:
        start = text.rfind(" ", 0, first.start() - 60) + 1
    window = text[start : start + SNIPPET_MAX_CHARS]
    if start + SNIPPET_MAX_CHARS < len(text):
        window = window.rsplit(" ", 1)[0] + " …"
    if start:
        window = "… " + window
    if pattern:
        window = pattern.sub(lambda match: f"{_MARK_START}{match.group(0)}{_MARK_END}", window)
    return _marked_html(window)
