"""Helpers for data migrations."""

from django.db import migrations


def publish_existing(app_label: str, *model_names: str) -> migrations.RunPython:
    """Rows that existed before publication was a choice were public: keep them published."""

    def forwards(apps, schema_editor):
        for name in model_names:
            apps.get_model(app_label, name).objects.update(publication="published")

    return migrations.RunPython(forwards, migrations.RunPython.noop)
