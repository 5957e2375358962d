"""`{% risk_alert action %}`: the alert on an action's page when it is behind and nobody is
mitigating it (`ponte.plan.risk_alerts`)."""

from django import template
from django.utils import timezone

from ..risk_alerts import is_flagged

register = template.Library()


@register.inclusion_tag("plan/_risk_alert.html")
def risk_alert(action):
    return {"action": action, "flagged": is_flagged(action, timezone.localdate())}
