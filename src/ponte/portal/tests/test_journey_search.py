"""Journey in Chromium at 1366 px and 375 px (issue 15): a citizen types a word in the header's
search box, submits, sees the results grouped by kind (the word's family found, accents ignored),
opens a news item from them and lands on its page; a word nothing contains explains what was
searched. axe-core finds nothing on either page."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ponte.browsing import axe_violations, shoot
from ponte.core.models import Organisation, Publication
from ponte.diplomacy.models import Relation
from ponte.factories import ActionFactory, LineFactory
from ponte.participation.models import Event
from ponte.portal.models import News


@pytest.fixture
def content(city):
    line = LineFactory(city=city)
    ActionFactory(
        line=line,
        code="2.1.3",
        title="Cooperazione decentrata con le città partner",
        description="Progetti comuni con le amministrazioni del Mediterraneo.",
    )
    ActionFactory(line=line, code="2.1.4", title="Cooperazione in bozza", publication=Publication.DRAFT)
    Relation.objects.create(
        city=city,
        partner=Organisation.objects.create(city=city, slug="valencia", name="València", kind="city", country="ES"),
        kind="twinning",
        description="Gemellaggio nato dalla cooperazione tra le due università.",
        publication=Publication.PUBLISHED,
    )
    Event.objects.create(
        city=city,
        title="Giornata della cooperazione internazionale",
        description="Incontro pubblico in Sala Borsa.",
        starts_at=timezone.now() + dt.timedelta(days=12),
        publication=Publication.PUBLISHED,
    )
    return News.objects.create(
        city=city,
        title="Nasce una cooperativa di giovani per l'Europa",
        slug="cooperativa-giovani",
        summary="Dieci ragazzi e ragazze della città aprono uno sportello sui programmi europei.",
        body="Lo sportello apre in **città** a gennaio.",
        publication=Publication.PUBLISHED,
    )


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_citizen_searches_from_the_header_and_opens_a_result(visit, live_server, city, content, width):
    page = visit(f"/{city.slug}/", width=width)
    box = page.get_by_role("searchbox", name="Cerca nel sito")
    box.click()
    box.press_sequentially("cooperazione")
    box.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Cerca")
    expect(page.get_by_test_id("search-summary")).to_have_text("4 risultati per “cooperazione”")
    groups = page.get_by_test_id("search-group")
    expect(groups.get_by_role("heading", level=2)).to_have_text(
        ["Azioni del Piano 1", "Relazioni internazionali 1", "Eventi 1", "Notizie 1"]
    )
    expect(page.get_by_role("link", name="2.1.3 Cooperazione decentrata con le città partner")).to_be_visible()
    expect(page.get_by_text("Cooperazione in bozza")).to_have_count(0)
    expect(page.get_by_label("Parole da cercare")).to_have_value("cooperazione")
    assert axe_violations(page) == []
    shoot(page, f"portal-search-{width}")

    page.get_by_role("link", name="Nasce una cooperativa di giovani per l'Europa").click()
    expect(page).to_have_url(f"{live_server.url}/{city.slug}/notizie/{content.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(content.title)

    # Accents are ignored, and a word nothing contains explains where it was looked for.
    box = page.get_by_role("searchbox", name="Cerca nel sito")
    box.fill("valencia")
    box.press("Enter")
    expect(page.get_by_role("link", name="València · Gemellaggio")).to_be_visible()
    page.get_by_label("Parole da cercare").fill("ornitorinco")
    page.get_by_role("search").filter(has=page.get_by_label("Parole da cercare")).get_by_role(
        "button", name="Cerca"
    ).click()
    empty = page.get_by_test_id("search-empty")
    expect(empty.get_by_role("heading")).to_have_text("Nessun risultato per “ornitorinco”")
    expect(empty).to_contain_text("Abbiamo cercato in: Azioni del Piano, Indicatori, Progetti")
    assert axe_violations(page) == []
    shoot(page, f"portal-search-empty-{width}")
