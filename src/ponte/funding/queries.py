"""Reads of the funding portfolio: lists with their joins, totals and reconciliation."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Prefetch

from ponte.plan.models import AxisItem

from .models import Call, Participation, Programme, Project, city_funds_of

FUNDED = (Project.Status.GRANTED, Project.Status.RUNNING, Project.Status.CLOSED, Project.Status.AUDITED)
ZERO = Decimal("0")


def project_list(city):
    return (
        Project.objects.for_city(city)
        .select_related("city", "programme", "call", "responsible_office")
        .prefetch_related("actions")
    )


def project_detail(city, pk):
    return (
        Project.objects.for_city(city)
        .select_related("city", "programme__parent", "call__city", "responsible_office")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("organisation")),
            "milestones",
            "documents",
            "transitions__user",
            Prefetch("actions", queryset=project_actions_queryset()),
            Prefetch("alignments", queryset=AxisItem.objects.select_related("axis", "city")),
        )
        .get(pk=pk)
    )


def project_actions_queryset():
    from ponte.plan.models import Action

    return Action.objects.select_related("city")


def call_list(city):
    """Calls, best fit with the plan first (unranked last), then by deadline."""
    return (
        Call.objects.for_city(city)
        .select_related("city", "programme__parent__parent", "responsible_office")
        .order_by(F("fit_score").desc(nulls_last=True), F("deadline").asc(nulls_last=True), "identifier")
    )


@dataclass
class Total:
    projects: int = 0
    total_budget: Decimal = ZERO
    eu_contribution: Decimal = ZERO
    city_funds: Decimal = ZERO

    def add(self, row):
        """Counts one project: its budget, its EU contribution and the funds to the city
        (`city_funds_of`, the measure the plan's figures use)."""
        self.projects += 1
        self.total_budget += row["total_budget"] or ZERO
        self.eu_contribution += row["eu_contribution"] or ZERO
        self.city_funds += city_funds_of(row["city_share"], row["eu_contribution"]) or ZERO


@dataclass
class ProgrammeLine:
    programme: Programme
    depth: int
    total: Total
    stated: Decimal | None = None

    @property
    def difference(self):
        """Portfolio minus the plan's figure (negative: projects still missing from Ponte)."""
        return None if self.stated is None else self.total.city_funds - self.stated


def funded_rows(city) -> list[dict]:
    """The amounts of the projects that obtained funds: read once, shared by every total."""
    return list(
        Project.objects.for_city(city)
        .filter(status__in=FUNDED)
        .values("pk", "programme_id", "programme__kind", "start_date", "total_budget", "eu_contribution", "city_share")
    )


def totals_by_programme(city, rows) -> list[ProgrammeLine]:
    """Every programme with the funded projects of its whole subtree, and the plan's figure."""
    programmes = list(
        Programme.objects.for_city(city).select_related("stated_total").prefetch_related("stated_total__values")
    )
    children = defaultdict(list)
    for programme in programmes:
        children[programme.parent_id].append(programme)
    direct = defaultdict(list)
    for row in rows:
        direct[row["programme_id"]].append(row)

    def subtree_rows(programme):
        rows = list(direct[programme.pk])
        for child in children[programme.pk]:
            rows += subtree_rows(child)
        return rows

    lines = []

    def walk(parent_id, depth):
        for programme in children[parent_id]:
            total = Total()
            for row in subtree_rows(programme):
                total.add(row)
            stated = None
            if programme.stated_total:
                latest = programme.stated_total.latest_value
                stated = latest.value if latest else programme.stated_total.baseline_value
            lines.append(ProgrammeLine(programme, depth, total, stated))
            walk(programme.pk, depth + 1)

    walk(None, 0)
    return lines


def totals_by(rows, key) -> dict:
    """Funded totals grouped by `key(row)`: e.g. kind or start year."""
    groups = defaultdict(Total)
    for row in rows:
        groups[key(row)].add(row)
    return dict(sorted(groups.items(), key=lambda item: (item[0] is None, str(item[0]))))


def totals_by_kind(rows):
    labels = dict(Programme.Kind.choices)
    return {labels[kind]: total for kind, total in totals_by(rows, lambda row: row["programme__kind"]).items()}


def totals_by_year(rows):
    return totals_by(rows, lambda row: row["start_date"].year if row["start_date"] else None)


def totals_by_macro_area(rows):
    """Funded totals per macro area of the plan actions projects serve (a project serving
    several macro areas counts in each of them)."""
    rows = {row["pk"]: row for row in rows}
    areas = defaultdict(set)
    for project_id, code, title in Project.actions.through.objects.filter(project_id__in=rows).values_list(
        "project_id", "action__line__macro_area__code", "action__line__macro_area__title"
    ):
        areas[f"{code}. {title}"].add(project_id)
    result = {}
    for area, ids in sorted(areas.items()):
        total = Total()
        for pk in ids:
            total.add(rows[pk])
        result[area] = total
    return result


def totals_by_sdg(city, rows):
    """Funded totals per SDG goal, from the alignment of projects and of the actions they serve."""
    rows = {row["pk"]: row for row in rows}
    goals = {
        item.pk: item for item in AxisItem.objects.for_city(city).filter(axis__slug="sdg").select_related("parent")
    }
    by_goal = defaultdict(set)
    links = list(
        Project.alignments.through.objects.filter(project_id__in=rows).values_list("project_id", "axisitem_id")
    )
    links += list(
        Project.actions.through.objects.filter(project_id__in=rows, action__alignments__axis__slug="sdg").values_list(
            "project_id", "action__alignments"
        )
    )
    for project_id, item_id in links:
        item = goals.get(item_id)
        if item is not None:
            goal = item.parent or item
            by_goal[goal].add(project_id)
    result = {}
    for goal, ids in sorted(by_goal.items(), key=lambda entry: int(entry[0].code)):
        total = Total()
        for pk in ids:
            total.add(rows[pk])
        result[f"{goal.code} {goal.localized_name}"] = total
    return result
