"""The planned-against-actual panel of an action's page (issue 17): expected progress today
against the progress reached, the computed status and why, and the actions it depends on."""

from django import template
from django.utils import timezone

from .. import dependencies, schedule
from ..models import Action

register = template.Library()


def _related(queryset):
    return list(queryset.select_related("city", "line__macro_area__plan").prefetch_related("milestones"))


@register.inclusion_tag("plan/_rag.html")
def action_rag(action):
    """The computed status of an action, to sit beside the status its editors set."""
    return {"assessment": schedule.assess(action, timezone.localdate())}


@register.inclusion_tag("plan/_schedule_panel.html", takes_context=True)
def action_schedule(context, action):
    """In a constant number of queries: the action's own milestones and plan as its page read
    them, two for the actions it depends on and two for those depending on it."""
    today = timezone.localdate()
    needed = _related(action.depends_on.all())
    needed_by = _related(action.dependents.all())
    assessments = schedule.assess_actions(needed + needed_by, today)
    plan = action.line.macro_area.plan
    return {
        "action": action,
        "city": action.city,
        "plan": plan,
        "can_edit": context.get("can_edit"),
        "can_manage_plan": context.get("can_manage_plan"),
        "assessment": schedule.assess(action, today, plan),
        "needed": [(other, assessments[other.pk]) for other in needed],
        "needed_by": [(other, assessments[other.pk]) for other in needed_by],
        "warnings": dependencies.warnings(action, needed, today, assessments),
        "completed": Action.Status.COMPLETED,
    }
