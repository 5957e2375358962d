"""Journey: what a new user could not read (probe of the back office), at 1366 and 375 px.

An office editor finds the mandate area of their action named in "Le mie azioni" ("V Bologna
vicina e connessa", not a bare "V"); a funds officer types a new call whose form says what the
identifier and the parent call are; "Suggerimenti SDG in blocco" is under Piano, beside
"Suggerimenti da valutare"."""

import re

import pytest
from playwright.sync_api import expect

from ponte.browsing import axe_violations, fits_the_screen, menu, shoot
from ponte.factories import ActionFactory, AxisFactory, AxisItemFactory
from ponte.funding.models import Call


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_new_user_reads_the_mandate_area_and_the_call_form(visit, city, office, users, line, width):
    mandate = AxisFactory(city=city, slug="mandate", name="Aree delle linee di mandato")
    action = ActionFactory(line=line, city=city, owner_office=office, code="5.1.1", title="Rete dei quartieri")
    action.alignments.add(AxisItemFactory(axis=mandate, code="V", name="Bologna vicina e connessa"))

    page = visit(f"/{city.slug}/gestione/", user=users["editor"], width=width)
    menu(page, "Le mie azioni")
    row = page.get_by_role("row", name=re.compile("Rete dei quartieri"))
    expect(row).to_contain_text("V Bologna vicina e connessa")
    expect(row.locator("abbr")).to_have_attribute("title", "V · Bologna vicina e connessa")
    fits_the_screen(page)
    shoot(page, f"probe-my-actions-{width}")

    page = visit(f"/{city.slug}/gestione/", user=users["funds"], width=width)
    menu(page, "Bandi")
    page.get_by_role("link", name="Nuovo bando").click()
    identifier = page.get_by_label(re.compile("^Identificativo"))
    expect(identifier).to_have_accessible_description(re.compile("HORIZON-CL5-2024-D6-01-01"))
    parent = page.get_by_label(re.compile("^Bando di appartenenza"))
    expect(parent).to_have_accessible_description(re.compile("HORIZON-CL5-2024-D6-01;"))
    shoot(page, f"probe-new-call-{width}")
    assert axe_violations(page) == []
    identifier.type("HORIZON-CL5-2024-D6-01-01", delay=5)
    page.get_by_label(re.compile("^Titolo")).type("Città a impatto climatico zero", delay=5)
    parent.type("HORIZON-CL5-2024-D6-01", delay=5)
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("HORIZON-CL5-2024-D6-01-01")
    expect(page.locator("main")).to_contain_text("Città a impatto climatico zero")
    call = Call.objects.get(city=city)
    assert (call.identifier, call.call_identifier) == ("HORIZON-CL5-2024-D6-01-01", "HORIZON-CL5-2024-D6-01")

    # The bulk suggestions are under Piano, after the suggestions to assess.
    menu(page, "Suggerimenti SDG in blocco")
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggerimenti SDG in blocco")
    crumbs = page.get_by_role("navigation", name="Percorso")
    expect(crumbs).to_contain_text("Piano")
    expect(crumbs).not_to_contain_text("Fondi")
    names = [name.strip() for name in page.locator("#staff-menu nav a").all_text_contents()]  # folded on a phone
    assert names.index("Suggerimenti SDG in blocco") == names.index("Suggerimenti da valutare") + 1
    shoot(page, f"probe-bulk-{width}")
