"""Blank the cities' and organisations' websites stored before web addresses were checked
(issue 14) as `javascript:`, `data:` or `vbscript:` links; prints how many. Nothing to undo."""

from django.db import migrations


def clear_unsafe_links(apps, schema_editor):
    from ponte.core.unsafe_links import clear_unsafe_links

    clear_unsafe_links(apps.get_model("core", "City"), ["website"])
    clear_unsafe_links(apps.get_model("core", "Organisation"), ["website"])


class Migration(migrations.Migration):
    dependencies = [("core", "0016_sign_on_link")]

    operations = [migrations.RunPython(clear_unsafe_links, migrations.RunPython.noop, elidable=True)]
