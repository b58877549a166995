"""Facets: how many matching cases have each modality, system, tag, case type, certainty,
difficulty, age band and sex, counted in a fixed number of queries; and the filters on the
case's own columns that the facets share with cases/filters.py."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import Case as Conditional
from django.db.models import Count, Exists, F, Func, Min, Q, QuerySet, TextField, Value, When

from .models import Case, Modality, Study
from .search_vector import facet_tokens_sql, table_names

TAG_FACET_SIZE = 12

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


_TOKEN_PREFIX = {"modality": "m", "system": "s", "tag": "t"}


def with_value(queryset: QuerySet[Case], facet: str, value: str, related: Exists) -> QuerySet[Case]:
    """The cases that have `value` of a modality, system or tag facet.

    On PostgreSQL the case's facet tokens answer, from their GIN index (cases/0007), so the
    filter combines with the full-text search without a join; a case whose tokens were never
    computed answers with its rows (`related`). Elsewhere `related` answers alone.
    """
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


# --- Facets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


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

# Facets read from the case's own columns, all counted by one aggregate query.
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
    left out; of the tags, the `tag_limit` most used).

    A fixed number of queries, whatever the number of cases. On PostgreSQL, one: a single pass
    over the matching cases, reading their own columns and their facet tokens (modalities,
    systems and tags, cases/search_vector.py). Elsewhere, four: an aggregate of the case's own
    columns, then one query each for modalities, systems and tags.
    """
    matched = queryset.order_by()
    facets: dict[str, list[FacetValue]] = {name: [] for name, _ in FACETS}
    if connections[matched.db].vendor == "postgresql":
        _count_in_one_pass(matched, facets, tag_limit)
    else:
        _count_columns(matched, facets)
        _count_related(matched, facets, tag_limit)
    return facets


def _count_columns(matched: QuerySet[Case], facets: dict[str, list[FacetValue]]) -> None:
    names = {}
    aggregates = {}
    for facet, values in _COLUMN_FACETS.items():
        for value, label, condition in values:
            key = f"count_{len(aggregates)}"
            names[key] = (facet, value, label)
            aggregates[key] = Count("pk", filter=condition)
    for key, count in matched.aggregate(**aggregates).items():
        facet, value, label = names[key]
        if count:
            facets[facet].append(FacetValue(value, label, count))


# Token kinds: m, s, t are stored (cases/search_vector.py); the others are read from the columns.
_KINDS = {
    "m": "modality",
    "s": "system",
    "t": "tag",
    "k": "case_type",
    "c": "certainty",
    "d": "difficulty",
    "a": "age",
    "x": "sex",
}

_ONE_PASS_SQL = """
WITH matched AS MATERIALIZED ({matched}),
combinations AS (
    -- Cases sharing their modalities, systems and tags are split into tokens once.
    SELECT facet_values, count(*) AS n FROM matched
    WHERE facet_values IS NOT NULL GROUP BY facet_values
    UNION ALL
    SELECT {tokens_of_unindexed}, 1 FROM matched WHERE matched.facet_values IS NULL
),
tokens AS (
    SELECT token, sum(n)::bigint AS n
    FROM combinations
    CROSS JOIN LATERAL unnest(string_to_array(combinations.facet_values, ' ')) AS token
    GROUP BY token
),
counted AS (
    SELECT left(token, 1) AS kind, substr(token, 3) AS value, n FROM tokens WHERE token <> ''
    UNION ALL
    SELECT
        CASE
            WHEN GROUPING(case_type) = 0 THEN 'k'
            WHEN GROUPING(diagnostic_certainty) = 0 THEN 'c'
            WHEN GROUPING(difficulty) = 0 THEN 'd'
            WHEN GROUPING(facet_age) = 0 THEN 'a'
            ELSE 'x'
        END,
        COALESCE(case_type, diagnostic_certainty, difficulty, facet_age, facet_sex),
        count(*)
    FROM matched
    GROUP BY GROUPING SETS (
        (case_type), (diagnostic_certainty), (difficulty), (facet_age), (facet_sex)
    )
),
ranked AS (
    SELECT kind, value, n, row_number() OVER (PARTITION BY kind ORDER BY n DESC, value) AS place
    FROM counted
    WHERE value <> ''
)
SELECT kind, value, n,
    CASE kind
        WHEN 's' THEN (SELECT s.name FROM {system} s WHERE s.code = ranked.value)
        WHEN 't' THEN (SELECT min(t.name) FROM {tag} t WHERE t.slug = ranked.value)
    END
FROM ranked
WHERE kind <> 't' OR place <= %s
ORDER BY kind, n DESC, value
"""


def _band(choices: list[tuple[str, str, Q]]) -> Conditional:
    return Conditional(
        *(When(condition, then=Value(value)) for value, _, condition in choices),
        default=Value(""),
        output_field=TextField(),
    )


def _count_in_one_pass(matched: QuerySet[Case], facets: dict, tag_limit: int) -> None:
    connection = connections[matched.db]
    columns = matched.annotate(
        facet_age=_band(_COLUMN_FACETS["age"]), facet_sex=_band(_COLUMN_FACETS["sex"])
    ).values(
        "id",
        "facet_values",
        "case_type",
        "diagnostic_certainty",
        "difficulty",
        "facet_age",
        "facet_sex",
    )
    sql, params = columns.query.sql_with_params()
    statement = _ONE_PASS_SQL.format(
        matched=sql,
        tokens_of_unindexed=facet_tokens_sql(connection, "matched"),
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
        cursor.execute(statement, [*params, tag_limit])
        rows = cursor.fetchall()
    for kind, value, count, label in rows:
        facet = _KINDS.get(kind)
        if facet is None:
            continue
        known = labels.get(facet)
        if known is not None and value not in known:
            continue  # a stored value no longer offered (an old certainty, say)
        shown = (known or {}).get(value) or label or value
        facets[facet].append(FacetValue(value, shown, int(count)))
    # The case's own columns in their natural order (certain … possible, child … 65+).
    for facet, values in _COLUMN_FACETS.items():
        order = [value for value, _, _ in values]
        facets[facet].sort(key=lambda item: order.index(item.value))


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
