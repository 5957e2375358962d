"""Journey: a citizen on a fresh install finds the Comune di Bologna's real PNRR projects, on a
desktop and on a phone: their titles as people read them, amounts in Italian, the source's
credit, and the project's own page with the title as Italia Domani published it."""

import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.core.models import City
from ponte.funding.models import Project


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_citizen_finds_the_citys_pnrr_projects_with_their_source(visit, width):
    call_command("load_plan", str(Path(settings.BASE_DIR) / "data" / "bologna"), stdout=io.StringIO())
    bologna = City.objects.get()
    assert Project.objects.filter(city=bologna, origin="pnrr").count() == 9

    page = visit(f"/{bologna.slug}/", width=width)
    navigation = page.get_by_role("navigation", name="Menu principale")
    if not navigation.get_by_role("link", name="Progetti finanziati").is_visible():
        page.get_by_role("button", name="Menu").first.click()  # the folded menu of a phone
    navigation.get_by_role("link", name="Progetti finanziati").click()

    expect(page.get_by_role("heading", name="Progetti finanziati", level=1)).to_be_visible()
    expect(page.get_by_text("9 progetti", exact=True)).to_be_visible()
    expect(page.get_by_text("836.963.127,00 €")).to_be_visible()  # the release's total, in Italian
    table = page.get_by_role("region", name="Progetti finanziati")
    expect(table.get_by_role("link")).to_have_count(9)
    # No title is a code: "Prot num: 77763" reads as the works it stands for.
    expect(table.get_by_text("Prot num", exact=False)).to_have_count(0)
    school = table.get_by_role(
        "link", name="Demolizione e ricostruzione di un nuovo edificio pubblico adibito ad uso scolastico"
    )
    expect(school).to_be_visible()
    credit = page.get_by_role("link", name="Italia Domani – open data PNRR")
    expect(credit).to_be_visible()
    expect(credit.locator("xpath=..")).to_contain_text("(CC BY 4.0)")  # the map's boundary has its own credit
    shoot(page, f"pnrr-projects-{width}")

    school.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Demolizione e ricostruzione di un nuovo edificio pubblico adibito ad uso scolastico"
    )
    expect(page.get_by_text("Fonte: Italia Domani – open data PNRR (CC BY 4.0)")).to_be_visible()
    expect(page.get_by_text("Prot num: 77763")).to_be_visible()  # the title as published, kept
    expect(page.get_by_text("rilascio del 21 febbraio 2023")).to_be_visible()
    expect(page.get_by_text("3.000.000,00 €").first).to_be_visible()
    expect(page.get_by_text("— – —")).to_have_count(0)
    path = shoot(page, f"pnrr-project-{width}")
    if width == "desktop":
        shutil.copy(path, settings.BASE_DIR / "docs" / "screenshots")
