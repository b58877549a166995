"""Finding cases: the one search behind the browse page, the API and saved-search digests.

`search_cases(queryset, text)` narrows a queryset of cases (which the caller has already limited
to what the reader may see) to those matching `text`, ranked best first:

- On PostgreSQL, `text` is read with `websearch_to_tsquery` ("quoted phrases", -excluded words,
  `or`) against the stored, weighted `search_vector` (title and diagnosis count most, then tags
  and systems, then the history, findings and sections; cases/search_vector.py). For plain words,
  each word may also match the title, diagnosis or tags by trigram word similarity, so
  "osteosarcma" still finds osteosarcoma (when the words as typed find fewer than `FEW` cases).
  Cases whose vector is not computed yet are matched on their own text.
- Elsewhere (SQLite), each word must appear in the title, diagnosis, history or findings;
  "quoted phrases", -excluded words and `or` are understood too, and a title or diagnosis
  match ranks first.

Beside it: cases/facets.py counts the matching cases per facet, search/snippets.py gives each
case of a page the passage that matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connections
from django.db.models import Case as Conditional
from django.db.models import (
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from .models import Case
from .search_vector import SEARCH_CONFIG

# More words than this are ignored for word-by-word matching, not an error.
MAX_SEARCH_WORDS = 8
# Shorter words ("CT", "hip") are matched exactly: trigrams of short words match too much.
FUZZY_MIN_LENGTH = 4
# Typo tolerance joins in when the words as typed find fewer cases than this.
FEW = 3
# Columns search keeps for itself: lists of cases need not load them.
SEARCH_COLUMNS = ("search_vector", "search_terms", "facet_values")

# PostgreSQL's English stop words (tsearch_data/english.stop): they never match a vector, so a
# plain word among them must not be required.
_ENGLISH_STOP_WORDS = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into
    through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_ENGLISH_STOP_WORDS.split())


# --- Sorting ---------------------------------------------------------------------------------

SORT_RELEVANCE = "relevance"
SORT_NEWEST = "newest"
SORT_MOST_VIEWED = "most_viewed"
SORT_CHOICES = [
    (SORT_RELEVANCE, "Relevance"),
    (SORT_NEWEST, "Newest"),
    (SORT_MOST_VIEWED, "Most viewed"),
]
NEWEST_FIRST = (F("published_at").desc(nulls_last=True), "-created_at", "-pk")
RELEVANCE_ORDER = ("-search_rank", *NEWEST_FIRST)


def is_ranked(queryset: QuerySet[Case]) -> bool:
    """True when `queryset` went through `search_cases` (so relevance means something)."""
    return "search_rank" in queryset.query.annotations


def order_cases(queryset: QuerySet[Case], sort: str) -> QuerySet[Case]:
    """Order by relevance (when searched; otherwise newest), newest, or most viewed."""
    if sort == SORT_MOST_VIEWED:
        return queryset.order_by("-view_count", *NEWEST_FIRST)
    if sort == SORT_RELEVANCE and is_ranked(queryset):
        return queryset.order_by(*RELEVANCE_ORDER)
    return queryset.order_by(*NEWEST_FIRST)


# --- Matching --------------------------------------------------------------------------------


def clean_text(text: str | None) -> str:
    return " ".join((text or "").replace("\x00", " ").split())


_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    text: str
    excluded: bool = False
    phrase: bool = False
    starts_alternative: bool = False  # follows an `or`


def parse_terms(text: str) -> list[Term]:
    """The query as websearch syntax reads it: words, "quoted phrases", -excluded terms, and
    `or` between alternatives (`a b or c` is a and b, or else c)."""
    terms: list[Term] = []
    alternative = False
    for match in _TERM.finditer(text):
        minus, phrase, word = match.groups()
        if phrase is not None:
            phrase = " ".join(phrase.split())
            if phrase:
                terms.append(Term(phrase, bool(minus), True, alternative and bool(terms)))
                alternative = False
            continue
        if word.lower() == "or":
            alternative = True
            continue
        excluded = word.startswith("-") and len(word) > 1
        word = word.lstrip("-").strip('"')
        if word:
            terms.append(Term(word, excluded, False, alternative and bool(terms)))
            alternative = False
    return terms[:MAX_SEARCH_WORDS]


def _uses_operators(text: str) -> bool:
    return '"' in text or any(word.lower() == "or" or word.startswith("-") for word in text.split())


def is_typo_tolerant(queryset: QuerySet[Case]) -> bool:
    """Whether searches of this queryset's database forgive typos (PostgreSQL's do)."""
    return connections[queryset.db].vendor == "postgresql"


def search_cases(queryset: QuerySet[Case], text: str) -> QuerySet[Case]:
    """The cases of `queryset` that match `text`, best first (see the module's docstring)."""
    text = clean_text(text)
    if not text:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        return _postgres_search(queryset, text)
    return _simple_search(queryset, text)


def _own_text_vector() -> SearchVector:
    title = SearchVector("title", "final_diagnosis", weight="A", config=SEARCH_CONFIG)
    text = SearchVector("clinical_history", "imaging_findings", weight="C", config=SEARCH_CONFIG)
    return title + text


def _postgres_search(queryset: QuerySet[Case], text: str) -> QuerySet[Case]:
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    own_text = _own_text_vector()
    queryset = queryset.alias(
        own_text_vector=own_text,
        search_rank=SearchRank(Coalesce(F("search_vector"), own_text), query),
    )
    # The NULL test first: PostgreSQL keeps this order, and computing a vector is expensive.
    not_indexed_yet = Q(search_vector__isnull=True) & Q(own_text_vector=query)
    full_text = Q(search_vector=query) | not_indexed_yet
    words = [] if _uses_operators(text) else _fuzzy_candidates(text)
    if words:
        # One quick look (a few rows at most, from the GIN index) decides whether the words
        # as typed find enough; if not, each word may also match a title, diagnosis or tag
        # closely (trigram word similarity), so a typo still finds its cases.
        found = len(queryset.filter(full_text).order_by().values_list("pk", flat=True)[:FEW])
        if found < FEW:
            each_word = Q()
            for word in words:
                as_typed = SearchQuery(word, search_type="plain", config=SEARCH_CONFIG)
                each_word &= Q(search_vector=as_typed) | Q(search_terms__trigram_word_similar=word)
            full_text |= each_word
    return queryset.filter(full_text).order_by(*RELEVANCE_ORDER)


def _fuzzy_candidates(text: str) -> list[str]:
    """The plain words of a query, if every one of them is worth a trigram comparison."""
    words = [
        word
        for word in text.split()[:MAX_SEARCH_WORDS]
        if word.lower() not in STOP_WORDS and re.search(r"\w", word)
    ]
    long_enough = all(sum(c.isalnum() for c in word) >= FUZZY_MIN_LENGTH for word in words)
    return words if long_enough else []


SIMPLY_SEARCHED_FIELDS = ("title", "final_diagnosis", "clinical_history", "imaging_findings")


def _simple_search(queryset: QuerySet[Case], text: str) -> QuerySet[Case]:
    alternatives: list[Q] = []
    rank = Value(0, output_field=IntegerField())
    for term in parse_terms(text):
        matches = Q()
        for field in SIMPLY_SEARCHED_FIELDS:
            matches |= Q(**{f"{field}__icontains": term.text})
        if term.starts_alternative or not alternatives:
            alternatives.append(Q())
        alternatives[-1] &= ~matches if term.excluded else matches
        if not term.excluded:
            in_title = Q(title__icontains=term.text) | Q(final_diagnosis__icontains=term.text)
            hit = Conditional(When(in_title, then=1), default=0, output_field=IntegerField())
            rank = rank + hit
    if alternatives:
        either = Q()
        for alternative in alternatives:
            either |= alternative
        queryset = queryset.filter(either)
    return queryset.alias(search_rank=rank).order_by(*RELEVANCE_ORDER)
