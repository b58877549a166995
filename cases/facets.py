"""Facets: how many matching cases have each modality, system, tag, case type, certainty,
difficulty, age band and sex, counted together with the number of matching cases; and the
filters that the facets share with cases/filters.py.

On PostgreSQL every facet value of a case is a token of its `facet_values` (m:CT, a:child, x:female;
cases/search_vector.py), GIN-indexed: a filter reads the index, and the counts and the total come
from one pass over the matching cases' tokens. The result of that pass is kept in the cache per
catalogue version (cases/freshness.py), keyed by the exact SQL of the matching cases, which holds
the reader's visibility rule: readers who may see different cases never share an entry, and any
change to a listed case starts new entries. The queryset's `count()` answers from the same pass
(`counted_with_facets`), so a page of results, its total and its facets cost one scan of the
matches, or none when cached.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Exists, F, Func, Min, Q, QuerySet, TextField, Value
from django.db.models.query import ModelIterable

from .freshness import catalogue_version
from .fulltext import RELEVANCE_ORDER, is_ranked
from .models import Case, Modality, Study
from .querysets import CaseQuerySet
from .search_vector import facet_tokens_sql, table_names

TAG_FACET_SIZE = 12
# Of a search ordered by relevance, the facet pass keeps this many first cases in order, so that
# the first pages of results are read by their keys instead of ranking every match again.
FIRST_RANKED = 100
# Counts kept under an old catalogue version are never asked for again; they go after this.
CACHE_SECONDS = 60 * 60

# --- Filters shared with cases/filters.py -----------------------------------------------------

CHILD_AGE_UNITS = [Case.AgeUnit.MONTHS, Case.AgeUnit.WEEKS, Case.AgeUnit.DAYS]
_IN_YEARS = Q(patient_age__isnull=False) & Q(patient_age_unit__in=[Case.AgeUnit.YEARS, ""])

AGE_BANDS: dict[str, tuple[str, Q]] = {
    "child": (
        "Child (under 18)",
        Q(patient_age__isnull=False)
        & (Q(patient_age_unit__in=CHILD_AGE_UNITS) | (_IN_YEARS & Q(patient_age__lt=18))),
    ),
    "18-39": ("18–39 years", _IN_YEARS & Q(patient_age__gte=18, patient_age__lte=39)),
    "40-64": ("40–64 years", _IN_YEARS & Q(patient_age__gte=40, patient_age__lte=64)),
    "65-plus": ("65 years and over", _IN_YEARS & Q(patient_age__gte=65)),
    "unknown": ("Not given", Q(patient_age__isnull=True)),
}
AGE_BAND_CHOICES = [(value, label) for value, (label, _) in AGE_BANDS.items()]

SEX_CHOICES = [
    (Case.Sex.FEMALE, "Female"),
    (Case.Sex.MALE, "Male"),
    (Case.Sex.OTHER, "Other"),
    (Case.Sex.UNKNOWN, "Unknown or not given"),
]


# The token of each facet's values in `facet_values` (cases/search_vector.py).
_TOKEN_PREFIX = {
    "modality": "m",
    "system": "s",
    "tag": "t",
    "case_type": "k",
    "certainty": "c",
    "difficulty": "d",
    "age": "a",
    "sex": "x",
}
_KINDS = {prefix: facet for facet, prefix in _TOKEN_PREFIX.items()}


def with_value(
    queryset: QuerySet[Case], facet: str, value: str, related: Exists | Q | None = None
) -> QuerySet[Case]:
    """The cases that have `value` of a facet.

    On PostgreSQL the case's facet tokens answer, from their GIN index (cases/0007, 0009), so
    the filter combines with the full-text search and the other facets without a join or a
    row-by-row test; a case whose tokens were never computed answers with its rows or columns
    (`related`; by default the condition on the case's own column). Elsewhere `related`
    answers alone.
    """
    if related is None:
        related = own_column_q(facet, value)
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(related)
    tokens = Func(
        F("facet_values"),
        Value(" "),
        function="string_to_array",
        output_field=ArrayField(TextField()),
    )
    name = f"{facet}_tokens"
    token = f"{_TOKEN_PREFIX[facet]}:{value}"
    return queryset.alias(**{name: tokens}).filter(
        Q(**{f"{name}__contains": [token]}) | (Q(facet_values__isnull=True) & related)
    )


def age_band_q(band: str) -> Q:
    return AGE_BANDS[band][1]


def sex_q(sex: str) -> Q:
    if sex == Case.Sex.UNKNOWN:
        return Q(patient_sex__in=[Case.Sex.UNKNOWN, ""])
    return Q(patient_sex=sex)


def own_column_q(facet: str, value: str) -> Q:
    """The condition on the case's own columns for a value of case type, certainty,
    difficulty, age band or sex."""
    for known, _, condition in _COLUMN_FACETS[facet]:
        if known == value:
            return condition
    return Q(pk__in=[])


# --- Facets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class Counted:
    """The number of matching cases and their facets."""

    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # Of a search by relevance, the first FIRST_RANKED matches, best first.
    first_ids: list[int] | None = None


# The facets, in the order pages show them, with the filter parameter each one sets.
FACETS: list[tuple[str, str]] = [
    ("modality", "Modality"),
    ("system", "System"),
    ("tag", "Tag"),
    ("case_type", "Case type"),
    ("certainty", "Diagnostic certainty"),
    ("difficulty", "Difficulty"),
    ("age", "Patient age"),
    ("sex", "Patient sex"),
]

# Facets read from the case's own columns (on PostgreSQL, from their tokens).
_COLUMN_FACETS: dict[str, list[tuple[str, str, Q]]] = {
    "case_type": [(value, label, Q(case_type=value)) for value, label in Case.CaseType.choices],
    "certainty": [
        (value, label, Q(diagnostic_certainty=value)) for value, label in Case.Certainty.choices
    ],
    "difficulty": [(value, label, Q(difficulty=value)) for value, label in Case.Difficulty.choices],
    "age": [(value, label, condition) for value, (label, condition) in AGE_BANDS.items()],
    "sex": [(value, label, sex_q(value)) for value, label in SEX_CHOICES],
}


def facet_counts(
    queryset: QuerySet[Case], *, tag_limit: int = TAG_FACET_SIZE
) -> dict[str, list[FacetValue]]:
    """How many cases of `queryset` fall under each value of each facet (values with none are
    left out; of the tags, the `tag_limit` most used). See `count_with_facets`."""
    return count_with_facets(queryset, tag_limit=tag_limit).facets


def count_with_facets(queryset: QuerySet[Case], *, tag_limit: int = TAG_FACET_SIZE) -> Counted:
    """The number of cases of `queryset` and their facet counts, from the cache when the
    catalogue has not changed since they were counted for the same query.

    A fixed number of queries, whatever the number of cases. On PostgreSQL, one: a single pass
    over the matching cases' facet tokens. Elsewhere, four: an aggregate of the case's own
    columns (with the total), then one query each for modalities, systems and tags.
    """
    matched = _matched_sql(queryset)
    if matched is None:  # a condition that no case can meet (pk__in=[], say)
        return Counted(total=0, facets={name: [] for name, _ in FACETS}, first_ids=[])
    version = catalogue_version()
    key = _cache_key(matched, queryset.db, version, tag_limit) if version is not None else None
    if key is not None:
        found = cache.get(key)
        if found is not None:
            return found
    if connections[queryset.db].vendor == "postgresql":
        counted = _count_in_one_pass(queryset.db, matched, tag_limit)
    else:
        counted = Counted(total=0, facets={name: [] for name, _ in FACETS})
        counted.total = _count_columns(queryset.order_by(), counted.facets)
        _count_related(queryset.order_by(), counted.facets, tag_limit)
    if key is not None:
        cache.set(key, counted, CACHE_SECONDS)
    return counted


@dataclass(frozen=True)
class _Matched:
    """The SQL of the matching cases' columns that the facet pass reads."""

    sql: str
    params: tuple
    ranked: bool  # a search by relevance: its first cases are kept with the counts


_NOT_COMPILED = object()


def _matched_sql(queryset: QuerySet[Case]) -> _Matched | None:
    """The matching cases' id and tokens (and, of a search by relevance, what orders them), as
    SQL; None when no case can match. Kept on the queryset: a page of results asks it of the
    same queryset for the count and for the facets, and compiling a search costs."""
    known = queryset.__dict__.get("_facet_matched", _NOT_COMPILED)
    if known is not _NOT_COMPILED:
        return known
    ranked = _by_relevance(queryset)
    columns = ["id", "facet_values"]
    extra = {}
    if ranked:
        columns += ["published_at", "created_at"]
        extra["facet_rank"] = F("search_rank")
    columns_of = queryset.order_by().annotate(**extra).values(*columns, *extra)
    try:
        sql, params = columns_of.query.sql_with_params()
        matched = _Matched(sql, tuple(params), ranked)
    except EmptyResultSet:
        matched = None
    queryset.__dict__["_facet_matched"] = matched
    return matched


def _cache_key(matched: _Matched, db: str, version: str, tag_limit: int) -> str:
    # The SQL names every condition, the reader's visibility among them (user, institution,
    # roles): two queries with the same SQL and parameters list the same cases.
    digest = hashlib.sha256(repr((db, matched, tag_limit)).encode()).hexdigest()
    return f"facets:{version}:{digest[:32]}"


def _by_relevance(queryset: QuerySet[Case]) -> bool:
    return is_ranked(queryset) and tuple(queryset.query.order_by) == RELEVANCE_ORDER


class CountedCases(CaseQuerySet):
    """Cases whose `count()` is that of the facet pass (one scan for the total and the facets
    of a page of results, cached per catalogue version)."""

    def count(self) -> int:
        if (
            self._result_cache is None
            and not self.query.is_sliced
            and connections[self.db].vendor == "postgresql"
            and catalogue_version() is not None
        ):
            return count_with_facets(self).total
        # Without a cache the total alone is cheaper than the facets it would be counted with.
        return super().count()

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            first = self._first_ranked()
            if first is not None:
                self._result_cache = first
                self._prefetch_done = True
        super()._fetch_all()

    def _first_ranked(self) -> list[Case] | None:
        """A page among the first FIRST_RANKED results of a search by relevance whose facet
        pass is in the cache: its cases read by their keys, in the order that pass ranked them
        (None otherwise: the page is read as usual)."""
        query = self.query
        if (
            not query.is_sliced
            or query.high_mark is None
            or query.high_mark > FIRST_RANKED
            or self._iterable_class is not ModelIterable
            or not _by_relevance(self)
        ):
            return None
        version = catalogue_version()
        if version is None:
            return None
        whole = self._chain()
        whole.query.clear_limits()
        matched = _matched_sql(whole)
        if matched is None:
            return None
        counted = cache.get(_cache_key(matched, whole.db, version, TAG_FACET_SIZE))
        if counted is None or counted.first_ids is None:
            return None
        ids = counted.first_ids[query.low_mark : query.high_mark]
        # The same conditions still apply (visibility above all); the keys pick the rows.
        rows = whole.order_by().filter(pk__in=ids)
        found = {case.pk: case for case in QuerySet.__iter__(rows)}
        return [found[pk] for pk in ids if pk in found]


def counted_with_facets(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """`queryset` whose count comes from the facet pass (see `CountedCases`): for lists shown
    with their facets, of listed cases only (whose changes bump the catalogue version)."""
    if not isinstance(queryset, CaseQuerySet):
        return queryset
    counted = queryset.all()
    # The same query, filters, prefetches and hints; only the class that counts differs.
    counted.__class__ = CountedCases
    return counted


def _count_columns(matched: QuerySet[Case], facets: dict[str, list[FacetValue]]) -> int:
    """Counts the facets of the case's own columns; returns the number of cases."""
    names = {}
    aggregates = {}
    for facet, values in _COLUMN_FACETS.items():
        for value, label, condition in values:
            key = f"count_{len(aggregates)}"
            names[key] = (facet, value, label)
            aggregates[key] = Count("pk", filter=condition)
    counts = matched.aggregate(matched_cases=Count("pk"), **aggregates)
    total = counts.pop("matched_cases")
    for key, count in counts.items():
        facet, value, label = names[key]
        if count:
            facets[facet].append(FacetValue(value, label, count))
    return total


# Every facet from the tokens alone (so that, without a search, an index-only scan of
# cases_case_listed_facets may answer, cases/0009). Cases sharing their modalities, systems and
# tags, or their own columns' values (from " k:" on), are split into tokens once; the cases
# whose tokens were never computed are split on the fly. The first row is the total, the second
# (of a search by relevance) the first cases, in order.
_ONE_PASS_SQL = """
WITH matched AS MATERIALIZED ({matched}),
combinations AS (
    SELECT split_part(facet_values, ' k:', 1) AS tokens, count(*) AS n FROM matched
    WHERE facet_values IS NOT NULL GROUP BY 1
    UNION ALL
    SELECT 'k:' || split_part(facet_values, ' k:', 2), count(*) FROM matched
    WHERE facet_values IS NOT NULL GROUP BY 1
    UNION ALL
    SELECT {tokens_of_unindexed}, 1 FROM {case} c
    WHERE c.id IN (SELECT id FROM matched WHERE matched.facet_values IS NULL)
),
tokens AS (
    SELECT token, sum(n)::bigint AS n
    FROM combinations
    CROSS JOIN LATERAL unnest(string_to_array(combinations.tokens, ' ')) AS token
    GROUP BY token
),
ranked AS (
    SELECT left(token, 1) AS kind, substr(token, 3) AS value, n,
        row_number() OVER (PARTITION BY left(token, 1) ORDER BY n DESC, token) AS place
    FROM tokens
    WHERE substr(token, 3) <> ''
)
SELECT '#', '', (SELECT count(*) FROM matched), NULL
UNION ALL
SELECT '@', '', NULL, {first_ids}
UNION ALL
(SELECT kind, value, n,
    CASE kind
        WHEN 's' THEN (SELECT s.name FROM {system} s WHERE s.code = ranked.value)
        WHEN 't' THEN (SELECT min(t.name) FROM {tag} t WHERE t.slug = ranked.value)
    END
FROM ranked
WHERE kind <> 't' OR place <= %s
ORDER BY kind, n DESC, value)
"""

# The order of fulltext.RELEVANCE_ORDER, over the matched cases.
_FIRST_IDS_SQL = f"""(SELECT string_agg(first.id::text, ' ' ORDER BY first.place) FROM (
    SELECT id, row_number() OVER (ORDER BY facet_rank DESC, published_at DESC NULLS LAST,
        created_at DESC, id DESC) AS place
    FROM matched ORDER BY place LIMIT {FIRST_RANKED}) AS first)"""


def _count_in_one_pass(db: str, matched: _Matched, tag_limit: int) -> Counted:
    connection = connections[db]
    statement = _ONE_PASS_SQL.format(
        matched=matched.sql,
        tokens_of_unindexed=facet_tokens_sql(connection, "c"),
        first_ids=_FIRST_IDS_SQL if matched.ranked else "NULL",
        **table_names(connection),
    )
    labels = {
        "modality": dict(Modality.choices),
        **{
            facet: {value: label for value, label, _ in values}
            for facet, values in _COLUMN_FACETS.items()
        },  # fmt: skip
    }
    with connection.cursor() as cursor:
        cursor.execute(statement, [*matched.params, tag_limit])
        rows = cursor.fetchall()
    counted = Counted(total=0, facets={name: [] for name, _ in FACETS})
    for kind, value, count, label in rows:
        if kind == "#":
            counted.total = int(count)
            continue
        if kind == "@":
            if matched.ranked:
                counted.first_ids = [int(pk) for pk in (label or "").split()]
            continue
        facet = _KINDS.get(kind)
        if facet is None:
            continue
        known = labels.get(facet)
        if known is not None and value not in known:
            continue  # a stored value no longer offered (an old certainty, say)
        shown = (known or {}).get(value) or label or value
        counted.facets[facet].append(FacetValue(value, shown, int(count)))
    # The case's own columns in their natural order (certain … possible, child … 65+).
    for facet, values in _COLUMN_FACETS.items():
        order = [value for value, _, _ in values]
        counted.facets[facet].sort(key=lambda item: order.index(item.value))
    return counted


def _count_related(matched: QuerySet[Case], facets: dict, tag_limit: int) -> None:
    matched_ids = matched.values("pk")
    modality_names = dict(Modality.choices)
    modality_rows = (
        Study.objects.filter(case__in=matched_ids)
        .values("modality")
        .annotate(count=Count("case", distinct=True))
        .order_by("-count", "modality")
    )
    facets["modality"] = [
        FacetValue(code, modality_names.get(code, code), row["count"])
        for row in modality_rows
        for code in [row["modality"]]
    ]
    system_rows = (
        Case.systems.through.objects.filter(case__in=matched_ids)
        .values("system__code", "system__name")
        .annotate(count=Count("case"))
        .order_by("-count", "system__code")
    )
    facets["system"] = [
        FacetValue(row["system__code"], row["system__name"], row["count"]) for row in system_rows
    ]
    tag_rows = (
        Case.tags.through.objects.filter(case__in=matched_ids)
        .values("tag__slug")
        .annotate(count=Count("case", distinct=True), name=Min("tag__name"))
        .order_by("-count", "tag__slug")[:tag_limit]
    )
    facets["tag"] = [FacetValue(row["tag__slug"], row["name"], row["count"]) for row in tag_rows]
