# The API token model now belongs to `accounts` (accounts.0005 adopts it with its table).
# This only removes it from this app's migration state: the table and its rows stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiToken")],
            database_operations=[],
        ),
    ]
