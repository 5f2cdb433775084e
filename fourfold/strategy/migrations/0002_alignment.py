"""Alignment many to many: each objective's one `aligned_to` becomes an Alignment row."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def forward(apps: Any, schema_editor: Any) -> None:
    objective = apps.get_model("strategy", "Objective")
    alignment = apps.get_model("strategy", "Alignment")
    rows = objective.objects.exclude(old_aligned_to=None).values_list(
        "pk", "old_aligned_to_id", "old_contributes"
    )
    alignment.objects.bulk_create(
        alignment(child_id=child, parent_id=parent, contributes=contributes)
        for child, parent, contributes in rows
    )


def backward(apps: Any, schema_editor: Any) -> None:
    objective = apps.get_model("strategy", "Objective")
    alignment = apps.get_model("strategy", "Alignment")
    # One alignment per objective is all the old shape holds: the first one.
    seen: set[int] = set()
    for row in alignment.objects.order_by("child_id", "order", "pk"):
        if row.child_id not in seen:
            seen.add(row.child_id)
            objective.objects.filter(pk=row.child_id).update(
                old_aligned_to_id=row.parent_id, old_contributes=row.contributes
            )


class Migration(migrations.Migration):
    dependencies = [("strategy", "0001_initial")]

    operations = [
        migrations.RenameField("objective", "aligned_to", "old_aligned_to"),
        migrations.RenameField("objective", "contributes", "old_contributes"),
        migrations.CreateModel(
            name="Alignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "contributes",
                    models.BooleanField(
                        default=False,
                        help_text="The aligned objective's score rolls up into its parent.",
                    ),
                ),
                ("weight", models.FloatField(blank=True, null=True)),
                ("order", models.PositiveIntegerField(default=0)),
                (
                    "child",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="serves",
                        to="strategy.objective",
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="served_by",
                        to="strategy.objective",
                    ),
                ),
            ],
            options={"ordering": ["child", "order", "pk"]},
        ),
        migrations.AddConstraint(
            model_name="alignment",
            constraint=models.UniqueConstraint(fields=("child", "parent"), name="aligned_once"),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField("objective", "old_contributes"),
        migrations.RemoveField("objective", "old_aligned_to"),
        migrations.AddField(
            model_name="objective",
            name="aligned_to",
            field=models.ManyToManyField(
                blank=True,
                related_name="aligned",
                through="strategy.Alignment",
                through_fields=("child", "parent"),
                to="strategy.objective",
            ),
        ),
    ]
