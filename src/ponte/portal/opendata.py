"""Open data: the public data sets of a city, their CSV/JSON downloads, a documented schema
(Frictionless Table Schema) and the catalogue's DCAT-AP_IT metadata (Turtle and JSON-LD).

Rows come from `public.py`, so the downloads hold exactly what the portal shows.
"""

import datetime
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from ponte.core.exports import Column
from ponte.core.exports import machine_csv_response as write_csv

from . import public

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
LICENCES = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40",
    ),
    "CC0-1.0": (
        "Creative Commons CC0 1.0 Universal",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "https://w3id.org/italia/controlled-vocabulary/licences/A11_CCO10",
    ),
    "IODL-2.0": (
        "Italian Open Data License v2.0",
        "https://www.dati.gov.it/iodl/2.0/",
        "https://w3id.org/italia/controlled-vocabulary/licences/A29_IODL20",
    ),
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema type: string, integer, number, date, datetime
    description: str
    value: Callable[[object], object]


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    theme: str  # EU data theme code
    keywords: tuple[str, ...]
    rows: Callable[[object], Iterable]
    fields: tuple[Field, ...]

    def identifier(self, city) -> str:
        return f"{city.ipa_code or city.slug}:ponte-{self.slug}"


def _joined(items) -> str:
    return "; ".join(str(item) for item in items)


#: Rows read from the database at a time by a download: its memory stays the same whatever the size.
CHUNK = 500


def _streamed(rows):
    """A queryset's rows a chunk at a time (prefetches included, per chunk), never all at once."""
    return rows.iterator(chunk_size=CHUNK) if isinstance(rows, QuerySet) else rows


def _indicator_rows(city):
    """One row per measured value; an indicator with none still has its row."""
    for indicator in _streamed(public.indicators(city)):
        values = list(indicator.values.all()) or [None]
        for value in values:
            yield indicator, value


def _level(indicator):
    for level in ("action", "line", "macro_area"):
        node = getattr(indicator, level)
        if node is not None:
            return node.code
    return ""


