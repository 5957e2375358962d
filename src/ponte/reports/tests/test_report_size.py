"""A report's content costs a fixed number of queries whatever the size of the plan (issue 16:
the yearly report grew faster than the plan), for the whole plan and for a narrowed scope."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.diplomacy.models import Relation
from ponte.factories import (
    ActionFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    LineFactory,
    MilestoneFactory,
    OrganisationFactory,
)
from ponte.funding.tests.factories import ProgrammeFactory, ProjectFactory
from ponte.participation.models import Event
from ponte.plan.models import ActionUpdate, IndicatorTarget
from ponte.reports import content
from ponte.reports.models import Report


@pytest.fixture
def plan_of(city, office):
    """A plan of two macro areas that `grow(n)` extends by n actions, each with a milestone, an
    indicator with a value and a target, an update, a funded project, a relation and an event."""
    first = LineFactory(city=city)
    second = LineFactory(city=city, macro_area__plan=first.macro_area.plan)
    programme = ProgrammeFactory(city=city)
    added = []

    def grow(n):
        for i in range(n):
            number = len(added)
            action = ActionFactory(
                line=(first, second)[number % 2], status="in_progress", progress=number % 100, owner_office=office
            )
            MilestoneFactory(action=action, due_date=datetime.date(2025, 1 + number % 12, 1))
            indicator = IndicatorFactory(action=action)
            IndicatorValueFactory(indicator=indicator, reference_date=datetime.date(2025, 6, 30))
            IndicatorTarget.objects.create(
                city=city, indicator=indicator, value=100, target_date=datetime.date(2026, 12, 31)
            )
            ActionUpdate.objects.create(city=city, action=action, year=2025, period=1 + i % 2, text="Fatto.")
            project = ProjectFactory(
                programme=programme, status="running", eu_contribution=1000, start_date=datetime.date(2025, 1, 1)
            )
            project.actions.add(action)
            partner = OrganisationFactory(city=city, kind="city", country="FR")
            Relation.objects.create(city=city, partner=partner, kind="twinning").actions.add(action)
            Event.objects.create(
                city=city,
                action=action,
                title=f"Incontro {number}",
                starts_at=timezone.make_aware(datetime.datetime(2025, 5, 1 + number % 28, 18)),
            )
            added.append(action)

    return grow, first.macro_area, programme


def queries_of(scope):
    with CaptureQueriesContext(connection) as captured:
        data = content.build(scope)
    return len(captured), data


@pytest.mark.parametrize("narrowed", [False, True], ids=["whole plan", "macro area, office and programme"])
def test_the_content_takes_the_same_queries_for_3_and_30_actions(city, office, plan_of, narrowed):
    grow, macro_area, programme = plan_of
    scope = Report(city=city, start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2025, 12, 31))
    if narrowed:
        scope.office, scope.programme, scope.title = office, programme, "Relazione"
        scope.save()
        scope.macro_areas.set([macro_area])
    grow(3)
    queries_of(scope)  # a first build fills the per-process caches (content types), as any worker's has
    few, data = queries_of(scope)
    assert data.action_count == (2 if narrowed else 3)
    grow(27)
    many, data = queries_of(scope)
    assert data.action_count == (15 if narrowed else 30)
    assert sum(len(block.indicators) + len(block.milestones) + len(block.events) for block in data.action_blocks) == (
        3 * data.action_count
    )
    assert len(data.projects) == data.action_count and len(data.relations) == data.action_count
    assert many == few
