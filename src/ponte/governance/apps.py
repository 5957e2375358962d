from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "ponte.governance"
    label = "governance"
    verbose_name = _("Governance bodies")

    def ready(self):
        from auditlog.registry import auditlog

        from ponte.plan.loading import register_file

        from .loading import FILE, load_governance
        from .models import Body, BodyMember, Decision, Meeting

        register_file(FILE, load_governance)
        auditlog.register(Body)
        auditlog.register(BodyMember)
        auditlog.register(Meeting, m2m_fields={"invitees", "attendees"})
        auditlog.register(Decision)
