from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("scoring", "0003_marks"),
    ]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="unfollowed",
            field=models.BigIntegerField(default=0),
        ),
        # Not known before: every change of definitions counted as one of rows too.
        migrations.RunSQL(
            "UPDATE scoring_revision SET unfollowed = definitions", migrations.RunSQL.noop
        ),
    ]
