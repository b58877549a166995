"""Figures named by a document but never given an image say so, instead of pending forever."""

from django.db import migrations, models


def mark_figures_without_image(apps, schema_editor):
    Figure = apps.get_model("cases", "Figure")
    Figure.objects.filter(status="pending", original="").update(status="not_supplied")


def mark_them_pending_again(apps, schema_editor):
    Figure = apps.get_model("cases", "Figure")
    Figure.objects.filter(status="not_supplied").update(status="pending")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_published_revision"),
    ]

    operations = [
        migrations.AlterField(
            model_name="figure",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("processing", "Processing"),
                    ("ready", "Ready"),
                    ("failed", "Failed"),
                    ("quarantined", "Quarantined"),
                    ("not_supplied", "Image not supplied"),
                ],
                default="pending",
                max_length=20,
            ),
        ),
        migrations.RunPython(mark_figures_without_image, mark_them_pending_again),
    ]
