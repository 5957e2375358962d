"""`cooperation.yaml` of a city's data set: cooperation, humanitarian and peace initiatives, and
the good practices the plan names."""

from django.utils.translation import gettext as _

from ponte.core.importing import set_links

from .models import GoodPractice, Initiative

FILE = "cooperation.yaml"


def _actions(loader, item):
    found = []
    for code in item.get("actions") or []:
        if code in loader.actions:
            found.append(loader.actions[code])
        else:
            loader.error(FILE, item.line, "actions", _("unknown action “%(code)s”") % {"code": code})
    return found


def load_cooperation(loader, document):
    for item in loader.items(FILE, document, "initiatives"):
        title = loader.text(FILE, item, "title", required=True, max_length=300)
        values = {
            "kind": loader.choice(FILE, item, "kind", Initiative.Kind.values, Initiative.Kind.DEVELOPMENT),
            "description": loader.text(FILE, item, "description"),
            "countries": loader.text(FILE, item, "countries", max_length=200),
            "funder": loader.org_ref(FILE, item, "funder") if item.get("funder") else None,
            "beneficiaries": loader.get(FILE, item, "beneficiaries", default=None),
            "participants": loader.get(FILE, item, "participants", default=None),
            "start_date": loader.date(FILE, item, "start"),
            "end_date": loader.date(FILE, item, "end"),
            "source": loader.text(FILE, item, "source", max_length=300),
        }
        initiative = loader.upsert_row(FILE, item.line, Initiative, {"title": title}, values) if title else None
        if initiative:
            partners = [loader.org_ref(FILE, item, "partners", slug) for slug in item.get("partners") or []]
            set_links(initiative, "partners", [p for p in partners if p], loader.report)
            set_links(initiative, "actions", _actions(loader, item), loader.report)
    for item in loader.items(FILE, document, "good_practices"):
        title = loader.text(FILE, item, "title", required=True, max_length=300)
        values = {
            "theme": loader.text(FILE, item, "theme", required=True, max_length=120),
            "source_organisation": loader.org_ref(FILE, item, "from") if item.get("from") else None,
            "source_project": loader.text(FILE, item, "project", max_length=300),
            "description": loader.text(FILE, item, "description", required=True),
            "source": loader.text(FILE, item, "source", max_length=300),
        }
        practice = loader.upsert_row(FILE, item.line, GoodPractice, {"title": title}, values) if title else None
        if practice:
            set_links(practice, "actions", _actions(loader, item), loader.report)
