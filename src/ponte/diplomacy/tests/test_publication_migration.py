"""Migration 0003: memberships and candidacies become publishable; those that come from the
plan (they name their place in it) are published, those staff entered by hand stay drafts."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ponte.core.models import City, Organisation

BEFORE = ("diplomacy", "0002_relation_publication")
AFTER = ("diplomacy", "0003_membership_candidacy_publication")


@pytest.mark.django_db(transaction=True)
def test_what_comes_from_the_plan_is_published_and_the_rest_stays_draft(migrations_back_to_latest):
    city = City.objects.create(slug="testopoli", name="Testopoli")
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    Membership, Candidacy = old.get_model("diplomacy", "NetworkMembership"), old.get_model("diplomacy", "Candidacy")

    def network(slug):
        # core stays at its latest migration: its current model, not the historical one
        return Organisation.objects.create(city=city, slug=slug, name=slug.title(), kind="network").pk

    plan_membership = Membership.objects.create(
        city_id=city.pk, network_id=network("eurocities"), source="Azioni › Reti"
    )
    own_membership = Membership.objects.create(city_id=city.pk, network_id=network("altra"))
    plan_candidacy = Candidacy.objects.create(
        city_id=city.pk, title="Capitale", year=2025, source="Azioni › Candidature"
    )
    own_candidacy = Candidacy.objects.create(city_id=city.pk, title="Premio", year=2026)

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps
    memberships = new.get_model("diplomacy", "NetworkMembership").objects
    candidacies = new.get_model("diplomacy", "Candidacy").objects
    assert memberships.get(pk=plan_membership.pk).publication == "published"
    assert memberships.get(pk=own_membership.pk).publication == "draft"
    assert candidacies.get(pk=plan_candidacy.pk).publication == "published"
    assert candidacies.get(pk=own_candidacy.pk).publication == "draft"
