"""An update's `semester` becomes `period`: the period's number within the year for its cadence
(month 1–12, quarter 1–4, semester 1–2, year 1). Existing rows are semestral: their number stays."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0007_monitoring_cycle"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="actionupdate", name="update_one_per_period"),
        migrations.RemoveIndex(model_name="actionupdate", name="update_latest"),
        migrations.RenameField(model_name="actionupdate", old_name="semester", new_name="period"),
        migrations.AlterField(
            model_name="actionupdate",
            name="period",
            field=models.PositiveSmallIntegerField(
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(12),
                ],
                verbose_name="period",
            ),
        ),
        migrations.AlterModelOptions(
            name="actionupdate",
            options={
                "ordering": ["-year", "-period"],
                "verbose_name": "periodic update",
                "verbose_name_plural": "periodic updates",
            },
        ),
        migrations.AddConstraint(
            model_name="actionupdate",
            constraint=models.UniqueConstraint(
                fields=("action", "cadence", "year", "period"), name="update_one_per_period"
            ),
        ),
        migrations.AddIndex(
            model_name="actionupdate",
            index=models.Index(fields=["city", "-year", "-period", "-created_at"], name="update_latest"),
        ),
    ]
