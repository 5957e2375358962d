"""Journey in Chromium at 1366 px and 375 px (issue 15): an EU funds officer says where a project
happens (a quartiere, an address, its coordinates) on the project's form, and a citizen finds it
on the portal's map of projects, its marker leading to its page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.funding.models import Area, Project
from ponte.funding.tests.factories import ProgrammeFactory, ProjectFactory

from .test_journey_project_partners import choose

OVERLAPS = (Path(__file__).parents[2] / "core" / "tests" / "overlaps.js").read_text()
RING = [[11.23, 44.42], [11.43, 44.42], [11.43, 44.56], [11.23, 44.56], [11.23, 44.42]]


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_an_officer_places_a_project_and_a_citizen_finds_it_on_the_map(visit, users, city, width):
    Area.objects.create(city=city, level="comune", name=city.name, rings=[RING], source="ISTAT (CC BY 4.0)")
    programme = ProgrammeFactory(city=city, slug="interreg", name="Interreg Europe", kind="direct")
    project = ProjectFactory(city=city, programme=programme, title="Casa di quartiere", acronym="", status="running")
    page = visit(f"/{city.slug}/gestione/fondi/progetti/{project.pk}/modifica/", user=users["funds"], width=width)
    choose(page, "^Localizzazione", "Un indirizzo")
    page.get_by_label("Luogo", exact=False).first.fill("Via Gorki 6")
    page.get_by_label("Quartiere", exact=False).first.fill("Navile")
    page.get_by_label("Latitudine", exact=False).fill("44,5225")
    page.get_by_label("Longitudine", exact=False).fill("11,3601")
    assert page.evaluate(OVERLAPS) == []  # no label lies over a control
    shoot(page, f"project-place-form-{width}")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Casa di quartiere")
    project.refresh_from_db()
    assert (project.location, project.place, project.quartiere) == ("address", "Via Gorki 6", "Navile")
    assert str(project.latitude) == "44.522500" and str(project.longitude) == "11.360100"

    page.goto(f"{visit.base_url}/{city.slug}/progetti/")
    marker = page.get_by_role("link", name="Testopoli – quartiere Navile – Via Gorki 6: 1 progetto")
    expect(marker).to_be_visible()
    marker.click()
    expect(page).to_have_url(f"{visit.base_url}{Project.objects.get().get_public_url()}")
    expect(page.locator("dl")).to_contain_text("Testopoli – quartiere Navile – Via Gorki 6")
