"""Clean-up of case-report text: line unwrapping, de-hyphenation, lists and citation markers.

Case reports reach us as plain text pasted from web pages (one paragraph per line) or extracted
from PDFs (hard-wrapped lines, words split by hyphens, page breaks in mid-sentence). Everything
downstream works on `Para`s: one logical paragraph, heading or list item each.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

HeadingTest = Callable[[str], bool]

# Characters PDF extraction and word processors leave behind that mean nothing to a reader.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\t"), " ")
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

_CIRCLED = {chr(0x2460 + n): n + 1 for n in range(20)}  # ① … ⑳
_CIRCLED.update({chr(0x2776 + n): n + 1 for n in range(10)})  # ❶ … ❿
_CIRCLED.update({chr(0x2780 + n): n + 1 for n in range(10)})  # ➀ … ➉

_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_NUMBERED = re.compile(r"^\(?(\d{1,2})[.)]\s+(.*)$")
_BULLET = re.compile(r"^(?:[•●◦▪■‣○·∙\-–*+]|[a-z]\))\s+(.*)$")
_CAPTION = re.compile(
    r"^(?P<prefix>(?i:fig(?:ure)?\.?))\s*(?P<id>\d{1,3}[a-z]?|[A-Z])\s*[.:|–—-]\s+(?P<text>\S.*)$"
)
_TERMINAL = re.compile(r"[.!?:;][)\]”\"’']*$")

# Left halves of a line-break hyphen that usually make a real compound ("well-known").
_COMPOUND_PREFIXES = frozenset(
    {"self", "well", "non", "ill", "low", "high", "long", "short", "x", "t1", "t2", "post", "pre"}
)


@dataclass
class Para:
    """One logical paragraph, heading or list item of the report."""

    text: str
    marker: str | None = None  # "bullet" or "number" for list items
    number: int | None = None
    heading: bool = False
    level: int = 0  # Markdown heading level ("##" → 2); 0 for headings found by their look

    @property
    def is_item(self) -> bool:
        return self.marker is not None


def clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE).translate(_SPACES)
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    # PDF extraction pads running heads and columns with runs of spaces.
    return "\n".join(re.sub(r" {2,}", " ", line.strip()) for line in text.split("\n"))


def starts_block(line: str) -> bool:
    """Whether a physical line must begin a new paragraph, even inside wrapped text."""
    return bool(
        _MARKDOWN_HEADING.match(line)
        or _NUMBERED.match(line)
        or _BULLET.match(line)
        or _CAPTION.match(line)
        or line[:1] in _CIRCLED
    )


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Text wrapped at a fixed width: many lines break mid-sentence before a lowercase word."""
    # Measured against the lines long enough to be wrapped, not the headings between them.
    filled = [line for line in lines if len(line) >= 25]
    breaks = sum(
        1
        for line, following in zip(lines, lines[1:], strict=False)
        if len(line) >= 25
        and following[:1].islower()
        and not _TERMINAL.search(line)
        and not starts_block(following)
    )
    return breaks >= 2 and breaks >= 0.2 * len(filled)


def _join_hyphenated(left: str, right: str, corpus: str) -> str:
    """Join "treat-" and "ment …" as "treatment …", keeping real compounds hyphenated."""
    head = re.search(r"([A-Za-z0-9]+)-$", left)
    tail = re.match(r"[A-Za-z]+", right)
    first, second = (head[1] if head else ""), (tail[0] if tail else "")
    hyphenated, joined = f"{first}-{second}".lower(), f"{first}{second}".lower()
    # The same word written elsewhere in the report is the best evidence of its spelling.
    if re.search(rf"\b{re.escape(hyphenated)}\b", corpus):
        return left + right
    if re.search(rf"\b{re.escape(joined)}\b", corpus):
        return left[:-1] + right
    if first.lower() in _COMPOUND_PREFIXES:
        return left + right
    return left[:-1] + right


