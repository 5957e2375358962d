"""Every published item is reachable; no draft appears anywhere: pages, sitemap, feeds,
search, API, open data, calendar, newsletter draft."""

import json
import re

import pytest
from django.urls import reverse

from ponte.participation.newsletter import starter_body

from ..sitemaps import city_sitemaps
from .sitemap import sitemap_text
from .world import SECRET, build_world


@pytest.fixture
def world(city):
    return build_world(city, n=2)


def portal_pages(city):
    c = city.slug
    pages = [
        f"/{c}/",
        f"/{c}/piano/",
        f"/{c}/piano/allineamento/sdg/",
        f"/{c}/progetti/",
        f"/{c}/progetti/?theme=&place=",
        f"/{c}/relazioni-internazionali/",
        f"/{c}/organismi/",
        f"/{c}/notizie/",
        f"/{c}/notizie/rss/",
        f"/{c}/notizie/atom/",
        f"/{c}/dati/",
        f"/{c}/dati/catalogo.ttl",
        f"/{c}/dati/catalogo.jsonld",
        f"/{c}/eventi/",
        f"/{c}/eventi/calendario.ics",
        f"/{c}/accessibilita/",
        f"/{c}/privacy/",
        "/sitemap.xml",
        "/api/v1/cities/",
        f"/api/v1/{c}/plan/",
    ]
    for dataset in ("azioni", "indicatori", "progetti", "relazioni", "eventi"):
        pages += [f"/{c}/dati/{dataset}.csv", f"/{c}/dati/{dataset}.json"]
    pages += [f"/sitemap-{c}-{section}.xml" for section in city_sitemaps(city)]
    for kind in ("actions", "indicators", "projects", "relations", "events", "news"):
        pages.append(f"/api/v1/{c}/{kind}/?page_size=500")
    for word in ("pubblic", SECRET.lower(), "Azione", "Notizia", "Evento", "Progetto", "Idea", "Citta", "Riunione"):
        pages.append(f"/{c}/cerca/?q={word}")
    return pages


def text_of(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def crawl(client, city):
    """Every public page plus every page they link to inside the city's portal."""
    seen, queue, texts = set(), list(portal_pages(city)), {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = text_of(response)
        for link in re.findall(r'href="(/[^"#?]*)', texts[url]):
            if (
                link.startswith(
                    (
                        f"/{city.slug}/piano/",
                        f"/{city.slug}/progetti/",
                        f"/{city.slug}/notizie/",
                        f"/{city.slug}/organismi/",
                    )
                )
                and link not in seen
            ):
                queue.append(link)
    return texts


def test_no_draft_anywhere_for_the_public(client, city, world):
    texts = crawl(client, city)
    assert len(texts) > 40
    leaks = [url for url, text in texts.items() if SECRET in text]
    assert leaks == []
    # the crawl did reach the published items (so the absence of drafts means something)
    everything = "\n".join(texts.values())
    for kind, items in world.published.items():
        for item in items:
            label = item.partner.name if kind == "relations" else getattr(item, "title", None) or item.name
            assert label in everything, (kind, label)


def test_every_published_item_is_in_the_sitemap_and_answers(client, city, world):
    sitemap = sitemap_text(client)
    locations = set(re.findall(r"<loc>https?://[^/]+(/[^<]*)</loc>", sitemap))
    for kind in ("actions", "projects", "events", "news"):
        for item in world.published[kind]:
            url = item.get_public_url()
            assert url in locations, url
            assert client.get(url).status_code == 200
    assert client.get(world.published["relations"][0].get_public_url()).status_code == 200
    assert not [loc for loc in locations if "S.1" in loc or "segreta" in loc or "futura" in loc]


def test_draft_items_answer_404_on_their_public_addresses_and_in_the_api(client, city, world):
    c = city.slug
    hidden = world.hidden
    assert client.get(f"/{c}/piano/azioni/S.1/").status_code == 404
    assert client.get(f"/api/v1/{c}/actions/S.1/").status_code == 404
    for project in hidden["projects"]:
        assert client.get(f"/{c}/progetti/{project.pk}/").status_code == 404
        assert client.get(f"/api/v1/{c}/projects/{project.pk}/").status_code == 404
    for event in hidden["events"]:
        assert client.get(f"/{c}/eventi/{event.pk}/").status_code == 404
        assert client.get(f"/{c}/eventi/{event.pk}.ics").status_code == 404
        assert client.get(f"/api/v1/{c}/events/{event.pk}/").status_code == 404
    for news in hidden["news"]:
        assert client.get(f"/{c}/notizie/{news.slug}/").status_code == 404
        assert client.get(f"/api/v1/{c}/news/{news.slug}/").status_code == 404
    for indicator in hidden["indicators"]:
        assert client.get(f"/api/v1/{c}/indicators/{indicator.code}/").status_code == 404
    assert client.get(f"/api/v1/{c}/relations/{hidden['relations'][0].pk}/").status_code == 404


def test_staff_preview_drafts_and_publishing_makes_them_public(client, city, world, users):
    event = world.hidden["events"][0]
    client.force_login(users["viewer"])
    page = client.get(f"/{city.slug}/eventi/{event.pk}/").content.decode()
    assert event.title in page
    client.logout()
    event.publication = "published"
    event.save()
    assert client.get(f"/{city.slug}/eventi/{event.pk}/").status_code == 200
    api = json.loads(client.get(f"/api/v1/{city.slug}/events/").content)
    assert event.title in [row["title"] for row in api["results"]]


def test_newsletter_draft_takes_only_published_news_and_links_the_portal(city, world, settings):
    body = starter_body(city)
    assert SECRET not in body
    action = world.published["actions"][0]
    assert settings.SITE_URL + reverse("portal:action", kwargs={"city": city.slug, "code": action.code}) in body


def test_publishing_is_a_choice_on_the_staff_form(client, city, users, world):
    action = world.hidden["actions"][0]
    client.force_login(users["owner"])
    form = client.get(reverse("plan:action-edit", kwargs={"city": city.slug, "code": action.code}))
    assert 'name="publication"' in form.content.decode()


def test_the_site_root_opens_the_portal_and_staff_land_in_the_back_office(client, city, users, settings):
    settings.PONTE_DEFAULT_CITY = city.slug
    assert client.get("/")["Location"] == f"/{city.slug}/"
    client.force_login(users["viewer"])
    assert client.get("/")["Location"] == f"/{city.slug}/gestione/"
