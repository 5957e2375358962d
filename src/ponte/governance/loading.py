"""`governance.yaml` of a city's data set: bodies with purpose, chair, establishment and members."""

import datetime
import re

from django.utils.translation import gettext as _

from ponte.core.importing import set_links

from .models import Body, BodyMember

FILE = "governance.yaml"


def established(loader, item) -> tuple:
    """`established_on` as a date, or as `YYYY-MM` when the plan gives only the month (kept as
    the month's first day, with the day marked unknown so that pages show month and year)."""
    value = item.get("established_on")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value.strip()):
        return loader._parsed(FILE, item, "established_on", month_start, required=False, default=None), False
    return loader.date(FILE, item, "established_on"), True


def month_start(value) -> datetime.date:
    try:
        return datetime.date.fromisoformat(f"{value.strip()}-01")
    except ValueError:
        raise ValueError(_("“%(value)s” is not a month (YYYY-MM)") % {"value": value}) from None


def load_governance(loader, document):
    for item in loader.items(FILE, document, "bodies"):
        if not item.get("organisation"):
            loader.error(FILE, item.line, "organisation", _("is required"))
            continue
        organisation = loader.org_ref(FILE, item, "organisation")
        if organisation is None:
            continue
        established_on, day_known = established(loader, item)
        values = {
            "purpose": loader.text(FILE, item, "purpose"),
            "chaired_by": loader.text(FILE, item, "chaired_by", max_length=300),
            "established_on": established_on,
            "established_day_known": day_known,
            "established_by": loader.text(FILE, item, "established_by", max_length=300),
            "source": loader.text(FILE, item, "source", max_length=300),
        }
        body = loader.upsert_row(FILE, item.line, Body, {"organisation": organisation}, values)
        if body is None:
            continue
        actions = [loader.actions[code] for code in item.get("actions") or [] if code in loader.actions]
        set_links(body, "actions", actions, loader.report)
        for member in loader.items(FILE, item, "members"):
            member_org = loader.org_ref(FILE, member, "organisation") if member.get("organisation") else None
            description = loader.text(FILE, member, "description", max_length=300)
            if member_org is None and not description:
                loader.error(FILE, member.line, "organisation", _("give an organisation or a description"))
                continue
            lookup = {"body": body, "organisation": member_org, "description": description}
            role = loader.choice(FILE, member, "role", BodyMember.Role.values, BodyMember.Role.MEMBER)
            loader.upsert_row(FILE, member.line, BodyMember, lookup, {"role": role})
