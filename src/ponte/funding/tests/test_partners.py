"""Partner search and consortium suggestions that meet the three-countries rule, with reasons:
organisations ranked for a call by how close in meaning their past projects are to it (in Italian
or English), the closest past project quoted; vectors computed once; queries bounded."""

import pytest
from django.urls import reverse

from ponte.factories import OrganisationFactory
from ponte.funding import partners
from ponte.funding.tests.factories import CallFactory, ParticipationFactory, ProgrammeFactory, ProjectFactory
from ponte.intelligence import embeddings
from ponte.intelligence.models import Embedding

TRAM = "Nuove linee tranviarie e autobus elettrici per la mobilità urbana"
MUSEUM = "Digitalizzazione delle collezioni del museo archeologico"
SCHOOLS = "Riqualificazione energetica degli edifici scolastici"


@pytest.fixture
def directory(city):
    city.country = "IT"
    city.save()
    horizon = ProgrammeFactory(city=city, slug="horizon")
    valencia = OrganisationFactory(city=city, name="Valencia transport agency", country="ES", kind="public")
    ParticipationFactory(project=ProjectFactory(programme=horizon, title=TRAM), organisation=valencia)
    athens = OrganisationFactory(
        city=city, name="Athens museum network", country="GR", kind="university", description="digital heritage"
    )
    for title in (MUSEUM, "Archivi digitali delle biblioteche"):  # more history, farther from the call
        ParticipationFactory(project=ProjectFactory(programme=horizon, title=title), organisation=athens)
    lyon = OrganisationFactory(
        city=city, name="Lyon energy agency", country="FR", kind="public", description="energy renovation"
    )
    ParticipationFactory(project=ProjectFactory(programme=horizon, title=SCHOOLS), organisation=lyon)
    return {
        "horizon": horizon,
        "valencia": valencia,
        "athens": athens,
        "lyon": lyon,
        "barcelona": OrganisationFactory(city=city, name="Barcelona", country="ES", kind="city"),
        "bari": OrganisationFactory(city=city, name="Bari port authority", country="IT", kind="public"),
        "boston": OrganisationFactory(
            city=city, name="Boston lab", country="US", kind="university", description="climate neutrality"
        ),
    }


@pytest.fixture
def call(city, directory):
    return CallFactory(
        city=city,
        programme=directory["horizon"],
        title="Zero-emission public transport in European cities",
        description="Pilots of clean buses and light rail to decarbonise commuting.",
    )


def test_suggestions_rank_by_meaning_complete_three_countries_and_explain(client, users, city, directory, call):
    client.force_login(users["viewer"])
    response = client.get(f"/{city.slug}/gestione/fondi/bandi/{call.pk}/")
    consortium = response.context["consortium"]
    assert f'href="/{city.slug}/gestione/fondi/partner/?call={call.pk}"' in response.content.decode()
    names = [s.organisation.name for s in consortium.suggestions]
    # An Italian tram project answers an English call on public transport: first, without a shared word.
    assert names[0] == "Valencia transport agency"
    assert names.index("Valencia transport agency") < names.index("Athens museum network")
    assert "Barcelona" in names or "Lyon energy agency" in names  # a third country
    assert "Bari port authority" not in names and "Boston lab" not in names  # same country; not eligible
    assert consortium.meets_rule and {"IT", "ES"} <= set(consortium.countries) and len(consortium.countries) >= 3
    reasons = " ".join(consortium.suggestions[0].reasons)
    assert f"il progetto passato più vicino al bando: “{TRAM}”" in reasons, reasons
    assert "Spagna" in reasons  # the country by its name, never its code
    assert all("climat" not in " ".join(s.reasons) for s in consortium.suggestions)  # no stems any more


def test_partner_search_for_a_call_puts_the_closest_first_with_the_reason(client, users, city, directory, call):
    client.force_login(users["funds"])
    response = client.get(f"/{city.slug}/gestione/fondi/partner/", {"call": call.pk})
    listed = list(response.context["object_list"])
    assert listed[0] == directory["valencia"] and listed[0].closest.project_title == TRAM
    assert listed[0].affinity > listed[1].affinity
    content = response.content.decode()
    assert "Consorzio suggerito per “Zero-emission public transport in European cities”" in content
    assert "Progetto passato più vicino" in content and TRAM in content
    page_order = [content.index(name) for name in ("Valencia transport agency", "Athens museum network")]
    assert page_order == sorted(page_order)
    # The list still filters and sorts: an explicit sort wins over the call's order.
    by_name = client.get(f"/{city.slug}/gestione/fondi/partner/", {"call": call.pk, "ordering": "name"})
    assert [o.name for o in by_name.context["object_list"]][0] == "Athens museum network"
    assert client.get(f"/{city.slug}/gestione/fondi/partner/", {"call": call.pk, "export": "csv"}).status_code == 200


