"""Journey: the city diplomacy officer records a mission with its participants and outcomes,
adds a follow-up for herself with a due date and marks it done, with a mouse and a keyboard."""

import datetime
import re
import shutil

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.core.models import FollowUp, Membership
from ponte.diplomacy.models import Mission
from ponte.factories import MembershipFactory


@pytest.fixture
def officer(city, office):
    membership = MembershipFactory(
        city=city,
        role=Membership.Role.DIPLOMACY_OFFICER,
        user__first_name="Marta",
        user__last_name="Bianchi",
        office=office,
    )
    return membership.user


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_diplomacy_officer_records_a_mission_and_closes_its_follow_up(visit, city, officer, action, width):
    page = visit(f"/{city.slug}/gestione/diplomazia/missioni/", user=officer, width=width)
    page.get_by_role("link", name="Nuova missione o visita").first.click()

    def search(label):  # the search box of a long list (Tom Select)
        return page.get_by_role("combobox", name=label).and_(page.locator("input"))

    page.get_by_label("Direzione").select_option(label="Missione all'estero")
    page.get_by_label("Titolo").fill("Missione a Barcellona sul clima")
    search("Paese").click()  # a country by its name, searchable: no ISO code to know
    page.keyboard.type("Spag")
    page.locator(".ts-dropdown").get_by_role("option", name="Spagna", exact=True).click()
    page.get_by_label("Dal", exact=True).fill("2026-04-14")
    page.get_by_label("Al", exact=True).fill("2026-04-16")
    page.get_by_label("Partecipanti").fill("Assessora alle relazioni internazionali\nMarta Bianchi")
    search("Azioni del Piano").click()
    page.keyboard.type(action.code)
    page.locator(".ts-dropdown").get_by_role("option", name=re.compile(re.escape(action.code))).click()
    page.keyboard.press("Escape")  # the list stays open for more choices: closed, as a person does
    page.get_by_label("Scopo").click()  # then a tap on the next field
    page.get_by_label("Scopo").fill("Scambio sulle missioni climatiche delle città")
    page.get_by_label("Risultati").fill("Accordo per un progetto comune LIFE")
    shoot(page, f"journey-mission-form-{width}")
    page.get_by_role("button", name="Salva").click()

    expect(page.get_by_role("heading", name="Missione a Barcellona sul clima", level=1)).to_be_visible()
    expect(page.get_by_text("Accordo per un progetto comune LIFE", exact=True)).to_be_visible()
    participants = page.locator("dd").filter(has_text="Marta Bianchi")
    expect(participants.locator("br")).to_have_count(1)  # one person a line, as typed
    expect(page.get_by_role("link", name=action.code, exact=True)).to_be_visible()
    expect(page.locator("dd").filter(has_text="Spagna")).to_be_visible()
    mission = Mission.objects.get(title="Missione a Barcellona sul clima")
    assert mission.direction == "outgoing" and mission.country == "ES"
    assert list(mission.actions.all()) == [action]
    assert (mission.start_date, mission.end_date) == (datetime.date(2026, 4, 14), datetime.date(2026, 4, 16))
    assert "Marta Bianchi" in mission.participants and mission.outcomes == "Accordo per un progetto comune LIFE"

    page.get_by_label("Attività").fill("Inviare la bozza del progetto a Barcellona")
    page.get_by_label("Responsabile", exact=True).select_option(label="Marta Bianchi (Ufficio A)")
    page.get_by_label("Scadenza").fill("2027-01-15")
    page.get_by_role("button", name="Aggiungi un seguito").click()
    item = page.get_by_role("listitem").filter(has_text="Inviare la bozza del progetto a Barcellona")
    expect(item).to_contain_text("Marta Bianchi")
    task = FollowUp.objects.get(title="Inviare la bozza del progetto a Barcellona")
    assert task.origin == mission and task.due_date == datetime.date(2027, 1, 15) and task.done_date is None
    assert task.owner.user == officer

    item.get_by_role("button", name="Segna come completato").click()
    expect(page.get_by_role("listitem").filter(has_text="Inviare la bozza")).to_contain_text("completato")
    task.refresh_from_db()
    assert task.done_date == timezone.localdate()
    path = shoot(page, f"journey-mission-page-{width}")
    if width == "desktop":
        shutil.copy(path, settings.BASE_DIR / "docs" / "screenshots")
