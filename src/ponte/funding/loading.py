"""`programmes.yaml` of a city's data set: the funding programmes the plan names, in a tree,
with the plan's stated totals (indicators) and the plan actions each programme funds."""

from django.utils.translation import gettext as _

from ponte.core.importing import set_links

from .models import Programme

FILE = "programmes.yaml"


def load_programmes(loader, document):
    seen = {}
    for order, item in enumerate(loader.items(FILE, document, "programmes"), start=1):
        slug = loader.text(FILE, item, "slug", required=True, max_length=60)
        if slug in seen:
            loader.error(FILE, item.line, "slug", _("“%(slug)s” appears twice") % {"slug": slug})
            continue
        parent = None
        if item.get("parent"):
            parent = seen.get(item["parent"])
            if parent is None:
                loader.error(
                    FILE,
                    item.line,
                    "parent",
                    _("unknown programme “%(slug)s” (list parents first)") % {"slug": item["parent"]},
                )
        stated = None
        if item.get("stated_total"):
            stated = loader.indicators.get(item["stated_total"])
            if stated is None:
                loader.error(
                    FILE, item.line, "stated_total", _("unknown indicator “%(code)s”") % {"code": item["stated_total"]}
                )
        values = {
            "name": loader.text(FILE, item, "name", required=True, max_length=300),
            "name_en": loader.text(FILE, item, "name_en", max_length=300),
            "kind": loader.choice(
                FILE, item, "kind", Programme.Kind.values, parent.kind if parent else Programme.Kind.OTHER
            ),
            "parent": parent,
            "description": loader.text(FILE, item, "description"),
            "stated_total": stated,
            "source": loader.text(FILE, item, "source", max_length=300),
            "source_codes": " ".join(str(code).strip() for code in item.get("source_codes") or [])[:300],
            "order": order,
        }
        if not slug:
            continue
        programme = loader.upsert_row(FILE, item.line, Programme, {"slug": slug}, values)
        if programme is None:
            continue
        seen[slug] = programme
        actions = []
        for code in item.get("actions") or []:
            if code in loader.actions:
                actions.append(loader.actions[code])
            else:
                loader.error(FILE, item.line, "actions", _("unknown action “%(code)s”") % {"code": code})
        set_links(programme, "actions", actions, loader.report)


OPEN_DATA_FILE = "open-data.yaml"


def load_open_data(loader, document):
    """`open-data.yaml`: the city's projects as its sources publish them, in the sources' own files
    shipped beside it, read by the same importers staff run (e.g. the Comune di Bologna's PNRR
    projects from Italia Domani's February 2023 release). A file that keeps no project of the city
    is a problem of the data set, as is any row an importer refuses."""
    from ponte.core.importing import IMPORTERS, ImportFailed, RowError

    for item in loader.items(OPEN_DATA_FILE, document, "imports"):
        source = loader.text(OPEN_DATA_FILE, item, "source", required=True)
        name = loader.text(OPEN_DATA_FILE, item, "file", required=True)
        importer_class = IMPORTERS.get(source)
        if source and importer_class is None:
            choices = ", ".join(sorted(IMPORTERS))
            loader.error(
                OPEN_DATA_FILE,
                item.line,
                "source",
                _("“%(value)s” is not one of: %(choices)s") % {"value": source, "choices": choices},
            )
        path = loader.folder / name
        if name and not path.is_file():
            loader.error(OPEN_DATA_FILE, item.line, "file", _("file is missing"))
        if loader.city is None or importer_class is None or not path.is_file():
            continue
        importer = importer_class(city=loader.city)
        try:
            report = importer.run(path)
        except ImportFailed as failure:
            loader.errors.extend(failure.errors)
            continue
        for warning in importer.warnings:
            loader.errors.append(RowError(name, "-", "-", warning))
        loader.report.add(report)
    load_map(loader, document)


def load_map(loader, document):
    """`open-data.yaml` › `map`: the GeoJSON file of the data set with the city's shapes (its comune
    and, when the data set has them, its quartieri), drawn by the portal's map of projects
    (`funding.citymap`). `file` is the GeoJSON file beside it, `source` its source and licence.
    Each feature has the properties `level` (`comune` or `quartiere`) and `name`, and a Polygon or
    MultiPolygon geometry in longitude/latitude. The shapes of the city no longer in the file are
    removed."""
    import json

    from .models import Area

    spec = document.get("map") if isinstance(document, dict) else None
    if not spec or loader.city is None:
        return
    if not isinstance(spec, dict):
        loader.error(OPEN_DATA_FILE, getattr(document, "line", "?"), "map", _("must be a mapping"))
        return
    name = loader.text(OPEN_DATA_FILE, spec, "file", required=True)
    source = loader.text(OPEN_DATA_FILE, spec, "source", max_length=300)
    path = loader.folder / name
    if not name:
        return
    if not path.is_file():
        loader.error(OPEN_DATA_FILE, spec.line, "file", _("file is missing"))
        return
    try:
        features = json.loads(path.read_text(encoding="utf-8")).get("features") or []
    except (ValueError, AttributeError) as exc:
        loader.error(name, "-", "-", str(exc))
        return
    kept = []
    for position, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        level, title = properties.get("level", ""), str(properties.get("name", "")).strip()
        if level not in Area.Level.values or not title:
            loader.error(name, position, "properties", _("needs a level (comune, quartiere) and a name"))
            continue
        if geometry.get("type") == "Polygon":
            rings = geometry.get("coordinates") or []
        elif geometry.get("type") == "MultiPolygon":
            rings = [ring for polygon in geometry.get("coordinates") or [] for ring in polygon]
        else:
            loader.error(name, position, "geometry", _("must be a Polygon or a MultiPolygon"))
            continue
        area = loader.upsert_row(
            name, position, Area, {"level": level, "name": title[:100]}, {"rings": rings, "source": source}
        )
        if area is not None:
            kept.append(area.pk)
    Area.objects.filter(city=loader.city).exclude(pk__in=kept).delete()