def test_vectors_are_computed_once_and_queries_do_not_grow_with_the_directory(
    client, users, city, directory, call, django_assert_num_queries, django_assert_max_num_queries, monkeypatch
):
    client.force_login(users["funds"])
    url = f"/{city.slug}/gestione/fondi/partner/?call={call.pk}"
    client.get(url)
    assert Embedding.objects.filter(city=city).count() == 5  # the four past projects and the call

    def refuse(texts):
        raise AssertionError(f"computed again: {texts}")

    monkeypatch.setattr(embeddings, "embed_passages", refuse)
    with django_assert_max_num_queries(NUM_QUERIES) as small:
        client.get(url)
        queries = len(small)
    consortium_before = partners.suggest_partners(call)

    # Tenfold the directory, each new organisation with a past project whose vector is stored.
    monkeypatch.undo()
    for number in range(10):
        organisation = OrganisationFactory(city=city, name=f"Partner {number}", country="PT", kind="public")
        ParticipationFactory(
            project=ProjectFactory(programme=directory["horizon"], title=f"Progetto {number}: {SCHOOLS}"),
            organisation=organisation,
        )
    client.get(url)
    monkeypatch.setattr(embeddings, "embed_passages", refuse)
    with django_assert_num_queries(queries):  # the same number, ten times the directory
        client.get(url)
    assert partners.suggest_partners(call).suggestions[0].organisation == consortium_before.suggestions[0].organisation


# The page's queries with a call chosen, whatever the size of the directory: session, user, city
# and roles, the filter's call, the directory (count and page), the participations, the projects,
# their vectors and the call's, and the consortium's organisations and history (one fewer when the
# session is read from a cache such as Redis).
NUM_QUERIES = 17


def test_past_projects_without_a_vector_are_compared_up_to_a_bound_and_the_rest_queued(
    city, directory, call, monkeypatch
):
    monkeypatch.setattr(partners, "COMPUTE_IN_REQUEST", 2)
    queued = []
    monkeypatch.setattr(partners, "schedule_refresh", queued.append)
    found = partners.affinities(call)
    assert found.waiting == 2 and queued == [city.pk]
    assert len(found.by_organisation) <= 2
    assert "2 progetti passati non sono ancora confrontati" in _consortium_html(call, found)


def _consortium_html(call, found):
    from django.template.loader import render_to_string

    return render_to_string("funding/_consortium.html", {"consortium": partners.suggest_partners(call, found=found)})


def test_partner_search_by_topic_country_and_experience(client, users, city, directory):
    client.force_login(users["viewer"])

    def names(query):
        return [o.name for o in client.get(f"/{city.slug}/gestione/fondi/partner/?{query}").context["object_list"]]

    assert names("topic=climate") == ["Boston lab"]
    assert names("topic=elettrici") == ["Valencia transport agency"]  # found through its projects
    assert names("country=fr") == ["Lyon energy agency"]
    assert names("min_projects=2") == ["Athens museum network"]
    assert names(f"programme={directory['horizon'].pk}") == [
        "Athens museum network",
        "Lyon energy agency",
        "Valencia transport agency",
    ]
    assert client.get(f"/{city.slug}/gestione/fondi/partner/?topic=climate&export=csv").status_code == 200
    assert reverse("funding:partner-search", kwargs={"city": city.slug}).endswith("/fondi/partner/")


def test_the_city_itself_and_its_offices_are_not_ranked_as_partners_of_the_call(client, users, city, directory, call):
    city.tax_code = "01232710374"
    city.save()
    tram = directory["valencia"].participations.get().project
    comune = OrganisationFactory(
        city=city, name="Comune di Testopoli", country="IT", kind="public", tax_code="01232710374"
    )
    office = OrganisationFactory(city=city, name="Ufficio mobilità", country="IT", kind="office")
    for organisation in (comune, office):
        ParticipationFactory(project=tram, organisation=organisation)
    found = partners.affinities(call)
    assert directory["valencia"].pk in found.by_organisation
    assert comune.pk not in found.by_organisation and office.pk not in found.by_organisation
    client.force_login(users["funds"])
    listed = list(client.get(f"/{city.slug}/gestione/fondi/partner/", {"call": call.pk}).context["object_list"])
    assert listed[0] == directory["valencia"]
    assert all(organisation.affinity == 0 for organisation in listed if organisation in (comune, office))


