"""Slices keep their modality values for windowing in the browser (imaging/pixels.py).

Slices processed before this migration get theirs from `manage.py make_pixel_frames`; until
then the viewer shows their rendered pictures.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_figure_not_supplied"),
    ]

    operations = [
        migrations.AddField(
            model_name="figureframe",
            name="pixels",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="The slice's modality values for windowing in the browser "
                "(imaging/pixels.py): {'name': stored file, 'dtype', 'rows', 'columns', …}; "
                "empty until made.",
            ),
        ),
    ]
