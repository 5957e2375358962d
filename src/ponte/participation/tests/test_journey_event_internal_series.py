"""Journey: an events officer creates a "Caffè Europa" meeting and publishes it. Caffè Europa is
internal training in the plan (for political figures and technical staff), so the event stays off
the portal: the series choice says so, the save warns, the staff list marks it "Interno". Moved to
a public series, it appears on the portal. In Chromium at 1366 and 375 px."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ponte.browsing import menu, shoot
from ponte.core.models import Membership
from ponte.factories import MembershipFactory
from ponte.participation.models import Event, EventSeries


def label(text):
    return re.compile(rf"^{re.escape(text)}\b")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_published_event_in_an_internal_series_is_flagged(visit, city, live_server, width):
    EventSeries.objects.create(city=city, slug="caffe-europa", name="Caffè Europa", internal=True)
    EventSeries.objects.create(city=city, slug="sensibilizzazione", name="Eventi di sensibilizzazione")
    officer = MembershipFactory(city=city, role=Membership.Role.EVENTS_OFFICER).user
    starts = timezone.localtime() + datetime.timedelta(days=10)

    page = visit(f"/{city.slug}/gestione/", user=officer, width=width)
    menu(page, "Eventi")
    page.get_by_role("link", name="Nuovo evento").click()
    page.get_by_label(label("Titolo")).fill("Caffè Europa: il bilancio UE")
    page.get_by_label(label("Inizio")).fill(starts.strftime("%Y-%m-%dT17:30"))
    series = page.get_by_label(label("Serie"))
    expect(series.locator("option", has_text="Caffè Europa (interna: non pubblicata sul portale)")).to_have_count(1)
    series.select_option(label="Caffè Europa (interna: non pubblicata sul portale)")
    page.get_by_label(label("Pubblicazione")).select_option(label="Pubblicato")
    page.get_by_role("button", name="Salva").click()

    warning = page.get_by_text("«Caffè Europa» è una serie interna: questo evento non comparirà sul portale pubblico")
    expect(warning).to_be_visible()
    row = page.locator("tbody tr", has_text="Caffè Europa: il bilancio UE")
    expect(row.locator("[data-internal]")).to_have_text("Interno")
    expect(row).to_contain_text("Non sul portale pubblico")
    shoot(page, f"event-internal-series-warning-{width}")
    event = Event.objects.get()
    assert event.is_published and event.series.internal

    public = visit(f"/{city.slug}/eventi/", width=width)
    expect(public.get_by_text("Caffè Europa: il bilancio UE")).to_have_count(0)

    row.get_by_role("link", name=re.compile("^Modifica")).click()
    page.get_by_label(label("Serie")).select_option(label="Eventi di sensibilizzazione")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Salvato: evento «Caffè Europa: il bilancio UE».")).to_be_visible()
    expect(page.get_by_text("è una serie interna")).to_have_count(0)
    expect(page.locator("tbody tr", has_text="Caffè Europa: il bilancio UE").locator("[data-internal]")).to_have_count(
        0
    )
    public.reload()
    expect(public.get_by_role("link", name="Caffè Europa: il bilancio UE")).to_be_visible()
