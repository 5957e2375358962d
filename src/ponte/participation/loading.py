"""`participation.yaml` of a city's data set: the recurring formats (event series) the plan names."""

from .models import EventSeries, Segment

FILE = "participation.yaml"


def load_participation(loader, document):
    for item in loader.items(FILE, document, "series"):
        slug = loader.text(FILE, item, "slug", required=True, max_length=60)
        action = None
        if item.get("action"):
            action = loader.actions.get(str(item["action"]))
            if action is None:
                loader.error(FILE, item.line, "action", f"unknown action “{item['action']}”")
        values = {
            "name": loader.text(FILE, item, "name", required=True, max_length=200),
            "description": loader.text(FILE, item, "description"),
            "organiser": loader.org_ref(FILE, item, "organiser") if item.get("organiser") else None,
            "audience": loader.text(FILE, item, "audience", max_length=200),
            "internal": bool(item.get("internal", False)),
            "action": action,
            "source": loader.text(FILE, item, "source", max_length=300),
        }
        if slug:
            loader.upsert_row(FILE, item.line, EventSeries, {"slug": slug}, values)
    for item in loader.items(FILE, document, "newsletter_interests"):
        slug = loader.text(FILE, item, "slug", required=True, max_length=60)
        values = {
            "name": loader.text(FILE, item, "name", required=True, max_length=120),
            "action": loader.actions.get(str(item.get("action", ""))),
        }
        if slug:
            loader.upsert_row(FILE, item.line, Segment, {"slug": slug}, values)
