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
