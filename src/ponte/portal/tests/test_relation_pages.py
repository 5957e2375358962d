"""A public page per international relation: published rows only, in its own city, at a
query cost that does not grow with the rows; the relations list and the sitemap link to it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.diplomacy.models import Theme
from ponte.factories import CityFactory

from .sitemap import sitemap_text
from .world import SECRET, add_published, build_world


def test_a_published_relation_has_its_page_with_partner_country_kind_status_and_actions(client, city):
    world = build_world(city, n=2)
    relation = world.published["relations"][0]
    action = world.published["actions"][0]
    relation.actions.add(action, world.hidden["actions"][0])
    relation.themes.add(Theme.objects.create(city=city, slug="clima", name="Clima"))
    relation.signing_act = "Delibera di Giunta 12/2024"
    relation.save()
    response = client.get(f"/{city.slug}/relazioni-internazionali/{relation.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Pubblicata0" in text
    assert "Spagna" in text and ">ES<" not in text  # the country in words, never its code
    assert "Gemellaggio" in text
    assert "Delibera di Giunta 12/2024" in text and "Clima" in text
    assert f'href="{action.get_public_url()}"' in text
    assert SECRET not in text  # the draft action it also serves stays hidden


def test_the_relations_list_and_the_sitemap_link_every_published_relation_page(client, city):
    world = build_world(city, n=2)
    listing = client.get(f"/{city.slug}/relazioni-internazionali/").content.decode()
    sitemap = sitemap_text(client)
    for relation in world.published["relations"]:
        url = f"/{city.slug}/relazioni-internazionali/{relation.pk}/"
        assert f'href="{url}"' in listing
        assert url in sitemap
    for relation in world.hidden["relations"]:
        assert f"/relazioni-internazionali/{relation.pk}/" not in listing + sitemap


def test_a_draft_relation_or_one_of_another_city_is_not_found(client, city):
    world = build_world(city, n=1)
    draft = world.hidden["relations"][0]
    assert client.get(f"/{city.slug}/relazioni-internazionali/{draft.pk}/").status_code == 404
    other = CityFactory(slug="altrove", name="Altrove")
    published = world.published["relations"][0]
    assert client.get(f"/{other.slug}/relazioni-internazionali/{published.pk}/").status_code == 404


def test_a_relation_page_costs_the_same_queries_with_ten_times_the_rows(
    client, city, django_assert_max_num_queries, uncached
):
    world = build_world(city, n=2)
    relation = world.published["relations"][0]
    url = f"/{city.slug}/relazioni-internazionali/{relation.pk}/"
    relation.actions.add(*world.published["actions"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_published(city, world, range(2, 20))
    relation.actions.add(*world.published["actions"])
    relation.themes.add(*[Theme.objects.create(city=city, slug=f"t{i}", name=f"Tema {i}") for i in range(10)])
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200
