"""Journey: the Cabina di Regia's secretariat prepares a meeting with a mouse (agenda, invitees
ticked), records who came, writes public minutes, a decision and a follow-up with a responsible
person and a due date; the body's public page shows public minutes only."""

import datetime
import shutil

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.core.models import FollowUp, Membership
from ponte.factories import MembershipFactory, OrganisationFactory
from ponte.governance.models import Body, BodyMember, Meeting


@pytest.fixture
def cabina(city):
    body = Body.objects.create(
        city=city,
        organisation=OrganisationFactory(city=city, kind="body", slug="cabina", name="Cabina di Regia"),
        purpose="Coordinamento dei fondi europei",
    )
    for name in ("Università di Testopoli", "Camera di Commercio", "Città metropolitana"):
        BodyMember.objects.create(city=city, body=body, organisation=OrganisationFactory(city=city, name=name))
    # an earlier meeting whose minutes stay internal
    Meeting.objects.create(
        city=city,
        body=body,
        title="Riunione riservata",
        starts_at=timezone.make_aware(datetime.datetime(2026, 1, 20, 10)),
        minutes="Verbale interno da non pubblicare",
    )
    return body


@pytest.fixture
def secretary(city, office):
    membership = MembershipFactory(
        city=city,
        role=Membership.Role.GOVERNANCE_SECRETARIAT,
        user__first_name="Giulia",
        user__last_name="Neri",
        office=office,
    )
    return membership.user


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_secretariat_runs_a_meeting_by_mouse(visit, city, cabina, secretary, width):
    page = visit(f"/{city.slug}/gestione/organismi/{cabina.pk}/", user=secretary, width=width)
    page.get_by_role("link", name="Nuova riunione").click()

    page.get_by_label("Titolo").fill("Cabina di Regia di marzo")
    page.get_by_label("Inizio").fill("2026-03-10T10:00")
    page.get_by_label("Luogo o collegamento online").fill("Palazzo d'Accursio, Sala Rossa")
    page.get_by_label("Ordine del giorno").fill("1. Avanzamento PNRR\n2. Bandi in scadenza")
    invitees = page.locator("#id_invitees")
    for name in ("Università di Testopoli", "Camera di Commercio", "Città metropolitana"):
        invitees.get_by_text(name, exact=True).click()  # the label, as a person clicks it
    expect(invitees.get_by_role("checkbox", checked=True)).to_have_count(3)
    shoot(page, f"journey-meeting-form-{width}")
    page.get_by_role("button", name="Salva").click()

    expect(page.get_by_role("heading", name="Cabina di Regia di marzo", level=1)).to_be_visible()
    expect(page.get_by_text("Salvato: riunione")).to_be_visible()
    meeting = Meeting.objects.get(title="Cabina di Regia di marzo")
    assert meeting.invitees.count() == 3 and not meeting.attendees.exists()

    # after the meeting: attendance and minutes, by mouse
    page.get_by_role("link", name="Modifica", exact=True).click()
    attendees = page.locator("#id_attendees")
    attendees.get_by_text("Università di Testopoli", exact=True).click()
    attendees.get_by_text("Città metropolitana", exact=True).click()
    expect(attendees.get_by_role("checkbox", checked=True)).to_have_count(2)
    page.get_by_label("Verbale", exact=True).fill("Approvato il calendario dei bandi 2026.")
    page.get_by_text("Verbale pubblico", exact=True).click()
    expect(page.get_by_label("Verbale pubblico")).to_be_checked()
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Approvato il calendario dei bandi 2026.", exact=True)).to_be_visible()
    attendance = page.get_by_role("region", name="Invitati e presenze")
    expect(attendance.get_by_text("presente")).to_have_count(2)
    expect(attendance.get_by_text("assente")).to_have_count(1)

    page.get_by_label("Decisione").fill("Candidare la città al bando LIFE 2026.")
    page.get_by_role("button", name="Registra la decisione").click()
    expect(page.get_by_text("Candidare la città al bando LIFE 2026.", exact=True)).to_be_visible()

    page.get_by_label("Attività").fill("Inviare il verbale ai membri")
    page.get_by_label("Responsabile", exact=True).select_option(label="Giulia Neri (Ufficio A)")
    page.get_by_label("Scadenza").fill("2026-03-31")
    page.get_by_role("button", name="Aggiungi un seguito").click()
    follow_ups = page.get_by_role("table", name="Seguiti")
    expect(follow_ups.get_by_role("row", name="Inviare il verbale ai membri")).to_contain_text("Giulia Neri")
    shoot(page, f"journey-meeting-page-{width}")

    meeting.refresh_from_db()
    assert meeting.minutes_public and meeting.minutes == "Approvato il calendario dei bandi 2026."
    assert {m.organisation.name for m in meeting.attendees.all()} == {"Università di Testopoli", "Città metropolitana"}
    assert [d.text for d in meeting.decisions.all()] == ["Candidare la città al bando LIFE 2026."]
    task = FollowUp.objects.get(title="Inviare il verbale ai membri")
    assert task.origin == meeting and task.due_date == datetime.date(2026, 3, 31)
    assert task.owner.user == secretary and task.owner.email == secretary.email  # reminders reach her

    # the public page of the body: public minutes only
    page.goto(page.url.split("/gestione/")[0] + f"/organismi/{cabina.pk}/")
    expect(page.get_by_text("Approvato il calendario dei bandi 2026.")).to_be_visible()
    expect(page.get_by_text("Candidare la città al bando LIFE 2026.")).to_be_visible()
    expect(page.get_by_text("Verbale interno da non pubblicare")).to_have_count(0)
    path = shoot(page, f"journey-meeting-public-{width}")
    if width == "desktop":
        shutil.copy(path.parent / "journey-meeting-page-desktop.png", settings.BASE_DIR / "docs" / "screenshots")
