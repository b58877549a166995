"""Facet tokens for every facet: besides modalities, systems and tags, the case type, certainty,
difficulty, age band and sex (cases/search_vector.py), so that every facet filter reads the GIN
index and the facets are counted from one column. On PostgreSQL the tokens of the cases that
exist are recomputed, and the table vacuumed, since every row was rewritten."""

from django.db import migrations, models

# The tokens as cases/search_vector.py computes them at the time of this migration.
FILL_FACET_VALUES = """
UPDATE cases_case AS c SET facet_values = concat_ws(' ',
    (SELECT string_agg(DISTINCT 'm:' || st.modality, ' ') FROM cases_study st
        WHERE st.case_id = c.id),
    (SELECT string_agg(DISTINCT 's:' || s.code, ' ') FROM cases_case_systems cs
        JOIN cases_system s ON s.id = cs.system_id WHERE cs.case_id = c.id),
    (SELECT string_agg(DISTINCT 't:' || t.slug, ' ') FROM cases_case_tags ct
        JOIN cases_tag t ON t.id = ct.tag_id WHERE ct.case_id = c.id),
    'k:' || NULLIF(c.case_type, ''),
    'c:' || NULLIF(c.diagnostic_certainty, ''),
    'd:' || NULLIF(c.difficulty, ''),
    'a:' || CASE
        WHEN c.patient_age IS NULL THEN 'unknown'
        WHEN c.patient_age_unit IN ('months', 'weeks', 'days') THEN 'child'
        WHEN c.patient_age_unit NOT IN ('years', '') THEN NULL
        WHEN c.patient_age < 18 THEN 'child'
        WHEN c.patient_age <= 39 THEN '18-39'
        WHEN c.patient_age <= 64 THEN '40-64'
        ELSE '65-plus'
    END,
    'x:' || CASE WHEN c.patient_sex IN ('unknown', '') THEN 'unknown'
        ELSE c.patient_sex END)
WHERE c.facet_values IS NOT NULL
"""


# Without a search, the facet pass reads only the tokens of the listed cases (cases/facets.py):
# this index answers it without the table (index-only), for anonymous readers (status and
# visibility) and signed-in ones (their own cases and their institution's too).
LISTED_FACETS_INDEX = (
    "CREATE INDEX IF NOT EXISTS cases_case_listed_facets ON cases_case (status, visibility) "
    "INCLUDE (id, facet_values, created_by_id, institution_id)"
)


def fill_facet_values(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_FACET_VALUES)
        schema_editor.execute(LISTED_FACETS_INDEX)
        # Outside a transaction (the migration is not atomic): VACUUM cannot run inside one.
        schema_editor.execute("VACUUM ANALYZE cases_case")


def drop_listed_facets_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS cases_case_listed_facets")


class Migration(migrations.Migration):
    # VACUUM refuses to run in a transaction.
    atomic = False

    dependencies = [
        ("cases", "0008_caseview"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="facet_values",
            field=models.TextField(
                editable=False,
                help_text="The case's value of every facet as tokens (m:CT s:neuro t:glioma "
                "k:clinical_case c:probable d:resident a:40-64 x:female), for filtering through "
                "one GIN index and counting facets in one pass; NULL until first computed.",
                null=True,
            ),
        ),
        migrations.RunPython(fill_facet_values, drop_listed_facets_index, elidable=False),
    ]
