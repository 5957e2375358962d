"""One installation, several cities: no row, link or page may mix two cities' data."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from ponte.factories import ActionFactory, AxisItemFactory, CityFactory, LineFactory, OrganisationFactory
from ponte.plan.models import Action


@pytest.fixture
def two_cities(db):
    bologna, modena = CityFactory(slug="bologna"), CityFactory(slug="modena")
    return bologna, modena


def test_for_city_returns_only_that_citys_rows(two_cities):
    bologna, modena = two_cities
    ActionFactory.create_batch(3, line=LineFactory(city=bologna))
    ActionFactory.create_batch(2, line=LineFactory(city=modena))
    assert Action.objects.for_city(bologna).count() == 3
    assert set(Action.objects.for_city(modena).values_list("city__slug", flat=True)) == {"modena"}


def test_a_foreign_key_to_another_citys_row_is_refused(two_cities):
    bologna, modena = two_cities
    action = ActionFactory(line=LineFactory(city=bologna))
    action.owner_office = OrganisationFactory(city=modena)
    with pytest.raises(ValidationError, match="un.altra città"):
        action.save()


def test_a_child_cannot_claim_another_city_than_its_parent(two_cities):
    bologna, modena = two_cities
    with pytest.raises(ValidationError):
        ActionFactory(line=LineFactory(city=bologna), city=modena)


def test_many_to_many_links_across_cities_are_refused(two_cities):
    bologna, modena = two_cities
    action = ActionFactory(line=LineFactory(city=bologna))
    foreign_org, foreign_item = OrganisationFactory(city=modena), AxisItemFactory(axis__city=modena)
    with pytest.raises(ValidationError, match="un.altra città"), transaction.atomic():
        action.partners.add(foreign_org)
    with pytest.raises(ValidationError), transaction.atomic():
        action.alignments.set([foreign_item])
    assert action.partners.count() == 0 and action.alignments.count() == 0


def test_pages_of_one_city_never_show_another_citys_action(two_cities, client, django_user_model):
    bologna, modena = two_cities
    ActionFactory(line=LineFactory(city=modena), code="9.9.9", title="Azione di Modena")
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    assert client.get("/bologna/gestione/azioni/9.9.9/").status_code == 404
    assert client.get("/modena/gestione/azioni/9.9.9/").status_code == 200
    assert b"Azione di Modena" not in client.get("/bologna/gestione/azioni/").content
