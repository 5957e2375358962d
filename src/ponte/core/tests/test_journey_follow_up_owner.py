"""Journey: the governance secretariat gives a follow-up of a meeting to a diplomacy officer;
the mail reaches her; she signs in, finds it under "I miei seguiti" on "Il mio lavoro", opens
its meeting and marks it done there."""

import datetime
import re
from email.header import decode_header, make_header

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from ponte.browsing import menu, shoot
from ponte.core.models import FollowUp, Membership
from ponte.factories import MembershipFactory, OrganisationFactory
from ponte.governance.models import Body, Meeting


@pytest.fixture
def meeting(city):
    body = Body.objects.create(
        city=city, organisation=OrganisationFactory(city=city, kind="body", slug="cabina", name="Cabina di Regia")
    )
    start = timezone.make_aware(datetime.datetime(2026, 3, 10, 10))
    return Meeting.objects.create(city=city, body=body, title="Cabina di Regia di marzo", starts_at=start)


@pytest.fixture
def secretary(city):
    return MembershipFactory(city=city, role=Membership.Role.GOVERNANCE_SECRETARIAT, user__first_name="Giulia").user


@pytest.fixture
def officer(city, office):
    return MembershipFactory(
        city=city,
        role=Membership.Role.DIPLOMACY_OFFICER,
        office=office,
        user__first_name="Sara",
        user__last_name="Bianchi",
        user__email="sara.bianchi@example.org",
    ).user


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_follow_up_reaches_its_owner(visit, smtp_server, city, meeting, secretary, officer, width):
    due = timezone.localdate() - datetime.timedelta(days=2)  # already late when she sees it
    page = visit(meeting.get_absolute_url(), user=secretary, width=width)
    page.get_by_label("Attività").fill("Inviare la scheda a Bruxelles")
    page.get_by_label("Responsabile", exact=True).select_option(label="Sara Bianchi (Ufficio A)")
    page.get_by_label("Scadenza").fill(due.isoformat())
    page.get_by_role("button", name="Aggiungi un seguito").click()
    follow_ups = page.get_by_role("table", name="Seguiti")
    expect(follow_ups.get_by_role("row", name=re.compile("Inviare la scheda a Bruxelles"))).to_contain_text(
        "Sara Bianchi"
    )

    # the mail, in Italian, with what, where from, by when and the link
    assert [message["To"] for message in smtp_server.messages] == ["sara.bianchi@example.org"]
    mail = smtp_server.messages[0]
    assert "un seguito per te — Inviare la scheda a Bruxelles" in str(make_header(decode_header(mail["Subject"])))
    text = mail.get_payload(decode=True).decode()
    assert "Cabina di Regia di marzo" in text and f"Entro il: {due.day} " in text
    assert f"{settings.SITE_URL}{meeting.get_absolute_url()}" in text

    # she signs in and finds it on her home
    page = visit(f"/{city.slug}/gestione/organismi/", user=officer, width=width)
    menu(page, "Il mio lavoro")
    card = page.get_by_role("region", name=re.compile("I miei seguiti"))
    row = card.get_by_role("listitem").filter(has_text="Inviare la scheda a Bruxelles")
    expect(row).to_contain_text("scaduto")
    expect(row).to_contain_text("Riunione: Cabina di Regia")
    expect(row.locator("time")).to_have_attribute("datetime", due.isoformat())
    shoot(page, f"journey-my-follow-ups-{width}")

    row.get_by_role("link", name="Inviare la scheda a Bruxelles").click()
    expect(page.get_by_role("heading", name="Cabina di Regia di marzo", level=1)).to_be_visible()
    follow_ups = page.get_by_role("table", name="Seguiti")
    follow_ups.get_by_role("button", name="Segna come completato Inviare la scheda a Bruxelles").click()
    expect(page.get_by_text("Seguito completato: Inviare la scheda a Bruxelles.")).to_be_visible()
    expect(follow_ups.get_by_role("row", name=re.compile("Inviare la scheda a Bruxelles"))).to_contain_text(
        "completato"
    )
    shoot(page, f"journey-follow-up-done-{width}")

    task = FollowUp.objects.get(title="Inviare la scheda a Bruxelles")
    assert task.done_date == timezone.localdate() and task.owner.user == officer
    assert len(smtp_server.messages) == 1, "marking it done mails nobody"

    menu(page, "Il mio lavoro")
    card = page.get_by_role("region", name=re.compile("I miei seguiti"))
    expect(card).to_contain_text("Nessun seguito assegnato a te è in attesa.")
