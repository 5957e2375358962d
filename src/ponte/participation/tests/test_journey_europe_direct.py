"""Journey: a citizen asks the Europe Direct desk a question on the public page and receives an
acknowledgement with a ticket number; the desk officer opens the ticket, answers it (the answer
arrives by mail), rewrites question and answer for the FAQ and publishes them; the public FAQ
shows the edited text, never the citizen's name. In Chromium at 1366 and 375 px, real SMTP."""

import re
from email.header import decode_header, make_header

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.core.models import Membership
from ponte.factories import MembershipFactory
from ponte.participation.models import Question


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def label(text):
    return re.compile(rf"^{re.escape(text)}\b")


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def body(message) -> str:
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_question_acknowledged_answered_and_published_as_edited_faq(visit, city, smtp_server, width):
    ticket = f"ED-{timezone.localdate().year}-0001"
    citizen = visit(f"/{city.slug}/eventi/europe-direct/", width=width)
    citizen.get_by_label(label("Nome e cognome")).fill("Giulia Ferraresi")
    citizen.get_by_label(label("Email")).fill("giulia@example.org")
    citizen.get_by_label(label("Oggetto")).fill("Erasmus+ per un'associazione")
    citizen.get_by_label(label("La tua domanda")).fill(
        "Buongiorno, sono Giulia Ferraresi, presidente di un'associazione di Bologna: possiamo partecipare a Erasmus+?"
    )
    citizen.locator("label", has_text="Acconsento").click()
    citizen.get_by_role("button", name="Invia la domanda").click()
    expect(citizen.get_by_role("heading", name="Grazie: la tua domanda è stata ricevuta")).to_be_visible()
    expect(citizen.locator("[data-ticket]")).to_have_text(ticket)
    shoot(citizen, f"europe-direct-thanks-{width}")
    (acknowledgement,) = smtp_server.messages
    assert acknowledgement["To"] == "giulia@example.org" and ticket in subject(acknowledgement)
    assert ticket in body(acknowledgement)

    officer = MembershipFactory(city=city, role=Membership.Role.EUROPE_DIRECT).user
    desk = visit(f"/{city.slug}/eventi/europe-direct/sportello/", user=officer, width=width)
    expect(desk.get_by_role("cell", name=ticket)).to_be_visible()
    desk.get_by_role("link", name="Erasmus+ per un'associazione").click()
    desk.get_by_role("button", name="Prendi in carico").click()
    expect(desk.get_by_text("La domanda è assegnata a te.")).to_be_visible()
    desk.get_by_role("textbox", name=re.compile(r"^Risposta(?! per)")).fill(
        "Gentile Giulia, sì: le associazioni possono candidare progetti di partenariato (KA2)."
    )
    desk.get_by_role("button", name="Invia la risposta per email").click()
    expect(desk.get_by_text("Risposta inviata a giulia@example.org.")).to_be_visible()
    answer_mail = smtp_server.messages[1]
    assert answer_mail["To"] == "giulia@example.org" and ticket in subject(answer_mail)
    assert "partenariato (KA2)" in body(answer_mail)
    assert body(answer_mail).startswith("Gentile Giulia, sì") and body(answer_mail).count("Gentile") == 1  # greets once

    faq_question = desk.get_by_label(label("Domanda per le FAQ"))
    expect(faq_question).not_to_contain_text("Giulia")  # the draft starts anonymised
    faq_question.fill("Un'associazione può partecipare a Erasmus+?")
    desk.get_by_label(label("Risposta per le FAQ")).fill(
        "Sì: le associazioni possono candidare progetti di partenariato (KA2)."
    )
    desk.get_by_role("button", name="Pubblica nelle FAQ").click()
    expect(desk.get_by_text("Pubblicata nelle FAQ.")).to_be_visible()
    shoot(desk, f"europe-direct-ticket-{width}")
    question = Question.objects.get()
    assert (question.ticket, question.status, question.in_faq) == (ticket, "answered", True)
    assert question.assigned_to == officer and len(smtp_server.messages) == 2

    citizen.goto(citizen.url.split("/eventi/")[0] + "/eventi/europe-direct/faq/")
    expect(citizen.get_by_role("heading", name="Un'associazione può partecipare a Erasmus+?")).to_be_visible()
    expect(citizen.get_by_text("progetti di partenariato (KA2)")).to_be_visible()
    content = citizen.locator("main").inner_text()
    assert "Giulia" not in content and "Ferraresi" not in content and "giulia@example.org" not in content
    shoot(citizen, f"europe-direct-faq-{width}")
