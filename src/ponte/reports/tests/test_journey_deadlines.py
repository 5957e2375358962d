"""Journey: an office editor's deadlines in one place, on a desktop and on a phone.

The editor signs in and finds on their home, in the "Scadenze" card, the overdue follow-up of a
mission given to them and the update their office's action owes, and on the dashboard the city's
deadlines; opens "Le mie scadenze" from the
menu, makes the private calendar address and copies it; a calendar app (plain HTTP, no session)
reads at that address the same deadlines and nothing of anyone else."""

import datetime
import re
import urllib.request

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from ponte.browsing import fits_the_screen, menu, shoot
from ponte.core.models import FollowUp
from ponte.diplomacy.models import Mission
from ponte.factories import ActionFactory, PersonFactory
from ponte.reports.models import CalendarLink


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_an_editor_finds_their_deadlines_and_takes_them_to_a_calendar(
    visit, live_server, settings, city, users, line, office, width
):
    settings.SITE_URL = live_server.url  # the addresses the page shows are the server's
    today = timezone.localdate()
    editor = users["editor"]
    me = PersonFactory(city=city, full_name="Eva Editor", user=editor)
    ActionFactory(line=line, owner_office=office, code="2.3.1", title="Rete delle città gemelle", status="in_progress")
    mission = Mission.objects.create(city=city, direction="outgoing", title="Missione a Tirana")
    for title, days, owner in [
        ("Relazione della missione a Tirana", -6, me),
        ("Lettera del sindaco", 4, PersonFactory(city=city, full_name="Altro Collega")),
    ]:
        FollowUp.objects.create(
            city=city,
            content_type=ContentType.objects.get_for_model(mission),
            object_id=mission.pk,
            title=title,
            due_date=today + datetime.timedelta(days=days),
            owner=owner,
        )

    # Signed in, the home's "Scadenze" card: the overdue follow-up, flagged, and the update due.
    page = visit(f"/{city.slug}/gestione/", user=editor, width=width)
    card = page.locator("section.card").filter(has=page.get_by_role("heading", name=re.compile("^Scadenze")))
    task = card.get_by_role("listitem").filter(has_text="Relazione della missione a Tirana")
    expect(task).to_contain_text("scaduto")
    expect(task).to_contain_text("Missione o visita: Missione a Tirana")
    expect(
        card.get_by_role("link", name=re.compile(r"^2\.3\.1 Rete delle città gemelle · aggiornamento "))
    ).to_be_visible()
    expect(card).not_to_contain_text("Lettera del sindaco")  # someone else's
    fits_the_screen(page)
    shoot(page, f"deadlines-home-{width}")

    # The dashboard lists the city's deadlines: the overdue follow-up flagged, a colleague's too.
    menu(page, "Cruscotto")
    table = page.get_by_role("region", name="Scadenze: superate e dei prossimi 90 giorni")
    row = table.get_by_role("row").filter(has_text="Relazione della missione a Tirana")
    expect(row).to_contain_text("scaduto")
    expect(row).to_contain_text("Eva Editor")
    expect(table.get_by_role("row").filter(has_text="Lettera del sindaco")).to_contain_text("Altro Collega")
    shoot(page, f"deadlines-dashboard-{width}")

    # "Le mie scadenze" from the menu: overdue first, then the rest, by kind.
    menu(page, "Le mie scadenze")
    expect(page.get_by_role("heading", level=1)).to_have_text("Le mie scadenze")
    overdue = page.locator('[data-group="overdue"]')
    expect(overdue).to_contain_text("Relazione della missione a Tirana")
    page.get_by_label("Tipo", exact=True).select_option(label="Seguito")
    page.get_by_role("button", name="Filtra").click()
    expect(page.get_by_role("link", name=re.compile("Rete delle città gemelle"))).to_have_count(0)
    expect(page.get_by_text("Relazione della missione a Tirana")).to_be_visible()
    fits_the_screen(page)
    shoot(page, f"deadlines-mine-{width}")

    # The private calendar address, made and copied.
    page.get_by_role("button", name="Crea il collegamento al calendario").click()
    expect(page.get_by_role("status").filter(has_text="Collegamento al calendario creato")).to_be_visible()
    address = page.get_by_label("Indirizzo del tuo calendario")
    url = address.input_value()
    link = CalendarLink.objects.get(user=editor, city=city)
    assert url.startswith(f"{live_server.url}/{city.slug}/gestione/scadenze/calendario/{link.pk}/")
    assert url.endswith(".ics") and link.secret_sha256 not in url
    page.get_by_role("button", name="Copia l'indirizzo").click()
    expect(page.get_by_role("button", name="Copiato")).to_be_visible()
    fits_the_screen(page)
    shoot(page, f"deadlines-calendar-link-{width}")

    # A calendar app reads it over HTTP, without a session.
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the live server's http address
        assert response.headers["Content-Type"].startswith("text/calendar")
        assert "no-store" in response.headers["Cache-Control"]
        calendar = Calendar.from_ical(response.read())
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert "Scaduto · Seguito · Relazione della missione a Tirana" in summaries, summaries
    assert any(re.match(r"(Scaduto · )?Aggiornamento in scadenza · 2\.3\.1 Rete", s) for s in summaries), summaries
    assert not any("Lettera del sindaco" in s for s in summaries)

    # Made again, the old address is dead.
    page.get_by_role("button", name="Rigenera il collegamento").click()
    expect(page.get_by_role("status").filter(has_text="quello precedente non funziona più")).to_be_visible()
    assert page.get_by_label("Indirizzo del tuo calendario").input_value() != url
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=30)  # noqa: S310
    assert refused.value.code == 404
