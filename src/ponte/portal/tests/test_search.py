"""Search over everything public, through the page a citizen uses (/<city>/cerca/?q=…).

Run on SQLite (Python Snowball stemmer) and on PostgreSQL (full-text search, 'italian').
"""

import datetime as dt
import html
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ponte.core.models import Organisation, Publication
from ponte.diplomacy.models import Relation
from ponte.factories import ActionFactory, CityFactory, IndicatorFactory, LineFactory
from ponte.funding.tests.factories import ProgrammeFactory, ProjectFactory
from ponte.governance.models import Body
from ponte.participation.models import Event, EventSeries, Question
from ponte.portal.models import News

from .world import SECRET, add_published, build_world

_serial = itertools.count()


def _organisation(city, name, kind):
    n = next(_serial)
    return Organisation.objects.create(city=city, slug=f"cerca-{n}", name=name, kind=kind, country="FR")


def make(kind, city, title, text, **extra):
    """A published row of `kind` in `city`; returns (row, the address of its public page)."""
    n = next(_serial)
    c = city.slug
    if kind == "actions":
        row = ActionFactory(line=LineFactory(city=city), code=f"Z.{n}", title=title, description=text, **extra)
        return row, reverse("portal:action", kwargs={"city": c, "code": row.code})
    if kind == "indicators":
        action = ActionFactory(line=LineFactory(city=city), title="Azione")
        row = IndicatorFactory(action=action, name=title, description=text, **extra)
        return row, reverse("portal:action", kwargs={"city": c, "code": action.code})
    if kind == "projects":
        programme = ProgrammeFactory(city=city)
        row = ProjectFactory(programme=programme, title=title, acronym="", description=text, status="running", **extra)
        return row, reverse("portal:project", kwargs={"city": c, "pk": row.pk})
    if kind == "relations":
        row = Relation.objects.create(
            city=city,
            partner=_organisation(city, title, "city"),
            kind="twinning",
            description=text,
            publication=extra.get("publication", Publication.PUBLISHED),
        )
        return row, row.get_public_url() if _has_relation_page() else None
    if kind == "events":
        row = Event.objects.create(
            city=city,
            title=title,
            description=text,
            starts_at=timezone.now() + dt.timedelta(days=5),
            publication=Publication.PUBLISHED,
            **extra,
        )
        return row, reverse("participation:event-detail", kwargs={"city": c, "pk": row.pk})
    if kind == "news":
        row = News.objects.create(
            city=city, title=title, slug=f"n-{n}", body=text, publication=Publication.PUBLISHED, **extra
        )
        return row, reverse("portal:news-detail", kwargs={"city": c, "slug": row.slug})
    if kind == "bodies":
        row = Body.objects.create(city=city, organisation=_organisation(city, title, "body"), purpose=text)
        return row, reverse("portal:body", kwargs={"city": c, "pk": row.pk})
    if kind == "faq":
        row = Question.objects.create(
            city=city,
            name="Anna",
            email="anna@example.org",
            subject="Domanda",
            text="Domanda privata",
            ticket=f"ED-{n}",
            status="answered",
            answered_at=timezone.now(),
            faq_question=title,
            faq_answer=text,
            in_faq=extra.get("in_faq", True),
        )
        return row, reverse("participation:faq", kwargs={"city": c}) + f"#faq-{row.pk}"
    raise AssertionError(kind)


def _has_relation_page():
    from django.urls import NoReverseMatch

    try:
        reverse("portal:relation", kwargs={"city": "x", "pk": 1})
    except NoReverseMatch:
        return False
    return True


KINDS = ["actions", "indicators", "projects", "relations", "events", "news", "bodies", "faq"]


def search(client, city, words):
    response = client.get(reverse("portal:search", kwargs={"city": city.slug}), {"q": words})
    assert response.status_code == 200
    return response.content.decode()


def links(page):
    """{text: href} of the results."""
    return {
        html.unescape(re.sub(r"\s+", " ", text).strip()): html.unescape(href)
        for href, text in re.findall(r'<li class="mb-3"><a href="([^"]+)" class="fw-semibold">([^<]+)</a>', page)
    }


def group(page, kind):
    found = re.search(rf'<section id="results-{kind}".*?</section>', page, re.S)
    return found.group(0) if found else ""


def expected_url(kind, row, url):
    if kind == "relations" and url is None:
        return reverse("portal:relations", kwargs={"city": row.city.slug}) + f"#relation-{row.pk}"
    return url


@pytest.mark.parametrize("kind", KINDS)
def test_a_word_of_the_text_is_found_by_its_family(client, city, kind):
    row, url = make(kind, city, "Giovani al centro", "Nasce una cooperativa sociale di giovani.")
    page = search(client, city, "cooperazione")
    assert links(group(page, kind)) == {str(_title(kind, row)): expected_url(kind, row, url)}


@pytest.mark.parametrize("kind", KINDS)
def test_accents_are_ignored_both_ways(client, city, kind):
    row, url = make(kind, city, "La città educante", "Perché la libertà conta.")
    for words in ("citta educante", "CITTÀ", "liberta", "perche"):
        assert expected_url(kind, row, url) in links(group(search(client, city, words), kind)).values(), words


