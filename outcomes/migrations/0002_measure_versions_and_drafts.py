"""Measures become versioned drafts that are published; responses record the measure
version they were scored against; unfinished answers get a draft of their own.

Measures that existed before this migration were already in use, so they count as
published.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_measure(apps, schema_editor):
    MeasureResponse = apps.get_model("outcomes", "MeasureResponse")
    MeasurementPoint = apps.get_model("outcomes", "MeasurementPoint")
    for point in MeasurementPoint.objects.all():
        MeasureResponse.objects.filter(point=point).update(measure_id=point.measure_id)


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0001_initial"),
        ("outcomes", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="measure",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("published", "Published")],
                default="published",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("published", "Published")],
                default="draft",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="measure",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="measure",
            name="reliability_kind",
            field=models.CharField(
                choices=[
                    ("alpha", "Cronbach's alpha"),
                    ("test_retest", "Test–retest r"),
                    ("other", "Other coefficient"),
                ],
                default="alpha",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="measureresponse",
            name="measure",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="outcomes.measure",
                help_text="The measure version the answers were scored against.",
            ),
        ),
        migrations.RunPython(fill_measure, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="measureresponse",
            name="measure",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="outcomes.measure",
                help_text="The measure version the answers were scored against.",
            ),
        ),
        migrations.AddField(
            model_name="measureresponse",
            name="items_answered",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="measureresponse",
            name="prorated",
            field=models.BooleanField(
                default=False,
                help_text="Scored from the answered items (some were left blank).",
            ),
        ),
        migrations.CreateModel(
            name="ResponseDraft",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("answers", models.JSONField(blank=True, default=dict)),
                ("updated", models.DateTimeField(auto_now=True)),
                (
                    "cohort",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cohorts.cohort",
                    ),
                ),
                (
                    "point",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="drafts",
                        to="outcomes.measurementpoint",
                    ),
                ),
                (
                    "staff",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cohorts.staffmember",
                    ),
                ),
            ],
            options={
                "ordering": ["-updated"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("staff", "point", "cohort"), name="one_draft_per_point"
                    )
                ],
            },
        ),
    ]
