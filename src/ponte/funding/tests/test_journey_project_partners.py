"""Journey in Chromium at 1366 px and 375 px: an EU funds officer takes a project from idea to
granted, adding an existing partner and a new one created on the way from the partner form."""

import re

import pytest
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.core.models import Organisation
from ponte.factories import OrganisationFactory
from ponte.funding.models import Project
from ponte.funding.tests.factories import ProgrammeFactory


def choose(page, label, option):
    """A plain select, or a searchable one (Tom Select): type a few letters, click the option."""
    field = page.get_by_label(re.compile(label)).and_(page.locator("select"))
    if field.is_visible():
        field.select_option(label=option)
        return
    page.get_by_role("combobox", name=re.compile(label)).and_(page.locator("input")).click()  # Tom Select's box
    page.keyboard.type(option[:6])
    page.locator(".ts-dropdown").get_by_role("option", name=option).click()


def change_status(page, label, date):
    choose(page, "^[Nn]uovo stato", label)
    page.get_by_label(re.compile("^[Dd]ata")).fill(date)
    page.get_by_role("button", name="Cambia stato").click()
    expect(page.get_by_role("listitem").filter(has_text=re.compile(f"{date[:4]}: .*→ {label}"))).to_be_visible()


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_funds_officer_takes_a_project_from_idea_to_granted_with_partners(visit, users, city, width):
    ProgrammeFactory(city=city, slug="interreg", name="Interreg Europe", kind="direct")
    OrganisationFactory(city=city, slug="uni-bologna", name="Università di Bologna", kind="university")
    page = visit(f"/{city.slug}/gestione/fondi/progetti/", user=users["funds"], width=width)
    page.get_by_role("link", name="Nuovo progetto").click()
    page.get_by_label("Titolo").fill("Porti verdi")
    choose(page, "^Programma", "Interreg Europe")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Porti verdi")
    project = Project.objects.get(title="Porti verdi")
    assert project.status == "idea"

    # A partner that is not in the directory yet: created on the way, chosen on return.
    page.get_by_role("link", name="Aggiungi un partner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aggiungi un partner a Porti verdi")
    page.get_by_role("link", name="Crea una nuova organizzazione").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nuova organizzazione")
    page.get_by_label(re.compile(r"^Nome \*")).fill("Porto di Spalato")
    choose(page, "^Tipo", "Ente pubblico")
    choose(page, "^Paese", "Croazia")  # a country chosen by its name, searchable
    shoot(page, f"project-new-partner-organisation-{width}")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aggiungi un partner a Porti verdi")
    port = Organisation.objects.get(city=city, name="Porto di Spalato")
    assert port.country == "HR" and port.kind == "public"
    expect(page.locator("#id_organisation")).to_have_value(str(port.pk))
    shoot(page, f"project-partner-form-{width}")
    page.get_by_role("button", name="Aggiungi il partner").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Porti verdi")
    expect(page.get_by_text("Partner Porto di Spalato aggiunto a Porti verdi.")).to_be_visible()
    consortium = page.get_by_role("table", name="Consorzio")
    expect(consortium).to_contain_text("Porto di Spalato")

    change_status(page, "Proposta in preparazione", "2026-01-15")
    change_status(page, "Presentata", "2026-02-10")
    change_status(page, "Finanziata", "2026-06-30")
    shoot(page, f"project-granted-{width}")

    project.refresh_from_db()
    assert project.status == "granted"
    assert list(project.participations.values_list("organisation__name", flat=True)) == ["Porto di Spalato"]
    assert list(project.transitions.values_list("to_status", flat=True).order_by("pk")) == [
        "idea",
        "proposal",
        "submitted",
        "granted",
    ]
    assert set(project.transitions.values_list("user", flat=True)) == {users["funds"].pk}
