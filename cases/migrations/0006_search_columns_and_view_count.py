"""Search columns and the view count on cases.

On PostgreSQL also: the pg_trgm extension, a GIN index on the weighted search vector, a trigram
GIN index on the typo-tolerant terms, a small index of the cases whose vector is not computed
yet, and the vectors of the cases that exist already. On other databases the columns exist but
search reads the cases' own text (search/engine.py).
"""

import django.contrib.postgres.search
from django.db import migrations, models

POSTGRES_INDEXES = [
    (
        "CREATE INDEX IF NOT EXISTS cases_case_search_vector_gin "
        "ON cases_case USING gin (search_vector)",
        "DROP INDEX IF EXISTS cases_case_search_vector_gin",
    ),
    (
        "CREATE INDEX IF NOT EXISTS cases_case_search_terms_trgm "
        "ON cases_case USING gin (search_terms gin_trgm_ops)",
        "DROP INDEX IF EXISTS cases_case_search_terms_trgm",
    ),
    (
        "CREATE INDEX IF NOT EXISTS cases_case_search_vector_missing "
        "ON cases_case (id) WHERE search_vector IS NULL",
        "DROP INDEX IF EXISTS cases_case_search_vector_missing",
    ),
]

# The statement of search.indexing at the time of this migration, for the cases that exist.
FILL_VECTORS = """
WITH parts AS (
    SELECT c.id,
        (SELECT string_agg(t.name, ' ') FROM cases_case_tags ct
            JOIN cases_tag t ON t.id = ct.tag_id WHERE ct.case_id = c.id) AS tags,
        (SELECT string_agg(s.name, ' ') FROM cases_case_systems cs
            JOIN cases_system s ON s.id = cs.system_id WHERE cs.case_id = c.id) AS systems,
        (SELECT string_agg(concat_ws(' ', st.label, st.findings), ' ') FROM cases_study st
            WHERE st.case_id = c.id) AS studies,
        (SELECT string_agg(concat_ws(' ', se.heading, se.body), ' ') FROM cases_section se
            WHERE se.case_id = c.id) AS sections
    FROM cases_case c
)
UPDATE cases_case AS c SET
    search_vector =
        setweight(to_tsvector('english', concat_ws(' ', c.title, c.final_diagnosis)), 'A')
        || setweight(to_tsvector('english', concat_ws(' ', parts.tags, parts.systems)), 'B')
        || setweight(to_tsvector('english', concat_ws(' ', c.clinical_history,
            c.imaging_findings, parts.studies, parts.sections)), 'C'),
    search_terms = concat_ws(' ', c.title, c.final_diagnosis, parts.tags)
FROM parts
WHERE c.id = parts.id
"""


def create_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for create, _ in POSTGRES_INDEXES:
        schema_editor.execute(create)
    schema_editor.execute(FILL_VECTORS)


def drop_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, drop in POSTGRES_INDEXES:
        schema_editor.execute(drop)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_figure_pipeline"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="search_terms",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="Title, final diagnosis and tags: what typo-tolerant matching "
                "compares with.",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="view_count",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Readers of the published case, one per day each.",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["-view_count"], name="cases_case_view_count_idx"),
        ),
        migrations.RunPython(create_postgres_indexes, drop_postgres_indexes, elidable=False),
    ]
