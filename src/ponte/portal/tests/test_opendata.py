"""Open data: DCAT-AP_IT metadata parses as RDF with the mandatory properties; downloads follow
their documented schema; the licence is configurable; the Bologna data set is all there."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from ponte.testing import body

from .world import build_world

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DATASETS = ["azioni", "indicatori", "progetti", "relazioni", "eventi"]


@pytest.fixture
def world(city):
    city.ipa_code = "c_t001"
    city.save()
    return build_world(city, n=3)


def graph_of(client, url, fmt):
    response = client.get(url)
    assert response.status_code == 200
    return Graph().parse(data=response.content.decode(), format=fmt)


def one(graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert values, f"{subject} has no {predicate}"
    return values[0]


def test_catalogue_is_dcat_ap_it_with_the_mandatory_properties(client, city, world):
    turtle = graph_of(client, f"/{city.slug}/dati/catalogo.ttl", "turtle")
    jsonld = graph_of(client, f"/{city.slug}/dati/catalogo.jsonld", "json-ld")
    assert len(turtle) == len(jsonld) > 100

    (catalogue,) = turtle.subjects(RDF.type, DCATAPIT.Catalog)
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.modified, FOAF.homepage):
        one(turtle, catalogue, predicate)
    datasets = list(turtle.objects(catalogue, DCAT.dataset))
    assert len(datasets) == len(DATASETS)
    for dataset in datasets:
        assert (dataset, RDF.type, DCATAPIT.Dataset) in turtle
        for predicate in (
            DCTERMS.identifier,
            DCTERMS.title,
            DCTERMS.description,
            DCTERMS.modified,
            DCAT.theme,
            DCTERMS.accrualPeriodicity,
        ):
            one(turtle, dataset, predicate)
        assert str(one(turtle, dataset, DCTERMS.identifier)).startswith("c_t001:")
        holder = one(turtle, dataset, DCTERMS.rightsHolder)
        assert (holder, RDF.type, DCATAPIT.Agent) in turtle
        assert str(one(turtle, holder, DCTERMS.identifier)) == "c_t001" and one(turtle, holder, FOAF.name)
        contact = one(turtle, dataset, DCAT.contactPoint)
        assert str(one(turtle, contact, VCARD.hasEmail)).startswith("mailto:")
        distributions = list(turtle.objects(dataset, DCAT.distribution))
        assert len(distributions) == 2
        for distribution in distributions:
            assert (distribution, RDF.type, DCATAPIT.Distribution) in turtle
            download = one(turtle, distribution, DCAT.accessURL)
            assert client.get(str(download).replace("http://testserver", "")).status_code == 200
            one(turtle, distribution, DCTERMS.format)
            licence = one(turtle, distribution, DCTERMS.license)
            assert (licence, RDF.type, DCATAPIT.LicenseDocument) in turtle
            assert "A21_CCBY40" in str(one(turtle, licence, DCTERMS.type))


def test_licence_is_configurable(client, city, world, settings):
    settings.OPEN_DATA_LICENCE = "CC0-1.0"
    graph = graph_of(client, f"/{city.slug}/dati/catalogo.ttl", "turtle")
    assert (URIRef("https://creativecommons.org/publicdomain/zero/1.0/"), RDF.type, DCATAPIT.LicenseDocument) in graph
    assert "creativecommons.org/publicdomain/zero" in client.get(f"/{city.slug}/dati/").content.decode()


@pytest.mark.parametrize("dataset", DATASETS)
def test_downloads_follow_their_schema(client, city, world, dataset):
    schema = json.loads(client.get(f"/{city.slug}/dati/{dataset}/schema.json").content)
    names = [field["name"] for field in schema["fields"]]
    assert all(field["description"] and field["type"] for field in schema["fields"])
    table = list(csv.reader(io.StringIO(body(client.get(f"/{city.slug}/dati/{dataset}.csv")).decode("utf-8-sig"))))
    assert table[0] == names
    document = json.loads(body(client.get(f"/{city.slug}/dati/{dataset}.json")))
    assert len(document["data"]) == len(table) - 1 >= 3
    kinds = {"integer": int, "number": (int, float), "string": str, "date": str, "datetime": str}
    for row in document["data"]:
        assert list(row) == names
        for field in schema["fields"]:
            value = row[field["name"]]
            assert value is None or isinstance(value, kinds[field["type"]]), (field["name"], value)


def test_the_bologna_plan_is_all_in_the_open_data(db, client, settings):
    call_command("load_plan", str(settings.BASE_DIR / "data" / "bologna"), verbosity=0)
    actions = list(csv.reader(io.StringIO(body(client.get("/bologna/dati/azioni.csv")).decode("utf-8-sig"))))
    assert len(actions) - 1 == 86
    relations = json.loads(body(client.get("/bologna/dati/relazioni.json")))["data"]
    assert len(relations) == 37  # the plan's 18 and the twin cities and agreements of public pages
    graph = graph_of(client, "/bologna/dati/catalogo.ttl", "turtle")
    assert str(one(graph, next(graph.subjects(RDF.type, DCATAPIT.Agent)), DCTERMS.identifier)) == "c_a944"