DATASETS = {
    dataset.slug: dataset
    for dataset in [
        Dataset(
            "azioni",
            _("Plan actions"),
            _(
                "Every published action of the strategic plan with its macro area, line, status, progress, "
                "owning office and alignment (SDGs, EU priorities, mandate areas, flagships)."
            ),
            "GOVE",
            ("piano strategico", "azione internazionale", "Agenda 2030"),
            public.actions,
            (
                Field("codice", "string", _("Code of the action in the plan"), lambda a: a.code),
                Field("titolo", "string", _("Title"), lambda a: a.title),
                Field("area", "string", _("Code of the macro area"), lambda a: a.line.macro_area.code),
                Field("area_titolo", "string", _("Macro area"), lambda a: a.line.macro_area.title),
                Field("linea", "string", _("Code of the line"), lambda a: a.line.code),
                Field("linea_titolo", "string", _("Line"), lambda a: a.line.title),
                Field(
                    "stato",
                    "string",
                    _("Status (not_started, in_progress, completed, delayed, suspended)"),
                    lambda a: a.status,
                ),
                Field("avanzamento", "integer", _("Progress in percent"), lambda a: a.progress),
                Field("inizio", "date", _("Start"), lambda a: a.start_date),
                Field("fine", "date", _("End"), lambda a: a.end_date),
                Field("ufficio", "string", _("Owning office"), lambda a: a.owner_office or ""),
                Field(
                    "allineamento",
                    "string",
                    _("Alignment references (axis:code), separated by ;"),
                    lambda a: _joined(item.reference for item in a.alignments.all()),
                ),
                Field("fonte", "string", _("Where the plan says it"), lambda a: a.source),
            ),
        ),
        Dataset(
            "indicatori",
            _("Indicators and their values"),
            _(
                "The plan's published indicators, one row per measured value, with unit, baseline and "
                "the level of the plan they measure."
            ),
            "GOVE",
            ("indicatori", "monitoraggio", "piano strategico"),
            _indicator_rows,
            (
                Field("codice", "string", _("Code of the indicator"), lambda r: r[0].code),
                Field("nome", "string", _("Name"), lambda r: r[0].name),
                Field("unita", "string", _("Unit"), lambda r: r[0].unit),
                Field(
                    "livello",
                    "string",
                    _("Code of the macro area, line or action measured (empty: the plan)"),
                    lambda r: _level(r[0]),
                ),
                Field("base", "number", _("Baseline"), lambda r: r[0].baseline_value),
                Field("data_base", "date", _("Baseline date"), lambda r: r[0].baseline_date),
                Field(
                    "data_riferimento",
                    "date",
                    _("Reference date of the value"),
                    lambda r: r[1].reference_date if r[1] else None,
                ),
                Field("valore", "number", _("Measured value"), lambda r: r[1].value if r[1] else None),
                Field(
                    "fonte", "string", _("Source of the value"), lambda r: (r[1].source if r[1] else "") or r[0].source
                ),
            ),
        ),
        Dataset(
            "progetti",
            _("Funded projects"),
            _(
                "Projects of the city funded by EU, national and international programmes: programme, "
                "amounts in euro, dates, place and the plan actions they serve."
            ),
            "ECON",
            ("fondi europei", "PNRR", "progetti finanziati", "coesione"),
            public.projects,
            (
                Field("id", "integer", _("Identifier in Ponte"), lambda p: p.pk),
                Field("acronimo", "string", _("Acronym"), lambda p: p.acronym),
                Field("titolo", "string", _("Title"), lambda p: p.title),
                Field("programma", "string", _("Programme"), lambda p: p.programme.name),
                Field("tipo_programma", "string", _("Kind of programme"), lambda p: p.programme.kind),
                Field("stato", "string", _("Status (granted, running, closed, audited)"), lambda p: p.status),
                Field("cup", "string", _("CUP (Codice Unico di Progetto)"), lambda p: p.cup),
                Field("costo_totale", "number", _("Total budget (EUR)"), lambda p: p.total_budget),
                Field("contributo", "number", _("EU / programme contribution (EUR)"), lambda p: p.eu_contribution),
                Field("quota_comune", "number", _("City's share (EUR)"), lambda p: p.city_share),
                Field("inizio", "date", _("Start"), lambda p: p.start_date),
                Field("fine", "date", _("End"), lambda p: p.end_date),
                Field("luogo", "string", _("Place"), lambda p: p.place),
                Field("fonte_dati", "string", _("Open-data source it was imported from"), lambda p: p.origin),
                Field(
                    "fondi_al_comune",
                    "number",
                    _("Funds to the city (EUR): its share of a consortium's grant, or the whole contribution"),
                    lambda p: p.city_funds,
                ),
                Field(
                    "attribuzione", "string", _("Credit the source asks for, with its licence"), lambda p: p.attribution
                ),
                Field("data_fonte", "date", _("Date of the source's release"), lambda p: p.source_date),
                Field("titolo_alla_fonte", "string", _("Title as the source publishes it"), lambda p: p.source_title),
            ),
        ),
        Dataset(
            "relazioni",
            _("International relations"),
            _("Twinnings, agreements, partnerships and pacts of the city with cities and territories abroad."),
            "INTR",
            ("gemellaggi", "relazioni internazionali", "diplomazia delle città"),
            public.relations,
            (
                Field("partner", "string", _("Partner city or territory"), lambda r: r.partner.name),
                Field("paese", "string", _("Country (ISO 3166-1 alpha-2)"), lambda r: r.partner.country),
                Field(
                    "tipo",
                    "string",
                    _("Kind (twinning, agreement, partnership, friendship, protocol)"),
                    lambda r: r.kind,
                ),
                Field("stato", "string", _("Status (planned, active, dormant, ended)"), lambda r: r.status),
                Field("firmato_il", "date", _("Signed on"), lambda r: r.signed_on),
                Field("temi", "string", _("Themes, separated by ;"), lambda r: _joined(r.themes.all())),
                Field("latitudine", "number", _("Latitude (WGS 84)"), lambda r: r.partner.latitude),
                Field("longitudine", "number", _("Longitude (WGS 84)"), lambda r: r.partner.longitude),
            ),
        ),
        Dataset(
            "eventi",
            _("Events"),
            _("Public events of the city's European and international action, with place and times."),
            "EDUC",
            ("eventi", "Europe Direct", "partecipazione"),
            public.events,
            (
                Field("id", "integer", _("Identifier in Ponte"), lambda e: e.pk),
                Field("titolo", "string", _("Title"), lambda e: e.title),
                Field("inizio", "datetime", _("Starts at"), lambda e: e.starts_at),
                Field("fine", "datetime", _("Ends at"), lambda e: e.ends_at),
                Field("luogo", "string", _("Venue"), lambda e: e.venue),
                Field("online", "string", _("Online link"), lambda e: e.online_url),
                Field("serie", "string", _("Series"), lambda e: e.series.name if e.series else ""),
                Field("organizzatore", "string", _("Organiser"), lambda e: e.organiser or ""),
            ),
        ),
    ]
}


def licence():
    name, url, vocabulary = LICENCES.get(settings.OPEN_DATA_LICENCE, LICENCES["CC-BY-4.0"])
    return {"id": settings.OPEN_DATA_LICENCE, "name": name, "url": url, "vocabulary": vocabulary}


def _json_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (int, float, str)):
        return value
    return str(value)


def table_schema(dataset: Dataset) -> dict:
    return {
        "name": dataset.slug,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "fields": [
            {"name": field.name, "type": field.type, "description": str(field.description)} for field in dataset.fields
        ],
        "licenses": [{"name": licence()["id"], "path": licence()["url"]}],
    }


def csv_response(dataset: Dataset, city):
    """The data set as CSV, streamed a chunk of rows at a time (formulas neutralised by `core.exports`)."""
    columns = [Column(field.name, field.value) for field in dataset.fields]
    return write_csv(_streamed(dataset.rows(city)), columns, f"{city.slug}-{dataset.slug}")


