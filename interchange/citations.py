"""How to cite a case: Vancouver and APA text, BibTeX, RIS and CSL-JSON.

Pure functions over a case whose authors (with their users) and tags are prefetched: they read
`case.authors.all()` and `case.tags.all()` and run no query of their own. Every function takes
an optional `accessed` date (the "cited" date of Vancouver, `urldate` of BibTeX, `Y2` of RIS);
it defaults to today, so that a citation copied today says so.

Author names are free text ("Maria Lopez", "Lopez M", "Lopez, Maria", "Dr Ada Author, FRCR",
"Ludwig van Beethoven", "Martin Luther King Jr", "山田太郎") and are split by `split_name`.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from cases.models import Case

SITE_NAME = "Teaching File"
GENRE = "Teaching case"
FORMATS = ("vancouver", "apa", "bibtex", "ris", "csl-json")

# Vancouver (NLM's Citing Medicine) lists six authors, then "et al.".
VANCOUVER_MAX_AUTHORS = 6
# APA 7 lists up to 20 authors; with 21 or more, the first 19, an ellipsis and the last.
APA_MAX_AUTHORS = 20
APA_LISTED_BEFORE_ELLIPSIS = 19

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

HONORIFICS = {"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "dame"}
SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
PARTICLES = {
    "al", "bin", "da", "das", "de", "del", "della", "der", "di", "dos", "du", "el", "la", "le",
    "ten", "ter", "van", "von", "zu",
}  # fmt: skip
# Degrees and fellowships written after a comma: "Ada Author, MD, FRCR".
CREDENTIAL = re.compile(r"^(?:[A-Z][A-Za-z]*\.?(?:\([A-Za-z]+\))?|Ph\.?D\.?|M\.?D\.?)$")
INITIALS = re.compile(r"^[^\W\d_a-z]{1,3}$")  # "M", "MA", "ŁK": capitals only


@dataclass(frozen=True)
class Name:
    """An author's name as citations need it; `literal` for names that cannot be split."""

    family: str = ""
    given: str = ""
    particle: str = ""  # "van" in "Ludwig van Beethoven": part of the family name as printed
    suffix: str = ""  # "Jr"
    literal: str = ""

    @property
    def family_as_printed(self) -> str:
        return f"{self.particle} {self.family}".strip()


def _clean(text: str) -> str:
    """One line: citations have no line breaks, and runs of spaces are one space."""
    return " ".join(str(text).split())


def _is_credential(part: str) -> bool:
    tokens = part.split()
    return bool(tokens) and all(
        CREDENTIAL.match(token) and sum(c.isupper() for c in token) >= 2 for token in tokens
    )


def _without_honorifics(tokens: list[str]) -> list[str]:
    tokens = list(tokens)
    while len(tokens) > 1 and tokens[0].rstrip(".").lower() in HONORIFICS:
        tokens.pop(0)
    return tokens


def split_name(display_name: str) -> Name:
    """Family and given names from a name as written.

    "Maria Lopez" and "Lopez, Maria" give family Lopez, given Maria; "Lopez M" and "Lopez MA"
    (the Vancouver form) give family Lopez, given "M." / "M. A."; honorifics before the name and
    degrees after a comma are dropped; a name of one word stays whole (`literal`).
    """
    text = _clean(display_name)
    parts = [part.strip() for part in text.split(",")]
    suffix = ""
    while len(parts) > 1 and parts[-1].rstrip(".").lower() in SUFFIXES:
        suffix = parts.pop().rstrip(".")
    # Degrees after a comma go, but not the initials of "Lopez, MA" (the part before the
    # comma is then a family name alone).
    while len(parts) > 1 and len(parts[0].split()) > 1 and _is_credential(parts[-1]):
        parts.pop()
    parts = [part for part in parts if part]
    if not parts:
        return Name(literal=text)

    if len(parts) >= 2:
        # "Family, Given"
        family_tokens = parts[0].split()
        given_tokens = _without_honorifics(" ".join(parts[1:]).split())
        given_tokens = [
            " ".join(f"{letter}." for letter in token) if INITIALS.match(token) else token
            for token in given_tokens
        ]
    else:
        tokens = _without_honorifics(parts[0].split())
        if len(tokens) > 1 and tokens[-1].rstrip(".").lower() in SUFFIXES:
            suffix = tokens.pop().rstrip(".")
        if len(tokens) == 1:
            return Name(literal=f"{tokens[0]} {suffix}".strip())
        if INITIALS.match(tokens[-1]) and not INITIALS.match(tokens[0]):
            # "Lopez M", "Lopez MA": family first, then the initials run together
            family_tokens, given_tokens = tokens[:-1], [f"{letter}." for letter in tokens[-1]]
        else:
            family_start = len(tokens) - 1
            while family_start > 1 and tokens[family_start - 1] in PARTICLES:
                family_start -= 1
            given_tokens, family_tokens = tokens[:family_start], tokens[family_start:]

    particle_tokens = []
    while len(family_tokens) > 1 and family_tokens[0] in PARTICLES:
        particle_tokens.append(family_tokens.pop(0))
    return Name(
        family=" ".join(family_tokens),
        given=" ".join(given_tokens),
        particle=" ".join(particle_tokens),
        suffix=suffix,
    )


