"""The portal's search by meaning, blended with the search by words (ponte.intelligence.search):
on the real Bologna data set (`load_plan data/bologna`: the plan's actions and the Comune's 9 PNRR
projects as published), Italian and English queries find the Italian records that speak of the
same thing; unrelated queries find nothing; exact hits stay on top; drafts are never found; an
object without a vector yet is found by its words and the page says so; the queries per search do
not grow with the data.

Only the vectors of the objects a test needs are computed (about 0.1 s each on this machine): the
similarity of a query with an object does not depend on the others (the centres are fixed)."""

import html
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ponte.core.models import City, Publication
from ponte.factories import ActionFactory, LineFactory
from ponte.funding.models import Project
from ponte.funding.tests.factories import ProgrammeFactory, ProjectFactory
from ponte.intelligence import search as semantic
from ponte.intelligence import services
from ponte.plan.models import Action

DATA = Path(__file__).resolve().parents[4] / "data" / "bologna"

# Real actions of the plan: about transport, about peace, and others about something else.
ACTIONS = ["5.3.3", "3.1.12", "3.1.3", "5.2.2", "4.2.1", "4.2.3", "4.2.4", "3.4.1"]
ACTIONS += ["1.2.1", "3.1.9", "2.1.1", "6.4.1", "5.1.3", "7.1.2", "1.3.3"]
CITTA_30 = "3.1.12 Rete delle città che hanno adottato la Città 30 km/h"
TRAMS = [
    "Prima linea tranviaria di Bologna - linea rossa",
    "Seconda linea tranviaria di Bologna (tratto nord - direttrice corticella-castel maggiore)",
]


@pytest.fixture(autouse=True)
def _vectors_read_afresh():
    semantic.city_vectors.clear()
    yield
    semantic.city_vectors.clear()


@pytest.fixture
def bologna(db, uncached):
    call_command("load_plan", str(DATA), stdout=open("/dev/null", "w"))  # noqa: SIM115
    city = City.objects.get(slug="bologna")
    services.vectors_for(list(Action.objects.filter(city=city, code__in=ACTIONS).prefetch_related("alignments")))
    services.vectors_for(list(Project.objects.filter(city=city)))
    return city


def search(client, city, words):
    response = client.get(reverse("portal:search", kwargs={"city": city.slug}), {"q": words})
    assert response.status_code == 200
    return response.content.decode()


def hits(page):
    """[(title, found only by meaning)] in the page's order."""
    found = re.findall(
        r'<li class="mb-3"><a href="[^"]+" class="fw-semibold">([^<]+)</a>( <span class="badge[^"]*" '
        r'data-testid="by-meaning">)?',
        page,
    )
    return [(html.unescape(re.sub(r"\s+", " ", title).strip()), bool(badge)) for title, badge in found]


def titles(page):
    return [title for title, _meaning in hits(page)]


def test_sustainable_public_transport_finds_the_trams_and_citta_30_in_italian(client, bologna):
    page = search(client, bologna, "trasporto pubblico sostenibile")
    found = dict(hits(page))
    for title in [*TRAMS, CITTA_30, "5.3.3 Investimenti in infrastrutture e trasporti sostenibili"]:
        assert found.get(title) is True, (title, found)  # no record has all three words: by meaning
    assert "per significato</span>" in page and "non contengono le parole cercate" in page
    for unrelated in ("Giardino all'italiana Villa Zambeccari", "1.2.1 Caffè Europa", "3.1.9 Gemellaggio con Portland"):
        assert unrelated not in found


def test_english_queries_find_the_italian_records(client, bologna):
    found = titles(search(client, bologna, "sustainable public transport"))
    assert CITTA_30 in found and "5.3.3 Investimenti in infrastrutture e trasporti sostenibili" in found
    assert "Autobus elettrici o ad idrogeno e relative infrast" in found
    assert "1.2.1 Caffè Europa" not in found
    found = titles(search(client, bologna, "peace and human rights"))
    assert "4.2.1 Fondazione Scuola di Pace di Monte Sole" in found
    assert not set(found) & {*TRAMS, CITTA_30, "1.2.1 Caffè Europa", "5.1.3 Bologna for Talent"}


