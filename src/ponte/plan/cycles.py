"""Reporting periods and cycles (issue 17): the arithmetic of a cadence's periods (which period a
date falls in, where a period starts and ends, how people read it) and of a cycle's dates (due,
reminder, late, escalation), and which `ReportingCycle` applies to an action.

A period is (cadence, year, number): the number counts within the year — months 1–12, quarters
1–4, semesters 1–2, the year itself 1. An `ActionUpdate` stores exactly these three."""

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from .models import Cadence, ReportingCycle

# A month as a period is named in the middle of a sentence ("giugno 2026"), not as a heading.
MONTHS = [
    pgettext_lazy("month of a reporting period", "January"),
    pgettext_lazy("month of a reporting period", "February"),
    pgettext_lazy("month of a reporting period", "March"),
    pgettext_lazy("month of a reporting period", "April"),
    pgettext_lazy("month of a reporting period", "May"),
    pgettext_lazy("month of a reporting period", "June"),
    pgettext_lazy("month of a reporting period", "July"),
    pgettext_lazy("month of a reporting period", "August"),
    pgettext_lazy("month of a reporting period", "September"),
    pgettext_lazy("month of a reporting period", "October"),
    pgettext_lazy("month of a reporting period", "November"),
    pgettext_lazy("month of a reporting period", "December"),
]

PERIODS_PER_YEAR = {Cadence.MONTHLY: 12, Cadence.QUARTERLY: 4, Cadence.SEMESTER: 2, Cadence.YEARLY: 1}

# The cadence as the update's address names it, in Italian like every other path of the site
# ("/aggiornamenti/semestrale/2026/1/"). The English values, the addresses before, still answer
# with a permanent redirect (`cadence_of_slug` reads both).
CADENCE_SLUGS = {
    Cadence.MONTHLY: "mensile",
    Cadence.QUARTERLY: "trimestrale",
    Cadence.SEMESTER: "semestrale",
    Cadence.YEARLY: "annuale",
}
_CADENCE_OF_SLUG = {slug: cadence for cadence, slug in CADENCE_SLUGS.items()}


def cadence_slug(cadence) -> str:
    """ "semestrale" for Cadence.SEMESTER: the cadence in an update's address."""
    return CADENCE_SLUGS[Cadence(cadence)]


def cadence_of_slug(slug: str) -> tuple[Cadence, bool] | None:
    """The cadence an address names, and whether the address used the old English value (then it
    answers with a redirect to the Italian one); None when it names no cadence."""
    if slug in _CADENCE_OF_SLUG:
        return _CADENCE_OF_SLUG[slug], False
    if slug in Cadence.values:
        return Cadence(slug), True
    return None


def period_url_kwargs(period: "Period") -> dict:
    """The URL arguments of a period's update form (`plan:update-edit`), with city and code."""
    return {"cadence": cadence_slug(period.cadence), "year": period.year, "period": period.number}


def periods_per_year(cadence) -> int:
    try:
        return PERIODS_PER_YEAR[Cadence(cadence)]
    except ValueError:
        raise ValueError(f"unknown cadence {cadence!r}") from None


def _months(cadence) -> int:
    return 12 // periods_per_year(cadence)


def check_period(cadence, year: int, number: int) -> None:
    """ValueError unless `number` is a period of the cadence (1 … periods per year)."""
    if not 1 <= int(number) <= periods_per_year(cadence) or not 1 <= int(year) <= 9999:
        raise ValueError(f"no period {number} of {year} for {cadence}")


@dataclass(frozen=True, order=True)
class Period:
    """One period of a cadence: `Period.of(date, cadence)`, `.start`, `.end`, `.label`."""

    year: int
    number: int
    cadence: str = Cadence.SEMESTER

    def __post_init__(self):
        check_period(self.cadence, self.year, self.number)

    @classmethod
    def of(cls, day: datetime.date, cadence) -> "Period":
        return cls(day.year, (day.month - 1) // _months(cadence) + 1, str(Cadence(cadence)))

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, (self.number - 1) * _months(self.cadence) + 1, 1)

    @property
    def end(self) -> datetime.date:
        month = self.number * _months(self.cadence)
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def next(self) -> "Period":
        if self.number < periods_per_year(self.cadence):
            return Period(self.year, self.number + 1, self.cadence)
        return Period(self.year + 1, 1, self.cadence)

    def previous(self) -> "Period":
        if self.number > 1:
            return Period(self.year, self.number - 1, self.cadence)
        return Period(self.year - 1, periods_per_year(self.cadence), self.cadence)

    @property
    def label(self) -> str:
        return period_label(self.cadence, self.year, self.number)

    def __str__(self):
        return self.label


def period_of(day: datetime.date, cadence) -> tuple[int, int]:
    """(year, period number) of a date for a cadence."""
    period = Period.of(day, cadence)
    return period.year, period.number


def period_start(cadence, year: int, number: int) -> datetime.date:
    return Period(year, number, cadence).start


def period_end(cadence, year: int, number: int) -> datetime.date:
    return Period(year, number, cadence).end


def period_label(cadence, year: int, number: int) -> str:
    """How people read a period: "giugno 2026", "2º trimestre 2026", "1º semestre 2026", "2026"."""
    cadence = Cadence(cadence)
    if cadence == Cadence.MONTHLY:
        return pgettext("reporting period", "%(month)s %(year)s") % {"month": MONTHS[number - 1], "year": year}
    if cadence == Cadence.QUARTERLY:
        return pgettext("reporting period", "Q%(number)s %(year)s") % {"number": number, "year": year}
    if cadence == Cadence.SEMESTER:
        return pgettext("reporting period", "H%(number)s %(year)s") % {"number": number, "year": year}
    return str(year)


