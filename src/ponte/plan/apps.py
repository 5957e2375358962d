from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "ponte.plan"
    label = "plan"
    verbose_name = _("Plan monitoring")

    def ready(self):
        from . import audit  # noqa: F401
