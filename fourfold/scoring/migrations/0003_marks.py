import secrets
from typing import Any

from django.db import migrations, models


def first_mark(apps: Any, schema_editor: Any) -> None:
    # The revision the database is at gets a mark of its own, as every later one will (and
    # its last change of definitions too, the same when it is that revision).
    for row in apps.get_model("scoring", "Revision").objects.filter(pk=1):
        row.mark = secrets.randbelow(2**62) + 1
        row.definitions_mark = (
            row.mark if row.definitions == row.number else secrets.randbelow(2**62) + 1
        )
        row.save()


class Migration(migrations.Migration):

    dependencies = [
        ("scoring", "0002_scorechange_period"),
    ]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="mark",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="revision",
            name="definitions_mark",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="scorechange",
            name="mark",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(first_mark, migrations.RunPython.noop),
    ]
