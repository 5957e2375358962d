"""`{{ item|status_badge }}`: the status of an action, project, call, relation, network
membership or candidacy as a badge whose colour says the kind of state and whose text says
the state itself (colour is never the only signal).

One table, `TONES`, maps each model's statuses to one of a few tones; the tones' colours are
in ponte.css (`.ponte-tone-*`), each with text at WCAG AA contrast, and the statuses of one
model never share a tone, so two different states never look alike."""

from django import template
from django.utils.html import format_html

register = template.Library()

#: model label → status → tone (neutral, outline, info, pending, warning, success, danger, ended)
TONES = {
    "plan.action": {
        "not_started": "neutral",
        "in_progress": "info",
        "completed": "success",
        "delayed": "warning",
        "suspended": "danger",
    },
    "funding.project": {
        "idea": "outline",
        "proposal": "neutral",
        "submitted": "warning",
        "granted": "pending",
        "rejected": "danger",
        "running": "info",
        "closed": "ended",
        "audited": "success",
    },
    "funding.call": {"forthcoming": "pending", "open": "success", "closed": "ended"},
    "diplomacy.relation": {"planned": "pending", "active": "success", "dormant": "warning", "ended": "ended"},
    "diplomacy.networkmembership": {"active": "success", "ended": "ended"},
    "diplomacy.candidacy": {
        "planned": "neutral",
        "preparing": "info",
        "submitted": "pending",
        "won": "success",
        "not_won": "danger",
        "withdrawn": "ended",
    },
}


def status_tone(item) -> str:
    """The tone of an item's status; "neutral" for a model or status the table does not know."""
    return TONES.get(item._meta.label_lower, {}).get(item.status, "neutral")


@register.filter
def status_badge(item):
    if item is None or not getattr(item, "status", ""):
        return ""
    return format_html(
        '<span class="badge ponte-status ponte-tone-{}" data-status="{}">{}</span>',
        status_tone(item),
        item.status,
        item.get_status_display(),
    )
