"""Milestones and their dependencies kept by revision too: the ones that stand now, as their
first versions, stamped at the earliest moment (as 0002 did for the other definitions)."""

import datetime as dt

from django.db import migrations

BEGINNING = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
MODELS = {
    "milestone": ("initiatives", "Milestone"),
    "dependency": ("initiatives", "Milestone_depends_on"),
}


def baseline(apps, schema_editor):
    from fourfold.revisions.capture import capture

    capture(
        list(MODELS),
        reason="as the milestones stood when their revisions began",
        effective={},
        now=BEGINNING,
        models_by_kind={kind: apps.get_model(*name) for kind, name in MODELS.items()},
        version_model=apps.get_model("revisions", "Version"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("revisions", "0002_baseline"),
        ("initiatives", "0001_initial"),
    ]

    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]