def _ends_with_word_hyphen(line: str) -> bool:
    return bool(re.search(r"[a-z]-$", line))


def _unwrap(lines: list[str], corpus: str, known_heading: HeadingTest) -> list[str]:
    lengths = sorted(len(line) for line in lines if line)
    width = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
    paragraphs: list[str] = []
    current, previous, blank_before = "", "", False
    for line in lines:
        if not line:
            blank_before = True
            continue
        if current and not paragraphs and current == previous and _ends_title(previous, line):
            paragraphs.append(current)
            current, previous, blank_before = line, line, False
            continue
        if current and _continues(
            previous, line, blank_before=blank_before, width=width, known_heading=known_heading
        ):
            if _ends_with_word_hyphen(current) and line[:1].islower():
                current = _join_hyphenated(current, line, corpus)
            else:
                current = f"{current} {line}"
        else:
            if current:
                paragraphs.append(current)
            current = line
        previous, blank_before = line, False
    if current:
        paragraphs.append(current)
    return paragraphs


_CONNECTORS = frozenset(
    "a an and or of the to in on for with at by from into as vs its their".split()  # noqa: SIM905
)


def _ends_title(first: str, line: str) -> bool:
    """Whether the report's first line is its title and `line` the start of the text.

    A title has no full stop and does not stop on a word that needs the next one ("… and").
    """
    words = first.split()
    return (
        line[:1].isupper()
        and not _TERMINAL.search(first)
        and len(words) <= 25
        and words[-1].lower() not in _CONNECTORS
    )


def _is_heading_line(line: str, known_heading: HeadingTest) -> bool:
    return len(line) <= 60 and not _TERMINAL.search(line.rstrip(":")) and known_heading(line)


def _continues(
    previous: str, line: str, *, blank_before: bool, width: int, known_heading: HeadingTest
) -> bool:
    """Whether `line` carries on the paragraph whose last physical line is `previous`."""
    if starts_block(line) or _MARKDOWN_HEADING.match(previous):
        return False
    if line[:1].isupper() and (
        _is_heading_line(line, known_heading) or _is_heading_line(previous, known_heading)
    ):
        # "Case presentation" or "Discussion" on a line of its own, right after a title line
        # as long as the text lines, or right before the first line of its text.
        return False
    if _ends_with_word_hyphen(previous) and line[:1].islower():
        return True
    if blank_before:
        # A blank line before a lowercase word is a page or column break, not a paragraph end.
        return line[:1].islower()
    short = len(previous) < 0.85 * width
    if _TERMINAL.search(previous) and short:
        return False
    # A short unpunctuated line before a capital is a title or a heading.
    return not (len(previous) < 0.7 * width and line[:1].isupper() and previous[-1:] != ",")


# Page furniture of PDF text: "Page 3 of 4", "3/4", "- 3 -", and a bare "3" in hard-wrapped text.
_PAGE_LABEL = re.compile(r"^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_BARE_PAGE_NUMBER = re.compile(r"^(?:[-–—]\s*)?\d{1,4}(?:\s*[-–—])?$|^\d{1,4}\s*/\s*\d{1,4}$")
# A running head or foot repeats on every page and names the journal, volume, year or pages.
_RUNNING_HEAD = re.compile(
    r"\b(?:19|20)\d{2}\b|\bvol(?:ume)?\b|\bdoi\b|\bjournal\b|\bissn\b|\d+\s*[-–]\s*\d+$"
    r"|\bet al\b|\bcase rep(?:orts?)?\b",
    re.IGNORECASE,
)
# The page number a running head carries changes from page to page: "… 2025; 9: 112-117   113".
_HEAD_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?\d{1,4}\s*[|·•]?\s+|\s+[|·•]?\s*(?:page\s*)?\d{1,4}(?:\s*of\s*\d{1,4})?$",
    re.IGNORECASE,
)
# A line that is only the article's DOI ("https://doi.org/10.…", "DOI: 10.…").
DOI_LINE = re.compile(
    r"^(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.\d{4,9}/\S+)$", re.IGNORECASE
)
# The article type a journal prints above the title.
_ARTICLE_TYPE = re.compile(
    r"^(?:case reports?|clinical case|case study|teaching case|interesting case|images? in \w+"
    r"|review(?: article)?|pictorial (?:essay|review)|original article|brief report"
    r"|short communication|technical note|letter to the editor)$",
    re.IGNORECASE,
)


