import re

import django.db.models.deletion
from django.db import migrations, models

COMMENT_ANCHOR = re.compile(r"#comment-(\d+)$")


def forget_comment_text(apps, schema_editor):
    """Notifications of new comments kept a copy of the comment's text, which outlived the
    comment being hidden or deleted. They now point at the comment and keep no text."""
    Notification = apps.get_model("notifications", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    notifications = Notification.objects.filter(kind="comment", subject_type__isnull=True)
    if not notifications.exists():
        return
    comment_type, _ = ContentType.objects.get_or_create(app_label="community", model="comment")
    for notification in notifications.only("pk", "url").iterator():
        match = COMMENT_ANCHOR.search(notification.url)
        Notification.objects.filter(pk=notification.pk).update(
            body="",
            subject_type=comment_type if match else None,
            subject_id=int(match[1]) if match else None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0003_author_role_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="subject_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.RunPython(forget_comment_text, migrations.RunPython.noop),
    ]
