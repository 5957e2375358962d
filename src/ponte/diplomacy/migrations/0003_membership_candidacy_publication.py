from django.db import migrations, models


def publish_what_the_plan_says(apps, schema_editor):
    """The plan is a public document: memberships and candidacies loaded from it (they carry
    the place in the plan they come from) are published; rows staff entered by hand stay drafts
    until staff publish them, since they were never shown before."""
    for name in ("NetworkMembership", "Candidacy"):
        apps.get_model("diplomacy", name).objects.exclude(source="").update(publication="published")


class Migration(migrations.Migration):
    dependencies = [
        ("diplomacy", "0002_relation_publication"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidacy",
            name="publication",
            field=models.CharField(
                choices=[("draft", "Draft"), ("published", "Published")],
                db_index=True,
                default="draft",
                max_length=10,
                verbose_name="publication",
            ),
        ),
        migrations.AddField(
            model_name="networkmembership",
            name="publication",
            field=models.CharField(
                choices=[("draft", "Draft"), ("published", "Published")],
                db_index=True,
                default="draft",
                max_length=10,
                verbose_name="publication",
            ),
        ),
        migrations.RunPython(publish_what_the_plan_says, migrations.RunPython.noop),
    ]