# Copyright and licence lines a journal prints on every page: they are read as rights lines.
_RIGHTS_LIKE = re.compile(r"^(?:©|\(c\)|copyright\b)|creative\s*commons|\bcc[\s-]?by\b", re.I)


def _head_key(line: str) -> str:
    return _HEAD_PAGE_NUMBER.sub("", line).strip()


def _article_type_line(lines: list[str]) -> int | None:
    """The index of an article-type label ("CASE REPORT") above the title line, if any."""
    filled = [index for index, line in enumerate(lines) if line][:4]
    for position, index in enumerate(filled[:-1]):
        title = lines[filled[position + 1]]
        if _ARTICLE_TYPE.match(lines[index]) and not _TERMINAL.search(title) and len(title) < 200:
            return index
    return None


def strip_page_furniture(lines: list[str], *, hard_wrapped: bool) -> tuple[list[str], list[str]]:
    """The lines without page numbers, running heads and article labels; and the lines taken out.

    A running head is recognised by repeating (its page number aside) and either by naming a
    journal, a volume, a year, page numbers, a DOI or "et al.", or by cutting a sentence in two
    (a short title printed on every page).
    """
    repeated = Counter(_head_key(line) for line in lines if line)
    label = _article_type_line(lines)

    def repeats(line: str) -> bool:
        return (
            repeated[_head_key(line)] >= 2
            and len(line) <= 120
            and not starts_block(line)
            and not _RIGHTS_LIKE.search(line)
        )

    marked = [
        bool(line)
        and bool(
            index == label
            or _PAGE_LABEL.match(line)
            or DOI_LINE.match(line)
            or (hard_wrapped and _BARE_PAGE_NUMBER.match(line))
            or (repeats(line) and _RUNNING_HEAD.search(line))
        )
        for index, line in enumerate(lines)
    ]
    text_lines = [
        index
        for index, line in enumerate(lines)
        if line and not marked[index] and not repeats(line)
    ]
    cutting: set[str] = set()
    for before, after in zip(text_lines, text_lines[1:], strict=False):
        between = [index for index in range(before + 1, after) if lines[index]]
        if (
            between
            and lines[after][:1].islower()
            and not _TERMINAL.search(lines[before])
            and len(lines[before]) >= 25
        ):
            cutting.update(_head_key(lines[index]) for index in between if repeats(lines[index]))
    kept: list[str] = []
    removed: list[str] = []
    for index, line in enumerate(lines):
        furniture = marked[index] or (bool(line) and repeats(line) and _head_key(line) in cutting)
        (removed if furniture else kept).append(line)
    return kept, removed


def _no_heading(line: str) -> bool:
    return False


def logical_lines(
    text: str, removed: list[str] | None = None, known_heading: HeadingTest = _no_heading
) -> list[str]:
    """The report's paragraphs, headings and list items, one string each.

    Page numbers and running heads are left out; they are added to `removed` if given.
    `known_heading` tells the headings a wrapped paragraph never runs into ("Discussion").
    """
    lines = clean_text(text).split("\n")
    hard_wrapped = _is_hard_wrapped(lines)
    lines, furniture = strip_page_furniture(lines, hard_wrapped=hard_wrapped)
    if removed is not None:
        removed.extend(furniture)
    corpus = " ".join(lines).lower()
    if hard_wrapped:
        return _unwrap(lines, corpus, known_heading)
    # One paragraph per line; still mend the odd word split across two lines.
    result: list[str] = []
    for line in lines:
        if not line:
            continue
        if result and _ends_with_word_hyphen(result[-1]) and line[:1].islower():
            result[-1] = _join_hyphenated(result[-1], line, corpus)
        else:
            result.append(line)
    return result


