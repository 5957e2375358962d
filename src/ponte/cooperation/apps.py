from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "ponte.cooperation"
    label = "cooperation"
    verbose_name = _("Cooperation and peace")

    def ready(self):
        from auditlog.registry import auditlog

        from ponte.plan.loading import register_file

        from .loading import FILE, load_cooperation
        from .models import GoodPractice, Initiative

        register_file(FILE, load_cooperation)
        auditlog.register(Initiative, m2m_fields={"partners", "actions"})
        auditlog.register(GoodPractice)
