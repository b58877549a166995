""" "Did you mean …?": a search that finds nothing is offered the same search with its misspelt
words corrected ("tumoral calcinsis" → "tumoral calcinosis"), on every database.

Words are corrected against a vocabulary of the words of the titles, final diagnoses and tags of
the cases the reader may find (`Case.objects.visible_to(user).listed()`, as the search itself):
a word within a few typing errors of a vocabulary word (the same rules as judging unknowns,
study/judging.py: an optimal string alignment distance, the same first letter), the more
common word first. A suggestion is made only when the corrected search finds cases.

The vocabulary is cached per visibility scope, so that nobody is offered a word only a case
they may not read holds: the public cases' words, shared by everyone, kept per version of the
catalogue; and for a signed-in reader, the words of the further cases they
may read (their institution's, their own, the ones they review or moderate), kept for that
reader alone, under their id, institution and roles as well as the catalogue's version (of
what the listed cases say: counting views does not change it, cases/freshness.py).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from rapidfuzz import process
from rapidfuzz.distance import OSA

from cases import freshness, fulltext
from cases.filters import CaseFilter
from cases.models import Case, Tag
from cases.spelling import allowed_errors

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    Vocabulary = dict[str, list[str]]

# Words shorter than this are neither corrected nor suggested ("CT", "hip").
MIN_WORD_CHARS = 4
VOCABULARY_TIMEOUT = 60 * 60 * 24
_WORD = re.compile(r"[^\W\d_]+")
_TOKEN = re.compile(r'(-?)("?)([^\s"]*)("?)')


def words_of(text: str) -> list[str]:
    """The words of `text` worth correcting to: lower case, without accents."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return [word for word in _WORD.findall(plain) if len(word) >= MIN_WORD_CHARS]


# --- The vocabulary ------------------------------------------------------------------------------


def _count_words(cases: QuerySet[Case]) -> Counter[str]:
    """How many distinct titles, diagnoses and tags of these cases hold each word."""
    counts: Counter[str] = Counter()
    titles, diagnoses = set(), set()
    for title, diagnosis in cases.order_by().values_list("title", "final_diagnosis").distinct():
        titles.add(title)
        diagnoses.add(diagnosis)
    used = Case.tags.through.objects.filter(case__in=cases.order_by().values("pk"))
    tags = Tag.objects.filter(pk__in=used.values("tag_id")).values_list("name", flat=True)
    for text in (*titles, *diagnoses, *tags):
        counts.update(words_of(text))
    return counts


def build_vocabulary(cases: QuerySet[Case]) -> Vocabulary:
    """The words of these cases' titles, diagnoses and tags by first letter, most common first."""
    vocabulary: Vocabulary = {}
    for word, _ in sorted(_count_words(cases).items(), key=lambda item: (-item[1], item[0])):
        vocabulary.setdefault(word[0], []).append(word)
    return vocabulary


def public_cases() -> QuerySet[Case]:
    return Case.objects.visible_to(AnonymousUser()).listed()


def further_cases(user: AbstractBaseUser) -> QuerySet[Case]:
    """The cases this reader may find beyond the public ones."""
    return Case.objects.visible_to(user).listed().exclude(visibility=Case.Visibility.PUBLIC)


def _scope_key(user: AbstractBaseUser) -> str:
    """What a reader's further cases depend on: who they are, their institution and roles."""
    roles = ",".join(sorted(user.role_names()))
    scope = f"{user.pk}:{user.institution_id}:{user.is_superuser}:{roles}"
    return hashlib.sha256(scope.encode()).hexdigest()[:32]


def _cached(key: str | None, build) -> Vocabulary:
    if key is None:
        return build()
    vocabulary = cache.get(key)
    if vocabulary is None:
        vocabulary = build()
        cache.set(key, vocabulary, VOCABULARY_TIMEOUT)
    return vocabulary


def vocabularies_for(user: AbstractBaseUser | AnonymousUser) -> list[Vocabulary]:
    """The vocabularies of the cases this reader may find: the public one, and theirs."""
    version = freshness.contents_version()
    public = _cached(
        f"search-vocabulary:public:{version}" if version else None,
        lambda: build_vocabulary(public_cases()),
    )
    if not user.is_authenticated:
        return [public]
    own = _cached(
        f"search-vocabulary:reader:{_scope_key(user)}:{version}" if version else None,
        lambda: build_vocabulary(further_cases(user)),
    )
    return [public, own]


# --- Correcting a search -------------------------------------------------------------------------


def known(word: str, vocabularies: Iterable[Vocabulary]) -> bool:
    return any(word in vocabulary.get(word[0], ()) for vocabulary in vocabularies)


def closest_word(word: str, vocabularies: list[Vocabulary]) -> str | None:
    """The vocabulary word nearest `word`, within its allowed typing errors; None when none is."""
    budget = allowed_errors(word)
    best: tuple[int, str] | None = None
    for vocabulary in vocabularies:
        choices = vocabulary.get(word[0], [])
        found = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=budget)
        if found is not None and (best is None or found[1] < best[0]):
            best = (found[1], found[0])
    return best[1] if best else None


def corrected_query(text: str, vocabularies: list[Vocabulary]) -> str | None:
    """`text` with each misspelt word replaced by the nearest known word, keeping quotes and
    -excluded words as typed; None when nothing needed, or could be, corrected."""
    changed = False
    tokens = []
    for token in text.split():
        match = _TOKEN.fullmatch(token)
        minus, opening, core, closing = match.groups() if match else ("", "", token, "")
        words = words_of(core)
        plain = core.casefold()
        if (
            minus
            or plain == "or"
            or len(words) != 1
            or words[0] != plain
            or plain in fulltext.STOP_WORDS
            or known(plain, vocabularies)
        ):
            tokens.append(token)
            continue
        replacement = closest_word(plain, vocabularies)
        if replacement is None:
            tokens.append(token)
            continue
        changed = True
        tokens.append(f"{minus}{opening}{replacement}{closing}")
    return " ".join(tokens) if changed else None


def suggestion_for(
    user: AbstractBaseUser | AnonymousUser, params: QueryDict, cases: QuerySet[Case]
) -> dict[str, str] | None:
    """For a search (the browse page's `params`) that found nothing among `cases`: the
    corrected search text and its browse page, when the corrected search finds cases."""
    text = fulltext.clean_text(params.get("q", ""))[:200]
    if not text:
        return None
    corrected = corrected_query(text, vocabularies_for(user))
    if corrected is None:
        return None
    changed = params.copy()
    changed["q"] = corrected
    changed.pop("page", None)
    if not CaseFilter(changed, queryset=cases, request=None).qs.exists():
        return None
    return {"q": corrected, "page_url": f"{reverse('browse')}?{changed.urlencode()}"}
