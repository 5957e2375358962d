"""Reads of plan data: querysets with their joins, and the progress roll-up."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Q, Sum
from django.utils import timezone

from ponte.core.models import Publication
from ponte.core.queries import with_descendants

from .models import (
    Action,
    ActionUpdate,
    AxisItem,
    Indicator,
    Line,
    MacroArea,
    Milestone,
    Plan,
)


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


def _decimal(value) -> Decimal:
    # SQLite sums decimals as floats: through their text, so 12.5 stays 12.5
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def _mean(weighted, weights) -> Decimal | None:
    """Σ value × weight ÷ Σ weight as summed by the database, rounded as `weighted_mean`."""
    return weighted_mean([(_decimal(weighted) / _decimal(weights), 1)]) if weights else None


def _weighted_progress(prefix=""):
    return ExpressionWrapper(F(f"{prefix}progress") * F(f"{prefix}weight"), output_field=DecimalField())


def rollup(plan: Plan, *, macro_area: MacroArea | None = None) -> Rollup:
    """The roll-up in three queries whatever the size of the plan: the database sums each line's
    actions (Σ progress × weight and Σ weight, from the `action_line_rollup` index alone on
    PostgreSQL), Python weighs the few lines and macro areas. With `macro_area`, only that macro
    area and its lines (`plan` is then left None)."""
    lines = Line.objects.filter(macro_area__plan=plan)
    if macro_area is not None:
        lines = lines.filter(macro_area=macro_area)
    lines = list(lines.values_list("id", "weight", "macro_area_id"))
    sums = {
        line_id: (weighted, weights)
        for line_id, weighted, weights in Action.objects.filter(line_id__in=[line_id for line_id, *_ in lines])
        .order_by()
        .values("line_id")
        .annotate(weighted=Sum(_weighted_progress()), weights=Sum("weight"))
        .values_list("line_id", "weighted", "weights")
    }
    result = Rollup()
    by_macro = defaultdict(list)
    for line_id, weight, macro_id in lines:
        result.lines[line_id] = _mean(*sums.get(line_id, (None, None)))
        by_macro[macro_id].append((result.lines[line_id], weight))
    if macro_area is not None:
        result.macro_areas[macro_area.pk] = weighted_mean(by_macro[macro_area.pk])
        return result
    macro_pairs = []
    for macro_id, weight in MacroArea.objects.filter(plan=plan).values_list("id", "weight"):
        result.macro_areas[macro_id] = weighted_mean(by_macro[macro_id])
        macro_pairs.append((result.macro_areas[macro_id], weight))
    result.plan = weighted_mean(macro_pairs)
    return result


def current_plan(city) -> Plan | None:
    return Plan.objects.for_city(city).order_by("-start_year").first()


def plan_tree(plan: Plan, actions_per_line: int = 5):
    """Macro areas with their lines, each line with its number of actions (`action_count`) and
    its first `actions_per_line` actions (`first_actions`): three queries, and a page whose size
    does not grow with the plan (a line's other actions are in the action list, by line)."""
    first = Action.objects.select_related("city", "owner_office").order_by("sort_key")[:actions_per_line]
    return plan.macro_areas.prefetch_related(
        Prefetch(
            "lines",
            queryset=Line.objects.annotate(action_count=Count("actions")).prefetch_related(
                Prefetch("actions", queryset=first, to_attr="first_actions")
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
            Prefetch(
                "updates",
                queryset=ActionUpdate.objects.select_related("author").prefetch_related("values__indicator"),
            ),
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


def aligned_to(queryset, items):
    """Rows of `queryset` (actions, projects: a model with `alignments`) aligned themselves to
    one of `items`, as a semi-join (no join that repeats a row, so no DISTINCT)."""
    through = queryset.model.alignments.through
    owner = f"{queryset.model._meta.model_name}_id"
    return queryset.filter(pk__in=through.objects.filter(axisitem__in=items).values(owner))


def item_and_children(item: AxisItem):
    """The item and its sub-items, for a filter where SDG 11 also finds what is aligned to 11.2
    (an accepted SDG suggestion adds the targets alone)."""
    return AxisItem.objects.filter(Q(pk=item.pk) | Q(parent=item))


def serving_condition(ids) -> Q:
    """Actions tagged with one of the items `ids`, directly or through their line or macro area,
    as semi-joins (no join that repeats an action, so no DISTINCT and a cheap count)."""
    return (
        Q(pk__in=Action.alignments.through.objects.filter(axisitem__in=ids).values("action_id"))
        | Q(line__in=Line.alignments.through.objects.filter(axisitem__in=ids).values("line_id"))
        | Q(line__macro_area__in=MacroArea.alignments.through.objects.filter(axisitem__in=ids).values("macroarea_id"))
    )


def actions_serving(item: AxisItem):
    """Actions tagged with the item (or one of its sub-items), directly or through their line
    or macro area: “which actions serve SDG 11?”."""
    return action_list(item.city).filter(serving_condition(items_with_descendants(item)))


def _serving_pairs(axis):
    """SQL and parameters of the (item, action) pairs of an axis: actions tagged with the item
    themselves, through their line or through their macro area."""
    parts = [
        Action.alignments.through.objects.filter(axisitem__axis=axis).values_list("axisitem_id", "action_id"),
        Line.alignments.through.objects.filter(axisitem__axis=axis).values_list("axisitem_id", "line__actions__id"),
        MacroArea.alignments.through.objects.filter(axisitem__axis=axis).values_list(
            "axisitem_id", "macroarea__lines__actions__id"
        ),
    ]
    compiled = [part.order_by().query.sql_with_params() for part in parts]
    return " UNION ".join(sql for sql, _params in compiled), [param for _sql, params in compiled for param in params]


def axis_summary(axis, *, published_only=False):
    """Items of an axis, each with `action_count`, `progress` and `depth`, in three queries
    whatever the size of the plan: actions count for an item when they, their line or their
    macro area carry the item or one of its sub-items; the database counts and sums them per
    item (the tree of the axis, a few hundred items, is joined as a list of (item, ancestor)
    pairs). The public portal counts published actions only."""
    items = list(axis.items.select_related("city", "axis"))
    if not items:
        return []
    parents = {item.pk: item.parent_id for item in items}
    closure = []
    for pk in parents:
        ancestor = pk
        while ancestor is not None:
            closure.append((pk, ancestor))
            ancestor = parents.get(ancestor)
    pairs_sql, pairs_params = _serving_pairs(axis)
    quote = connection.ops.quote_name
    action = quote(Action._meta.db_table)
    published = f" AND a.{quote('publication')} = %s" if published_only else ""
    # Only quoted names of our own tables and placeholders go into the text; values are parameters.
    sql = f"""
        WITH closure (item_id, ancestor_id) AS (VALUES {", ".join(["(%s, %s)"] * len(closure))}),
        tagged (item_id, action_id) AS ({pairs_sql})
        SELECT served.ancestor_id, COUNT(*), SUM(a.{quote("progress")} * a.{quote("weight")}), SUM(a.{quote("weight")})
        FROM (
            SELECT DISTINCT closure.ancestor_id, tagged.action_id
            FROM tagged INNER JOIN closure ON closure.item_id = tagged.item_id
        ) served
        INNER JOIN {action} a ON a.{quote("id")} = served.action_id
        WHERE a.{quote("city_id")} = %s{published}
        GROUP BY served.ancestor_id
    """  # noqa: S608
    params = [value for pair in closure for value in pair] + pairs_params + [axis.city_id]
    if published_only:
        params.append(Publication.PUBLISHED)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        served = {item_id: (count, weighted, weights) for item_id, count, weighted, weights in cursor.fetchall()}
    children = defaultdict(list)
    for item in items:
        children[item.parent_id].append(item)

    def walk(parent_id, depth):
        for item in children[parent_id]:
            count, weighted, weights = served.get(item.pk, (0, None, None))
            item.depth, item.action_count = depth, count
            item.progress = _mean(weighted, weights)
            yield item
            yield from walk(item.pk, depth + 1)

    return list(walk(None, 0))


def count_and_progress(actions) -> tuple[int, Decimal | None]:
    """How many actions and their weighted progress, in one aggregate query."""
    summary = actions.order_by().aggregate(count=Count("pk"), weighted=Sum(_weighted_progress()), weights=Sum("weight"))
    return summary["count"], _mean(summary["weighted"], summary["weights"])


def progress_of(actions) -> Decimal | None:
    return count_and_progress(actions)[1]


def updates_owed(actions, today) -> dict:
    """THE rule of the updates to write, shared by "Updates to write", the homes, the dashboard
    and the deadlines: {action pk: (period, due date)} of the update each action owes next — the
    last ended period not yet reported, else the current one (`cycles.next_due`) — when the
    action owes it (`cycles.owes`) and has not reported it yet. An update sent back by the
    reviewer is still owed. The actions come with `line__macro_area__plan`; three queries
    whatever their number."""
    from ponte.core.models import ReviewState

    from .cycles import cycles_for, next_due, owes

    actions = list(actions)
    if not actions:
        return {}
    by_action = cycles_for(actions)
    reported = defaultdict(set)
    rows = (
        ActionUpdate.objects.filter(action__in=[a.pk for a in actions], year__gte=today.year - 1)
        .exclude(review_state=ReviewState.RETURNED)
        .values_list("action_id", "cadence", "year", "period")
    )
    for action_id, cadence, year, number in rows:
        reported[action_id, cadence].add((year, number))
    owed = {}
    for action in actions:
        cycle = by_action[action.pk]
        done = reported[action.pk, cycle.cadence]
        period, due = next_due(cycle, today, done, action)
        if (period.year, period.number) not in done and owes(cycle, period, action):
            owed[action.pk] = (period, due)
    return owed


def running_actions(city):
    return action_list(city).exclude(status__in=[Action.Status.COMPLETED, Action.Status.SUSPENDED])


def actions_due_update(city, today=None):
    """Running actions that owe an update (`updates_owed`): the period due now, late, or the
    current one when the last ended is reported. Four queries whatever the number of actions."""
    today = today or timezone.localdate()
    running = running_actions(city)
    actions = Action.objects.filter(pk__in=running.values("pk")).select_related("line__macro_area__plan")
    return running.filter(pk__in=list(updates_owed(actions, today)))


def overdue_milestones(city):
    return (
        Milestone.objects.for_city(city)
        .filter(done_date__isnull=True, due_date__lt=timezone.localdate())
        .select_related("action__city", "action__owner_office", "action__responsible")
    )