@pytest.mark.parametrize("kind", KINDS)
def test_another_citys_rows_are_never_found(client, city, kind):
    make(kind, CityFactory(slug="altrove", name="Altrove"), "Ornitorinco altrove", "Ornitorinco.")
    page = search(client, city, "ornitorinco")
    assert 'data-testid="search-empty"' in page and "Ornitorinco altrove" not in page


def test_drafts_internal_events_future_news_and_unpublished_faq_are_never_found(client, city):
    build_world(city)  # every hidden kind carries the word SEGRETO
    make("faq", city, f"Domanda {SECRET}", SECRET, in_faq=False)
    make("actions", city, "Azione nascosta", f"Ornitorinco {SECRET}", publication=Publication.DRAFT)
    series = EventSeries.objects.create(city=city, slug="interna", name="Formazione", internal=True)
    make("events", city, "Formazione ornitorinco", "Per il personale.", series=series)
    for words in ("segreto", "ornitorinco"):
        page = search(client, city, words)
        assert 'data-testid="search-empty"' in page, words
        assert SECRET not in page and "Formazione ornitorinco" not in page


def test_results_are_grouped_by_kind_with_counts_in_a_fixed_order(client, city):
    for kind in KINDS:
        make(kind, city, f"Europa {kind}", "Programmi europei per la città.")
    make("news", city, "Altra notizia", "L'Europa in piazza.")
    page = search(client, city, "europa")
    headings = re.findall(r'<h2 id="results-(\w+)-title" class="h4">([^<]+)<span class="badge[^"]*">(\d+)</span>', page)
    assert [(key, int(count)) for key, _label, count in headings] == [
        (kind, 2 if kind == "news" else 1) for kind in KINDS
    ]
    assert "9 risultati per “europa”" in page
    labels = [label.strip() for _key, label, _count in headings]
    assert labels == [
        "Azioni del Piano",
        "Indicatori",
        "Progetti",
        "Relazioni internazionali",
        "Eventi",
        "Notizie",
        "Organismi di governance",
        "FAQ di Europe Direct",
    ]


def test_the_title_counts_more_than_the_text(client, city):
    make("news", city, "Notizia sul clima", "Il gemellaggio parla di clima e di gemellaggi.")
    make("news", city, "Il gemellaggio con Lione", "Testo.")
    assert list(links(search(client, city, "gemellaggio"))) == ["Il gemellaggio con Lione", "Notizia sul clima"]


def test_every_word_must_be_found(client, city):
    make("events", city, "Festa dell'Europa", "In piazza con le scuole.")
    make("events", city, "Festa del quartiere", "In piazza.")
    assert list(links(search(client, city, "festa scuola"))) == ["Festa dell'Europa"]


def test_nothing_found_explains_what_was_searched_and_keeps_the_query(client, city):
    page = search(client, city, "zzqx ornitorinchi")
    assert "Nessun risultato per “zzqx ornitorinchi”" in page
    for label in ("Azioni del Piano", "Indicatori", "Eventi", "Notizie", "FAQ di Europe Direct"):
        assert label in page.split('data-testid="search-empty"')[1]
    assert 'id="search-q" name="q" value="zzqx ornitorinchi"' in page
    assert 'id="site-search" name="q"' in page and 'value="zzqx ornitorinchi"' in page.split('id="site-search"')[1]
    assert reverse("portal:project-list", kwargs={"city": city.slug}) in page.split('data-testid="search-empty"')[1]


def test_an_empty_query_shows_only_the_box(client, city):
    page = search(client, city, "   ")
    assert 'data-testid="search-empty"' not in page and 'data-testid="search-group"' not in page


def test_only_the_first_results_of_a_kind_are_listed_with_the_total(client, city):
    for i in range(23):
        make("news", city, f"Bando numero {i}", "Testo.")
    page = search(client, city, "bandi")
    assert len(links(page)) == 20
    assert "I primi 20 di 23" in page


def test_query_count_does_not_grow_with_the_rows(client, city, django_assert_max_num_queries, uncached):
    """Every kind has more matches than it lists (so each is counted) before and after the rows almost quadruple."""
    world = build_world(city, n=21)

    def add_others(indexes):
        for i in indexes:
            make("bodies", city, f"Organismo pubblico {i}", "Testo.")
            make("faq", city, f"Domanda pubblica {i}", "Risposta.")
            make("relations", city, f"Comune pubblico {i}", "Testo.")

    add_others(range(21))
    url = reverse("portal:search", kwargs={"city": city.slug})
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"q": "pubblico"}).status_code == 200
    add_published(city, world, range(21, 80))
    add_others(range(21, 80))
    with django_assert_max_num_queries(len(few)):
        page = client.get(url, {"q": "pubblico"}).content.decode()
    assert len(links(page)) == 8 * 20  # every kind is full: 20 shown of each
    assert page.count("I primi 20 di ") == 8


def _title(kind, row):
    return {
        "actions": lambda: f"{row.code} {row.title}",
        "indicators": lambda: row.name,
        "projects": lambda: row.title,
        "relations": lambda: str(row),
        "events": lambda: row.title,
        "news": lambda: row.title,
        "bodies": lambda: row.organisation.name,
        "faq": lambda: row.faq_question,
    }[kind]()
