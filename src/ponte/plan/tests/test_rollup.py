"""Progress of lines, macro areas and the plan rolls up from actions, by editable weights."""

from decimal import Decimal

import pytest

from ponte.factories import ActionFactory, LineFactory, MacroAreaFactory, PlanFactory
from ponte.plan.queries import rollup


@pytest.fixture
def tree(city):
    plan = PlanFactory(city=city)
    area_a = MacroAreaFactory(city=city, plan=plan, weight=Decimal("3"))
    area_b = MacroAreaFactory(city=city, plan=plan, weight=Decimal("1"))
    line_a1 = LineFactory(city=city, macro_area=area_a, weight=Decimal("1"))
    line_a2 = LineFactory(city=city, macro_area=area_a, weight=Decimal("1"))
    line_b1 = LineFactory(city=city, macro_area=area_b)
    LineFactory(city=city, macro_area=area_b)  # a line without actions does not count
    ActionFactory(line=line_a1, progress=100, weight=Decimal("1"))
    ActionFactory(line=line_a1, progress=0, weight=Decimal("3"))
    ActionFactory(line=line_a2, progress=50)
    ActionFactory(line=line_b1, progress=20)
    return plan, area_a, area_b, line_a1, line_a2, line_b1


def test_weighted_rollup(tree):
    plan, area_a, area_b, line_a1, line_a2, line_b1 = tree
    result = rollup(plan)
    assert result.lines[line_a1.pk] == Decimal("25.0")  # (100*1 + 0*3) / 4
    assert result.lines[line_a2.pk] == Decimal("50.0")
    assert result.macro_areas[area_a.pk] == Decimal("37.5")  # (25 + 50) / 2
    assert result.macro_areas[area_b.pk] == Decimal("20.0")  # the empty line is ignored
    assert result.plan == Decimal("33.1")  # (37.5*3 + 20*1) / 4 = 33.125


def test_changing_a_weight_changes_the_rollup(tree, client, users):
    plan, area_a, area_b, *_ = tree
    client.force_login(users["owner"])
    response = client.post(
        f"/{plan.city.slug}/gestione/aree/{area_b.pk}/modifica/",
        {"title": area_b.title, "description": "", "weight": "3"},
    )
    assert response.status_code == 302
    assert rollup(plan).plan == Decimal("28.8")  # (37.5*3 + 20*3) / 6 = 28.75


@pytest.mark.parametrize("page", ["/{c}/gestione/piano/", "/{c}/piano/"])
def test_overview_shows_the_progress_of_every_level(tree, client, users, page):
    plan = tree[0]
    client.force_login(users["viewer"])  # the back office's overview is staff-only; the portal's is public
    response = client.get(page.format(c=plan.city.slug))
    assert response.status_code == 200
    content = response.content.decode()
    for shown in ("33,1%", "37,5%", "20,0%", "25,0%"):  # Italian number format
        assert shown in content
    assert "no actions yet" in content or "nessuna azione" in content
