from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "ponte.funding"
    label = "funding"
    verbose_name = _("EU and international funding")

    def ready(self):
        from ponte.plan.loading import register_file

        from . import audit, importers  # noqa: F401 - registration on import
        from .loading import FILE, OPEN_DATA_FILE, load_open_data, load_programmes

        register_file(FILE, load_programmes)
        register_file(OPEN_DATA_FILE, load_open_data)  # after the programmes its projects belong to
