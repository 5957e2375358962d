"""Journey: planned against actual, by mouse, on a desktop and on a phone (issue 17).

A plan owner gives a milestone a heavier weight, makes one action depend on another, opens the
timeline from the menu and finds the action "In ritardo" with the reason, then filters the action
list by "In ritardo"."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ponte.browsing import axe_violations, fits_the_screen, menu, shoot
from ponte.factories import ActionFactory, LineFactory, MacroAreaFactory, MilestoneFactory, PlanFactory
from ponte.plan.models import Action

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def plan_actions(city, office):
    plan = PlanFactory(city=city, start_year=TODAY.year - 1, end_year=TODAY.year + 1, title="Piano internazionale")
    area = MacroAreaFactory(city=city, plan=plan, code="1", title="Bologna città europea")
    line = LineFactory(city=city, macro_area=area, code="1.1", title="Reti di città")

    def make(code, title, progress, start, end):
        return ActionFactory(
            line=line,
            city=city,
            code=code,
            title=title,
            owner_office=office,
            status=Action.Status.IN_PROGRESS,
            progress=progress,
            start_date=TODAY + start * DAY,
            end_date=TODAY + end * DAY,
        )

    late = make("1.1.1", "Adesione a Eurocities", 20, -60, 40)  # expected 60 %, reached 20 %
    fine = make("1.1.2", "Gemellaggi scolastici", 50, -50, 50)
    MilestoneFactory(action=fine, title="Accordo firmato", due_date=TODAY - 10 * DAY, done_date=TODAY - 12 * DAY)
    MilestoneFactory(action=fine, title="Scambio concluso", due_date=TODAY + 40 * DAY)
    # Begun years before the plan and ending after it: its bar is cut at both edges, not the axis stretched.
    make("1.1.3", "Coalizione contro il razzismo", 60, -9 * 365, 6 * 365)
    return late, fine


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_planned_against_actual(visit, city, users, plan_actions, width):
    late, fine = plan_actions
    page = visit(fine.get_absolute_url(), user=users["owner"], width=width)

    # The action's page compares the progress expected today with the progress reached.
    schedule = page.get_by_role("region", name="Previsto e realizzato")
    expect(schedule).to_contain_text("In linea")

    # A milestone weighs three times the other: the expected progress follows the weights.
    milestones = page.get_by_role("table", name="Traguardi")
    milestones.get_by_role("row", name=re.compile("Accordo firmato")).get_by_role("link", name="Modifica").click()
    weight = page.get_by_label(re.compile("^Peso"))
    expect(page.get_by_text("con pesi 1, 1 e 2")).to_be_visible()
    weight.fill("3")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("status").filter(has_text="Traguardo salvato")).to_be_visible()
    expect(milestones.get_by_role("row", name=re.compile("Accordo firmato"))).to_contain_text("3")
    assert fine.milestones.get(title="Accordo firmato").weight == Decimal("3")

    # The action depends on another: chosen in the action's form by typing.
    page.get_by_role("link", name="Modifica", exact=True).first.click()
    box = page.locator(".ts-wrapper", has=page.locator("#id_depends_on-ts-control"))
    box.locator(".ts-control").click()
    page.keyboard.type("Eurocities", delay=30)
    expect(page.locator("#id_depends_on-ts-dropdown .option")).to_have_text(["1.1.1 Adesione a Eurocities"])
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(box.locator(".item")).to_have_count(1)
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("status").filter(has_text="Salvato")).to_be_visible()
    dependencies = page.get_by_role("region", name="Dipendenze")
    expect(dependencies).to_contain_text("1.1.1 Adesione a Eurocities")
    expect(dependencies).to_contain_text("1.1.1, da cui questa azione dipende, è in ritardo: atteso 60%, raggiunto 20%")
    assert list(fine.depends_on.all()) == [late]

    # The timeline, from the menu: the late action's bar says so, with the reason.
    menu(page, "Cronoprogramma")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cronoprogramma")
    chart = page.get_by_role("region", name=re.compile("Cronoprogramma di"))
    expect(chart).to_contain_text("1. Bologna città europea")
    expect(chart).to_contain_text("1.1 Reti di città")
    late_row = chart.get_by_role("row", name=re.compile("Adesione a Eurocities"))
    expect(late_row).to_contain_text("In ritardo")
    expect(late_row.get_by_role("img")).to_have_attribute(
        "aria-label", re.compile("In ritardo, atteso 60%, raggiunto 20%")
    )
    fine_row = chart.get_by_role("row", name=re.compile("Gemellaggi scolastici"))
    expect(fine_row).to_contain_text("dipende da 1.1.1")
    # The axis is the plan's period; the older action's bar is cut at both edges, its dates written.
    expect(chart.locator("thead .ponte-tick-label")).to_have_text(
        [str(year) for year in range(TODAY.year - 1, TODAY.year + 2)]
    )
    old_row = chart.get_by_role("row", name=re.compile("Coalizione contro il razzismo"))
    expect(old_row).to_contain_text("inizia prima del periodo del piano, termina dopo il periodo del piano")
    expect(old_row.locator(".ponte-bar-cut")).to_have_count(2)
    bar = fine_row.locator("rect.ponte-bar").bounding_box()
    assert bar["width"] > 50  # a bar of 100 days on a three-year axis of 640 px, not a sliver (11 px over 2017-2032)
    fits_the_screen(page)  # the chart scrolls inside its box, not the page
    shoot(page, f"schedule-timeline-{width}")
    assert axe_violations(page) == []

    # The late action's page says why.
    late_row.get_by_role("link", name=re.compile("Adesione a Eurocities")).click()
    schedule = page.get_by_role("region", name="Previsto e realizzato")
    expect(schedule).to_contain_text("In ritardo")
    expect(schedule).to_contain_text("Atteso 60%, raggiunto 20%")
    expect(page.get_by_role("region", name="Dipendenze")).to_contain_text("1.1.2 Gemellaggi scolastici")
    shoot(page, f"schedule-action-{width}")
    assert axe_violations(page) == []

    # The action list filtered by "In ritardo".
    menu(page, "Azioni")
    page.get_by_label("Andamento").select_option(label="In ritardo")
    page.get_by_role("button", name="Applica").click()
    table = page.get_by_role("table", name="Azioni")
    expect(table.get_by_role("row")).to_have_count(2)  # the header and the late action
    expect(table).to_contain_text("Adesione a Eurocities")
    expect(table).to_contain_text("atteso 60%, raggiunto 20%")
    fits_the_screen(page)
    shoot(page, f"schedule-action-list-{width}")
