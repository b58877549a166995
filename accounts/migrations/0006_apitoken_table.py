# The adopted token table takes this app's name: api_apitoken -> accounts_apitoken.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_apitoken"),
    ]

    operations = [
        migrations.AlterModelTable(name="apitoken", table=None),
    ]
