"""Journey in Chromium at 1366 px and 375 px: an EU funds officer opens the partner search,
chooses a call written in English and sees first the organisation whose past project (in Italian)
is about the same thing, with that project named as the reason, and the consortium that meets the
three-countries rule."""

import re

import pytest
from playwright.sync_api import expect

from ponte.browsing import fits_the_screen, menu
from ponte.funding.tests.test_journey_project_partners import choose
from ponte.funding.tests.test_partners import TRAM, call, directory  # noqa: F401 (fixtures)
from ponte.intelligence.models import Embedding


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_funds_officer_finds_partners_for_a_call_by_meaning(visit, users, city, directory, call, width):  # noqa: F811
    page = visit(f"/{city.slug}/gestione/", user=users["funds"], width=width)
    menu(page, "Ricerca partner")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ricerca partner")
    choose(page, "^Più vicini al bando", str(call))
    page.get_by_role("button", name="Applica").click()

    consortium = page.get_by_role("region", name=re.compile("Consorzio suggerito"))
    expect(consortium.get_by_role("heading")).to_have_text(f"Consorzio suggerito per “{call.title}”")
    first = consortium.get_by_role("listitem").first
    expect(first).to_contain_text("Valencia transport agency")
    expect(first).to_contain_text(f"il progetto passato più vicino al bando: “{TRAM}”")
    expect(consortium).to_contain_text("tre paesi ammissibili")

    table = page.get_by_role("table", name="Ricerca partner")
    first_row = table.get_by_role("row").nth(1)
    expect(first_row).to_contain_text("Valencia transport agency")
    expect(first_row).to_contain_text(TRAM)
    expect(first_row).to_contain_text("vicino per significato")
    fits_the_screen(page)
    page.screenshot(path=f"/tmp/shots/partners-{width}.png", full_page=True)  # noqa: S108 (where the team looks)

    # From the call's page too: its suggested partners, and the whole directory closest first.
    menu(page, "Bandi")
    page.get_by_role("link", name=call.identifier, exact=True).click()
    expect(page.get_by_role("listitem").filter(has_text="Valencia transport agency")).to_contain_text(TRAM)
    page.screenshot(path=f"/tmp/shots/partners-call-{width}.png", full_page=True)  # noqa: S108
    page.get_by_role("link", name="Tutte le organizzazioni, le più vicine a questo bando per prime").click()
    expect(page.get_by_role("table", name="Ricerca partner").get_by_role("row").nth(1)).to_contain_text(TRAM)

    # Computed once and stored: the call and the four past projects of the directory.
    assert Embedding.objects.filter(city=city).count() == 5
