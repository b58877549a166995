"""Daily case views, counted by the case page, move to the cases app from the search app.

Only the migration state changes: the model keeps the table `search_caseview` (with its rows,
index and constraint) that search.0001_initial created.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_case_facet_values"),
        ("search", "0002_caseview_to_cases"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CaseView",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("day", models.DateField()),
                        ("viewer", models.CharField(max_length=64)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="daily_views",
                                to="cases.case",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "search_caseview",
                        "indexes": [models.Index(fields=["day"], name="search_caseview_day_idx")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("case", "day", "viewer"), name="one_view_per_day"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
