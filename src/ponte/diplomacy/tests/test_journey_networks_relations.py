"""Journey in Chromium at 1366 px and 375 px: the city diplomacy officer joins a network and
edits the membership from the list; then records a twinning with a city not yet in the
directory (Lipsia), created on the way with its country chosen by typing its Italian name; the
relation's status form starts on the current status, so a click without looking changes nothing."""

import re

import pytest
from playwright.sync_api import expect

from ponte.browsing import menu, shoot
from ponte.core.models import Organisation
from ponte.diplomacy.models import NetworkMembership, Relation
from ponte.factories import OrganisationFactory


def choose(page, label, option, typed=None):
    """A plain select, or a searchable one (Tom Select): type a few letters, click the option."""
    field = page.get_by_label(re.compile(label)).and_(page.locator("select"))
    if field.is_visible():
        field.select_option(label=option)
        return
    page.get_by_role("combobox", name=re.compile(label)).and_(page.locator("input")).click()  # Tom Select's box
    page.keyboard.type(typed or option[:6])
    page.locator(".ts-dropdown").get_by_role("option", name=option, exact=True).click()


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_officer_joins_a_network_edits_it_and_twins_with_a_new_city(visit, users, city, width):
    OrganisationFactory(city=city, kind="network", name="Eurocities")
    page = visit(f"/{city.slug}/gestione/", user=users["diplomacy"], width=width)

    menu(page, "Reti di città")
    page.get_by_role("link", name="Nuova adesione a una rete").click()
    choose(page, "^Rete", "Eurocities")
    page.get_by_label(re.compile("^Ruolo della città")).select_option(label="Membro")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Salvato: adesione a una rete")).to_be_visible()  # was a 500
    row = page.get_by_role("row").filter(has_text="Eurocities")
    expect(row).to_contain_text("Membro")

    row.get_by_role("link", name="Modifica Eurocities").click()
    page.get_by_label(re.compile("^Ruolo della città")).select_option(label="Vicepresidenza")
    page.get_by_label(re.compile("^Ruolo in dettaglio")).fill("Forum Ambiente")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("row").filter(has_text="Eurocities")).to_contain_text("Vicepresidenza")
    shoot(page, f"journey-networks-edited-{width}")
    membership = NetworkMembership.objects.get(city=city)
    assert (membership.role, membership.role_detail) == ("vice_chair", "Forum Ambiente")

    menu(page, "Relazioni internazionali")
    page.get_by_role("link", name="Nuova relazione").click()
    page.get_by_role("link", name="Crea una nuova organizzazione").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nuova organizzazione")
    page.get_by_label(re.compile(r"^Nome \*")).fill("Lipsia")
    choose(page, "^Tipo", "Città partner")
    choose(page, "^Paese", "Germania", typed="Germ")  # by name; "Germania" was cut to "GE", Georgia
    shoot(page, f"journey-relation-new-partner-{width}")
    page.get_by_role("button", name="Salva").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nuova relazione")
    leipzig = Organisation.objects.get(city=city, name="Lipsia")
    assert (leipzig.kind, leipzig.country) == ("city", "DE")
    expect(page.locator("#id_partner")).to_have_value(str(leipzig.pk))
    choose(page, "^Tipo", "Gemellaggio")
    page.get_by_label(re.compile("^Atto di sottoscrizione")).fill("Delibera di Giunta PG 123/2026")
    page.get_by_role("button", name="Salva").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Lipsia")
    expect(page.get_by_text("Germania", exact=True)).to_be_visible()
    expect(page.get_by_text("Delibera di Giunta PG 123/2026", exact=True)).to_be_visible()
    status = page.get_by_label(re.compile("^[Nn]uovo stato"))
    expect(status.locator("option:checked")).to_have_text("Attiva (attuale)")
    page.get_by_role("button", name="Cambia stato").click()  # without looking
    expect(page.get_by_text("La relazione è già “Attiva”: scegli il nuovo stato.")).to_be_visible()
    shoot(page, f"journey-relation-status-{width}")
    relation = Relation.objects.get(city=city, partner=leipzig)
    assert (relation.kind, relation.status) == ("twinning", "active")