def _given_parts(given: str) -> list[list[str]]:
    """The given names as words, each word split at its hyphens: "Jean-Pierre A." →
    [["Jean", "Pierre"], ["A."]]."""
    return [[piece for piece in word.split("-") if piece] for word in given.split()]


def _initial(piece: str) -> str:
    letters = [c for c in piece if c.isalpha()]
    return letters[0].upper() if letters else ""


def _vancouver_name(name: Name) -> str:
    if name.literal:
        return name.literal
    initials = "".join(_initial(piece) for word in _given_parts(name.given) for piece in word)
    text = f"{name.family_as_printed} {initials}".strip()
    return f"{text} {name.suffix}" if name.suffix else text


def _apa_name(name: Name) -> str:
    if name.literal:
        return name.literal
    initials = " ".join(
        "-".join(f"{_initial(piece)}." for piece in word if _initial(piece))
        for word in _given_parts(name.given)
    ).strip()
    text = f"{name.family_as_printed}, {initials}" if initials else name.family_as_printed
    return f"{text}, {name.suffix}." if name.suffix else text


def author_names(case: Case) -> list[Name]:
    # An author row with neither a name nor a user ("Unnamed author" on the page) is no one
    # to cite.
    names = [
        split_name(author.display_name)
        for author in case.authors.all()
        if author.name.strip() or author.user_id
    ]
    return [name for name in names if name.family or name.literal]


def _published_on(case: Case) -> datetime.date | None:
    if not case.published_at:
        return None
    return timezone.localtime(case.published_at).date()


def _accessed(accessed: datetime.date | None) -> datetime.date:
    return accessed or timezone.localdate()


def _ends_sentence(text: str) -> str:
    """Text followed by a full stop, unless it already ends with one, "?" or "!"."""
    return text if text.endswith((".", "?", "!")) else f"{text}."


# Text styles ----------------------------------------------------------------------------------


def vancouver(case: Case, *, accessed: datetime.date | None = None) -> str:
    """Citing Medicine (NLM) for a homepage: "Lopez M, Smith JA. Title [Internet]. Teaching
    File; 2026 [cited 2026 Nov 22]. Version 3. Available from: URL"."""
    names = [_vancouver_name(name) for name in author_names(case)]
    if len(names) > VANCOUVER_MAX_AUTHORS:
        names = [*names[:VANCOUVER_MAX_AUTHORS], "et al."]
    authors = f"{_ends_sentence(', '.join(names))} " if names else ""
    published = _published_on(case)
    year = str(published.year) if published else "[date unknown]"
    cited = _accessed(accessed)
    cited_text = f"{cited.year} {MONTHS[cited.month - 1]} {cited.day}"
    return (
        f"{authors}{_clean(case.title)} [Internet]. {SITE_NAME}; {year} [cited {cited_text}]. "
        f"Version {case.version}. Available from: {case.permanent_url}"
    )


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
    published = _published_on(case)
    date = f"({published.year})." if published else "(n.d.)."
    work = f"{_clean(case.title)} (Version {case.version}) [{GENRE}]."
    names = [_apa_name(name) for name in author_names(case)]
    if not names:
        # Without authors, the work moves to the author's place, before the date.
        return f"{work} {date} {SITE_NAME}. {case.permanent_url}"
    return f"{_ends_sentence(_apa_authors(names))} {date} {work} {SITE_NAME}. {case.permanent_url}"


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
        "title": _clean(case.title),
        "author": [_csl_name(name) for name in author_names(case)],
        "container-title": SITE_NAME,
        "publisher": SITE_NAME,
        "genre": GENRE,
        "version": str(case.version),
        "number": str(case.pk),
        "URL": case.permanent_url,
        "accessed": _date_parts(_accessed(accessed)),
    }
    published = _published_on(case)
    if published:
        item["issued"] = _date_parts(published)
    keywords = [_clean(tag.name) for tag in case.tags.all()]
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
    return _LATEX_SPECIAL.sub(lambda match: LATEX_SPECIAL[match.group(0)], _clean(text))


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
    published = _published_on(case)
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
    fields.append(("version", str(case.version)))
    fields.append(("url", case.permanent_url))
    fields.append(("urldate", _accessed(accessed).isoformat()))
    fields.append(("note", f"{GENRE}, version {case.version}"))
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
    published = _published_on(case)
    lines: list[tuple[str, str]] = [("TY", "ELEC")]
    lines += [("AU", _ris_name(name)) for name in author_names(case)]
    lines.append(("TI", _clean(case.title)))
    lines.append(("T2", SITE_NAME))
    if published:
        lines.append(("PY", str(published.year)))
        lines.append(("DA", published.strftime("%Y/%m/%d")))
    lines.append(("ET", str(case.version)))
    lines.append(("PB", SITE_NAME))
    lines.append(("M3", GENRE))
    lines.append(("UR", case.permanent_url))
    lines.append(("Y2", _accessed(accessed).strftime("%Y/%m/%d")))
    lines += [("KW", _clean(tag.name)) for tag in case.tags.all()]
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
