"""Published cases record their authors' names as cited (`Case.cited_authors`).

Cases published before this migration record the names as they read now: the closest there
is to the names they were published with.
"""

from django.db import migrations, models


def display_name(author) -> str:
    # CaseAuthor.display_name and User.__str__, which historical models do not carry.
    if author.name:
        return author.name
    user = author.user
    full_name = f"{user.first_name} {user.last_name}".strip()
    return user.display_name or full_name or user.username


def record_names_of_published_cases(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseAuthor = apps.get_model("cases", "CaseAuthor")
    published = Case.objects.filter(published_at__isnull=False, revision_of__isnull=True)
    for case in published.only("pk").iterator():
        authors = CaseAuthor.objects.filter(case=case).select_related("user")
        names = [
            display_name(author)
            for author in authors.order_by("position", "pk")
            if author.name.strip() or author.user_id
        ]
        Case.objects.filter(pk=case.pk).update(cited_authors=names)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_list_order_indexes"),
        ("accounts", "0006_apitoken_table"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="cited_authors",
            field=models.JSONField(
                blank=True,
                default=None,
                editable=False,
                help_text="The authors' names as cited, recorded when the case (or its latest "
                "new revision) was published; citations use them, so a later change of a "
                "display name does not rewrite a published citation. NULL until first "
                "published.",
                null=True,
            ),
        ),
        migrations.RunPython(record_names_of_published_cases, migrations.RunPython.noop),
    ]
