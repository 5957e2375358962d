"""Load a city's plan from a folder of human-editable files (see data/README.md).

All files are read and every item validated; errors are collected with file, line and field;
then everything is applied in one transaction, upserting by natural keys, so that a failed
load changes nothing and a repeated load changes nothing either.
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from ponte.core.importing import (
    ImportFailed,
    ImportReport,
    RowError,
    normalise_istat_code,
    normalise_tax_code,
    parse_date,
    parse_decimal,
    set_links,
    upsert,
)
from ponte.core.models import City, DatasetNote, Organisation, Person
from ponte.core.webaddress import is_web_address
from ponte.core.yamlfile import read_yaml

from .models import (
    Action,
    Axis,
    AxisItem,
    Cadence,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Line,
    MacroArea,
    Milestone,
    Plan,
    ReportingCycle,
)

FILES = ("city.yaml", "organisations.yaml", "axes.yaml", "plan.yaml", "indicators.yaml", "notes.yaml")

# Files of other domains, loaded after the plan in the same transaction: {file name: handler}.
# A handler is called as handler(loader, document) and reports problems with loader.error().
EXTRA_FILES = {}


def register_file(name: str, handler):
    """Let another app (e.g. funding) load its own file of the data set."""
    EXTRA_FILES[name] = handler


class _Reader:
    """Field-level parsing that records an error instead of raising, so every error is seen."""

    def __init__(self):
        self.errors: list[RowError] = []

    def error(self, file, row, field, message):
        self.errors.append(RowError(file, row, field, message))

    def get(self, file, item, field, *, required=False, default=""):
        value = item.get(field, None) if isinstance(item, dict) else None
        if value is None or value == "":
            if required:
                self.error(file, getattr(item, "line", "?"), field, _("is required"))
            return default
        return value

    def text(self, file, item, field, *, required=False, max_length=None):
        value = self.get(file, item, field, required=required)
        value = str(value).strip()
        if max_length and len(value) > max_length:
            self.error(file, item.line, field, _("is longer than %(n)d characters") % {"n": max_length})
        return value

    def web_address(self, file, item, field, *, max_length=200):
        """A link of the data set: http or https only, as the forms accept (issue 14)."""
        value = self.text(file, item, field, max_length=max_length)
        if value and not is_web_address(value):
            self.error(file, item.line, field, _("is not a web address that starts with http:// or https://"))
            return ""
        return value

    def date(self, file, item, field, *, required=False):
        return self._parsed(file, item, field, parse_date, required=required, default=None)

    def decimal(self, file, item, field, *, required=False, default=None):
        return self._parsed(file, item, field, parse_decimal, required=required, default=default)

    def _parsed(self, file, item, field, parser, *, required, default):
        value = self.get(file, item, field, required=required, default=None)
        try:
            parsed = parser(value)
        except ValueError as exc:
            self.error(file, item.line, field, str(exc))
            return default
        return default if parsed is None else parsed

    def choice(self, file, item, field, choices, default):
        value = self.get(file, item, field, default=default)
        if value not in choices:
            self.error(
                file,
                item.line,
                field,
                _("“%(value)s” is not one of: %(choices)s") % {"value": value, "choices": ", ".join(choices)},
            )
            return default
        return value

    def items(self, file, container, field):
        value = container.get(field) if isinstance(container, dict) else None
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(file, getattr(container, "line", "?"), field, _("must be a list"))
            return []
        good = []
        for position, item in enumerate(value, start=1):
            if isinstance(item, dict):
                good.append(item)
            else:
                self.error(file, getattr(container, "line", "?"), f"{field}[{position}]", _("must be a mapping"))
        return good


class DatasetLoader(_Reader):
    def __init__(self, folder: Path):
        super().__init__()
        self.folder = Path(folder)
        self.report = ImportReport()
        self.orgs: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}
        self.axis_items: dict[str, AxisItem] = {}
        self.macro_areas: dict[str, MacroArea] = {}
        self.lines: dict[str, Line] = {}
        self.actions: dict[str, Action] = {}
        self.indicators: dict[str, Indicator] = {}

    # -- entry point ---------------------------------------------------------------------
    def load(self) -> ImportReport:
        documents = self._read_files()
        with transaction.atomic():
            self._apply(documents)
            if self.errors:
                raise ImportFailed(self.errors)
        return self.report

    def _read_files(self):
        import yaml

        documents = {}
        for name in (*FILES, *EXTRA_FILES):
            path = self.folder / name
            if not path.exists():
                if name in {"city.yaml", "plan.yaml"}:
                    self.error(name, "-", "-", _("file is missing"))
                documents[name] = {}
                continue
            try:
                documents[name] = read_yaml(path) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                self.error(name, mark.line + 1 if mark else "?", "-", str(getattr(exc, "problem", exc)))
                documents[name] = {}
        if self.errors:
            raise ImportFailed(self.errors)
        return documents

    def _apply(self, documents):
        city, plan = self._city_and_plan(documents["city.yaml"])
        if city is None:
            return
        self.city, self.plan = city, plan
        self._organisations(documents["organisations.yaml"])
        self._axes(documents["axes.yaml"])
        self._plan_tree(documents["plan.yaml"])
        self._indicators(documents["indicators.yaml"])
        self._notes(documents["notes.yaml"])
        for name, handler in EXTRA_FILES.items():
            handler(self, documents[name])

    def upsert_row(self, file, line, model, lookup, values):
        """Upsert one row inside a savepoint; a model validation error becomes a RowError."""
        try:
            with transaction.atomic():
                return upsert(model, {"city": self.city, **lookup}, values, self.report)
        except ValidationError as exc:
            for field, messages in getattr(exc, "message_dict", {"-": exc.messages}).items():
                for message in messages:
                    self.error(file, line, field, message)
        return None

    # -- files ---------------------------------------------------------------------------
    def _city_and_plan(self, doc):
        file = "city.yaml"
        city_doc, plan_doc = doc.get("city") or {}, doc.get("plan") or {}
        if not isinstance(city_doc, dict) or not isinstance(plan_doc, dict):
            self.error(file, 1, "city/plan", _("must be mappings"))
            return None, None
        slug = self.text(file, city_doc, "slug", required=True)
        name = self.text(file, city_doc, "name", required=True)
        if not slug or not name:
            return None, None
        city_values = {
            "name": name,
            "country": self.text(file, city_doc, "country") or "IT",
            "istat_code": normalise_istat_code(self.text(file, city_doc, "istat_code", max_length=9)),
            "tax_code": self.text(file, city_doc, "tax_code", max_length=16),
            "ipa_code": self.text(file, city_doc, "ipa_code", max_length=20),
            "website": self.web_address(file, city_doc, "website"),
            "require_two_factor_for_all_staff": city_doc.get("require_two_factor_for_all_staff") is True,
            **self._city_identity(file, city_doc),
            **self._city_review(file, city_doc),
        }
        city = upsert(City, {"slug": slug}, city_values, self.report)
        self._city_logo(file, city_doc, city)
        plan_values = {
            "title": self.text(file, plan_doc, "title", required=True, max_length=300),
            "start_year": self.get(file, plan_doc, "start_year", required=True, default=0),
            "end_year": self.get(file, plan_doc, "end_year", required=True, default=0),
            "description": self.text(file, plan_doc, "description"),
            "source": self.text(file, plan_doc, "source", max_length=300),
        }
        plan_slug = self.text(file, plan_doc, "slug", required=True)
        if self.errors:
            return None, None
        self.city = city
        plan = self.upsert_row(file, plan_doc.line, Plan, {"slug": plan_slug}, plan_values)
        if plan is not None and plan_doc.get("reporting_cycle") is not None:
            self._plan_cycle(file, plan_doc, plan)
        return city, plan

    def _plan_cycle(self, file, plan_doc, plan):
        """The plan's reporting cycle (issue 17), created when the plan has none: once plan owners
        change it on the "Monitoring cycle" page, a new import of the data set leaves it alone."""
        item = plan_doc["reporting_cycle"]
        if not isinstance(item, dict):
            self.error(file, plan_doc.line, "reporting_cycle", _("must be a mapping"))
            return
        values = {"cadence": self.choice(file, item, "cadence", Cadence.values, Cadence.SEMESTER)}
        for name in ("due_days", "remind_days_before", "grace_days"):
            if name in item:
                values[name] = self.get(file, item, name)
        for name in ("status", "progress", "indicators", "narrative", "risks"):
            if name in item.get("asks", {}):
                values[f"asks_{name}"] = item["asks"][name] is True
        if ReportingCycle.objects.filter(plan=plan, macro_area=None, action=None).exists():
            return
        self.upsert_row(
            file,
            getattr(item, "line", plan_doc.line),
            ReportingCycle,
            {"plan": plan, "macro_area": None, "action": None},
            values,
        )

    def _city_identity(self, file, city_doc):
        """The Comune's header and footer on the portal: region, contacts, social links and the
        address of its accessibility declaration on AgID's site. Every one may be left out."""
        values = {
            "region": self.text(file, city_doc, "region", max_length=120),
            "region_website": self.web_address(file, city_doc, "region_website"),
            "address": self.text(file, city_doc, "address", max_length=300),
            "phone": self.text(file, city_doc, "phone", max_length=40),
            "accessibility_declaration_url": self.web_address(file, city_doc, "accessibility_declaration_url"),
        }
        for field in ("pec", "email"):
            value = self.text(file, city_doc, field, max_length=254)
            try:
                if value:
                    validate_email(value)
            except ValidationError:
                self.error(file, city_doc.line, field, _("is not an e-mail address"))
                value = ""
            values[field] = value
        social = city_doc.get("social") or {}
        if not isinstance(social, dict):
            self.error(file, city_doc.line, "social", _("must be a mapping of network names to web addresses"))
            social = {}
        values["social_links"] = {
            str(name): address for name in social if (address := self.web_address(file, social, name, max_length=300))
        }
        return values

    REVIEW_KEYS = {"updates": "review_updates", "news": "review_news", "faq": "review_faq"}

    def _city_review(self, file, city_doc):
        """`review: {updates: true, news: true, faq: true}`: what waits for a plan owner's approval
        before publication (issue 17); a kind left out, or no `review`, is published directly."""
        review = city_doc.get("review") or {}
        if not isinstance(review, dict):
            self.error(file, city_doc.line, "review", _("must be a mapping of updates, news, faq to true or false"))
            review = {}
        for key in review:
            if key not in self.REVIEW_KEYS:
                self.error(file, city_doc.line, f"review.{key}", _("unknown: use updates, news or faq (true or false)"))
            elif not isinstance(review[key], bool):
                self.error(file, city_doc.line, f"review.{key}", _("must be true or false"))
        return {field: review.get(key) is True for key, field in self.REVIEW_KEYS.items()}

    def _city_logo(self, file, city_doc, city):
        """`logo: <file in the data set>` (PNG or JPEG) for the cover of reports; stored again
        only when its bytes changed, so a repeated load changes nothing."""
        from django.core.files.base import ContentFile
        from PIL import Image, UnidentifiedImageError

        name = self.text(file, city_doc, "logo", max_length=200)
        if not name:
            return
        path = self.folder / name
        if not path.is_file():
            self.error(file, city_doc.line, "logo", _("file not found: %(name)s") % {"name": name})
            return
        data = path.read_bytes()
        try:
            kind = Image.open(path).format
        except (UnidentifiedImageError, OSError):
            kind = None
        if kind not in ("PNG", "JPEG"):
            self.error(file, city_doc.line, "logo", _("the logo must be a PNG or JPEG image"))
            return
        if city.logo and city.logo.storage.exists(city.logo.name):
            with city.logo.open("rb") as stored:
                if stored.read() == data:
                    return
        city.logo.save(f"{city.slug}-logo.{'png' if kind == 'PNG' else 'jpg'}", ContentFile(data))

    def _organisations(self, doc):
        file = "organisations.yaml"
        pending_parents = []
        for item in self.items(file, doc, "organisations"):
            slug = self.text(file, item, "slug", required=True, max_length=80)
            values = {
                "name": self.text(file, item, "name", required=True, max_length=200),
                "name_en": self.text(file, item, "name_en", max_length=200),
                "short_name": self.text(file, item, "short_name", max_length=60),
                "kind": self.choice(file, item, "kind", Organisation.Kind.values, Organisation.Kind.OTHER),
                "country": self.text(file, item, "country", max_length=2),
                "locality": self.text(file, item, "locality", max_length=120),
                "latitude": self.decimal(file, item, "latitude"),
                "longitude": self.decimal(file, item, "longitude"),
                "website": self.web_address(file, item, "website"),
                "pic": self.text(file, item, "pic", max_length=12),
                "tax_code": normalise_tax_code(self.text(file, item, "tax_code", max_length=20)),
                "description": self.text(file, item, "description"),
                "source": self.text(file, item, "source", max_length=300),
            }
            if not slug or not values["name"]:
                continue
            if slug in self.orgs:
                self.error(file, item.line, "slug", _("“%(slug)s” appears twice") % {"slug": slug})
                continue
            org = self.upsert_row(file, item.line, Organisation, {"slug": slug}, values)
            if org:
                self.orgs[slug] = org
                pending_parents.append((item, org))
        for item, org in pending_parents:
            parent = self.org_ref(file, item, "parent") if item.get("parent") else None
            if org.parent_id != (parent.pk if parent else None):
                org.parent = parent
                org.save()
        for item in self.items(file, doc, "people"):
            slug = self.text(file, item, "slug", required=True, max_length=80)
            values = {
                "full_name": self.text(file, item, "full_name", required=True, max_length=200),
                "role": self.text(file, item, "role", max_length=200),
                "email": self.text(file, item, "email"),
                "organisation": self.org_ref(file, item, "organisation") if item.get("organisation") else None,
            }
            person = self.upsert_row(file, item.line, Person, {"slug": slug}, values)
            if person:
                self.people[slug] = person

    def org_ref(self, file, item, field, value=None):
        slug = value if value is not None else item.get(field)
        org = self.orgs.get(slug)
        if org is None:
            self.error(file, item.line, field, _("unknown organisation “%(slug)s”") % {"slug": slug})
        return org

    def _axes(self, doc):
        file = "axes.yaml"
        for order, item in enumerate(self.items(file, doc, "axes"), start=1):
            slug = self.text(file, item, "slug", required=True, max_length=40)
            values = {
                "name": self.text(file, item, "name", required=True, max_length=200),
                "name_en": self.text(file, item, "name_en", max_length=200),
                "description": self.text(file, item, "description"),
                "source": self.text(file, item, "source", max_length=300),
                "order": order,
            }
            axis = self.upsert_row(file, item.line, Axis, {"slug": slug}, values)
            if axis is None:
                continue
            rows = [(file, entry) for entry in self.items(file, item, "items")]
            if item.get("items_csv"):
                rows += self._csv_rows(item["items_csv"])
            for position, (row_file, entry) in enumerate(rows, start=1):
                self._axis_item(axis, row_file, entry, position)

    def _csv_rows(self, name):
        path = self.folder / name
        if not path.exists():
            self.error("axes.yaml", "-", "items_csv", _("file %(name)s is missing") % {"name": name})
            return []
        with path.open(encoding="utf-8", newline="") as handle:
            rows = []
            for number, row in enumerate(csv.DictReader(handle), start=2):
                entry = _CsvRow(row)
                entry.line = number
                rows.append((name, entry))
            return rows

    def _axis_item(self, axis, file, entry, position):
        code = self.text(file, entry, "code", required=True, max_length=20)
        parent = None
        if entry.get("parent"):
            parent = self.axis_items.get(f"{axis.slug}:{entry['parent']}")
            if parent is None:
                self.error(file, entry.line, "parent", _("unknown item “%(code)s”") % {"code": entry["parent"]})
        values = {
            "name": self.text(file, entry, "name", required=True, max_length=400),
            "name_en": self.text(file, entry, "name_en", max_length=400),
            "description": self.text(file, entry, "description"),
            "source": self.text(file, entry, "source", max_length=300),
            "parent": parent,
            "order": position,
        }
        if not code:
            return
        key = f"{axis.slug}:{code}"
        if key in self.axis_items:
            self.error(file, entry.line, "code", _("“%(code)s” appears twice") % {"code": code})
            return
        item = self.upsert_row(file, entry.line, AxisItem, {"axis": axis, "code": code}, values)
        if item:
            self.axis_items[key] = item

    def alignment_refs(self, file, item):
        found = []
        for ref in item.get("alignments") or []:
            target = self.axis_items.get(str(ref))
            if target is None:
                self.error(file, item.line, "alignments", _("unknown alignment “%(ref)s”") % {"ref": ref})
            else:
                found.append(target)
        return found

    def _plan_tree(self, doc):
        file = "plan.yaml"
        for area_order, area in enumerate(self.items(file, doc, "macro_areas"), start=1):
            code = self.text(file, area, "code", required=True, max_length=20)
            values = self._node_values(file, area, area_order)
            macro = self.upsert_row(file, area.line, MacroArea, {"plan": self.plan, "code": code}, values)
            if macro is None:
                continue
            self.macro_areas[code] = macro
            set_links(macro, "alignments", self.alignment_refs(file, area), self.report)
            for line_order, line_doc in enumerate(self.items(file, area, "lines"), start=1):
                self._line(file, macro, line_doc, line_order)

    def _node_values(self, file, item, order):
        return {
            "title": self.text(file, item, "title", required=True, max_length=300),
            "description": self.text(file, item, "description"),
            "weight": self.decimal(file, item, "weight", default=Decimal("1")),
            "source": self.text(file, item, "source", max_length=300),
            "order": order,
        }

    def _line(self, file, macro, line_doc, order):
        code = self.text(file, line_doc, "code", required=True, max_length=20)
        values = self._node_values(file, line_doc, order)
        line = self.upsert_row(file, line_doc.line, Line, {"macro_area": macro, "code": code}, values)
        if line is None:
            return
        self.lines[code] = line
        set_links(line, "alignments", self.alignment_refs(file, line_doc), self.report)
        for action_order, action_doc in enumerate(self.items(file, line_doc, "actions"), start=1):
            self._action(file, line, action_doc, action_order)

    def _action(self, file, line, item, order):
        code = self.text(file, item, "code", required=True, max_length=20)
        if code in self.actions:
            self.error(file, item.line, "code", _("“%(code)s” appears twice") % {"code": code})
            return
        status = self.choice(file, item, "status", Action.Status.values, Action.Status.NOT_STARTED)
        progress = self.get(file, item, "progress", default=100 if status == Action.Status.COMPLETED else 0)
        if not isinstance(progress, int) or not 0 <= progress <= 100:
            self.error(file, item.line, "progress", _("must be a whole number from 0 to 100"))
            progress = 0
        values = {
            "line": line,
            "title": self.text(file, item, "title", required=True, max_length=300),
            "description": self.text(file, item, "description"),
            "owner_office": self.org_ref(file, item, "owner") if item.get("owner") else None,
            "responsible": self.people.get(item["responsible"]) if item.get("responsible") else None,
            "start_date": self.date(file, item, "start"),
            "end_date": self.date(file, item, "end"),
            "status": status,
            "progress": progress,
            "weight": self.decimal(file, item, "weight", default=Decimal("1")),
            "source": self.text(file, item, "source", max_length=300),
            "order": order,
        }
        if item.get("responsible") and values["responsible"] is None:
            self.error(file, item.line, "responsible", _("unknown person “%(slug)s”") % {"slug": item["responsible"]})
        partners = [self.org_ref(file, item, "partners", slug) for slug in item.get("partners") or []]
        action = self.upsert_row(file, item.line, Action, {"code": code}, values)
        if action is None:
            return
        self.actions[code] = action
        set_links(action, "partners", [p for p in partners if p], self.report)
        set_links(action, "alignments", self.alignment_refs(file, item), self.report)
        for milestone in self.items(file, item, "milestones"):
            title = self.text(file, milestone, "title", required=True, max_length=300)
            milestone_values = {
                "due_date": self.date(file, milestone, "due", required=True),
                "done_date": self.date(file, milestone, "done"),
                "source": self.text(file, milestone, "source", max_length=300),
            }
            if title and milestone_values["due_date"]:
                self.upsert_row(file, milestone.line, Milestone, {"action": action, "title": title}, milestone_values)

    def _level(self, file, item):
        ref = str(self.get(file, item, "level", default="plan"))
        kind, _sep, code = ref.partition(":")
        registry = {"macro": self.macro_areas, "line": self.lines, "action": self.actions}
        level = {"macro_area": None, "line": None, "action": None}
        if kind == "plan":
            return level
        if kind in registry and code in registry[kind]:
            level[{"macro": "macro_area"}.get(kind, kind)] = registry[kind][code]
            return level
        self.error(
            file, item.line, "level", _("unknown level “%(ref)s” (plan, macro:X, line:X or action:X)") % {"ref": ref}
        )
        return None

    def _indicators(self, doc):
        file = "indicators.yaml"
        seen = set()
        for item in self.items(file, doc, "indicators"):
            code = self.text(file, item, "code", required=True, max_length=40)
            if code in seen:
                self.error(file, item.line, "code", _("“%(code)s” appears twice") % {"code": code})
                continue
            seen.add(code)
            level = self._level(file, item)
            baseline = item.get("baseline") or {}
            if baseline and not isinstance(baseline, dict):
                self.error(file, item.line, "baseline", _("must be a mapping with value and date"))
                baseline = {}
            values = {
                "name": self.text(file, item, "name", required=True, max_length=300),
                "name_en": self.text(file, item, "name_en", max_length=300),
                "kind": self.choice(file, item, "kind", Indicator.Kind.values, Indicator.Kind.PERFORMANCE),
                "unit": self.text(file, item, "unit", required=True, max_length=40),
                "description": self.text(file, item, "description"),
                "baseline_value": self.decimal(file, baseline, "value") if baseline else None,
                "baseline_date": self.date(file, baseline, "date", required=True) if baseline else None,
                "owner_office": self.org_ref(file, item, "owner") if item.get("owner") else None,
                "source": self.text(file, item, "source", max_length=300),
            }
            if level is None or not code:
                continue
            values.update(level)
            indicator = self.upsert_row(file, item.line, Indicator, {"plan": self.plan, "code": code}, values)
            if indicator is None:
                continue
            self.indicators[code] = indicator
            set_links(indicator, "alignments", self.alignment_refs(file, item), self.report)
            for target in self.items(file, item, "targets"):
                target_date = self.date(file, target, "date", required=True)
                target_values = {
                    "value": self.decimal(file, target, "value", required=True),
                    "note": self.text(file, target, "note", max_length=300),
                }
                if target_date and target_values["value"] is not None:
                    self.upsert_row(
                        file,
                        target.line,
                        IndicatorTarget,
                        {"indicator": indicator, "target_date": target_date},
                        target_values,
                    )
            for measured in self.items(file, item, "values"):
                reference_date = self.date(file, measured, "date", required=True)
                measured_values = {
                    "value": self.decimal(file, measured, "value", required=True),
                    "source": self.text(file, measured, "source", max_length=300),
                    "note": self.text(file, measured, "note", max_length=500),
                }
                if reference_date and measured_values["value"] is not None:
                    self.upsert_row(
                        file,
                        measured.line,
                        IndicatorValue,
                        {"indicator": indicator, "reference_date": reference_date},
                        measured_values,
                    )

    def _notes(self, doc):
        file = "notes.yaml"
        for item in self.items(file, doc, "notes"):
            slug = self.text(file, item, "slug", required=True, max_length=80)
            values = {
                "topic": self.text(file, item, "topic", required=True, max_length=200),
                "note": self.text(file, item, "note", required=True),
                "source": self.text(file, item, "source", max_length=300),
                "filled_from": self.text(file, item, "filled_from", max_length=300),
            }
            if slug:
                self.upsert_row(file, item.line, DatasetNote, {"slug": slug}, values)


class _CsvRow(dict):
    line: int = 0


def load_dataset(folder) -> ImportReport:
    """Load (or reload) a city's data set; raises ImportFailed listing every problem."""
    return DatasetLoader(Path(folder)).load()
