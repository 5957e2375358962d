from django.apps import AppConfig


class FedsiteConfig(AppConfig):
    name = "fedsite"
    default_auto_field = "django.db.models.AutoField"
