"""Journey in Chromium at 1366 px and 375 px: an EU funds officer lists the calls by their fit with
the plan, opens the best one and reads why it fits — in Italian, the action and the call's words."""

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ponte.browsing import fits_the_screen, shoot
from ponte.factories import ActionFactory, LineFactory
from ponte.funding.models import Call
from ponte.funding.ranking import rank_calls
from ponte.funding.tests.factories import CallFactory

SHOTS = Path(tempfile.gettempdir()) / "shots"  # where the task asks for the pictures: /tmp/shots


def picture(page, name):
    shoot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_funds_officer_reads_why_a_call_fits_the_plan(visit, users, city, width):
    line = LineFactory(city=city)
    ActionFactory(
        line=line,
        code="5.3.3",
        title="Investimenti in infrastrutture e trasporti sostenibili",
        description="Nuove linee del tram e potenziamento del trasporto pubblico urbano.",
    )
    ActionFactory(line=line, code="5.3.1", title="Ampliamento del Quartiere Fieristico", description="")
    ActionFactory(
        line=line,
        code="3.1.1",
        title="Mantenere e animare i 13 gemellaggi",
        description="Scambi culturali con le città gemellate attraverso visite e missioni.",
    )
    deadline = timezone.localdate() + timedelta(days=90)
    tram = CallFactory(
        city=city,
        identifier="HORIZON-MISS-2027-04-CIT-03",
        title="Clean urban public transport: tram lines for cities",
        description="Cities will extend their tram networks and renew their bus fleets to shift commuters from "
        "cars to public transport. Proposals plan new tram lines, stops and park-and-ride hubs.",
        deadline=deadline,
    )
    CallFactory(
        city=city,
        identifier="ESC-HUMAID-2021-QUAL-LABEL-FP",
        title="Quality Label Humanitarian Aid - Full Procedure",
        deadline=deadline,
    )
    CallFactory(city=city, identifier="AAA-DEADLINE-FIRST", title="Erasmus Charter for Higher Education")
    rank_calls(city)
    tram.refresh_from_db()
    humanitarian = Call.objects.get(identifier="ESC-HUMAID-2021-QUAL-LABEL-FP")
    assert tram.fit_score > humanitarian.fit_score

    page = visit(f"/{city.slug}/gestione/fondi/bandi/", user=users["funds"], width=width)
    page.get_by_label("Ordina per").select_option(label="Punteggio di pertinenza (decrescente)")
    page.get_by_role("button", name="Applica").click()
    expect(page).to_have_url(re.compile(r"ordering=-fit"))
    rows = page.get_by_role("table", name="Bandi").locator("tbody tr")
    expect(rows.first).to_contain_text("HORIZON-MISS-2027-04-CIT-03")
    expect(rows.first).to_contain_text(str(tram.fit_score))
    expect(rows.first).to_contain_text("serve l'azione 5.3.3")
    expect(rows.nth(1)).to_contain_text("ESC-HUMAID-2021-QUAL-LABEL-FP")
    expect(rows.nth(1)).to_contain_text("nessun punto per il Piano")
    if width == "mobile":  # two columns: the call's status and deadline under its title, its reason folded
        expect(page.get_by_role("columnheader", name="Stato")).to_be_hidden()
        expect(rows.first).to_contain_text("Prossima scadenza")
        reason = rows.first.locator("details")
        expect(reason.locator(".fit-reason")).to_be_hidden()
        reason.get_by_text("Perché questa pertinenza").click()
        expect(reason.locator(".fit-reason")).to_contain_text("serve l'azione 5.3.3")
        expect(reason.locator(".fit-reason")).to_be_visible()
    else:
        expect(page.get_by_role("columnheader", name="Stato")).to_be_visible()
        expect(rows.first.locator(".fit-reason").first).to_be_visible()
    fits_the_screen(page)
    picture(page, f"calls-list-by-fit-{width}")

    rows.first.get_by_role("link", name="HORIZON-MISS-2027-04-CIT-03").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("HORIZON-MISS-2027-04-CIT-03")
    expect(page.get_by_role("heading", name=f"Pertinenza con il Piano: {tram.fit_score}/100")).to_be_visible()
    reasons = page.locator("ul.fit-reasons li")
    expect(reasons.first).to_contain_text(
        "serve l'azione 5.3.3 “Investimenti in infrastrutture e trasporti sostenibili”: il bando dice “"
    )
    expect(reasons.first).to_contain_text("tram")
    expect(reasons.first).to_contain_text(
        "l'azione: “Nuove linee del tram e potenziamento del trasporto pubblico urbano.”"
    )
    expect(reasons.filter(has_text="tempo per prepararsi")).to_have_count(1)
    assert tram.fit_reasons[0] == reasons.first.inner_text()
    fits_the_screen(page)
    picture(page, f"calls-detail-reasons-{width}")
