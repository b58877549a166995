"""Keeping the stored search columns of cases up to date (PostgreSQL; nothing to do on SQLite).

A case's `search_vector` is weighted: A for its title and final diagnosis, B for its tags and
systems, C for the clinical history, the imaging findings, the studies' findings and the
sections. `search_terms` holds the title, final diagnosis and tag names for typo-tolerant
(trigram) matching, and `facet_values` the value of every facet as tokens (below), so that the
facets of many cases are counted in one pass and filtered through one GIN index
(cases/facets.py). All are computed in the
database, by one UPDATE over any number of cases, so an edit, a publication and the
synthetic-data generator all use the same statement.

Call `refresh_search_vector([case.pk])` after a case's text, tags or parts change (the services
in cases/services.py do). A case whose vector was never computed is still found, by its own
text, until it is refreshed (cases/fulltext.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, router
from django.db.models import QuerySet

from .models import Case, Section, Study, System, Tag

SEARCH_CONFIG = "english"

# The facet tokens of the case aliased {c}, each value once: its modalities, systems and tags
# ("m:CT m:MR s:neuro t:glioma"), then its case type, certainty, difficulty, age band and sex
# ("k:clinical_case c:probable d:resident a:40-64 x:female"), so that every facet filter is
# answered from the GIN index and every facet counted from one column (cases/facets.py, which
# holds the same age bands and sexes as Q objects for databases without the tokens).
FACET_TOKENS_SQL = """concat_ws(' ',
    (SELECT string_agg(DISTINCT 'm:' || st.modality, ' ') FROM {study} st
        WHERE st.case_id = {c}.id),
    (SELECT string_agg(DISTINCT 's:' || s.code, ' ') FROM {case_systems} cs
        JOIN {system} s ON s.id = cs.system_id WHERE cs.case_id = {c}.id),
    (SELECT string_agg(DISTINCT 't:' || t.slug, ' ') FROM {case_tags} ct
        JOIN {tag} t ON t.id = ct.tag_id WHERE ct.case_id = {c}.id),
    'k:' || NULLIF({c}.case_type, ''),
    'c:' || NULLIF({c}.diagnostic_certainty, ''),
    'd:' || NULLIF({c}.difficulty, ''),
    'a:' || CASE
        WHEN {c}.patient_age IS NULL THEN 'unknown'
        WHEN {c}.patient_age_unit IN ('months', 'weeks', 'days') THEN 'child'
        WHEN {c}.patient_age_unit NOT IN ('years', '') THEN NULL
        WHEN {c}.patient_age < 18 THEN 'child'
        WHEN {c}.patient_age <= 39 THEN '18-39'
        WHEN {c}.patient_age <= 64 THEN '40-64'
        ELSE '65-plus'
    END,
    'x:' || CASE WHEN {c}.patient_sex IN ('unknown', '') THEN 'unknown'
        ELSE {c}.patient_sex END)"""

_REFRESH_SQL = """
WITH parts AS (
    SELECT c.id,
        (SELECT string_agg(t.name, ' ') FROM {case_tags} ct
            JOIN {tag} t ON t.id = ct.tag_id WHERE ct.case_id = c.id) AS tags,
        (SELECT string_agg(s.name, ' ') FROM {case_systems} cs
            JOIN {system} s ON s.id = cs.system_id WHERE cs.case_id = c.id) AS systems,
        (SELECT string_agg(concat_ws(' ', st.label, st.findings), ' ') FROM {study} st
            WHERE st.case_id = c.id) AS studies,
        (SELECT string_agg(concat_ws(' ', se.heading, se.body), ' ') FROM {section} se
            WHERE se.case_id = c.id) AS sections,
        {facet_tokens} AS facet_values
    FROM {case} c
    WHERE {where}
)
UPDATE {case} AS c SET
    search_vector =
        setweight(to_tsvector(%(config)s::regconfig,
            concat_ws(' ', c.title, c.final_diagnosis)), 'A')
        || setweight(to_tsvector(%(config)s::regconfig,
            concat_ws(' ', parts.tags, parts.systems)), 'B')
        || setweight(to_tsvector(%(config)s::regconfig,
            concat_ws(' ', c.clinical_history, c.imaging_findings, parts.studies,
                      parts.sections)), 'C'),
    search_terms = concat_ws(' ', c.title, c.final_diagnosis, parts.tags),
    facet_values = parts.facet_values
FROM parts
WHERE c.id = parts.id
"""


def table_names(connection) -> dict[str, str]:
    """The quoted tables the statements here read, by the names they use."""
    tables = {
        "case": Case._meta.db_table,
        "tag": Tag._meta.db_table,
        "system": System._meta.db_table,
        "study": Study._meta.db_table,
        "section": Section._meta.db_table,
        "case_tags": Case.tags.through._meta.db_table,
        "case_systems": Case.systems.through._meta.db_table,
    }
    return {name: connection.ops.quote_name(table) for name, table in tables.items()}


def facet_tokens_sql(connection, case_alias: str) -> str:
    return FACET_TOKENS_SQL.format(c=case_alias, **table_names(connection))


def _statement(connection, where: str) -> str:
    return _REFRESH_SQL.format(
        where=where, facet_tokens=facet_tokens_sql(connection, "c"), **table_names(connection)
    )


def refresh_search_vector(cases: Iterable[int] | QuerySet[Case] | None = None) -> int:
    """Recompute the search columns of `cases` (ids, a queryset of cases, or None for all).

    One UPDATE whatever the number of cases; returns how many rows it changed (0 on databases
    other than PostgreSQL, where search reads the case's own columns instead).
    """
    alias = router.db_for_write(Case)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return 0
    params: dict[str, object] = {"config": SEARCH_CONFIG}
    if cases is None:
        where = "TRUE"
    elif isinstance(cases, QuerySet):
        inner_sql, inner_params = cases.order_by().values("pk").query.sql_with_params()
        # The inner query's %s placeholders become named ones, so both styles do not mix.
        names = [f"p{index}" for index in range(len(inner_params))]
        where = f"c.id IN ({inner_sql % tuple(f'%({name})s' for name in names)})"
        params.update(zip(names, inner_params, strict=True))
    else:
        ids = sorted({int(pk) for pk in cases})
        if not ids:
            return 0
        where = "c.id = ANY(%(ids)s)"
        params["ids"] = ids
    with connection.cursor() as cursor:
        cursor.execute(_statement(connection, where), params)
        return cursor.rowcount
