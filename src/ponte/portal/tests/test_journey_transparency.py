"""Journeys in Chromium at 1366 px and 375 px (issue 15) on the real Bologna data set: a citizen
goes from the international relations to one relation's own page, and nothing on either page is
wider than the screen."""

import re

import pytest
from playwright.sync_api import expect

from ponte.browsing import axe_violations, fits_the_screen, shoot
from ponte.diplomacy.models import Relation


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_citizen_goes_from_the_relations_to_one_relation_page(visit, bologna, width):
    relation = Relation.objects.published().filter(city=bologna).select_related("partner").order_by("pk").first()
    assert relation is not None, "the Bologna data set publishes its relations"
    page = visit(f"/{bologna.slug}/relazioni-internazionali/", width=width)
    expect(page.get_by_role("heading", level=1)).to_have_text("Relazioni internazionali")
    fits_the_screen(page)
    assert axe_violations(page) == []
    shoot(page, f"portal-relations-list-{width}")

    page.get_by_role("link", name=relation.partner.localized_name, exact=True).first.click()
    expect(page).to_have_url(f"{page.url.split('/bologna/')[0]}/bologna/relazioni-internazionali/{relation.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(relation.partner.localized_name)
    facts = page.locator("dl")
    expect(facts).to_contain_text(str(relation.get_kind_display()))
    expect(facts).to_contain_text(str(relation.get_status_display()))
    fits_the_screen(page)
    assert axe_violations(page) == []
    shoot(page, f"portal-relation-{width}")
    page.get_by_role("link", name="Tutte le relazioni internazionali").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Relazioni internazionali")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_citizen_goes_from_the_projects_to_a_pnrr_mission_and_one_of_its_projects(visit, bologna, width):
    page = visit(f"/{bologna.slug}/progetti/", width=width)
    page.get_by_role("link", name="Progetti PNRR per missione").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progetti PNRR")
    # The Comune's Italia Domani projects of the data set, filed under M1 and M2
    expect(page.get_by_role("heading", level=2, name="Missione M1", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Missione M2", exact=False)).to_be_visible()
    expect(page.get_by_text("Finanziamento PNRR").first).to_be_visible()
    fits_the_screen(page)
    assert axe_violations(page) == []
    shoot(page, f"portal-pnrr-{width}")

    page.get_by_role("heading", level=2, name="Missione M2", exact=False).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Missione M2")
    project_link = page.locator("main h3 a, h3 a").first
    title = project_link.inner_text()
    fits_the_screen(page)
    assert axe_violations(page) == []
    shoot(page, f"portal-pnrr-mission-{width}")

    project_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    page.get_by_role("link", name="M2", exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Missione M2")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_citizen_reads_the_plan_by_macro_area_and_opens_an_action(visit, bologna, width):
    page = visit(f"/{bologna.slug}/piano/", width=width)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    areas = page.locator("main h3 a[href*='/piano/aree/']")
    assert areas.count() == 7, "the Bologna plan's seven macro areas are listed"
    # issue 16: the plan page summarises each macro area and its lines; the actions are on their pages
    assert page.locator("main a[href*='/piano/azioni/']").count() == 0
    expect(page.locator("main").get_by_text("azioni pubblicate").first).to_be_visible()
    fits_the_screen(page)
    assert axe_violations(page) == []
    shoot(page, f"portal-plan-{width}")
    area = areas.first
    title = area.inner_text()
    area.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", level=2, name="Linee")).to_be_visible()
    fits_the_screen(page)
    assert axe_violations(page) == []
    shoot(page, f"portal-macro-area-{width}")
    action = page.locator("main a[href*='/piano/azioni/']").first
    code = action.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
    action.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    fits_the_screen(page)
    page.get_by_role("navigation", name="Percorso").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_citizen_reads_the_plan_by_sdg_and_opens_a_goal(visit, bologna, width):
    page = visit(f"/{bologna.slug}/piano/allineamento/sdg/", width=width)
    goal = page.locator("main td a[href*='/piano/allineamento/sdg/11/']")
    expect(goal).to_be_visible()
    assert page.locator("main a[href*='/piano/azioni/']").count() == 0
    fits_the_screen(page)
    shoot(page, f"portal-axis-{width}")
    goal.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SDG 11")
    actions = page.locator("main a[href*='/piano/azioni/']")
    assert actions.count() > 0
    fits_the_screen(page)
    assert axe_violations(page) == []
    shoot(page, f"portal-axis-item-{width}")
    actions.first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_crawler_goes_from_the_sitemap_index_to_a_section_and_an_action(visit, bologna):
    page = visit(f"/{bologna.slug}/")
    site = page.url.split(f"/{bologna.slug}/")[0]
    # A crawler reads the XML itself (Chromium's XML viewer would add its own inline styles).
    index = page.request.get(f"{site}/sitemap.xml").text()
    assert "sitemapindex" in index
    section = next(url for url in re.findall(r"<loc>([^<]+)</loc>", index) if url.endswith("-bologna-actions.xml"))
    addresses = re.findall(r"<loc>([^<]+/piano/azioni/[^<]+/)</loc>", page.request.get(section).text())
    assert len(addresses) == 86, "every published action of the Bologna data set, on one page"
    page.goto(addresses[0])
    expect(page.get_by_role("heading", level=1)).to_contain_text("1.1.1")
    fits_the_screen(page)