def json_response(dataset: Dataset, city):
    """The data set as one JSON document, streamed a chunk of rows at a time."""
    head = {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "licence": licence()["url"],
        "schema": reverse("portal:dataset-schema", kwargs={"city": city.slug, "dataset": dataset.slug}),
    }

    def parts():
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "data": ['
        for number, row in enumerate(_streamed(dataset.rows(city))):
            values = {field.name: _json_value(field.value(row)) for field in dataset.fields}
            yield ("," if number else "") + json.dumps(values, ensure_ascii=False)
        yield "]}"

    response = StreamingHttpResponse(parts(), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{city.slug}-{dataset.slug}.json"'
    return response


def catalogue_graph(city, request) -> Graph:
    """The catalogue and its data sets as DCAT-AP_IT (v1.1): catalogue, data sets and
    distributions with every mandatory property, publisher and rights holder as agents with
    their IPA code, licence documents from the Italian controlled vocabulary."""
    site = request.build_absolute_uri("/").rstrip("/")

    def url(name, **kwargs):
        return URIRef(site + reverse(name, kwargs={"city": city.slug, **kwargs}))

    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("dcatapit", DCATAPIT)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    now = Literal(timezone.localdate(), datatype=XSD.date)
    organisation = _("Comune di %(city)s") % {"city": city.name}

    agent = URIRef(f"{site}/{city.slug}/#agente")
    graph.add((agent, RDF.type, DCATAPIT.Agent))
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, FOAF.name, Literal(str(organisation), lang="it")))
    graph.add((agent, DCTERMS.identifier, Literal(city.ipa_code or city.slug)))

    contact = URIRef(f"{site}/{city.slug}/#contatto")
    graph.add((contact, RDF.type, DCATAPIT.Organization))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(str(organisation))))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.OPEN_DATA_CONTACT}")))

    terms = licence()
    licence_node = URIRef(terms["url"])
    graph.add((licence_node, RDF.type, DCATAPIT.LicenseDocument))
    graph.add((licence_node, DCTERMS.type, URIRef(terms["vocabulary"])))
    graph.add((licence_node, FOAF.name, Literal(terms["name"])))

    catalogue = url("portal:open-data")
    graph.add((catalogue, RDF.type, DCATAPIT.Catalog))
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add(
        (
            catalogue,
            DCTERMS.title,
            Literal(str(_("Open data of %(city)s's international action") % {"city": city.name}), lang="it"),
        )
    )
    graph.add(
        (
            catalogue,
            DCTERMS.description,
            Literal(
                str(_("Data sets of the strategic plan for European and international action, published by Ponte.")),
                lang="it",
            ),
        )
    )
    graph.add((catalogue, DCTERMS.publisher, agent))
    graph.add((catalogue, DCTERMS.modified, now))
    graph.add((catalogue, DCTERMS.language, EU_LANGUAGE.ITA))
    graph.add((catalogue, FOAF.homepage, url("portal:home")))

    for dataset in DATASETS.values():
        node = URIRef(f"{catalogue}#{dataset.slug}")
        graph.add((catalogue, DCAT.dataset, node))
        graph.add((node, RDF.type, DCATAPIT.Dataset))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(dataset.identifier(city))))
        graph.add((node, DCTERMS.title, Literal(str(dataset.title), lang="it")))
        graph.add((node, DCTERMS.description, Literal(str(dataset.description), lang="it")))
        graph.add((node, DCTERMS.modified, now))
        graph.add((node, DCAT.theme, EU_THEME[dataset.theme]))
        graph.add((node, DCTERMS.rightsHolder, agent))
        graph.add((node, DCTERMS.publisher, agent))
        graph.add((node, DCTERMS.accrualPeriodicity, EU_FREQUENCY.CONT))
        graph.add((node, DCTERMS.language, EU_LANGUAGE.ITA))
        graph.add((node, DCAT.contactPoint, contact))
        graph.add((node, DCAT.landingPage, catalogue))
        for keyword in dataset.keywords:
            graph.add((node, DCAT.keyword, Literal(keyword, lang="it")))
        graph.add((node, DCTERMS.conformsTo, url("portal:dataset-schema", dataset=dataset.slug)))
        for fmt, name in (("CSV", "portal:dataset-csv"), ("JSON", "portal:dataset-json")):
            distribution = BNode()
            download = url(name, dataset=dataset.slug)
            graph.add((node, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCATAPIT.Distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            graph.add((distribution, DCTERMS.title, Literal(f"{dataset.title} ({fmt})", lang="it")))
            graph.add((distribution, DCTERMS.format, EU_FILE_TYPE[fmt]))
            graph.add((distribution, DCAT.accessURL, download))
            graph.add((distribution, DCAT.downloadURL, download))
            graph.add((distribution, DCTERMS.license, licence_node))
    return graph
