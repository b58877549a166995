"""How to cite a case: Vancouver and APA text, BibTeX, RIS and CSL-JSON.

Vancouver, the style of the case document's `cite` text, and the reading of author names are
`cases.citation`'s; this module writes the other styles with them.

Pure functions over a case whose authors (with their users) and tags are prefetched: they read
`case.authors.all()` and `case.tags.all()` and run no query of their own. Every function takes
an optional `accessed` date (the "cited" date of Vancouver, `urldate` of BibTeX, `Y2` of RIS);
it defaults to today, so that a citation copied today says so.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cases.citation import (
    MONTHS,
    SITE_NAME,
    Name,
    accessed_on,
    author_names,
    ends_sentence,
    given_parts,
    initial,
    one_line,
    published_on,
    vancouver,
)

if TYPE_CHECKING:
    from cases.models import Case

GENRE = "Teaching case"
FORMATS = ("vancouver", "apa", "bibtex", "ris", "csl-json")

# APA 7 lists up to 20 authors; with 21 or more, the first 19, an ellipsis and the last.
APA_MAX_AUTHORS = 20
APA_LISTED_BEFORE_ELLIPSIS = 19


def _apa_name(name: Name) -> str:
    if name.literal:
        return name.literal
    initials = " ".join(
        "-".join(f"{initial(piece)}." for piece in word if initial(piece))
        for word in given_parts(name.given)
    ).strip()
    text = f"{name.family_as_printed}, {initials}" if initials else name.family_as_printed
    return f"{text}, {name.suffix}." if name.suffix else text


# Text styles ----------------------------------------------------------------------------------


def _apa_authors(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) > APA_MAX_AUTHORS:
        return ", ".join(names[:APA_LISTED_BEFORE_ELLIPSIS]) + f", . . . {names[-1]}"
    return ", ".join(names[:-1]) + f", & {names[-1]}"


def apa(case: Case, *, accessed: datetime.date | None = None) -> str:
    """APA 7 for a web page: "Lopez, M., & Smith, J. A. (2026). Title (Version 3) [Teaching
    case]. Teaching File. URL". Without authors the title takes their place. APA gives no
    access date for pages that are versioned, so `accessed` is not used."""
    published = published_on(case)
    date = f"({published.year})." if published else "(n.d.)."
    work = f"{one_line(case.title)} (Version {case.cited_version}) [{GENRE}]."
    names = [_apa_name(name) for name in author_names(case)]
    if not names:
        # Without authors, the work moves to the author's place, before the date.
        return f"{work} {date} {SITE_NAME}. {case.permanent_url}"
    return f"{ends_sentence(_apa_authors(names))} {date} {work} {SITE_NAME}. {case.permanent_url}"


# CSL-JSON ---------------------------------------------------------------------------------


def _csl_name(name: Name) -> dict[str, str]:
    if name.literal:
        return {"literal": name.literal}
    item = {"family": name.family, "given": name.given}
    if name.particle:
        item["non-dropping-particle"] = name.particle
    if name.suffix:
        item["suffix"] = name.suffix
    return item


def _date_parts(day: datetime.date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def citation_key(case: Case) -> str:
    return f"teachingfile{case.pk}"


def csl_item(case: Case, *, accessed: datetime.date | None = None) -> dict[str, Any]:
    """One CSL-JSON item. A case is a versioned page of a website, so `webpage`, with the
    site as `container-title` (what CSL styles print as the website's name)."""
    item: dict[str, Any] = {
        "id": citation_key(case),
        "type": "webpage",
        "title": one_line(case.title),
        "author": [_csl_name(name) for name in author_names(case)],
        "container-title": SITE_NAME,
        "publisher": SITE_NAME,
        "genre": GENRE,
        "version": str(case.cited_version),
        "number": str(case.pk),
        "URL": case.permanent_url,
        "accessed": _date_parts(accessed_on(accessed)),
    }
    published = published_on(case)
    if published:
        item["issued"] = _date_parts(published)
    keywords = [one_line(tag.name) for tag in case.tags.all()]
    if keywords:
        item["keyword"] = ", ".join(keywords)
    if case.licence:
        item["license"] = case.licence
    return item


def csl_json(case: Case, *, accessed: datetime.date | None = None) -> str:
    """A CSL-JSON file: an array of items (here, one), as citation managers import it."""
    return json.dumps([csl_item(case, accessed=accessed)], ensure_ascii=False, indent=2) + "\n"


# BibTeX -----------------------------------------------------------------------------------

LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_SPECIAL = re.compile("|".join(re.escape(char) for char in LATEX_SPECIAL))


def latex_escape(text: str) -> str:
    """LaTeX's special characters escaped in one pass (so no escape is escaped again);
    other Unicode is kept, for biber and UTF-8 BibTeX."""
    return _LATEX_SPECIAL.sub(lambda match: LATEX_SPECIAL[match.group(0)], one_line(text))


def _bibtex_name(name: Name) -> str:
    if name.literal:
        # Braces keep a one-word or unsplittable name whole.
        return "{" + latex_escape(name.literal) + "}"
    family = latex_escape(name.family_as_printed)
    # A family name that contains " and " would read as two authors: keep it whole.
    if " and " in f" {family} ":
        family = "{" + family + "}"
    parts = [family]
    if name.suffix:
        parts.append(latex_escape(name.suffix))
    if name.given:
        parts.append(latex_escape(name.given))
    return ", ".join(parts)


def bibtex(case: Case, *, accessed: datetime.date | None = None) -> str:
    """A `@misc` entry (read by BibTeX and biblatex alike) keyed `teachingfile<id>`."""
    published = published_on(case)
    fields: list[tuple[str, str]] = []
    names = [_bibtex_name(name) for name in author_names(case)]
    if names:
        fields.append(("author", " and ".join(names)))
    # Double braces keep the title's capitals (CT, MRI, eponyms) as written.
    fields.append(("title", "{" + latex_escape(case.title) + "}"))
    fields.append(("howpublished", SITE_NAME))
    fields.append(("organization", SITE_NAME))
    if published:
        fields.append(("year", str(published.year)))
        fields.append(("month", MONTHS[published.month - 1].lower()))
        fields.append(("date", published.isoformat()))
    fields.append(("version", str(case.cited_version)))
    fields.append(("url", case.permanent_url))
    fields.append(("urldate", accessed_on(accessed).isoformat()))
    fields.append(("note", f"{GENRE}, version {case.cited_version}"))
    keywords = [latex_escape(tag.name) for tag in case.tags.all()]
    if keywords:
        fields.append(("keywords", ", ".join(keywords)))

    width = max(len(key) for key, _ in fields)
    lines = [f"@misc{{{citation_key(case)},"]
    for key, value in fields:
        # `month` takes BibTeX's month macro (nov), which must not be braced.
        rendered = value if key == "month" else "{" + value + "}"
        lines.append(f"  {key.ljust(width)} = {rendered},")
    lines.append("}")
    return "\n".join(lines) + "\n"


# RIS --------------------------------------------------------------------------------------

RIS_NEWLINE = "\r\n"  # the RIS specification ends each line with CR LF


def _ris_name(name: Name) -> str:
    if name.literal:
        return name.literal
    parts = [name.family_as_printed]
    if name.given:
        parts.append(name.given)
    if name.suffix:
        parts.append(name.suffix)
    return ", ".join(parts)


def ris(case: Case, *, accessed: datetime.date | None = None) -> str:
    """An RIS record of type ELEC (web page): `TAG  - value` lines, CR LF, ending `ER  - `."""
    published = published_on(case)
    lines: list[tuple[str, str]] = [("TY", "ELEC")]
    lines += [("AU", _ris_name(name)) for name in author_names(case)]
    lines.append(("TI", one_line(case.title)))
    lines.append(("T2", SITE_NAME))
    if published:
        lines.append(("PY", str(published.year)))
        lines.append(("DA", published.strftime("%Y/%m/%d")))
    lines.append(("ET", str(case.cited_version)))
    lines.append(("PB", SITE_NAME))
    lines.append(("M3", GENRE))
    lines.append(("UR", case.permanent_url))
    lines.append(("Y2", accessed_on(accessed).strftime("%Y/%m/%d")))
    lines += [("KW", one_line(tag.name)) for tag in case.tags.all()]
    lines.append(("ID", citation_key(case)))
    lines.append(("ER", ""))
    return RIS_NEWLINE.join(f"{tag}  - {value}" for tag, value in lines) + RIS_NEWLINE


# Formats for downloads and the API ------------------------------------------------------------


@dataclass(frozen=True)
class CitationFormat:
    name: str
    render: Any  # (case, *, accessed) -> str
    content_type: str
    extension: str


CITATION_FORMATS: dict[str, CitationFormat] = {
    "vancouver": CitationFormat("vancouver", vancouver, "text/plain; charset=utf-8", "txt"),
    "apa": CitationFormat("apa", apa, "text/plain; charset=utf-8", "txt"),
    "bibtex": CitationFormat("bibtex", bibtex, "application/x-bibtex; charset=utf-8", "bib"),
    "ris": CitationFormat("ris", ris, "application/x-research-info-systems; charset=utf-8", "ris"),
    "csl-json": CitationFormat(
        "csl-json", csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8", "json"
    ),
}
DOWNLOAD_FORMATS = ("bibtex", "ris", "csl-json")
TEXT_FORMATS = ("vancouver", "apa")


def filename_for(case: Case, citation_format: CitationFormat) -> str:
    stem = f"teachingfile-case-{case.pk}"
    if citation_format.name in TEXT_FORMATS:
        stem += f"-{citation_format.name}"
    return f"{stem}.{citation_format.extension}"
