"""Facet tokens on cases (search/indexing.py); on PostgreSQL, filled in for the cases that exist
and indexed for the modality, system and tag filters."""

from django.db import migrations, models

FILL_FACET_VALUES = """
UPDATE cases_case AS c SET facet_values = concat_ws(' ',
    (SELECT string_agg(DISTINCT 'm:' || st.modality, ' ') FROM cases_study st
        WHERE st.case_id = c.id),
    (SELECT string_agg(DISTINCT 's:' || s.code, ' ') FROM cases_case_systems cs
        JOIN cases_system s ON s.id = cs.system_id WHERE cs.case_id = c.id),
    (SELECT string_agg(DISTINCT 't:' || t.slug, ' ') FROM cases_case_tags ct
        JOIN cases_tag t ON t.id = ct.tag_id WHERE ct.case_id = c.id))
"""


# Filters by modality, system or tag read the tokens through the first index, and the cases
# whose tokens are not computed yet through the second (search/facets.py).
INDEXES = [
    (
        "CREATE INDEX IF NOT EXISTS cases_case_facet_tokens_gin "
        "ON cases_case USING gin (string_to_array(facet_values, ' '))",
        "DROP INDEX IF EXISTS cases_case_facet_tokens_gin",
    ),
    (
        "CREATE INDEX IF NOT EXISTS cases_case_facet_values_missing "
        "ON cases_case (id) WHERE facet_values IS NULL",
        "DROP INDEX IF EXISTS cases_case_facet_values_missing",
    ),
]


def fill_facet_values(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_FACET_VALUES)
        for create, _ in INDEXES:
            schema_editor.execute(create)


def drop_tokens_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _, drop in INDEXES:
            schema_editor.execute(drop)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_search_columns_and_view_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="facet_values",
            field=models.TextField(
                editable=False,
                help_text="Modalities, systems and tag slugs as tokens (m:CT s:neuro t:glioma), "
                "for counting facets in one pass; NULL until first computed.",
                null=True,
            ),
        ),
        migrations.RunPython(fill_facet_values, drop_tokens_index, elidable=False),
    ]
