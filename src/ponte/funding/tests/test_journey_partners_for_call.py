"""Journey in Chromium at 1366 px and 375 px (the probe on the Bologna data set, which has no
past projects): an EU funds officer types a new call through “Nuovo bando”, opens its partner
search and reads plainly that there is nothing to rank the organisations by, never the city's own
bodies among the partners, and a country rule that counts EU member states only for a programme
other than Horizon Europe. Once past projects are imported, the order depends on the call."""

import re

import pytest
from playwright.sync_api import expect

from ponte.browsing import fits_the_screen, menu, shoot
from ponte.factories import OrganisationFactory
from ponte.funding.models import Call
from ponte.funding.tests.factories import CallFactory, ParticipationFactory, ProgrammeFactory, ProjectFactory
from ponte.funding.tests.test_journey_project_partners import choose

NOTICE = "Nessun progetto passato con cui confrontare il bando"


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_funds_officer_creates_a_call_and_searches_its_partners(visit, users, city, width):
    city.country = "IT"
    city.save()
    erasmus = ProgrammeFactory(city=city, slug="erasmus", name="Erasmus+")
    horizon = ProgrammeFactory(city=city, slug="horizon", name="Horizon Europe")
    OrganisationFactory(city=city, name="Amburgo", country="DE", kind="city")
    OrganisationFactory(city=city, name="Barcellona", country="ES", kind="city")
    OrganisationFactory(city=city, name="Coventry", country="GB", kind="city")
    OrganisationFactory(city=city, name="Cabina di Regia Fondi europei", country="IT", kind="body")
    OrganisationFactory(city=city, name="Casa dell'Europa", country="IT", kind="service")

    page = visit(f"/{city.slug}/gestione/", user=users["funds"], width=width)
    menu(page, "Bandi")
    page.get_by_role("link", name="Nuovo bando").click()
    page.get_by_label(re.compile("^Identificativo")).fill("ERASMUS-2027-YOUTH")
    page.get_by_label(re.compile("^Titolo")).fill("Mobilità dei giovani e scambi giovanili")
    choose(page, "^Programma", "Erasmus+")
    page.get_by_label(re.compile("^Descrizione")).fill(
        "Scambi di gruppi di giovani tra paesi europei su inclusione e cittadinanza attiva."
    )
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ERASMUS-2027-YOUTH")
    call = Call.objects.get(city=city, identifier="ERASMUS-2027-YOUTH")
    assert call.programme == erasmus and call.source == "manual"

    # The call's page: no false promise of an order, the notice and the way to the imports.
    expect(page.get_by_text(NOTICE)).to_be_visible()
    expect(page.get_by_role("link", name="Vai alle importazioni")).to_be_visible()
    expect(page.get_by_text("le più vicine a questo bando per prime")).to_have_count(0)
    suggested = page.locator("ol").filter(has_text="Amburgo")
    expect(suggested).to_contain_text("Barcellona")
    expect(suggested).not_to_contain_text("Coventry")  # the United Kingdom is not associated to every programme
    expect(page.get_by_text("tre Stati membri dell'UE: regola rispettata")).to_be_visible()
    expect(page.get_by_text("quali altri paesi sono associati dipende dal programma")).to_be_visible()
    fits_the_screen(page)
    shoot(page, f"call-partners-notice-{width}")

    page.get_by_role("link", name="Ricerca partner per questo bando").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ricerca partner")
    expect(page.get_by_text(NOTICE)).to_be_visible()
    table = page.get_by_role("table", name="Ricerca partner")
    expect(table).to_contain_text("Amburgo")
    expect(table).not_to_contain_text("Cabina di Regia")  # the city's own bodies are no partners
    expect(table).not_to_contain_text("Casa dell'Europa")
    expect(table.get_by_role("columnheader", name="Progetto passato più vicino")).to_have_count(0)
    fits_the_screen(page)
    shoot(page, f"partner-search-notice-{width}")

    # Past projects imported: the order now depends on the call.
    tram = "Nuove linee tranviarie e autobus elettrici per la mobilità urbana"
    youth = "Scambi giovanili e volontariato europeo per ragazzi"
    ParticipationFactory(
        project=ProjectFactory(city=city, programme=horizon, title=tram),
        organisation=OrganisationFactory(city=city, name="Valencia transport agency", country="ES", kind="public"),
    )
    ParticipationFactory(
        project=ProjectFactory(city=city, programme=erasmus, title=youth),
        organisation=OrganisationFactory(city=city, name="Lyon youth centre", country="FR", kind="association"),
    )
    transport = CallFactory(
        city=city,
        programme=horizon,
        title="Zero-emission public transport in European cities",
        description="Pilots of clean buses and light rail to decarbonise commuting.",
    )
    first_rows = {}
    for chosen in (call, transport):
        page.goto(f"{page.url.split('?')[0]}?call={chosen.pk}")
        expect(page.get_by_text(NOTICE)).to_have_count(0)
        first_rows[chosen.pk] = page.get_by_role("table", name="Ricerca partner").get_by_role("row").nth(1)
        expect(first_rows[chosen.pk]).to_contain_text(youth if chosen == call else tram)
        shoot(page, f"partner-search-ranked-{chosen.identifier}-{width}")
    expect(page.get_by_role("region", name=re.compile("Consorzio suggerito"))).to_contain_text(
        "Si contano gli Stati membri dell'UE e i paesi associati a Horizon Europe."
    )
