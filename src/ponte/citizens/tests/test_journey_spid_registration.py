"""Journey in Chromium at 1366 px and 375 px (issue 14): a person from outside the city opens an
event, clicks "Entra con SPID", picks the test provider (spid-cie-oidc's own OP and trust anchor,
running on 127.0.0.1), signs in with the test identity, comes back to the registration form filled
in with the identity's name and e-mail (the e-mail locked: the identity proves it), registers and
has the place at once (no confirmation mail to click: the address is proved); their page lists the
registration. The database holds the registration linked to the verified identity, and no staff
account, role or membership was made; the back office and the Django admin refuse the session."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from ponte.browsing import axe_violations, shoot
from ponte.citizens.models import Citizen, CitizenRegistration
from ponte.citizens.testing import TEST_IDENTITY, site_url
from ponte.core.models import Membership
from ponte.participation.models import Event, Question, Registration


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_person_registers_for_an_event_signed_in_with_spid(visit, live_server, spid_city, smtp_server, width):
    city, site = spid_city, site_url(live_server)
    visit.base_url = site  # the address the relying party is registered under
    users_before = get_user_model().objects.count()
    event = Event.objects.create(
        city=city,
        publication="published",
        title="Caffè Europa: il nuovo Parlamento",
        capacity=30,
        starts_at=timezone.now() + datetime.timedelta(days=10),
        venue="Sala Borsa",
    )
    page = visit(f"/{city.slug}/eventi/{event.pk}/", width=width)
    spid = page.get_by_role("link", name="Entra con SPID")
    expect(spid).to_be_visible()
    expect(page.get_by_role("link", name="Entra con CIE")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, f"spid-event-form-{width}")

    spid.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Entra con SPID")
    shoot(page, f"spid-choose-provider-{width}")
    page.get_by_role("link", name="Gestore SPID di prova").click()

    # The test provider's own pages (spid-cie-oidc): credentials, then consent.
    shoot(page, f"spid-test-provider-{width}")
    page.locator("input[name=username]").fill(TEST_IDENTITY["username"])
    page.locator("input[name=password]").fill(TEST_IDENTITY["password"])
    page.locator("input[name=password]").press("Enter")
    page.locator("form button[type=submit], form input[type=submit]").last.click()

    expect(page).to_have_url(f"{site}/{city.slug}/eventi/{event.pk}/")
    expect(page.get_by_text("Accesso effettuato con SPID come Antonio Rossi")).to_be_visible()
    expect(page.get_by_label("Nome e cognome")).to_have_value("Antonio Rossi")
    email = page.get_by_label("Email")
    expect(email).to_have_value(TEST_IDENTITY["email"])
    expect(email).to_be_disabled()
    assert axe_violations(page) == []
    shoot(page, f"spid-event-form-prefilled-{width}")

    page.get_by_label("Nome e cognome").fill("Antonio Rossi Bianchi")  # still editable
    page.locator("label", has_text="Acconsento").click()  # Bootstrap Italia draws the box on the label
    expect(page.get_by_label("Acconsento")).to_be_checked()
    page.get_by_role("button", name="Iscriviti").click()

    expect(page).to_have_url(f"{site}/{city.slug}/identita/le-mie-pratiche/")
    expect(page.get_by_text("Grazie: l'iscrizione è confermata")).to_be_visible()
    row = page.locator("[data-registration]")
    expect(row).to_contain_text("Caffè Europa: il nuovo Parlamento")
    expect(row).to_contain_text("Confermata")
    assert axe_violations(page) == []
    shoot(page, f"spid-my-registrations-{width}")

    registration = Registration.objects.get(event=event)
    assert (registration.name, registration.email) == ("Antonio Rossi Bianchi", TEST_IDENTITY["email"])
    assert registration.status == Registration.Status.CONFIRMED  # no confirmation step: the address is proved
    citizen = Citizen.objects.get(city=city)
    assert (citizen.fiscal_number, citizen.given_name, citizen.family_name, citizen.email) == (
        TEST_IDENTITY["fiscal_number"],
        "Antonio",
        "Rossi",
        TEST_IDENTITY["email"],
    )
    assert CitizenRegistration.objects.get(registration=registration).citizen == citizen
    # Never a staff account: no user, no role, and the back office and the admin see nobody.
    assert get_user_model().objects.count() == users_before
    assert not Membership.objects.exists()
    page.goto(f"{site}/{city.slug}/gestione/")
    expect(page).to_have_url(f"{site}/accesso/?next=/{city.slug}/gestione/")
    page.goto(f"{site}/admin/")
    expect(page).to_have_url(f"{site}/admin/login/?next=/admin/")


def sign_in_at_the_test_provider(page, width, name):
    """The test provider's own pages (spid-cie-oidc): credentials, then consent."""
    page.locator("input[name=username]").fill(TEST_IDENTITY["username"])
    page.locator("input[name=password]").fill(TEST_IDENTITY["password"])
    shoot(page, f"{name}-test-provider-{width}")
    page.locator("input[name=password]").press("Enter")
    page.locator("form button[type=submit], form input[type=submit]").last.click()


@pytest.mark.parametrize("width", ["desktop"])
def test_a_person_asks_europe_direct_signed_in_with_cie_and_follows_the_ticket(
    visit, live_server, spid_city, smtp_server, width
):
    city, site = spid_city, site_url(live_server)
    visit.base_url = site
    page = visit(f"/{city.slug}/eventi/europe-direct/", width=width)
    page.get_by_role("link", name="Entra con CIE").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Entra con CIE")
    page.get_by_role("link", name="Carta d'identità elettronica").click()
    sign_in_at_the_test_provider(page, width, "cie")

    expect(page).to_have_url(f"{site}/{city.slug}/eventi/europe-direct/")
    expect(page.get_by_text("Accesso effettuato con CIE come Antonio Rossi")).to_be_visible()
    expect(page.get_by_label("Nome e cognome")).to_have_value("Antonio Rossi")
    expect(page.get_by_label("Email")).to_have_value(TEST_IDENTITY["email"])
    page.get_by_label("Oggetto").fill("Erasmus+ per adulti")
    page.get_by_label("La tua domanda").fill("Posso partecipare a uno scambio a 45 anni?")
    page.locator("label", has_text="Acconsento").click()
    page.get_by_role("button", name="Invia la domanda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grazie: la tua domanda è stata ricevuta")
    ticket = page.locator("[data-ticket]").inner_text()

    page.goto(f"{site}/{city.slug}/identita/le-mie-pratiche/")
    row = page.locator("[data-question]")
    expect(row).to_contain_text(ticket)
    expect(row).to_contain_text("Erasmus+ per adulti")
    assert axe_violations(page) == []
    shoot(page, f"cie-my-questions-{width}")
    question = Question.objects.get(ticket=ticket)
    assert question.email == TEST_IDENTITY["email"]
    assert question.citizen_link.citizen == Citizen.objects.get(city=city, profile="cie")
    assert not Membership.objects.exists()
