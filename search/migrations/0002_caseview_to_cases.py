"""Daily case views belong to the cases app (cases/models/readership.py) from now on.

Only the migration state changes: the table `search_caseview` and its rows stay where they are,
and cases.0008_caseview adopts it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CaseView")],
            database_operations=[],
        ),
    ]
