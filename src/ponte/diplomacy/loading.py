"""`diplomacy.yaml` of a city's data set: themes, relations, network memberships, missions,
candidacies and diplomatic representations, each with the chapter of the plan it comes from."""

from django.utils.translation import gettext as _

from ponte.core.importing import set_links

from .models import Candidacy, Mission, NetworkMembership, Relation, Representation, Theme

FILE = "diplomacy.yaml"


def _actions(loader, item):
    found = []
    for code in item.get("actions") or []:
        if code in loader.actions:
            found.append(loader.actions[code])
        else:
            loader.error(FILE, item.line, "actions", _("unknown action “%(code)s”") % {"code": code})
    return found


def _org(loader, item, field):
    return loader.org_ref(FILE, item, field) if item.get(field) else None


def load_diplomacy(loader, document):
    themes = {}
    for item in loader.items(FILE, document, "themes"):
        slug = loader.text(FILE, item, "slug", required=True, max_length=60)
        values = {
            "name": loader.text(FILE, item, "name", required=True, max_length=120),
            "name_en": loader.text(FILE, item, "name_en", max_length=120),
        }
        theme = loader.upsert_row(FILE, item.line, Theme, {"slug": slug}, values) if slug else None
        if theme:
            themes[slug] = theme
    for item in loader.items(FILE, document, "relations"):
        if not item.get("partner"):
            loader.error(FILE, item.line, "partner", _("is required"))
            continue
        partner = _org(loader, item, "partner")
        kind = loader.choice(FILE, item, "kind", Relation.Kind.values, Relation.Kind.PARTNERSHIP)
        values = {
            "status": loader.choice(FILE, item, "status", Relation.Status.values, Relation.Status.ACTIVE),
            "description": loader.text(FILE, item, "description"),
            "signed_on": loader.date(FILE, item, "signed_on"),
            "signing_act": loader.text(FILE, item, "signing_act", max_length=300),
            "responsible_office": _org(loader, item, "responsible_office"),
            "source": loader.text(FILE, item, "source", max_length=300),
        }
        if partner is None:
            continue
        relation = loader.upsert_row(FILE, item.line, Relation, {"partner": partner, "kind": kind}, values)
        if relation:
            wanted = []
            for slug in item.get("themes") or []:
                if slug in themes:
                    wanted.append(themes[slug])
                else:
                    loader.error(FILE, item.line, "themes", _("unknown theme “%(slug)s”") % {"slug": slug})
            set_links(relation, "themes", wanted, loader.report)
            set_links(relation, "actions", _actions(loader, item), loader.report)
    for item in loader.items(FILE, document, "memberships"):
        network = _org(loader, item, "network")
        values = {
            "role": loader.choice(FILE, item, "role", NetworkMembership.Role.values, NetworkMembership.Role.MEMBER),
            "role_detail": loader.text(FILE, item, "role_detail", max_length=300),
            "joined_on": loader.date(FILE, item, "joined_on"),
            "mandate_start": loader.date(FILE, item, "mandate_start"),
            "mandate_end": loader.date(FILE, item, "mandate_end"),
            "working_groups": loader.text(FILE, item, "working_groups"),
            "source": loader.text(FILE, item, "source", max_length=300),
        }
        if network is None:
            continue
        membership = loader.upsert_row(FILE, item.line, NetworkMembership, {"network": network}, values)
        if membership:
            set_links(membership, "actions", _actions(loader, item), loader.report)
    for item in loader.items(FILE, document, "missions"):
        title = loader.text(FILE, item, "title", required=True, max_length=300)
        values = {
            "direction": loader.choice(FILE, item, "direction", Mission.Direction.values, Mission.Direction.OUTGOING),
            "counterpart": _org(loader, item, "counterpart"),
            "country": loader.text(FILE, item, "country", max_length=2),
            "start_date": loader.date(FILE, item, "start"),
            "end_date": loader.date(FILE, item, "end"),
            "participants": loader.text(FILE, item, "participants"),
            "purpose": loader.text(FILE, item, "purpose"),
            "outcomes": loader.text(FILE, item, "outcomes"),
            "source": loader.text(FILE, item, "source", max_length=300),
        }
        mission = loader.upsert_row(FILE, item.line, Mission, {"title": title}, values) if title else None
        if mission:
            set_links(mission, "actions", _actions(loader, item), loader.report)
    for item in loader.items(FILE, document, "candidacies"):
        title = loader.text(FILE, item, "title", required=True, max_length=300)
        year = loader.get(FILE, item, "year", required=True, default=None)
        values = {
            "awarding_body": _org(loader, item, "awarding_body"),
            "deadline": loader.date(FILE, item, "deadline"),
            "status": loader.choice(FILE, item, "status", Candidacy.Status.values, Candidacy.Status.PLANNED),
            "outcome": loader.text(FILE, item, "outcome"),
            "source": loader.text(FILE, item, "source", max_length=300),
        }
        if title and isinstance(year, int):
            candidacy = loader.upsert_row(FILE, item.line, Candidacy, {"title": title, "year": year}, values)
            if candidacy:
                set_links(candidacy, "actions", _actions(loader, item), loader.report)
        elif year is not None and not isinstance(year, int):
            loader.error(FILE, item.line, "year", _("must be a year such as 2025"))
    for item in loader.items(FILE, document, "representations"):
        kind = loader.choice(FILE, item, "kind", Representation.Kind.values, Representation.Kind.HONORARY_CONSULATE)
        country = loader.text(FILE, item, "country", required=True, max_length=2).upper()
        values = {
            "address": loader.text(FILE, item, "address", max_length=300),
            "organisation": _org(loader, item, "organisation"),
            "source": loader.text(FILE, item, "source", max_length=300),
        }
        if country:
            loader.upsert_row(FILE, item.line, Representation, {"kind": kind, "country": country}, values)
