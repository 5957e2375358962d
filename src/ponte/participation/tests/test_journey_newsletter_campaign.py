"""Journey: an events officer writes a campaign, previews it, sends a test to an address she
types (her account has none), and sends it after the confirmation screen; the mails reach the
active subscribers only, once each. In Chromium at 1366 and 375 px, over a real SMTP server,
with tasks run by the immediate backend as in the test settings."""

import re
from email.header import decode_header, make_header

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.core.models import Membership
from ponte.factories import MembershipFactory
from ponte.participation.models import Campaign, Delivery, Subscriber


def label(text):
    return re.compile(rf"^{re.escape(text)}\b", re.IGNORECASE)


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_campaign_written_previewed_tested_and_sent_after_confirmation(visit, city, smtp_server, settings, width):
    settings.NEWSLETTER_THROTTLE = 0
    for email, language in (("anna@example.org", "it"), ("bruno@example.org", "it"), ("claire@example.org", "en")):
        Subscriber.objects.create(
            city=city, email=email, language=language, status="active", confirmed_at=timezone.now()
        )
    Subscriber.objects.create(city=city, email="dario@example.org", status="pending")
    Subscriber.objects.create(city=city, email="elena@example.org", status="unsubscribed")
    officer = MembershipFactory(city=city, role=Membership.Role.EVENTS_OFFICER, user__email="").user

    page = visit(f"/{city.slug}/eventi/newsletter/campagne/", user=officer, width=width)
    page.get_by_role("link", name="Nuovo invio").click()
    page.get_by_label(label("Oggetto")).fill("Bandi europei di dicembre")
    page.get_by_label(label("Testo")).fill("## Tre bandi aperti\n\nScadenze e requisiti sul **portale**.")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("link", name="Bandi europei di dicembre", exact=True)).to_be_visible()
    campaign = Campaign.objects.get()

    page.get_by_role("link", name=re.compile("Anteprima e prova")).click()
    expect(page.get_by_role("heading", name="Tre bandi aperti")).to_be_visible()  # rendered, not raw Markdown
    expect(page.get_by_text("Andrà a 3 iscritti.")).to_be_visible()
    page.get_by_role("button", name="Invia la prova").click()
    expect(page.get_by_text("Indica l'indirizzo a cui inviare la prova.")).to_be_visible()
    assert not smtp_server.messages
    page.get_by_label(label("Invia una prova a")).fill("redazione@example.org")
    page.get_by_role("button", name="Invia la prova").click()
    expect(page.get_by_text("Prova inviata a redazione@example.org.")).to_be_visible()
    shoot(page, f"campaign-preview-test-sent-{width}")
    assert [m["To"] for m in smtp_server.messages] == ["redazione@example.org"]
    assert not Delivery.objects.exists() and Campaign.objects.get().status == "draft"
    (test_mail,) = smtp_server.messages
    assert str(make_header(decode_header(test_mail["Subject"]))) == "[PROVA] Bandi europei di dicembre"
    assert test_mail["X-Ponte-Delivery"] is None  # a test is no subscriber's delivery

    page.get_by_role("link", name="Invia…").click()
    expect(page.get_by_text("Andrà a 3 iscritti")).to_be_visible()
    expect(page.get_by_role("row", name="Italiano 2")).to_be_visible()
    expect(page.get_by_role("row", name="Inglese 1")).to_be_visible()
    shoot(page, f"campaign-confirm-{width}")
    assert len(smtp_server.messages) == 1  # the confirmation screen sends nothing
    page.get_by_role("button", name="Conferma e invia a 3 iscritti").click()

    expect(page.get_by_text("Invio a 3 iscritti messo in coda.")).to_be_visible()
    expect(page.locator("[data-status]")).to_contain_text("Inviata")
    expect(page.locator("[data-sent]")).to_have_text("3")
    shoot(page, f"campaign-deliveries-{width}")
    received = sorted(m["To"] for m in smtp_server.messages[1:])
    assert received == ["anna@example.org", "bruno@example.org", "claire@example.org"]  # active only, once each
    campaign.refresh_from_db()
    assert campaign.status == "sent" and campaign.deliveries.filter(status="sent").count() == 3
