"""The back office's dashboard: plan progress, actions that need attention, funding, the
deadlines (overdue and of the coming 90 days, `deadlines.for_city`) and the activity of
international relations."""

from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from ponte.diplomacy.models import Mission, Relation
from ponte.funding.models import CITY_FUNDS, Project
from ponte.funding.queries import FUNDED
from ponte.plan import queries as plan_queries
from ponte.plan import schedule
from ponte.plan.models import Axis, late_condition

from . import deadlines
from .figures import totals


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
        # Planned against actual (issue 17): the actions of the plan by computed status.
        "schedule": schedule.rag_counts(plan_queries.action_list(city).filter(line__macro_area__plan=plan), today)
        if plan
        else {},
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
        "deadlines": deadlines.for_city(city, today),
        "relations": [{"label": label, "value": relations.get(value, 0)} for value, label in Relation.Status.choices],
        "missions": [{"label": str(row["year"]), "value": row["n"]} for row in missions],
    }


def _number(value):
    return None if value is None else float(Decimal(value))