def test_without_past_projects_the_pages_say_so_and_claim_no_order(client, users, city):
    """The probe on the Bologna data set (no CORDIS projects): the call's page offered “all the
    organisations, closest to this call first” and the list stayed alphabetical, the city's own
    governance bodies and services among the partners."""
    city.country = "IT"
    city.save()
    OrganisationFactory(city=city, name="Amburgo", country="DE", kind="city")
    OrganisationFactory(city=city, name="Cabina di Regia", country="IT", kind="body")
    OrganisationFactory(city=city, name="Casa dell'Europa", country="IT", kind="service")
    OrganisationFactory(city=city, name="Ufficio Europa", country="IT", kind="office")
    call = CallFactory(city=city, title="Youth exchanges", programme=ProgrammeFactory(city=city, slug="erasmus"))
    client.force_login(users["funds"])
    detail = client.get(f"/{city.slug}/gestione/fondi/bandi/{call.pk}/")
    content = detail.content.decode()
    assert not detail.context["consortium"].compared
    assert "Nessun progetto passato con cui confrontare il bando" in content
    assert f'href="/{city.slug}/gestione/importazioni/"' in content
    assert "le più vicine a questo bando per prime" not in content
    search = client.get(f"/{city.slug}/gestione/fondi/partner/", {"call": call.pk})
    content = search.content.decode()
    assert "Nessun progetto passato con cui confrontare il bando" in content
    assert "Progetto passato più vicino" not in content  # no column of dashes
    assert [o.name for o in search.context["object_list"]] == ["Amburgo"]  # the city's own bodies are no partners
    # Without a call the directory still lists everyone.
    everyone = {o.name for o in client.get(f"/{city.slug}/gestione/fondi/partner/").context["object_list"]}
    assert {"Amburgo", "Cabina di Regia", "Casa dell'Europa", "Ufficio Europa"} <= everyone


def test_the_order_and_the_consortium_depend_on_the_call(client, users, city, directory, call):
    museum = CallFactory(
        city=city,
        programme=directory["horizon"],
        title="Digital access to museum collections",
        description="Digitise archaeological and art collections and open them to the public online.",
    )
    client.force_login(users["funds"])

    def first(for_call):
        return client.get(f"/{city.slug}/gestione/fondi/partner/", {"call": for_call.pk}).context["object_list"][0]

    assert first(call) == directory["valencia"]
    assert first(museum) == directory["athens"]
    assert partners.suggest_partners(museum).suggestions[0].organisation == directory["athens"]
    assert partners.suggest_partners(call).suggestions[0].organisation == directory["valencia"]


@pytest.mark.parametrize(
    ("programme", "parent", "published", "horizon"),
    [
        ("horizon", None, "", True),
        ("horizon-mission-cities", "horizon", "", True),  # a mission is part of Horizon Europe
        (None, None, "Horizon Europe (HORIZON)", True),  # as the portal publishes it
        ("erasmus", None, "", False),
        ("cerv", None, "", False),
        (None, None, "", False),
    ],
)
def test_associated_countries_count_for_horizon_europe_calls_only(
    client, users, city, programme, parent, published, horizon
):
    city.country = "IT"
    city.save()
    OrganisationFactory(city=city, name="Amburgo", country="DE", kind="city")
    OrganisationFactory(city=city, name="Coventry", country="GB", kind="city")
    OrganisationFactory(city=city, name="Daegu", country="KR", kind="city")
    if programme:
        up = ProgrammeFactory(city=city, slug=parent) if parent else None
        programme = ProgrammeFactory(city=city, slug=programme, parent=up)
    call = CallFactory(city=city, programme=programme, framework_programme=published, identifier="CALL-X")
    assert partners.is_horizon_europe(call) is horizon
    client.force_login(users["viewer"])
    response = client.get(f"/{city.slug}/gestione/fondi/bandi/{call.pk}/")
    consortium = response.context["consortium"]
    names = {s.organisation.name for s in consortium.suggestions}
    content = response.content.decode()
    if horizon:
        assert names == {"Amburgo", "Coventry", "Daegu"} and consortium.meets_rule
        assert "tre paesi ammissibili: regola rispettata" in content
        assert "Si contano gli Stati membri dell'UE e i paesi associati a Horizon Europe." in content
    else:  # the United Kingdom and South Korea are associated to Horizon Europe, not to every programme
        assert names == {"Amburgo"} and not consortium.meets_rule
        assert "meno di tre Stati membri dell'UE" in content
        assert "quali altri paesi sono associati dipende dal programma e va verificato nel bando" in content
