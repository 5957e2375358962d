"""The portal's home is never empty by accident (issue 15): it shows the real projects and
relations, the next events or else the plan's recurring formats, the latest news or else the
latest narrative updates (or else the actions under way), at a query cost that does not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.participation.models import Event, EventSeries
from ponte.plan.models import ActionUpdate
from ponte.portal.models import News

from .world import SECRET, add_published, build_world


def home(client, city):
    response = client.get(f"/{city.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def without_news_and_events(city):
    News.objects.filter(city=city).delete()
    Event.objects.filter(city=city).delete()


def formats(city, world, n=2):
    for i in range(n):
        EventSeries.objects.create(
            city=city,
            slug=f"formato-{i}",
            name=f"Formato ricorrente {i}",
            description="Ogni mese in biblioteca.",
            audience="Cittadinanza",
            action=world.published["actions"][0],
        )
    EventSeries.objects.create(city=city, slug="interno", name=f"Corso {SECRET}", internal=True)


def test_the_home_shows_the_real_projects_and_relations_with_their_status(client, city):
    world = build_world(city, n=2)
    text = home(client, city)
    for project in world.published["projects"]:
        assert f'href="{project.get_public_url()}"' in text
    for relation in world.published["relations"]:
        assert f'href="{relation.get_public_url()}"' in text
    assert 'class="badge ponte-status ponte-tone-info" data-status="running"' in text
    assert "Ultime notizie" in text and "Notizia pubblica 0" in text
    assert "Prossimi eventi" in text and "Evento pubblico 0" in text
    assert SECRET not in text


def test_without_dated_events_the_home_shows_the_recurring_formats_of_the_plan(client, city):
    world = build_world(city, n=1)
    without_news_and_events(city)
    formats(city, world)
    text = home(client, city)
    assert "Eventi ricorrenti del piano" in text
    assert "Formato ricorrente 0" in text and "Formato ricorrente 1" in text
    assert f'href="{world.published["actions"][0].get_public_url()}"' in text
    assert SECRET not in text  # internal training is never shown


def test_without_news_the_home_shows_the_latest_narrative_updates_of_public_actions(client, city):
    build_world(city, n=2)
    without_news_and_events(city)
    text = home(client, city)
    assert "Ultimi aggiornamenti sul piano" in text
    assert "Fatto 0" in text and "Fatto 1" in text
    assert SECRET not in text  # the update of the draft action stays hidden


def test_without_news_nor_updates_the_home_shows_the_actions_under_way(client, city):
    world = build_world(city, n=2)
    without_news_and_events(city)
    ActionUpdate.objects.filter(city=city).delete()
    text = home(client, city)
    assert "Azioni del piano in corso" in text
    assert f'href="{world.published["actions"][0].get_public_url()}"' in text
    assert "Nessuna notizia" not in text


@pytest.mark.parametrize("fallback", ["updates", "under_way"])
def test_the_home_with_its_fallbacks_costs_the_same_queries_as_data_grow(client, city, fallback, uncached):
    world = build_world(city, n=2)
    formats(city, world)

    def queries():
        without_news_and_events(city)
        if fallback == "under_way":
            ActionUpdate.objects.filter(city=city).delete()
        with CaptureQueriesContext(connection) as captured:
            home(client, city)
        return len(captured)

    queries()  # a first request fills the per-process caches (content types), as any server's has

    few = queries()
    add_published(city, world, range(2, 20))
    for i in range(2, 8):
        EventSeries.objects.create(
            city=city, slug=f"altro-{i}", name=f"Altro {i}", action=world.published["actions"][i]
        )
    assert queries() == few
