"""An accepted goal joins the alignment through its targets alone (a target implies its goal), so
every place that asks "what serves SDG 11?" counts an item aligned to 11.2: the axis pages (counts
and progress, back office and portal), the back office's action filter, the portal's project theme
filter and the API's `alignment=sdg:11`."""

import pytest

from ponte.core.tokens import create_api_token
from ponte.factories import ActionFactory, LineFactory
from ponte.funding.models import Project
from ponte.funding.tests.factories import ProjectFactory
from ponte.plan import queries
from ponte.plan.filters import ActionFilter
from ponte.plan.models import Action, AxisItem
from ponte.portal.filters import PublicProjectFilter


@pytest.fixture
def goal(sdg_axis):
    return AxisItem.objects.get(axis=sdg_axis, code="11")


@pytest.fixture
def through_target(city, goal):
    line = LineFactory(city=city)
    action = ActionFactory(line=line, code="1.1.1", progress=40)
    action.alignments.add(AxisItem.objects.get(axis=goal.axis, code="11.2"))
    both = ActionFactory(line=line, code="1.1.2", progress=60)
    both.alignments.add(goal, AxisItem.objects.get(axis=goal.axis, code="11.3"))  # listed once
    ActionFactory(line=line, code="1.1.3")  # aligned to nothing
    return action, both


def test_the_axis_counts_an_action_aligned_to_a_target_for_its_goal(goal, through_target):
    summary = {item.code: item for item in queries.axis_summary(goal.axis)}
    assert summary["11"].action_count == 2 and summary["11.2"].action_count == 1
    assert {a.code for a in queries.actions_serving(goal)} == {"1.1.1", "1.1.2"}


def test_the_back_offices_action_filter_finds_it_under_its_goal(city, goal, through_target):
    found = ActionFilter(data={"alignment": goal.pk}, queryset=Action.objects.for_city(city), city=city).qs
    assert sorted(a.code for a in found) == ["1.1.1", "1.1.2"]


def test_the_portals_theme_filter_finds_a_project_aligned_to_a_target(city, goal):
    project = ProjectFactory(programme__city=city)
    project.alignments.add(AxisItem.objects.get(axis=goal.axis, code="11.a"))
    ProjectFactory(programme__city=city)
    found = PublicProjectFilter(data={"theme": goal.pk}, queryset=Project.objects.for_city(city), city=city).qs
    assert list(found) == [project]


def test_the_api_filters_actions_by_goal_including_its_targets(client, city, goal, through_target, users):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {create_api_token(user=users['owner'])[1]}"
    rows = client.get(f"/api/v1/{city.slug}/actions/", {"alignment": "sdg:11"}).json()["results"]
    assert sorted(row["code"] for row in rows) == ["1.1.1", "1.1.2"]
    rows = client.get(f"/api/v1/{city.slug}/actions/", {"alignment": "sdg:11.2"}).json()["results"]
    assert [row["code"] for row in rows] == ["1.1.1"]
