from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiplomacyConfig(AppConfig):
    name = "ponte.diplomacy"
    label = "diplomacy"
    verbose_name = _("City diplomacy")

    def ready(self):
        from ponte.plan.loading import register_file

        from . import audit  # noqa: F401
        from .loading import FILE, load_diplomacy

        register_file(FILE, load_diplomacy)
