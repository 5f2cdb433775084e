import time
from typing import Any

from django.db import migrations, models


def first_row(apps: Any, schema_editor: Any) -> None:
    # A number no earlier database of this process had: scores kept in memory under a number
    # are never served for another database that counted up to the same one.
    start = time.time_ns() // 1000
    apps.get_model("scoring", "Revision").objects.create(pk=1, number=start, definitions=start)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Revision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.BigIntegerField(default=0)),
                ('definitions', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='ScoreChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('revision', models.BigIntegerField(db_index=True)),
                ('kpi_id', models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
    ]
