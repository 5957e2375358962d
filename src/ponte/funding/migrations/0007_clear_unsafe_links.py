"""Blank the stored links that are no http(s) address (`javascript:`, `data:`, `vbscript:`), saved
before web addresses were checked (issue 14); prints how many. Nothing to undo."""

from django.db import migrations


def clear_unsafe_links(apps, schema_editor):
    from ponte.core.unsafe_links import clear_unsafe_links

    clear_unsafe_links(apps.get_model("funding", "Call"), ["url"])


class Migration(migrations.Migration):
    dependencies = [("funding", "0006_programme_source_codes")]

    operations = [migrations.RunPython(clear_unsafe_links, migrations.RunPython.noop, elidable=True)]
