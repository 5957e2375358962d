from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ponte.core"
    label = "core"
    verbose_name = _("Cities, organisations and people")

    def ready(self):
        from auditlog.registry import auditlog

        from . import signals  # noqa: F401
        from .models import Membership, Organisation, Person

        # Who gave or took a role, who created, edited or merged an organisation or a person.
        auditlog.register(Membership)
        auditlog.register(Organisation)
        auditlog.register(Person)
