"""Indexes in the orders of the case lists, newest first and most viewed, so that the first page
of 100,000 cases is read from an index instead of sorting them all (cases/fulltext.py's
NEWEST_FIRST, the API's list). PostgreSQL only: SQLite cannot index NULLS LAST, and its lists
are small enough to sort."""

from django.db import migrations

NEWEST_FIRST = "published_at DESC NULLS LAST, created_at DESC, id DESC"
INDEXES = {
    "cases_case_newest_idx": NEWEST_FIRST,
    "cases_case_most_viewed_idx": f"view_count DESC, {NEWEST_FIRST}",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON cases_case ({columns})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_caseview_folded"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
