"""Judging a trainee's diagnosis against the case: right, partly right, or missed.

The answer is right when it names the final diagnosis or one of its other names (the case's
title, and alternatives written into either: "Tumoral calcinosis (Teutschlaender disease)",
"Ewing sarcoma / PNET"); partly right when it names one of the listed differential
diagnoses instead; missed otherwise. Pure text functions: nothing here reads the database, so
the services and the data migration that judged older attempts use the same rules.

Names are compared after normalising (case, accents, punctuation and a few filler words do not
count) and word by word, each word allowed a small number of typing errors (an optimal string
alignment distance, from rapidfuzz, so a swapped pair of letters is one error): "osteiod
osteoma" names osteoid osteoma, "tumoral calcinsis" tumoral calcinosis. A word must start with
the same letter and numbers must match exactly, so "enchondroma" does not name chondroma nor
"type 2" type 1. The answer may say more than the name ("left tumoral calcinosis, likely");
when it names both the diagnosis and a differential, the closer, longer match wins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from cases.spelling import allowed_errors

RIGHT = "correct"
PARTLY = "partly"
MISSED = "missed"

# Words that do not change a diagnosis: "an osteoid osteoma of the tibia" is osteoid osteoma.
_FILLER = """a an the of and with in on at to for is it this likely probably probable possible
    possibly consistent suggestive suspect suspected think favour favor query"""
FILLER_WORDS = frozenset(_FILLER.split())
_ALTERNATIVES = re.compile(r"\(([^)]*)\)|\s/\s|;|\baka\b|\balso known as\b", re.I)
_NOT_WORD = re.compile(r"[^\w]+")
# Where a name's site or circumstance starts: "Osteosarcoma | of the distal femur".
_QUALIFIER = re.compile(r",|\s(?:of|at|in|on|with|involving|affecting)\s", re.I)
MIN_HEAD_CHARS = 6


def normalise(text: str) -> list[str]:
    """The words of `text`, lower case, without accents, punctuation or filler words:
    "Osteoid-Osteoma (Tibia)!" → ["osteoid", "osteoma", "tibia"]."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = plain.casefold().replace("_", " ")
    return [word for word in _NOT_WORD.split(plain) if word and word not in FILLER_WORDS]


def words_match(typed: str, name: str) -> bool:
    if typed == name:
        return True
    if typed[0] != name[0] or any(char.isdigit() for char in typed + name):
        return False
    budget = allowed_errors(name)
    return budget > 0 and OSA.distance(typed, name, score_cutoff=budget) <= budget


def phrase_errors(typed: Sequence[str], name: Sequence[str]) -> int | None:
    """Typing errors between two phrases of as many words, or None when they differ."""
    if len(typed) != len(name):
        return None
    errors = 0
    for typed_word, name_word in zip(typed, name, strict=True):
        if not words_match(typed_word, name_word):
            return None
        errors += OSA.distance(typed_word, name_word)
    return errors


@dataclass(frozen=True, order=True)
class Match:
    """How well an answer names a phrase: more of the answer covered, then fewer errors."""

    covered: int
    closeness: int  # minus the errors
    exact: bool


def best_match(answer: Sequence[str], name: Sequence[str]) -> Match | None:
    """The closest place where the answer's words name `name` (its words in order, or the
    same letters with the spaces moved: "non ossifying" for "nonossifying"), or None."""
    if not answer or not name:
        return None
    found: Match | None = None
    size = len(name)
    for start in range(len(answer) - size + 1):
        errors = phrase_errors(answer[start : start + size], name)
        if errors is not None:
            match = Match(size, -errors, errors == 0 and size == len(answer))
            found = max(found, match) if found else match
    joined_name = "".join(name)
    for width in range(1, min(len(answer), size + 1) + 1):
        for start in range(len(answer) - width + 1):
            joined = "".join(answer[start : start + width])
            if joined == joined_name or (
                len(joined_name) >= 8 and words_match(joined, joined_name)
            ):
                errors = OSA.distance(joined, joined_name)
                match = Match(max(width, size), -errors, errors == 0 and width == len(answer))
                found = max(found, match) if found else match
    return found


def names_of(final_diagnosis: str, title: str = "") -> list[str]:
    """The names that make an answer right: the final diagnosis, the title, the
    alternatives written into either ("A (B)", "A / B", "A; B", "A, also known as B"), and
    each without its site ("Calcific tendinitis" of "Calcific tendinitis of the gluteus")."""
    names: list[str] = []
    for text in (final_diagnosis, title):
        text = (text or "").strip()
        if not text:
            continue
        names.append(text)
        names.extend(part for part in _ALTERNATIVES.split(text) if part and part.strip())
    for name in list(names):
        head = _QUALIFIER.split(name, maxsplit=1)[0]
        if head != name and len("".join(normalise(head))) >= MIN_HEAD_CHARS:
            names.append(head)
    return list(dict.fromkeys(name.strip() for name in names if normalise(name)))


@dataclass(frozen=True)
class Judgement:
    verdict: str  # RIGHT, PARTLY or MISSED
    matched: str = ""  # the name or differential the answer was found to name


def judge(answer: str, *, names: Iterable[str], differentials: Iterable[str] = ()) -> Judgement:
    """Right, partly right or missed (see the module's docstring)."""
    words = normalise(answer)
    best: tuple[Match, int, str] | None = None
    # On equal matches the diagnosis wins over a differential (RIGHT ranks above PARTLY).
    for rank, verdict, phrases in ((1, RIGHT, names), (0, PARTLY, differentials)):
        for phrase in phrases:
            match = best_match(words, normalise(phrase))
            if match is None:
                continue
            candidate = (match, rank, phrase)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
                best_verdict = verdict
    if best is None:
        return Judgement(MISSED)
    return Judgement(best_verdict, best[2])