def parse_para(line: str) -> Para:
    if match := _MARKDOWN_HEADING.match(line):
        return Para(match[2].strip(), heading=True, level=len(match[1]))
    if line[:1] in _CIRCLED:
        return Para(line[1:].strip(), marker="number", number=_CIRCLED[line[0]])
    if match := _NUMBERED.match(line):
        return Para(match[2].strip(), marker="number", number=int(match[1]))
    if match := _BULLET.match(line):
        return Para(match[1].strip(), marker="bullet")
    return Para(line)


def caption_match(text: str) -> re.Match[str] | None:
    return _CAPTION.match(text)


# --- citation markers -------------------------------------------------------------------------

_NUMBER_LIST = r"\d{1,3}(?:\s*[-–,]\s*\d{1,3})*"
_BRACKET_MARKER = re.compile(rf"\[({_NUMBER_LIST})\]")
# "(1-3)" after a word, not "88(8):988" (a journal issue) after a digit.
_ROUND_MARKER = re.compile(rf"(?<=[A-Za-z.,;)\]”\"’])\s*\(({_NUMBER_LIST})\)(?=[.,;:)]|\s*$)")
_SUPERSCRIPT_MARKER = re.compile(r"(?<=[A-Za-z.,;)])([⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,⁻–-][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*)")
# "mortality1." or "radiotherapy1 are" in PDF text: a superscript that lost its formatting.
# Only all-lowercase words of three letters or more, so "T2", "CO2", "cm2", "Ki-67" and "18F"
# are left alone, and not words that a number belongs to ("type1", "covid19").
_GLUED_MARKER = re.compile(
    r"(?<![A-Za-z0-9-])(?P<word>[a-z]{3,})(?P<numbers>\d{1,2}(?:,\d{1,2})*(?:[–-]\d{1,2})?)"
    r"(?=[.,;:)]|\s+[a-z(\[]|\s*$)"
)
_NOT_GLUED = frozenset(
    "covid hba spo pao sao fio pco etco vit type grade stage level phase class day week".split()  # noqa: SIM905
)
# "… in children,3 and …": a superscript after a comma.
_AFTER_COMMA_MARKER = re.compile(
    r"(?<=[a-z]{2}),(?P<numbers>\d{1,3}(?:,\d{1,3})*(?:[–-]\d{1,3})?)(?=\s+[a-z])"
)
# "… young adults.1 Around …" or "… supports it.10": a superscript after the full stop that lost
# its formatting. Not after "Fig.", "No." and the like, and only before a new sentence.
_AFTER_STOP_MARKER = re.compile(
    r"(?<![A-Za-z])(?P<word>[A-Za-z]{2,}|\))(?P<stop>[.;:])"
    r"(?P<numbers>\d{1,3}(?:[,–-]\d{1,3})*)(?=\s+[A-Z(\[“\"]|\s*$)"
)
_NOT_BEFORE_MARKER = frozenset(
    "fig figs figure no nos vol vols p pp ref refs table tab eq ch chap sect sec art vs".split()  # noqa: SIM905
)
# "… tuberosity 1" or "… 2, 3" at the end of a bullet, in reviews that cite that way.
_TRAILING_NUMBERS = re.compile(r"(?<=[A-Za-z)”\"’'])\s+(\d{1,3}(?:\s*,\s*\d{1,3})*)\s*$")
# Words after which a closing number is a quantity or a name, not a citation.
_COUNTING_WORDS = frozenset(
    """a an and or of to at by in on is was were are be than from vs x about approximately grade
    stage type level phase day days week weeks month months year years score class size
    version number no figure fig table step lesion segment""".split()  # noqa: SIM905
)