def action_periods(action, cadence, today: datetime.date, before: int = 8) -> list[Period]:
    """The periods an action may report, newest first: those overlapping both the action's dates
    and its plan's years, up to the current one. Without a start date (of the action or the
    plan), the `before` periods before the current one."""
    plan = action.line.macro_area.plan
    firsts = [day for day in (action.start_date, plan and datetime.date(plan.start_year, 1, 1)) if day]
    lasts = [day for day in (action.end_date, plan and datetime.date(plan.end_year, 12, 31), today) if day]
    first, last = (max(firsts) if firsts else None), min(lasts)
    period = Period.of(last, cadence)
    periods = []
    while (first is None and len(periods) <= before) or (first is not None and period.end >= first):
        periods.append(period)
        period = period.previous()
    return periods


# -- the dates of a cycle ------------------------------------------------------------------------


def due_date(cycle: ReportingCycle, period: Period) -> datetime.date:
    """The update of a period is due `due_days` after the period ends."""
    return period.end + datetime.timedelta(days=cycle.due_days)


def reminder_date(cycle: ReportingCycle, period: Period) -> datetime.date:
    return due_date(cycle, period) - datetime.timedelta(days=cycle.remind_days_before)


def escalation_date(cycle: ReportingCycle, period: Period) -> datetime.date:
    """After the grace period the plan owners hear of a missing update."""
    return due_date(cycle, period) + datetime.timedelta(days=cycle.grace_days)


def is_late(cycle: ReportingCycle, period: Period, today: datetime.date) -> bool:
    return today > due_date(cycle, period)


def applies_from(cycle: ReportingCycle) -> Period | None:
    """The first period the cycle asks for (the one its `starts_on` falls in), or None when it
    asks for every period."""
    return Period.of(cycle.starts_on, cycle.cadence) if cycle.starts_on else None


def owes(cycle: ReportingCycle, period: Period, action=None) -> bool:
    """Whether an action owes the update of a period under its cycle — THE rule the deadlines,
    the action's page, the list of updates to write and the reminders share: a period that ended
    before the cycle took effect (`starts_on`: changing a cadence does not make past periods
    late), or when the action had not started yet or had already ended, is not owed."""
    if cycle.starts_on and period.end < cycle.starts_on:
        return False
    if action is not None and action.start_date and action.start_date > period.end:
        return False
    return not (action is not None and action.end_date and action.end_date < period.start)


def due_period(cycle: ReportingCycle, today: datetime.date, reported=(), action=None) -> Period:
    """The period an update form offers by default: the last ended period not yet reported (and
    owed: `owes`), else the current one. `reported` holds the (year, number) pairs that already
    have an update."""
    current = Period.of(today, cycle.cadence)
    last_ended = current.previous()
    if (last_ended.year, last_ended.number) not in set(reported) and owes(cycle, last_ended, action):
        return last_ended
    return current


def next_due(cycle: ReportingCycle, today: datetime.date, reported=(), action=None) -> tuple[Period, datetime.date]:
    """The next update to write (`due_period`) and its due date."""
    period = due_period(cycle, today, reported, action)
    return period, due_date(cycle, period)


# -- which cycle applies -------------------------------------------------------------------------


def default_cycle(plan) -> ReportingCycle:
    """A plan that declares no cycle reports every semester with the model's defaults (unsaved)."""
    return ReportingCycle(city_id=plan.city_id, plan=plan, cadence=Cadence.SEMESTER)


def _most_specific(action, by_action, by_macro_area, by_plan) -> ReportingCycle:
    line = action.line
    return (
        by_action.get(action.pk)
        or by_macro_area.get(line.macro_area_id)
        or by_plan.get(line.macro_area.plan_id)
        or default_cycle(line.macro_area.plan)
    )


def cycles_for(actions) -> dict[int, ReportingCycle]:
    """The cycle of each action (by pk), in one query whatever their number: the action's own,
    else its macro area's, else its plan's, else the default semester cycle. The actions must
    come with `line__macro_area__plan` (`Action.objects.with_tree()`)."""
    actions = list(actions)
    if not actions:
        return {}
    plans = {a.line.macro_area.plan_id for a in actions}
    by_action, by_macro_area, by_plan = {}, {}, {}
    for cycle in ReportingCycle.objects.filter(plan_id__in=plans):
        if cycle.action_id:
            by_action[cycle.action_id] = cycle
        elif cycle.macro_area_id:
            by_macro_area[cycle.macro_area_id] = cycle
        else:
            by_plan[cycle.plan_id] = cycle
    return {a.pk: _most_specific(a, by_action, by_macro_area, by_plan) for a in actions}


def cycle_for(action) -> ReportingCycle:
    """The most specific reporting cycle of one action (never None)."""
    return cycles_for([action])[action.pk]


def level_label(cycle: ReportingCycle) -> str:
    """Where a cycle is set, as people read it."""
    if cycle.action_id:
        return _("set for this action")
    if cycle.macro_area_id:
        return _("set for the macro area %(code)s") % {"code": cycle.macro_area.code}
    if cycle.pk:
        return _("set for the plan")
    return _("the default (no cycle set for the plan)")
