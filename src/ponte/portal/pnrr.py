"""The city's PNRR projects (imported from Italia Domani) by mission, in the spirit of Designers
Italia's "Attuazione misure PNRR" page: what is public comes from `public.projects`, the money
that reaches the city from `funding.models.city_funds_of` (through `Project.city_funds`).

The importer files each project under its mission (programmes `pnrr-m1` … `pnrr-m6`, named
"M1 …" after Italia Domani's "Missione" and "Descrizione Missione") and keeps its measure
(`Project.measure_code`, Italia Domani's "Codice Univoco Misura", with "Descrizione Misura"): a
page per measure lists its projects, reached from its mission's page."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from ponte.funding.models import Programme

from . import public
from .views import PortalMixin

ROOT = "pnrr"


@dataclass
class Mission:
    programme: Programme
    projects: list = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.programme.slug.removeprefix(f"{ROOT}-")

    @property
    def label(self) -> str:
        return self.code.upper()

    @property
    def title(self) -> str:
        """The mission's name without its code ("M1 Digitalizzazione…" → "Digitalizzazione…")."""
        name = self.programme.localized_name
        head, _sep, rest = name.partition(" ")
        return rest if head.upper() == self.label and rest else name

    def _sum(self, attribute) -> Decimal:
        return sum((getattr(p, attribute) or Decimal(0) for p in self.projects), Decimal(0))

    @property
    def pnrr(self) -> Decimal:
        return self._sum("eu_contribution")

    @property
    def total(self) -> Decimal:
        return self._sum("total_budget")

    @property
    def city_funds(self) -> Decimal:
        return self._sum("city_funds")

    @property
    def measures(self) -> list["Measure"]:
        """The mission's measures, in the order of their codes (M1C1I1.02 before M1C3I2.03)."""
        by_code: dict[str, Measure] = {}
        for project in self.projects:
            if project.measure_code:
                measure = by_code.setdefault(project.measure_code, Measure(self, project.measure_code))
                measure.projects.append(project)
                measure.name = measure.name or project.measure_name
                # The submeasure when it says more than its measure (not the same words re-punctuated).
                project.own_submeasure = (
                    project.submeasure_name if _words(project.submeasure_name) != _words(project.measure_name) else ""
                )
        return sorted(by_code.values(), key=lambda measure: measure.measure_code)


class Measure(Mission):
    """A PNRR measure of a mission ("M1C1I1.02 Abilitazione al cloud per le PA locali"), with the
    sums of `Mission` over its own projects."""

    def __init__(self, mission, code, name=""):
        super().__init__(mission.programme, [])
        self.mission = mission
        self.measure_code = code
        self.name = name

    @property
    def slug(self) -> str:
        return self.measure_code.lower()

    @property
    def label(self) -> str:
        return self.measure_code

    @property
    def title(self) -> str:
        return self.name or self.measure_code

    @property
    def submeasures(self) -> list[str]:
        return sorted({p.own_submeasure for p in self.projects if p.own_submeasure})


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text or "")).casefold()


def missions(city) -> list[Mission]:
    """The missions with at least one public project, M1 to M6, each with its projects."""
    projects = (
        public.projects(city)
        .filter(Q(programme__slug=ROOT) | Q(programme__parent__slug=ROOT), programme__parent__isnull=False)
        .order_by("programme__slug", "-eu_contribution", "title")
    )
    by_programme: dict[int, Mission] = {}
    for project in projects:
        mission = by_programme.setdefault(project.programme_id, Mission(project.programme))
        mission.projects.append(project)
    return sorted(by_programme.values(), key=lambda mission: mission.programme.slug)


def mission_of(project) -> str:
    """The code ("m1") of the PNRR mission a project is filed under, or "" for any other project."""
    programme = project.programme
    if programme.parent_id and programme.parent.slug == ROOT and programme.slug.startswith(f"{ROOT}-"):
        return programme.slug.removeprefix(f"{ROOT}-")
    return ""


class PnrrView(PortalMixin, TemplateView):
    template_name = "portal/pnrr.html"

    def get_crumbs(self, context):
        return [(_("Funded projects"), self.url("portal:project-list")), (_("PNRR projects"), None)]

    def get_context_data(self, **kwargs):
        found = missions(self.city)
        totals = {
            "pnrr": sum((m.pnrr for m in found), Decimal(0)),
            "total": sum((m.total for m in found), Decimal(0)),
            "city_funds": sum((m.city_funds for m in found), Decimal(0)),
            "count": sum(len(m.projects) for m in found),
        }
        return super().get_context_data(missions=found, totals=totals, **kwargs)


class PnrrMissionView(PortalMixin, TemplateView):
    template_name = "portal/pnrr_mission.html"

    def get_crumbs(self, context):
        mission = context["mission"]
        return [
            (_("Funded projects"), self.url("portal:project-list")),
            (_("PNRR projects"), self.url("portal:pnrr")),
            (f"{mission.label} {mission.title}", None),
        ]

    def get_context_data(self, **kwargs):
        wanted = kwargs.pop("mission")
        mission = next((m for m in missions(self.city) if m.code == wanted), None)
        if mission is None:
            raise Http404
        return super().get_context_data(mission=mission, **kwargs)


class PnrrMeasureView(PortalMixin, TemplateView):
    template_name = "portal/pnrr_measure.html"

    def get_crumbs(self, context):
        measure = context["measure"]
        mission = measure.mission
        return [
            (_("Funded projects"), self.url("portal:project-list")),
            (_("PNRR projects"), self.url("portal:pnrr")),
            (f"{mission.label} {mission.title}", self.url("portal:pnrr-mission", mission=mission.code)),
            (measure.title, None),
        ]

    def get_context_data(self, **kwargs):
        wanted_mission, wanted = kwargs.pop("mission"), kwargs.pop("measure").lower()
        mission = next((m for m in missions(self.city) if m.code == wanted_mission), None)
        measure = next((m for m in mission.measures if m.slug == wanted), None) if mission else None
        if measure is None:
            raise Http404
        return super().get_context_data(measure=measure, **kwargs)
