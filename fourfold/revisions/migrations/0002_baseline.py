"""The definitions that stand when revisions begin, as their first versions.

Stamped at the earliest moment: what the tables hold is the best knowledge of how the
definitions stood before any version was kept.
"""

import datetime as dt

from django.db import migrations

BEGINNING = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
MODELS = {
    "organization": ("strategy", "Organization"),
    "scheme": ("measures", "Scheme"),
    "unit": ("strategy", "Unit"),
    "scorecard": ("strategy", "Scorecard"),
    "perspective": ("strategy", "Perspective"),
    "objective": ("strategy", "Objective"),
    "alignment": ("strategy", "Alignment"),
    "link": ("strategy", "Link"),
    "kpi": ("measures", "KPI"),
    "initiative": ("initiatives", "Initiative"),
}


def baseline(apps, schema_editor):
    from fourfold.revisions.capture import capture

    capture(
        list(MODELS),
        reason="as the definitions stood when revisions began",
        effective={},
        now=BEGINNING,
        models_by_kind={kind: apps.get_model(*name) for kind, name in MODELS.items()},
        version_model=apps.get_model("revisions", "Version"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("revisions", "0001_initial"),
        ("strategy", "0003_organization_definitions_split"),
        ("measures", "0004_target_phase"),
        ("initiatives", "0001_initial"),
    ]

    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]
