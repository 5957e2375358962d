"""Partner search and consortium suggestions that meet the three-countries rule, with reasons."""

import pytest

from ponte.factories import OrganisationFactory
from ponte.funding.tests.factories import CallFactory, ParticipationFactory, ProgrammeFactory, ProjectFactory


@pytest.fixture
def directory(city):
    city.country = "IT"
    city.save()
    horizon = ProgrammeFactory(city=city, slug="horizon")
    past = ProjectFactory(programme=horizon, title="Urban climate neutrality with citizens", status="running")
    athens = OrganisationFactory(
        city=city,
        name="Athens research institute",
        country="GR",
        kind="university",
        description="climate neutrality and digital twins",
    )
    ParticipationFactory(project=past, organisation=athens)
    return {
        "horizon": horizon,
        "athens": athens,
        "barcelona": OrganisationFactory(city=city, name="Barcelona", country="ES", kind="city"),
        "lyon": OrganisationFactory(
            city=city, name="Lyon energy agency", country="FR", kind="public", description="energy renovation"
        ),
        "bari": OrganisationFactory(city=city, name="Bari port authority", country="IT", kind="public"),
        "boston": OrganisationFactory(
            city=city, name="Boston lab", country="US", kind="university", description="climate neutrality"
        ),
    }


def test_suggestions_complete_three_countries_and_explain(client, users, city, directory):
    call = CallFactory(
        city=city,
        programme=directory["horizon"],
        title="Climate-neutral cities with digital twins",
        keywords="climate neutrality citizens",
    )
    client.force_login(users["viewer"])
    consortium = client.get(f"/{city.slug}/gestione/fondi/bandi/{call.pk}/").context["consortium"]
    names = [s.organisation.name for s in consortium.suggestions]
    assert names[0] == "Athens research institute"  # shared history and relevant experience
    assert "Barcelona" in names  # a partner city brings a third country
    assert "Bari port authority" not in names and "Boston lab" not in names  # same country; not eligible
    assert consortium.meets_rule and set(consortium.countries) >= {"IT", "GR", "ES"}
    reasons = " ".join(consortium.suggestions[0].reasons)
    assert "GR" in reasons and "climat" in reasons


def test_partner_search_by_topic_country_and_experience(client, users, city, directory):
    client.force_login(users["viewer"])

    def names(query):
        return [o.name for o in client.get(f"/{city.slug}/gestione/fondi/partner/?{query}").context["object_list"]]

    assert names("topic=climate") == ["Athens research institute", "Boston lab"]
    assert names("topic=citizens") == ["Athens research institute"]  # found through its projects
    assert names("country=fr") == ["Lyon energy agency"]
    assert names("min_projects=1") == ["Athens research institute"]
    assert names(f"programme={directory['horizon'].pk}") == ["Athens research institute"]
    assert client.get(f"/{city.slug}/gestione/fondi/partner/?topic=climate&export=csv").status_code == 200
