"""The Vancouver citation of a case, the one the case document carries, and the reading of
author names that every citation style shares.

Pure functions over a case whose authors (with their users) are prefetched: they read
`case.authors.all()` and run no query of their own. A published case is cited with the names
recorded at its publication (`Case.cited_authors`), not the authors' current display names.
`vancouver` takes an optional `accessed` date (its "cited" date); it defaults to today, so
that a citation copied today says so. The other styles (APA, BibTeX, RIS, CSL-JSON) are
written by `interchange.citations` with these helpers.

Author names are free text ("Maria Lopez", "Lopez M", "Lopez, Maria", "Dr Ada Author, FRCR",
"Ludwig van Beethoven", "Martin Luther King Jr", "山田太郎") and are split by `split_name`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from .models import Case

SITE_NAME = "Teaching File"

# Vancouver (NLM's Citing Medicine) lists six authors, then "et al.".
VANCOUVER_MAX_AUTHORS = 6

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


def one_line(text: str) -> str:
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
    text = one_line(display_name)
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


def given_parts(given: str) -> list[list[str]]:
    """The given names as words, each word split at its hyphens: "Jean-Pierre A." →
    [["Jean", "Pierre"], ["A."]]."""
    return [[piece for piece in word.split("-") if piece] for word in given.split()]


def initial(piece: str) -> str:
    letters = [c for c in piece if c.isalpha()]
    return letters[0].upper() if letters else ""


def _vancouver_name(name: Name) -> str:
    if name.literal:
        return name.literal
    initials = "".join(initial(piece) for word in given_parts(name.given) for piece in word)
    text = f"{name.family_as_printed} {initials}".strip()
    return f"{text} {name.suffix}" if name.suffix else text


def names_to_cite(case: Case) -> list[str]:
    """The authors' names as they read now, in order: what a publication records."""
    # An author row with neither a name nor a user ("Unnamed author" on the page) is no one
    # to cite.
    return [
        author.display_name
        for author in case.authors.all()
        if author.name.strip() or author.user_id
    ]


def cited_names(case: Case) -> list[str]:
    """The names a citation of the case gives: those recorded when it was published (a later
    change of a display name does not rewrite them), else the names as they read now."""
    if case.cited_authors is not None:
        return [str(name) for name in case.cited_authors]
    return names_to_cite(case)


def author_names(case: Case) -> list[Name]:
    names = [split_name(name) for name in cited_names(case)]
    return [name for name in names if name.family or name.literal]


def published_on(case: Case) -> datetime.date | None:
    if not case.published_at:
        return None
    return timezone.localtime(case.published_at).date()


def accessed_on(accessed: datetime.date | None) -> datetime.date:
    return accessed or timezone.localdate()


def ends_sentence(text: str) -> str:
    """Text followed by a full stop, unless it already ends with one, "?" or "!"."""
    return text if text.endswith((".", "?", "!")) else f"{text}."


def vancouver(case: Case, *, accessed: datetime.date | None = None) -> str:
    """Citing Medicine (NLM) for a homepage: "Lopez M, Smith JA. Title [Internet]. Teaching
    File; 2026 [cited 2026 Nov 22]. Version 2. Available from: URL"; the version is the
    published revision (`Case.cited_version`), not the count of saves."""
    names = [_vancouver_name(name) for name in author_names(case)]
    if len(names) > VANCOUVER_MAX_AUTHORS:
        names = [*names[:VANCOUVER_MAX_AUTHORS], "et al."]
    authors = f"{ends_sentence(', '.join(names))} " if names else ""
    published = published_on(case)
    year = str(published.year) if published else "[date unknown]"
    cited = accessed_on(accessed)
    cited_text = f"{cited.year} {MONTHS[cited.month - 1]} {cited.day}"
    return (
        f"{authors}{one_line(case.title)} [Internet]. {SITE_NAME}; {year} [cited {cited_text}]. "
        f"Version {case.cited_version}. Available from: {case.permanent_url}"
    )
