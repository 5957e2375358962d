"""The back office's dashboard: plan progress, actions that need attention, funding, the
deadlines of the coming weeks and the activity of international relations."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.diplomacy.models import Candidacy, Mission, Relation
from ponte.funding.models import CITY_FUNDS, Call, Project, ProjectMilestone
from ponte.funding.queries import FUNDED
from ponte.plan import queries as plan_queries
from ponte.plan.models import Axis, Milestone, late_condition

from .figures import totals

HORIZON_DAYS = 90


@dataclass(frozen=True)
class Deadline:
    day: datetime.date
    kind: str
    title: str
    url: str


def build(city, axis_slug: str = "sdg") -> dict:
    plan = plan_queries.current_plan(city)
    rollup = plan_queries.rollup(plan) if plan else None
    today = timezone.localdate()
    macro_areas = list(plan.macro_areas.all()) if plan else []
    axes = list(Axis.objects.for_city(city))
    axis = next((a for a in axes if a.slug == axis_slug), axes[0] if axes else None)
    goals = [item for item in plan_queries.axis_summary(axis) if item.depth == 0] if axis else []
    late = plan_queries.action_list(city).filter(late_condition(today)).order_by("sort_key")
    funded = Project.objects.for_city(city).filter(status__in=FUNDED)
    by_programme = list(
        funded.values("programme__name").annotate(total=Sum(CITY_FUNDS), n=Count("pk")).order_by("-total")
    )
    by_year = list(
        funded.exclude(start_date=None)
        .annotate(year=ExtractYear("start_date"))
        .values("year")
        .annotate(total=Sum(CITY_FUNDS), n=Count("pk"))
        .order_by("year")
    )
    relations = dict(
        Relation.objects.for_city(city).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    missions = list(
        Mission.objects.for_city(city)
        .exclude(start_date=None)
        .annotate(year=ExtractYear("start_date"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("year")
    )
    return {
        "axes": axes,
        "axis": axis,
        "totals": totals(city),
        "progress": [
            {"label": f"{m.code}. {m.title}", "value": _number(rollup.macro_areas.get(m.pk))} for m in macro_areas
        ],
        "goals": [
            {"label": f"{g.code} {g.localized_name}", "value": _number(g.progress), "actions": g.action_count}
            for g in goals
            if g.action_count
        ],
        "late": list(late[:50]),
        "without_update": list(plan_queries.actions_due_update(city).order_by("sort_key")[:50]),
        "without_update_count": plan_queries.actions_due_update(city).count(),
        "by_programme": [
            {"label": row["programme__name"], "value": _number(row["total"]), "projects": row["n"]}
            for row in by_programme
        ],
        "by_year": [
            {"label": str(row["year"]), "value": _number(row["total"]), "projects": row["n"]} for row in by_year
        ],
        "deadlines": deadlines(city, today),
        "relations": [{"label": label, "value": relations.get(value, 0)} for value, label in Relation.Status.choices],
        "missions": [{"label": str(row["year"]), "value": row["n"]} for row in missions],
    }


def _number(value):
    return None if value is None else float(Decimal(value))


def deadlines(city, today, days=HORIZON_DAYS) -> list[Deadline]:
    """Calls, milestones, project reporting and candidacies due in the coming `days`."""
    until = today + datetime.timedelta(days=days)
    found = defaultdict(list)
    for call in Call.objects.for_city(city).filter(deadline__gte=today, deadline__lte=until).select_related("city"):
        found[call.deadline].append(Deadline(call.deadline, _("Call"), str(call), call.get_absolute_url()))
    milestones = Milestone.objects.filter(
        action__city=city, done_date=None, due_date__gte=today, due_date__lte=until
    ).select_related("action__city")
    for m in milestones:
        found[m.due_date].append(
            Deadline(m.due_date, _("Milestone"), f"{m.action.code} {m.title}", m.action.get_absolute_url())
        )
    reporting = ProjectMilestone.objects.filter(
        project__city=city, done_date=None, due_date__gte=today, due_date__lte=until
    ).select_related("project__city")
    for m in reporting:
        found[m.due_date].append(
            Deadline(m.due_date, m.get_kind_display(), f"{m.project}: {m.title}", m.project.get_absolute_url())
        )
    candidacies = Candidacy.objects.for_city(city).filter(deadline__gte=today, deadline__lte=until)
    listed = reverse("diplomacy:candidacy-list", kwargs={"city": city.slug})
    for c in candidacies:
        found[c.deadline].append(Deadline(c.deadline, _("Candidacy"), c.title, listed))
    return [item for day in sorted(found) for item in found[day]]
