"""Case views are folded into `Case.view_count` by a periodic task rather than on each view.

The views already in the table were counted when they were made: they arrive folded. Views
made from now on start unfolded (the database default, so that any writer may leave it out).
"""

from django.db import migrations, models

HELP = "Added to the case's view count (cases/viewing.py folds new views in)."


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_facet_tokens_for_every_facet"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseview",
            name="folded",
            field=models.BooleanField(db_default=True, default=True, help_text=HELP),
        ),
        migrations.AlterField(
            model_name="caseview",
            name="folded",
            field=models.BooleanField(db_default=False, default=False, help_text=HELP),
        ),
        migrations.AddIndex(
            model_name="caseview",
            index=models.Index(
                condition=models.Q(("folded", False)),
                fields=["id"],
                name="caseview_to_fold_idx",
            ),
        ),
    ]