def _marker(body: str) -> str:
    body = body.replace("–", "-").replace("⁻", "-")
    items = [item.strip() for item in body.split(",") if item.strip()]
    items = [re.sub(r"\s*-\s*", "-", item) for item in items]
    return "[" + ", ".join(items) + "]"


def _has_trailing_number(para: Para) -> bool:
    match = _TRAILING_NUMBERS.search(para.text)
    if not match or para.heading:
        return False
    words = para.text[: match.start()].split()
    return len(words) >= 6 and words[-1].lower().strip(".,;:") not in _COUNTING_WORDS


def _glued(match: re.Match[str]) -> str:
    if match["word"] in _NOT_GLUED:
        return match[0]
    return f"{match['word']} {_marker(match['numbers'])}"


def _after_stop(match: re.Match[str]) -> str:
    if match["word"].lower() in _NOT_BEFORE_MARKER:
        return match[0]
    if match["word"] == "al":  # "et al.3": the stop belongs to the abbreviation
        return f"al{match['stop']} {_marker(match['numbers'])}"
    return f"{match['word']} {_marker(match['numbers'])}{match['stop']}"


def normalise_citations(paras: list[Para]) -> list[Para]:
    """Write every in-text citation as a bracket marker: "[1]", "[1, 2]", "[1-3]"."""
    # Bare trailing numbers are markers only where the document uses them as its convention.
    trailing = sum(1 for para in paras if _has_trailing_number(para)) >= 2
    for para in paras:
        text = para.text
        text = _SUPERSCRIPT_MARKER.sub(lambda m: " " + _marker(m[1].translate(_SUPERSCRIPTS)), text)
        text = _GLUED_MARKER.sub(_glued, text)
        text = _AFTER_COMMA_MARKER.sub(lambda m: f" {_marker(m['numbers'])},", text)
        text = _AFTER_STOP_MARKER.sub(_after_stop, text)
        text = _ROUND_MARKER.sub(lambda m: " " + _marker(m[1]), text)
        text = _BRACKET_MARKER.sub(lambda m: _marker(m[1]), text)
        if trailing and _has_trailing_number(Para(text)):
            text = _TRAILING_NUMBERS.sub(lambda m: " " + _marker(m[1]), text)
        para.text = text
    return paras


def paragraphs(
    text: str, removed: list[str] | None = None, known_heading: HeadingTest = _no_heading
) -> list[Para]:
    """The report as `Para`s; page furniture left out is added to `removed` if given."""
    lines = logical_lines(text, removed, known_heading)
    return normalise_citations([parse_para(line) for line in lines])


# --- sentences --------------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    "fig figs e.g i.e dr vs approx etc al no nos st mr mrs ms cf ca resp ref refs".split()  # noqa: SIM905
)
_SENTENCE_END = re.compile(r"[.!?](?:[)\]”\"’']*)(?:\s*\[[\d,\s\-]+\])?(?=\s+[A-Z0-9“\"(\[])")


def split_sentences(text: str) -> list[str]:
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start() + 1]
        word = re.search(r"(\S+)\.$", before)
        if word and (word[1].lower().lstrip("([") in _ABBREVIATIONS or len(word[1]) == 1):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return sentences


# --- Markdown ---------------------------------------------------------------------------------


def render_markdown(paras: list[Para], *, heading_prefix: str = "### ") -> str:
    """Paragraphs, headings and lists as Markdown; bullets under "1. Label:" items nest."""
    chunks: list[str] = []
    items: list[str] = []
    nested = False

    def flush() -> None:
        nonlocal nested
        if items:
            chunks.append("\n".join(items))
            items.clear()
        nested = False

    for para in paras:
        if para.marker == "number":
            items.append(f"{para.number}. {para.text}")
            nested = para.text.endswith(":")
        elif para.marker == "bullet":
            items.append(f"{'   ' if nested else ''}- {para.text}")
        else:
            flush()
            chunks.append(f"{heading_prefix}{para.text}" if para.heading else para.text)
    flush()
    return "\n\n".join(chunks)
