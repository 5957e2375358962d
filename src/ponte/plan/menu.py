"""The plan's entries in the back-office menu (see `ponte.core.menu`)."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ponte.core import permissions
from ponte.core.menu import Item, Panel, Row

from . import queries, risk_alerts
from .models import Action

items = [
    Item(_("Plan overview"), "plan:overview", "plan", 10),
    Item(_("My actions"), "plan:my-actions", "plan", 20),
    Item(_("Updates to write"), "plan:due", "plan", 30),
    Item(_("Actions"), "plan:action-list", "plan", 40),
    Item(_("Timeline"), "plan:timeline", "plan", 45),
    Item(_("Indicators"), "plan:indicator-list", "plan", 50),
    Item(_("Alignment"), "plan:axis-list", "plan", 60),
    Item(_("Overdue milestones"), "plan:overdue-milestones", "plan", 70),
    Item(_("Monitoring cycle"), "plan:cycle", "plan", 75),
    Item(_("Spreadsheet"), "plan:workbook", "plan", 80),
    Item(_("Schedule thresholds"), "plan:thresholds", "plan", 85),
]


def _for_person(actions, request, city):
    """An office editor's home shows their office's actions; the other roles see the city's."""
    if permissions.role(request.user, city) == permissions.Role.OFFICE_EDITOR:
        return actions.owned_by(request.user)
    return actions


def _action_rows(actions):
    return [Row(f"{a.code} {a.title}", a.get_absolute_url(), a.get_status_display()) for a in actions]


def my_actions(request, city) -> Panel:
    actions = queries.action_list(city).owned_by(request.user).exclude(status=Action.Status.COMPLETED)
    return Panel(
        gettext("My actions"),
        _action_rows(actions[:8]),
        reverse("plan:my-actions", kwargs={"city": city.slug}),
        gettext("All my actions"),
        gettext("No running action is assigned to you or your office."),
        count=actions.count(),  # counted by the database, not by reading every action
        order=10,
    )


def updates_due(request, city) -> Panel:
    actions = _for_person(queries.actions_due_update(city), request, city)
    return Panel(
        gettext("Updates due"),
        _action_rows(actions[:8]),
        reverse("plan:due", kwargs={"city": city.slug}),
        gettext("All updates due"),
        gettext("No update to write: every running action has reported the period it owes."),
        count=actions.count(),  # counted by the database, not by reading every action
        order=20,
    )


panels = [my_actions, updates_due, risk_alerts.behind_without_mitigation_panel]