@pytest.mark.parametrize("words", ["ornitorinco", "recipe for lasagna", "football", "cucina tradizionale"])
def test_unrelated_queries_find_nothing(client, bologna, words):
    page = search(client, bologna, words)
    assert 'data-testid="search-empty"' in page and hits(page) == []


def test_exact_hits_stay_on_top_and_the_hits_by_meaning_follow_marked(client, bologna):
    page = search(client, bologna, "trasporto")
    projects = re.search(r'<section id="results-projects".*?</section>', page, re.S).group(0)
    assert hits(projects)[0] == ("Autobus elettrici o ad idrogeno e relative infrast", False)  # "Trasporto Pubblico"
    assert sorted(hits(projects)[1:]) == [(tram, True) for tram in TRAMS]
    assert '<span class="badge bg-secondary">3</span>' in projects  # counted with the group


@pytest.fixture
def small(city, uncached):
    line = LineFactory(city=city)
    tram = ActionFactory(line=line, code="9.1", title="Nuova linea del tram", description="Binari in centro.")
    draft = ActionFactory(
        line=line, code="9.2", title="Tram notturno", description="Bozza.", publication=Publication.DRAFT
    )
    services.vectors_for([tram, draft])
    return city, tram, draft


def test_drafts_and_other_cities_are_never_found_by_meaning(client, small):
    city, tram, _draft = small
    other = ActionFactory(
        line=LineFactory(city=City.objects.create(slug="altrove", name="Altrove")), code="9.3", title="Tram a Altrove"
    )
    services.vectors_for([other])
    found = titles(search(client, city, "public transport by tramway"))
    assert found == ["9.1 Nuova linea del tram"]


def test_an_item_without_a_vector_is_found_by_its_words_and_the_page_says_so(client, small):
    city, _tram, _draft = small
    ActionFactory(line=LineFactory(city=city), code="9.4", title="Tranvia per Casalecchio")  # no vector yet
    page = search(client, city, "tranvia")
    assert titles(page) == ["9.4 Tranvia per Casalecchio", "9.1 Nuova linea del tram"]
    assert "1 elemento non è ancora cercato per significato" in page


def test_nothing_is_searched_by_meaning_before_any_vector_exists(client, city, uncached, monkeypatch):
    ActionFactory(line=LineFactory(city=city), code="9.5", title="Tranvia per Casalecchio")
    monkeypatch.setattr(semantic, "centred_query", lambda text: pytest.fail("the query was embedded"))
    assert titles(search(client, city, "tranvia")) == ["9.5 Tranvia per Casalecchio"]


def test_query_count_does_not_grow_with_the_objects_and_their_vectors(client, small, django_assert_max_num_queries):
    city, tram, _draft = small
    programme = ProgrammeFactory(city=city)
    project = ProjectFactory(programme=programme, title="Tram e autobus", description="Mobilità.", status="running")
    services.vectors_for([project])
    url = reverse("portal:search", kwargs={"city": city.slug})
    client.get(url, {"q": "mobilità"})  # warm: content types, the model, the city's vectors read once
    with CaptureQueriesContext(connection) as few:
        page = client.get(url, {"q": "public transport by tramway"}).content.decode()
    before, queries = hits(page), len(few)  # now: the next request empties the log `few` reads
    assert any(meaning for _title, meaning in before), before
    line = tram.line
    more = [
        ActionFactory(line=line, code=f"9.{10 + i}", title=f"Linea tranviaria {i}", description="Tram.")
        for i in range(3)
    ]
    more += [
        ProjectFactory(programme=programme, title=f"Tram {i}", description="Tram.", status="running") for i in range(2)
    ]
    services.vectors_for(more[:3])
    services.vectors_for(more[3:])
    client.get(url, {"q": "mobilità"})  # the city's vectors changed: read again, once
    with django_assert_max_num_queries(queries):
        page = client.get(url, {"q": "public transport by tramway"}).content.decode()
    after = hits(page)
    assert len(after) > len(before) and any(meaning for _title, meaning in after), after
