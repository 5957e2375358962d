"""Journeys: a citizen rates a page of the portal (4 stars, a reason, a few words) and reads the
thanks; the communication officer finds the rating in the back office. A citizen reports a
disservice, gets the acknowledgement with the ticket number by mail (real SMTP) and the Europe
Direct desk sees the ticket. In Chromium at 1366 and 375 px, axe-core clean."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from ponte.browsing import ARTEFACTS, axe_violations, menu, shoot
from ponte.core.models import Membership
from ponte.factories import MembershipFactory
from ponte.participation.models import Question
from ponte.portal.models import PageRating


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def label(text):
    return re.compile(rf"^{re.escape(text)}\b")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_citizen_rates_a_page_and_the_officer_reads_it(visit, city, width):
    citizen = visit(f"/{city.slug}/accessibilita/", width=width)
    block = citizen.locator("#valuta")
    expect(block.get_by_role("heading", name="Quanto sono chiare le informazioni su questa pagina?")).to_be_visible()
    expect(block.get_by_text("Quali sono stati gli aspetti che hai preferito?")).to_be_hidden()  # step 2 waits
    block.get_by_text("★ 4").click()
    expect(block.get_by_role("radio", name="4 stelle su 5")).to_be_checked()
    expect(block.get_by_text("Quali sono stati gli aspetti che hai preferito?")).to_be_visible()
    expect(block.get_by_text("Dove hai incontrato le maggiori difficoltà?")).to_be_hidden()
    block.get_by_text("Le indicazioni erano complete").click()
    block.get_by_label(label("Vuoi aggiungere altri dettagli")).fill("Manca solo il numero di telefono dell'ufficio.")
    assert axe_violations(citizen) == []
    block.screenshot(path=str(ARTEFACTS / f"portal-rating-block-{width}.png"))
    block.get_by_role("button", name="Invia").click()
    expect(citizen.get_by_text("Grazie per il tuo suggerimento!")).to_be_visible()
    assert axe_violations(citizen) == []
    shoot(citizen, f"portal-rating-thanks-{width}")
    rating = PageRating.objects.get()
    assert (rating.path, rating.stars, rating.reason, rating.comment) == (
        f"/{city.slug}/accessibilita/",
        4,
        "complete",
        "Manca solo il numero di telefono dell'ufficio.",
    )

    officer = MembershipFactory(city=city, role=Membership.Role.EVENTS_OFFICER).user
    staff = visit(f"/{city.slug}/gestione/", user=officer, width=width)
    menu(staff, "Valutazioni delle pagine")
    expect(staff.get_by_role("heading", name="Valutazioni delle pagine", level=1)).to_be_visible()
    row = staff.locator("tbody tr", has_text=f"/{city.slug}/accessibilita/")
    expect(row).to_contain_text("4,0")
    expect(row).to_contain_text("4 stelle: 1")
    expect(staff.get_by_text("Manca solo il numero di telefono dell'ufficio.")).to_be_visible()
    expect(staff.locator('[data-element="feedback"]')).to_have_count(0)  # no rating in the back office
    assert axe_violations(staff) == []
    shoot(staff, f"portal-ratings-staff-{width}")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_citizen_reports_a_disservice_that_reaches_the_desk(visit, city, smtp_server, width):
    citizen = visit(f"/{city.slug}/segnala-disservizio/", width=width)
    expect(citizen.get_by_role("heading", name="Segnala un disservizio")).to_be_visible()
    citizen.get_by_role("button", name="Invia la segnalazione").click()
    expect(citizen.get_by_label(label("Email"))).to_have_attribute("aria-invalid", "true")
    assert axe_violations(citizen) == []
    citizen.get_by_label(label("Email")).fill("marta@example.org")
    citizen.get_by_label(label("Categoria")).select_option(label="Servizio online o modulo che non funziona")
    citizen.get_by_label(label("Pagina o servizio interessato")).fill("Iscrizione agli eventi")
    citizen.get_by_label(label("Descrivi il problema")).fill("Il modulo di iscrizione non accetta il mio indirizzo.")
    citizen.locator("label", has_text="Acconsento").click()
    shoot(citizen, f"portal-disservice-{width}")
    citizen.get_by_role("button", name="Invia la segnalazione").click()
    expect(citizen.get_by_role("heading", name="Grazie: la tua segnalazione è stata ricevuta")).to_be_visible()
    question = Question.objects.get()
    expect(citizen.locator("[data-ticket]")).to_have_text(question.ticket)
    assert axe_violations(citizen) == []
    (acknowledgement,) = smtp_server.messages
    body = acknowledgement.get_payload(decode=True).decode(acknowledgement.get_content_charset() or "utf-8")
    assert acknowledgement["To"] == "marta@example.org" and question.ticket in body
    assert "Il modulo di iscrizione non accetta il mio indirizzo." in body

    officer = MembershipFactory(city=city, role=Membership.Role.EUROPE_DIRECT).user
    desk = visit(f"/{city.slug}/eventi/europe-direct/sportello/", user=officer, width=width)
    expect(desk.get_by_role("cell", name=question.ticket)).to_be_visible()
    desk.get_by_role("link", name="Disservizio: Servizio online o modulo che non funziona").click()
    expect(desk.get_by_text("Pagina o servizio interessato: Iscrizione agli eventi")).to_be_visible()
