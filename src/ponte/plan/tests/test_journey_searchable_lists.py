"""Journey: long choice lists are searchable (Tom Select) and work with a mouse and the keyboard.

A plan owner opens an action's form, types part of a partner's name in "Organizzazioni partner",
chooses it with Enter, removes another chosen partner with its × button, picks an alignment item
by clicking it in the filtered list, saves, and finds the choices in the database and on the page."""

import pytest
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.factories import AxisItemFactory, OrganisationFactory


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_partners_and_alignment_chosen_by_typing(visit, city, users, action, width):
    names = [f"Città partner {n}" for n in range(20)]
    partners = {name: OrganisationFactory(city=city, kind="city", name=name) for name in names}
    tirana = OrganisationFactory(city=city, kind="city", name="Comune di Tirana")
    action.partners.add(partners["Città partner 3"])
    sdg = AxisItemFactory(axis__city=city, axis__slug="sdg", code="11.3", name="Urbanizzazione inclusiva")
    for n in range(15):
        AxisItemFactory(axis=sdg.axis, code=f"4.{n + 1}", name=f"Istruzione di qualità {n + 1}")
    page = visit(f"/{city.slug}/gestione/azioni/{action.code}/modifica/", user=users["owner"], width=width)

    partners_box = page.locator(".ts-wrapper", has=page.locator("#id_partners-ts-control"))
    expect(partners_box.locator(".item")).to_have_text(["Città partner 3×"])
    partners_box.locator(".ts-control").click()  # a click in the box opens its search
    expect(page.locator("#id_partners-ts-dropdown")).to_be_visible()
    page.keyboard.type("Tira", delay=30)  # a person's typing, not a paste
    expect(page.locator("#id_partners-ts-dropdown .option")).to_have_text(["Comune di Tirana"])
    page.keyboard.press("Enter")
    expect(partners_box.locator(".item", has_text="Comune di Tirana")).to_be_visible()
    partners_box.locator(".item", has_text="Città partner 3").get_by_title("Rimuovi").click()
    expect(partners_box.locator(".item")).to_have_count(1)

    alignments_box = page.locator(".ts-wrapper", has=page.locator("#id_alignments-ts-control"))
    alignments_box.locator(".ts-control").click()
    expect(page.locator("#id_alignments-ts-dropdown")).to_be_visible()
    page.keyboard.type("urbanizz", delay=30)
    page.locator("#id_alignments-ts-dropdown .option", has_text="Urbanizzazione inclusiva").click()
    page.keyboard.press("Escape")
    shoot(page, f"searchable-lists-{width}")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("status").filter(has_text="Salvato")).to_be_visible()

    action.refresh_from_db()
    assert list(action.partners.all()) == [tirana]
    assert list(action.alignments.all()) == [sdg]
