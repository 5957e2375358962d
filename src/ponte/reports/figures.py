"""The plan's headline figures, computed once here for the report, the dashboard and the tests
that check the API and the open data say the same."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from ponte.funding.models import CITY_FUNDS, Project
from ponte.funding.queries import FUNDED
from ponte.plan import queries as plan_queries
from ponte.plan.models import Action, late_condition


@dataclass(frozen=True)
class Totals:
    actions: int
    completed: int
    in_progress: int
    late: int  # delayed, suspended or past their end (plan.models.late_condition)
    progress: Decimal | None  # the plan's weighted progress
    funded_projects: int
    funds: Decimal  # funds to the city from the funded projects (`funding.models.city_funds_of`)
    budget: Decimal  # their total budget


def totals(city) -> Totals:
    plan = plan_queries.current_plan(city)
    counts = Action.objects.for_city(city).aggregate(
        actions=Count("pk"),
        completed=Count("pk", filter=Q(status=Action.Status.COMPLETED)),
        in_progress=Count("pk", filter=Q(status=Action.Status.IN_PROGRESS)),
        late=Count("pk", filter=late_condition(timezone.localdate())),
    )
    money = (
        Project.objects.for_city(city)
        .filter(status__in=FUNDED)
        .aggregate(n=Count("pk"), funds=Sum(CITY_FUNDS), budget=Sum("total_budget"))
    )
    return Totals(
        progress=plan_queries.rollup(plan).plan if plan else None,
        funded_projects=money["n"],
        funds=money["funds"] or Decimal(0),
        budget=money["budget"] or Decimal(0),
        **counts,
    )
