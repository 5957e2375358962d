"""Journeys in Chromium at 1366 px and 375 px (issue 15) on the real Bologna data set: from the
international relations a citizen opens a network's page and a candidacy's page by clicking;
status badges have distinct colours and their status in words; the home without news and
without dated events shows the plan's recurring formats and its actions under way. Nothing is
wider than the screen and axe-core finds no violation."""

import pytest
from playwright.sync_api import expect

from ponte.browsing import axe_violations, fits_the_screen, shoot
from ponte.diplomacy.models import Candidacy, NetworkMembership


def badges(page):
    """[(status, text, background colour)] of every status badge on the page."""
    return page.locator(".ponte-status[data-status]").evaluate_all(
        "els => els.map(el => [el.dataset.status, el.innerText.trim(), getComputedStyle(el).backgroundColor])",
    )


def assert_distinct_badges(page):
    seen = {}
    for status, text, colour in badges(page):
        assert text, f"the {status} badge has no text"
        seen.setdefault(status, set()).add(colour)
    colours = {status: colours.pop() for status, colours in seen.items() if len(colours) == 1}
    assert len(colours) == len(seen), "one status, one colour"
    assert len(set(colours.values())) == len(colours), f"two statuses look alike: {colours}"
    return colours


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_citizen_opens_a_network_and_a_candidacy_from_the_relations(visit, bologna, width):
    membership = NetworkMembership.objects.published().filter(city=bologna, network__slug="eurocities").get()
    candidacy = Candidacy.objects.published().filter(city=bologna, status="won").order_by("year").first()
    assert candidacy is not None, "the Bologna data set publishes its candidacies"

    page = visit(f"/{bologna.slug}/relazioni-internazionali/", width=width)
    page.get_by_role("link", name="Reti internazionali", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reti internazionali")
    fits_the_screen(page)
    assert axe_violations(page) == []
    page.get_by_role("link", name=membership.network.localized_name, exact=True).click()
    expect(page).to_have_url(f"{page.url.split('/bologna/')[0]}/bologna/relazioni-internazionali/reti/{membership.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(membership.network.localized_name)
    facts = page.locator("dl[data-element=network-facts]")
    expect(facts).to_contain_text("Ruolo della città")
    expect(facts).to_contain_text(membership.role_detail)
    expect(facts.locator(".ponte-status")).to_have_text("Attiva")
    action = membership.actions.order_by("sort_key").first()
    expect(page.get_by_role("link", name=f"{action.code} {action.title}")).to_be_visible()
    fits_the_screen(page)
    assert axe_violations(page) == []
    shoot(page, f"portal-network-{width}")

    page.get_by_role("link", name="Relazioni internazionali", exact=True).last.click()
    page.get_by_role("link", name="Candidature e riconoscimenti", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Candidature e riconoscimenti")
    colours = assert_distinct_badges(page)
    assert {"won", "planned"} <= set(colours)  # the data set has titles won and planned
    fits_the_screen(page)
    assert axe_violations(page) == []
    shoot(page, f"portal-candidacy-list-{width}")
    page.get_by_role("link", name=candidacy.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(candidacy.title)
    facts = page.locator("dl[data-element=candidacy-facts]")
    expect(facts).to_contain_text(str(candidacy.year))
    expect(facts).to_contain_text(candidacy.awarding_body.localized_name)
    expect(facts).to_contain_text(candidacy.outcome)
    expect(facts.locator(".ponte-status")).to_have_text(str(candidacy.get_status_display()))
    action = candidacy.actions.order_by("sort_key").first()
    page.get_by_role("link", name=f"{action.code} {action.title}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(action.title)
    page.go_back()
    fits_the_screen(page)
    assert axe_violations(page) == []
    shoot(page, f"portal-candidacy-{width}")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_the_home_without_news_or_dated_events_shows_the_plan_at_work(visit, bologna, width):
    from ponte.participation.models import Event
    from ponte.portal.models import News

    assert not News.objects.filter(city=bologna).exists() and not Event.objects.filter(city=bologna).exists()
    page = visit(f"/{bologna.slug}/", width=width)
    formats = page.locator("[data-element=home-events]")
    expect(formats.get_by_role("heading", level=2)).to_have_text("Eventi ricorrenti del piano")
    expect(formats.get_by_role("heading", level=3, name="Attività dello Sportello Europe Direct")).to_be_visible()
    expect(formats).not_to_contain_text("Caffè Europa")  # internal training is not for the public
    news = page.locator("[data-element=home-news]")
    expect(news.get_by_role("heading", level=2)).to_have_text("Azioni del piano in corso")
    expect(news.locator("article")).to_have_count(3)
    expect(page.locator("[data-element=home-projects] article").first).to_be_visible()
    expect(page.locator("[data-element=home-relations] li").first).to_be_visible()
    assert_distinct_badges(page.locator("[data-element=home-relations]"))
    for status, text, _colour in badges(page):
        assert text and status not in text  # the status in words, never its code
    fits_the_screen(page)
    assert axe_violations(page) == []
    shoot(page, f"portal-home-{width}")
    page.locator("[data-element=home-relations]").get_by_role("link", name="Reti internazionali").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reti internazionali")
