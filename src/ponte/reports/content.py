"""What a report says: one pass over the database for a scope (period, chapters, alignment,
programme, office), shared by the three writers (DOCX, PDF, XLSX)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from ponte.core.models import ReviewState
from ponte.core.queries import with_descendants
from ponte.diplomacy.models import Relation
from ponte.funding.models import Project
from ponte.funding.queries import FUNDED
from ponte.participation.models import Event
from ponte.plan import queries as plan_queries
from ponte.plan.cycles import Period
from ponte.plan.models import Action, ActionUpdate, Cadence, Indicator, Milestone


@dataclass
class IndicatorRow:
    indicator: Indicator
    baseline: Decimal | None
    latest: object  # IndicatorValue or None
    target: object  # IndicatorTarget or None

    @property
    def toward_target(self) -> Decimal | None:
        """Share of the way from baseline to target covered by the latest value (%)."""
        if self.latest is None or self.target is None or self.baseline is None:
            return None
        span = self.target.value - self.baseline
        if not span:
            return None
        return ((self.latest.value - self.baseline) / span * 100).quantize(Decimal("0.1"))


@dataclass
class ActionBlock:
    action: Action
    milestones: list
    updates: list
    indicators: list
    projects: list
    relations: list
    events: list

    @property
    def milestones_met(self):
        return sum(1 for m in self.milestones if m.done_date and m.done_date <= m.due_date)

    @property
    def milestones_missed(self):
        today = timezone.localdate()
        return sum(1 for m in self.milestones if (m.done_date or today) > m.due_date)

    @property
    def funds(self) -> Decimal:
        """Funds to the city from the action's projects (`Project.city_funds`)."""
        return sum((p.city_funds or Decimal(0) for p in self.projects), Decimal(0))


@dataclass
class LineBlock:
    line: object
    progress: Decimal | None
    actions: list = field(default_factory=list)


class BlockTotals:
    """Figures over `action_blocks`: a chapter's, or the whole report's."""

    @property
    def action_count(self):
        return len(self.action_blocks)

    def count(self, *statuses):
        return sum(1 for block in self.action_blocks if block.action.status in statuses)

    @property
    def late(self):
        today = timezone.localdate()
        return sum(1 for block in self.action_blocks if block.action.is_late(today))

    @property
    def milestones_met(self):
        return sum(block.milestones_met for block in self.action_blocks)

    @property
    def milestones_missed(self):
        return sum(block.milestones_missed for block in self.action_blocks)

    @property
    def updates(self):
        return sum(len(block.updates) for block in self.action_blocks)


@dataclass
class ChapterBlock(BlockTotals):
    macro: object
    progress: Decimal | None
    lines: list = field(default_factory=list)

    @property
    def action_blocks(self):
        return [block for line in self.lines for block in line.actions]

    @property
    def funds(self) -> Decimal:
        """Funds of the projects linked to the chapter's actions."""
        return sum((block.funds for block in self.action_blocks), Decimal(0))


@dataclass
class ReportContent(BlockTotals):
    city: object
    plan: object
    start: datetime.date
    end: datetime.date
    scope_notes: list
    progress: Decimal | None
    chapters: list
    projects: list  # funded projects active in the period (the scope's programme)
    relations: list
    events: list

    @property
    def action_blocks(self):
        return [block for chapter in self.chapters for block in chapter.action_blocks]

    @property
    def funds(self) -> Decimal:
        """Funds to the city from every funded project active in the period, linked to an action
        or not (`Project.city_funds`: its share of a consortium's grant, never the consortium's)."""
        return sum((p.city_funds or Decimal(0) for p in self.projects), Decimal(0))

    @property
    def eu_contribution(self) -> Decimal:
        """The EU contribution to those projects as a whole, consortia included."""
        return sum((p.eu_contribution or Decimal(0) for p in self.projects), Decimal(0))

    @property
    def sources(self) -> list:
        """The open-data sources of the projects, with the credit each asks for."""
        return sorted({p.open_data_source for p in self.projects if p.open_data_source}, key=lambda s: str(s.name))

    @property
    def budget(self) -> Decimal:
        return sum((p.total_budget or Decimal(0) for p in self.projects), Decimal(0))

    def funds_by_programme(self):
        totals = defaultdict(lambda: Decimal(0))
        for project in self.projects:
            totals[project.programme.localized_name] += project.city_funds or Decimal(0)
        return sorted(totals.items(), key=lambda item: -item[1])


def _periods_in(start, end):
    """(cadence, year, period) of every reporting period, of any cadence, that overlaps the dates."""
    found = set()
    for cadence in Cadence:
        period = Period.of(start, cadence)
        while period.start <= end:
            found.add((str(cadence), period.year, period.number))
            period = period.next()
    return found


