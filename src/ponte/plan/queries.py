"""Reads of plan data: querysets with their joins, and the progress roll-up."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from ponte.core.queries import with_descendants

from .models import Action, ActionUpdate, AxisItem, Indicator, Line, MacroArea, Milestone, Plan, current_period


def weighted_mean(pairs) -> Decimal | None:
    """Mean of (value, weight) pairs whose value is known; None when nothing is known."""
    known = [(Decimal(value), Decimal(weight)) for value, weight in pairs if value is not None]
    total_weight = sum((weight for _value, weight in known), Decimal(0))
    if not total_weight:
        return None
    mean = sum((value * weight for value, weight in known), Decimal(0)) / total_weight
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Rollup:
    """Progress of every level of one plan, weighted by the weights staff set."""

    plan: Decimal | None = None
    macro_areas: dict[int, Decimal | None] = field(default_factory=dict)
    lines: dict[int, Decimal | None] = field(default_factory=dict)


def rollup(plan: Plan) -> Rollup:
    by_line = defaultdict(list)
    for line_id, progress, weight in Action.objects.filter(line__macro_area__plan=plan).values_list(
        "line_id", "progress", "weight"
    ):
        by_line[line_id].append((progress, weight))
    result = Rollup()
    by_macro = defaultdict(list)
    for line_id, macro_id, weight in Line.objects.filter(macro_area__plan=plan).values_list(
        "id", "macro_area_id", "weight"
    ):
        result.lines[line_id] = weighted_mean(by_line[line_id])
        by_macro[macro_id].append((result.lines[line_id], weight))
    macro_pairs = []
    for macro_id, weight in MacroArea.objects.filter(plan=plan).values_list("id", "weight"):
        result.macro_areas[macro_id] = weighted_mean(by_macro[macro_id])
        macro_pairs.append((result.macro_areas[macro_id], weight))
    result.plan = weighted_mean(macro_pairs)
    return result


def current_plan(city) -> Plan | None:
    return Plan.objects.for_city(city).order_by("-start_year").first()


def plan_tree(plan: Plan):
    """Macro areas with their lines and actions, in three queries whatever the size."""
    return plan.macro_areas.prefetch_related(
        Prefetch(
            "lines",
            queryset=Line.objects.prefetch_related(
                Prefetch("actions", queryset=Action.objects.select_related("city", "owner_office"))
            ),
        )
    )


def alignments_prefetch():
    """Alignment items with what their links and labels need (axis, city)."""
    return Prefetch("alignments", queryset=AxisItem.objects.select_related("axis", "city"))


def action_list(city):
    return Action.objects.for_city(city).with_tree().prefetch_related(alignments_prefetch())


def action_detail(city, code):
    return (
        Action.objects.for_city(city)
        .with_tree()
        .prefetch_related(
            "partners",
            alignments_prefetch(),
            "milestones",
            "documents",
            Prefetch("updates", queryset=ActionUpdate.objects.select_related("author")),
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values", "targets")),
        )
        .get(code=code)
    )


def indicator_list(city):
    return (
        Indicator.objects.for_city(city)
        .select_related("city", "plan", "macro_area", "line", "action__owner_office", "owner_office")
        .prefetch_related("values", "targets")
    )


def items_with_descendants(item: AxisItem) -> list[int]:
    return with_descendants(item)


def actions_serving(item: AxisItem):
    """Actions tagged with the item (or one of its sub-items), directly or through their line
    or macro area: “which actions serve SDG 11?”."""
    ids = items_with_descendants(item)
    return (
        action_list(item.city)
        .filter(Q(alignments__in=ids) | Q(line__alignments__in=ids) | Q(line__macro_area__alignments__in=ids))
        .distinct()
    )


def axis_summary(axis, *, published_only=False):
    """Items of an axis, each with `action_count`, `progress` and `depth`, in a fixed number
    of queries: actions count for an item when they, their line or their macro area carry
    the item or one of its sub-items. The public portal counts published actions only."""
    items = list(axis.items.select_related("city", "axis"))
    city = axis.city
    counted = Action.objects.for_city(city)
    if published_only:
        counted = counted.published()
    actions = {
        pk: (line_id, macro_id, progress, weight)
        for pk, line_id, macro_id, progress, weight in counted.values_list(
            "pk", "line_id", "line__macro_area_id", "progress", "weight"
        )
    }
    direct = defaultdict(set)
    for action_id, item_id in Action.alignments.through.objects.filter(
        axisitem__axis=axis, action_id__in=counted.values("pk")
    ).values_list("action_id", "axisitem_id"):
        direct[item_id].add(action_id)
    for model, index in ((Line, 0), (MacroArea, 1)):
        owner = f"{model._meta.model_name}_id"
        for node_id, item_id in model.alignments.through.objects.filter(axisitem__axis=axis).values_list(
            owner, "axisitem_id"
        ):
            direct[item_id] |= {pk for pk, row in actions.items() if row[index] == node_id}
    children = defaultdict(list)
    for item in items:
        children[item.parent_id].append(item)

    def serving(item):
        found = set(direct[item.pk])
        for child in children[item.pk]:
            found |= serving(child)
        return found

    def walk(parent_id, depth):
        for item in children[parent_id]:
            ids = serving(item)
            item.depth, item.action_count = depth, len(ids)
            item.progress = weighted_mean((actions[pk][2], actions[pk][3]) for pk in ids)
            yield item
            yield from walk(item.pk, depth + 1)

    return list(walk(None, 0))


def progress_of(actions) -> Decimal | None:
    return weighted_mean(actions.values_list("progress", "weight"))


def actions_due_update(city, period=None):
    """Actions still running that have no narrative update for the period (default: now)."""
    year, semester = period or current_period()
    return (
        action_list(city)
        .exclude(status__in=[Action.Status.COMPLETED, Action.Status.SUSPENDED])
        .exclude(updates__year=year, updates__semester=semester)
    )


def overdue_milestones(city):
    return (
        Milestone.objects.for_city(city)
        .filter(done_date__isnull=True, due_date__lt=timezone.localdate())
        .select_related("action__city", "action__owner_office", "action__responsible")
    )
