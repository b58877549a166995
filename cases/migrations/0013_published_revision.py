"""Citations give the published revision (`Case.published_revision`), not the count of saves.

A case published before this migration counts the publications its history records (the first
publication and each new revision published); a published case without such a record (an
imported one) is at its first.
"""

from django.db import migrations, models
from django.db.models import Count, Q


def count_publications(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    published = Case.objects.filter(published_at__isnull=False, revision_of__isnull=True)
    counted = published.annotate(
        publications=Count("revisions", filter=Q(revisions__kind="published"))
    ).values_list("pk", "publications")
    for pk, publications in counted.iterator():
        Case.objects.filter(pk=pk).update(published_revision=max(publications, 1))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_cited_authors"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="published_revision",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="How many times the case has been published: 1 at its first "
                "publication, raised by each new revision published. Citations give it as the "
                "version; `version` counts every save.",
            ),
        ),
        migrations.RunPython(count_publications, migrations.RunPython.noop),
    ]
