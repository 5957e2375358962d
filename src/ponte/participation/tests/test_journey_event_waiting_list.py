"""Journey: an events officer creates an event with two places in the back office; three people
register from the public page, are asked to check their e-mail and take their place by opening
the link mailed to them (the third waits, and is told so on the page and by mail); a fourth never
opens the link and holds nothing, shown apart to staff and counted nowhere; one cancels through the link in her mail; the person waiting is promoted by mail; registrants page
and sign-in sheet count two. In Chromium at 1366 and 375 px, over a real SMTP server."""

import datetime
import re
from email.header import decode_header, make_header

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from ponte.browsing import menu, shoot
from ponte.core.models import Membership
from ponte.factories import MembershipFactory
from ponte.participation.models import Event, Registration


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # the live server shares this process's cache: every test starts from zero


def label(text):
    """A field's label as written, whatever marks (required, help) the form adds after it."""
    return re.compile(rf"^{re.escape(text)}\b")


def tick(page, text):
    """Tick a checkbox as a person does: a click on its label (Bootstrap Italia draws the box there)."""
    page.locator("label", has_text=text).click()
    expect(page.get_by_label(text)).to_be_checked()


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def body(message) -> str:
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def mails_to(inbox, address):
    return [m for m in inbox.messages if m["To"] == address]


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_event_with_two_places_and_a_waiting_list(visit, city, smtp_server, settings, live_server, width):
    settings.SITE_URL = live_server.url  # the links in the mails open this test server
    officer = MembershipFactory(city=city, role=Membership.Role.EVENTS_OFFICER).user
    starts = timezone.localtime() + datetime.timedelta(days=20)

    page = visit(f"/{city.slug}/gestione/", user=officer, width=width)
    menu(page, "Eventi")
    expect(page.get_by_role("heading", name="Eventi", exact=True)).to_be_visible()
    page.get_by_role("link", name="Nuovo evento").click()
    page.get_by_label(label("Titolo")).fill("Caffè Europa: il Green Deal")
    page.get_by_label(label("Inizio")).fill(starts.strftime("%Y-%m-%dT18:00"))
    page.get_by_label(label("Luogo")).fill("Sala Borsa")
    page.get_by_label(label("Posti")).fill("2")
    page.get_by_label(label("Pubblicazione")).select_option(label="Pubblicato")
    shoot(page, f"events-officer-new-event-{width}")
    page.get_by_role("button", name="Salva").click()
    # Back in the back office's list of events, with its menu, not on the public-style page.
    expect(page.get_by_text("Salvato: evento «Caffè Europa: il Green Deal».")).to_be_visible()
    expect(page.get_by_role("heading", name="Eventi", exact=True)).to_be_visible()
    expect(page.locator("tbody tr", has_text="Caffè Europa: il Green Deal")).to_be_visible()
    event = Event.objects.get(title="Caffè Europa: il Green Deal")
    assert (event.capacity, event.publication, event.waiting_list) == (2, "published", True)

    def register(citizen, name, email, button="Iscriviti"):
        citizen.get_by_label(label("Nome e cognome")).fill(name)
        citizen.get_by_label(label("Email")).fill(email)
        tick(citizen, "Acconsento")
        citizen.get_by_role("button", name=button, exact=True).click()
        expect(
            citizen.get_by_text(f"Quasi fatto: controlla la tua e-mail. Abbiamo inviato un messaggio a {email}")
        ).to_be_visible()

    def open_link(citizen, email):
        (mail,) = [m for m in mails_to(smtp_server, email) if "/conferma-iscrizione/" in body(m)]
        assert "Conferma la tua iscrizione" in subject(mail)
        citizen.goto(re.search(r"http://\S+/conferma-iscrizione/[0-9a-f-]+/", body(mail)).group(0))

    for name, email in (("Anna Bianchi", "anna@example.org"), ("Ugo Rossi", "ugo@example.org")):
        citizen = visit(event.get_absolute_url(), width=width)
        expect(citizen.get_by_text("i posti vengono assegnati quando lo apri")).to_be_visible()
        register(citizen, name, email)
        if name == "Anna Bianchi":
            shoot(citizen, f"event-check-your-email-{width}")
            assert Registration.objects.get(email=email).status == "unverified"
            expect(citizen.get_by_text("2 posti liberi")).to_be_visible()  # the form alone holds nothing
            open_link(citizen, email)
            expect(
                citizen.get_by_text("Grazie: il tuo indirizzo è confermato, e con esso il tuo posto.")
            ).to_be_visible()
            shoot(citizen, f"event-place-confirmed-{width}")
    bruno = visit(event.get_absolute_url(), width=width)
    expect(bruno.get_by_text("1 posto libero")).to_be_visible()  # Ugo's unconfirmed form takes no place
    register(bruno, "Bruno Neri", "bruno@example.org")
    open_link(bruno, "bruno@example.org")
    expect(bruno.get_by_text("il tuo indirizzo è confermato, e con esso il tuo posto")).to_be_visible()

    carla = visit(event.get_absolute_url(), width=width)
    expect(carla.get_by_text("L'evento è completo: puoi entrare in lista d'attesa.")).to_be_visible()
    register(carla, "Carla Verdi", "carla@example.org", button="Entra in lista d'attesa")
    open_link(carla, "carla@example.org")
    expect(carla.get_by_text("sei il numero 1 in lista d'attesa")).to_be_visible()
    shoot(carla, f"event-waiting-list-{width}")
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "anna@example.org": "confirmed",
        "bruno@example.org": "confirmed",
        "carla@example.org": "waitlisted",
        "ugo@example.org": "unverified",
    }
    waiting_mail = mails_to(smtp_server, "carla@example.org")[-1]
    assert "attesa" in subject(waiting_mail).lower()

    confirmation = mails_to(smtp_server, "anna@example.org")[-1]
    link = re.search(r"http://\S+/disdetta/[0-9a-f-]+/", body(confirmation)).group(0)
    anna = visit(width=width)
    anna.goto(link)
    anna.get_by_role("button", name="Annulla la mia iscrizione").click()
    expect(anna.get_by_text("La tua iscrizione è annullata.")).to_be_visible()

    promotion = mails_to(smtp_server, "carla@example.org")[-1]
    assert len(mails_to(smtp_server, "carla@example.org")) == 3 and "Green Deal" in subject(promotion)
    assert "si è liberato un posto ed è ora tuo" in body(promotion)
    assert Registration.objects.get(email="carla@example.org").status == "confirmed"
    assert len(smtp_server.messages) == 8  # four links, three places (one waiting) and one promotion

    page.goto(live_server.url + f"/{city.slug}/gestione/")
    menu(page, "Eventi")
    row = page.locator("tbody tr", has_text="Caffè Europa: il Green Deal")
    expect(row.locator("td").nth(2)).to_have_text("2 / 2")  # confirmed / places
    expect(row.locator("td").nth(3)).to_have_text("0")  # nobody waiting any more
    row.get_by_role("link", name="Iscritti").click()
    expect(page.get_by_text("2 confermati su 2 posti")).to_be_visible()
    expect(page.get_by_text("1 altra iscrizione in attesa di conferma dell'e-mail")).to_be_visible()
    unconfirmed = page.locator("table[data-unconfirmed] tbody tr")
    expect(unconfirmed).to_have_count(1)
    expect(unconfirmed).to_contain_text("ugo@example.org")
    expect(page.locator("table.table-striped tbody")).not_to_contain_text("Ugo Rossi")
    breadcrumb = page.get_by_role("navigation", name="Percorso")
    expect(breadcrumb.get_by_role("link", name="Eventi", exact=True)).to_be_visible()
    expect(breadcrumb).to_contain_text("Iscritti · Caffè Europa: il Green Deal")
    expect(page.locator("#staff-menu a.active")).to_have_text("Eventi")  # where the page sits in the menu
    shoot(page, f"event-registrants-{width}")
    page.get_by_role("link", name="Foglio firme stampabile").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    assert [rows.nth(i).locator("td").nth(0).inner_text() for i in range(2)] == ["1", "2"]
    assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(2)] == ["Bruno Neri", "Carla Verdi"]
    expect(page.get_by_role("button", name="Stampa")).to_be_visible()
    shoot(page, f"event-sign-in-sheet-{width}")
    page.get_by_role("link", name="Torna agli iscritti").click()
    expect(page.get_by_role("heading", name="Iscritti: Caffè Europa: il Green Deal")).to_be_visible()