def build(scope, *, on_progress=lambda percent: None) -> ReportContent:
    """Everything the report shows for `scope` (a Report or ReportDefinition), in a fixed
    number of queries whatever the size of the plan."""
    city = scope.city
    plan = plan_queries.current_plan(city)
    start, end = scope.start_date, scope.end_date
    notes = []
    actions = Action.objects.for_city(city).filter(line__macro_area__plan=plan)
    chapters = list(scope.macro_areas.all()) if scope.pk else []
    if chapters:
        actions = actions.filter(line__macro_area__in=chapters)
        notes.append(", ".join(str(m) for m in chapters))
    if scope.axis_item_id:
        serving = plan_queries.actions_serving(scope.axis_item).values("pk")
        actions = actions.filter(pk__in=serving)
        notes.append(f"{scope.axis_item.axis.localized_name}: {scope.axis_item}")
    if scope.office_id:
        actions = actions.filter(owner_office=scope.office)
        notes.append(str(scope.office))
    projects = (
        Project.objects.for_city(city)
        .filter(status__in=FUNDED)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=end), Q(end_date__isnull=True) | Q(end_date__gte=start))
    )
    if scope.programme_id:
        projects = projects.filter(programme_id__in=with_descendants(scope.programme))
        notes.append(str(scope.programme))
    projects = projects.select_related("programme", "city").order_by("programme__name", "title")
    period_updates = Q()
    for cadence, year, number in _periods_in(start, end):
        period_updates |= Q(cadence=cadence, year=year, period=number)
    events = Event.objects.for_city(city).filter(starts_at__date__gte=start, starts_at__date__lte=end)
    relations = Relation.objects.for_city(city).select_related("partner").prefetch_related("themes")
    on_progress(10)
    actions = list(
        actions.select_related("line__macro_area", "owner_office")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.filter(due_date__gte=start, due_date__lte=end)),
            Prefetch(
                "updates",
                # A report states what the city approved: no update awaiting review (issue 17).
                queryset=ActionUpdate.objects.filter(
                    period_updates or Q(pk__in=[]), review_state=ReviewState.APPROVED
                ).order_by("year", "period", "cadence"),
            ),
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values", "targets")),
            Prefetch("projects", queryset=projects, to_attr="period_projects"),
            Prefetch("relations", queryset=relations, to_attr="linked_relations"),
            Prefetch("events", queryset=events.order_by("starts_at"), to_attr="period_events"),
        )
        .order_by("sort_key")
    )
    on_progress(40)
    rollup = plan_queries.rollup(plan)
    by_line = defaultdict(list)
    for action in actions:
        by_line[action.line_id].append(
            ActionBlock(
                action=action,
                milestones=list(action.milestones.all()),
                updates=list(action.updates.all()),
                indicators=[_indicator_row(indicator, end) for indicator in action.indicators.all()],
                projects=action.period_projects,
                relations=action.linked_relations,
                events=action.period_events,
            )
        )
    chapter_blocks = []
    for macro in plan.macro_areas.prefetch_related("lines"):
        lines = [
            LineBlock(line=line, progress=rollup.lines.get(line.pk), actions=by_line[line.pk])
            for line in macro.lines.all()
            if by_line[line.pk]
        ]
        if lines:
            chapter_blocks.append(ChapterBlock(macro=macro, progress=rollup.macro_areas.get(macro.pk), lines=lines))
    on_progress(60)
    whole_plan = not (chapters or scope.axis_item_id or scope.office_id)
    action_ids = [action.pk for action in actions]
    return ReportContent(
        city=city,
        plan=plan,
        start=start,
        end=end,
        scope_notes=notes,
        progress=rollup.plan if whole_plan else plan_queries.weighted_mean((a.progress, a.weight) for a in actions),
        chapters=chapter_blocks,
        projects=list(projects if whole_plan else projects.filter(actions__in=action_ids).distinct()),
        relations=list(relations if whole_plan else relations.filter(actions__in=action_ids).distinct()),
        events=list((events if whole_plan else events.filter(action__in=action_ids)).select_related("series")),
    )


def _indicator_row(indicator, end):
    values = [v for v in indicator.values.all() if v.reference_date <= end]
    targets = [t for t in indicator.targets.all() if t.target_date >= end] or list(indicator.targets.all())[-1:]
    return IndicatorRow(
        indicator=indicator,
        baseline=indicator.baseline_value,
        latest=values[-1] if values else None,
        target=targets[0] if targets else None,
    )
