"""Case Markdown as plain paragraphs, for formats that take text rather than HTML.

Raw HTML in the source is dropped, not escaped: the parser is run with HTML recognised so that
tags (and whatever a `<script>` block holds) come out as separate tokens that are skipped.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

_parser = MarkdownIt("commonmark", {"html": True, "linkify": False})
_parser.enable(["table", "strikethrough"])

# Characters XML 1.0 cannot carry at all, not even escaped (control characters but tab, LF, CR).
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters an XML document may not contain."""
    return _NOT_XML.sub("", text)


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "image":
            parts.append(child.content)  # its alt text
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        # html_inline and link/emphasis markers carry no text of their own.
    return xml_safe(" ".join("".join(parts).split()))


def plain_paragraphs(markdown: str) -> list[str]:
    """The paragraphs of `markdown` as a reader would read them, one string each.

    Headings, list items and table cells each become a paragraph of their own; list items keep
    a bullet or their number so a list still reads as one.
    """
    if not markdown or not markdown.strip():
        return []
    paragraphs: list[str] = []
    lists: list[list[int | None]] = []  # per open list: [next number] or [None] for bullets
    prefix = ""
    for token in _parser.parse(markdown):
        if token.type == "bullet_list_open":
            lists.append([None])
        elif token.type == "ordered_list_open":
            lists.append([int(token.attrGet("start") or 1)])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open" and lists:
            number = lists[-1][0]
            if number is None:
                prefix = "• "
            else:
                prefix = f"{number}. "
                lists[-1][0] = number + 1
        elif token.type == "inline":
            text = _inline_text(token.children or [])
            if text:
                paragraphs.append(prefix + text)
            prefix = ""
        elif token.type in ("code_block", "fence"):
            text = xml_safe(token.content.strip())
            if text:
                paragraphs.append(text)
    return paragraphs


def plain_line(markdown: str) -> str:
    """`markdown` as one line of plain text (a caption, a teaching point)."""
    return " ".join(plain_paragraphs(markdown))
