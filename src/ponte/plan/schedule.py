"""Planned against actual (issue 17): the progress an action should have reached today, and the
RAG status ("red, amber, green") computed from the gap between that and the progress it has.

The planned trajectory of an action
-----------------------------------
* **Without milestones** it is linear between `start_date` (0 %) and `end_date` (100 %): 0 before
  the start, 100 from the end date on.
* **With milestones** the milestones' weights shape it: on a milestone's due date the action is
  expected to have done the share of the total weight of the milestones due on or before that
  day; between two due dates (or between the start date and the first due date) the expectation
  grows linearly, so the curve has no steps and a milestone's work is expected a little at a time.
  Before the start date — or, without a start date, before the first due date — nothing is
  expected; once the last milestone is due, or the end date is reached, everything is.
* Without dates and without milestones nothing can be expected (`None`); with only a start date
  nothing is expected before it and nothing can be said after it; with only an end date
  everything is expected from it on and nothing can be said before it.

The progress reached is the action's progress, or the share of the weight of its milestones that
are done if that is larger (a milestone ticked as done is work done even before the editor moves
the progress).

The RAG status
--------------
`completed` when the editor marked the action completed; `unknown` when nothing can be expected;
`behind` once the end date is past and the action has not reached 100 %; `not_started` before the
start date while nothing is done; otherwise the gap (expected − reached) against the plan's
thresholds: more than `Plan.rag_behind_gap` points is `behind`, more than `Plan.rag_at_risk_gap`
is `at_risk`, anything else `on_track`. A suspended action is measured like any other — its
status shows next to the computed one, and time keeps running against it.

`assess()` computes one action; `assess_actions()` a page of actions in at most two queries;
`rag_by_action()`, `filter_by_rag()` and `rag_counts()` whole querysets in two queries, reading
only the few columns needed.
"""

import dataclasses
import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Action, Line, Milestone


class Rag(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BEHIND = "behind", _("Behind")
    NOT_STARTED = "not_started", _("Not yet due to start")
    COMPLETED = "completed", _("Completed")
    UNKNOWN = "unknown", _("Not assessable")


# Bootstrap Italia icon (sprites.svg) of each status: colour is never the only sign.
ICONS = {
    Rag.ON_TRACK: "it-check-circle",
    Rag.AT_RISK: "it-warning-circle",
    Rag.BEHIND: "it-error",
    Rag.NOT_STARTED: "it-clock",
    Rag.COMPLETED: "it-check",
    Rag.UNKNOWN: "it-help-circle",
}


class Point(NamedTuple):
    """What the computation needs of a milestone (a `Milestone` has the same attributes)."""

    due_date: datetime.date
    done_date: datetime.date | None
    weight: object  # Decimal


@dataclasses.dataclass(frozen=True)
class Assessment:
    """The computed status of one action, with the figures behind it and why (`reason`, a
    sentence in the active language, written only when read: a count of thousands needs none)."""

    rag: Rag
    expected: int | None
    actual: int
    why: str  # completed, no_end, no_start, no_dates, ended, starts, gap
    day: datetime.date | None = None  # the end date passed, or the start date to come

    @property
    def label(self):
        return self.rag.label

    @property
    def icon(self):
        return ICONS[self.rag]

    @property
    def is_alarm(self):
        return self.rag in (Rag.AT_RISK, Rag.BEHIND)

    @property
    def reason(self) -> str:
        if self.why == "completed":
            return gettext("marked completed")
        if self.why == "no_end":
            return gettext("no planned end date")
        if self.why == "no_start":
            return gettext("no planned start date")
        if self.why == "no_dates":
            return gettext("no planned dates")
        if self.why == "ended":
            return gettext("due by %(date)s, reached %(actual)s%%") % {
                "date": date_format(self.day),
                "actual": self.actual,
            }
        if self.why == "starts":
            return gettext("starts on %(date)s") % {"date": date_format(self.day)}
        return gettext("expected %(expected)s%%, reached %(actual)s%%") % {
            "expected": self.expected,
            "actual": self.actual,
        }


def _percent(numerator: int, denominator: int) -> int:
    """numerator / denominator as a whole percentage, halves rounded up (integers only: exact,
    and fast enough for every action of a city at once)."""
    return (200 * numerator + denominator) // (2 * denominator)


def _cents(weight) -> int:
    """A milestone's weight (a Decimal of two places) as a whole number."""
    return int(weight * 100)


def _linear(start, end, today) -> int:
    if today < start:
        return 0
    if today >= end:
        return 100
    return _percent((today - start).days, (end - start).days)


def _by_milestones(start, end, points, today) -> int:
    if end and today >= end:
        return 100
    total = 0
    curve = []  # (date, cumulative weight), one per due date
    for point in sorted(points, key=lambda p: p.due_date):
        total += _cents(point.weight)
        if curve and curve[-1][0] == point.due_date:
            curve[-1] = (point.due_date, total)
        else:
            curve.append((point.due_date, total))
    if start and start < curve[0][0]:
        curve.insert(0, (start, 0))
    if today < curve[0][0]:
        return 0
    for (day0, done0), (day1, done1) in zip(curve, curve[1:], strict=False):
        if day0 <= today < day1:
            span, elapsed = (day1 - day0).days, (today - day0).days
            return _percent(done0 * span + (done1 - done0) * elapsed, total * span)
    return 100


def _expected(start, end, points, today) -> int | None:
    if points:
        return _by_milestones(start, end, points, today)
    if start and end:
        return _linear(start, end, today)
    if start and today < start:
        return 0
    if end and today >= end:
        return 100
    return None


def _milestones_of(action) -> list:
    if action.pk is None:
        return []
    return list(action.milestones.all())


def expected_progress(action, today: datetime.date, milestones=None) -> int | None:
    """The progress (0-100) `action` should have reached on `today`, or None when its plan says
    nothing about it (see the module's docstring). `milestones`: the action's milestones, when
    already read (any objects with `due_date`, `done_date`, `weight`)."""
    if milestones is None:
        milestones = _milestones_of(action)
    return _expected(action.start_date, action.end_date, milestones, today)


def _reached(progress, points) -> int:
    if not points:
        return progress
    total = sum(_cents(p.weight) for p in points)
    done = sum(_cents(p.weight) for p in points if p.done_date)
    return max(progress, _percent(done, total))


def _assess(*, start, end, status, progress, points, at_risk_gap, behind_gap, today) -> Assessment:
    expected = _expected(start, end, points, today)
    actual = _reached(progress, points)
    if status == Action.Status.COMPLETED:
        return Assessment(Rag.COMPLETED, expected, actual, "completed")
    if expected is None:
        why = "no_end" if start else "no_start" if end else "no_dates"
        return Assessment(Rag.UNKNOWN, None, actual, why)
    if end and today > end and actual < 100:
        return Assessment(Rag.BEHIND, expected, actual, "ended", end)
    if start and today < start and actual == 0:
        return Assessment(Rag.NOT_STARTED, expected, actual, "starts", start)
    gap = expected - actual
    if gap > behind_gap:
        rag = Rag.BEHIND
    elif gap > at_risk_gap:
        rag = Rag.AT_RISK
    else:
        rag = Rag.ON_TRACK
    return Assessment(rag, expected, actual, "gap")


def assess(action, today: datetime.date, plan=None, milestones=None) -> Assessment:
    """The computed status of one action with its reason; `plan` gives the thresholds (the
    action's own plan when omitted)."""
    if plan is None:
        plan = action.line.macro_area.plan
    if milestones is None:
        milestones = _milestones_of(action)
    return _assess(
        start=action.start_date,
        end=action.end_date,
        status=action.status,
        progress=action.progress,
        points=milestones,
        at_risk_gap=plan.rag_at_risk_gap,
        behind_gap=plan.rag_behind_gap,
        today=today,
    )


def rag(action, today: datetime.date, plan=None) -> Rag:
    """The computed RAG status of one action (see `assess` for the reason)."""
    return assess(action, today, plan).rag


def assess_actions(actions: Iterable, today: datetime.date) -> dict[int, Assessment]:
    """The assessment of each action in `actions` (a page of a list), by primary key, in at most
    two queries whatever their number: milestones already prefetched and plans already joined
    (`ActionQuerySet.with_tree`) are used as they are."""
    actions = list(actions)
    points = defaultdict(list)
    unread = [a.pk for a in actions if "milestones" not in getattr(a, "_prefetched_objects_cache", {})]
    if unread:
        for action_id, *point in Milestone.objects.filter(action__in=unread).values_list(
            "action_id", "due_date", "done_date", "weight"
        ):
            points[action_id].append(Point(*point))
    for action in actions:
        if action.pk not in unread:
            points[action.pk] = list(action.milestones.all())
    gaps = {}
    missing = {a.line_id for a in actions if not _plan_joined(a)}
    if missing:
        gaps = {
            line_id: (at_risk, behind)
            for line_id, at_risk, behind in Line.objects.filter(pk__in=missing).values_list(
                "pk", "macro_area__plan__rag_at_risk_gap", "macro_area__plan__rag_behind_gap"
            )
        }
    result = {}
    for action in actions:
        if _plan_joined(action):
            plan = action.line.macro_area.plan
            at_risk, behind = plan.rag_at_risk_gap, plan.rag_behind_gap
        else:
            at_risk, behind = gaps[action.line_id]
        result[action.pk] = _assess(
            start=action.start_date,
            end=action.end_date,
            status=action.status,
            progress=action.progress,
            points=points[action.pk],
            at_risk_gap=at_risk,
            behind_gap=behind,
            today=today,
        )
    return result


def attach(actions: Iterable, today: datetime.date) -> None:
    """Give each action of `actions` (a page of a list) its assessment as `action.schedule`."""
    assessments = assess_actions(actions, today)
    for action in actions:
        action.schedule = assessments[action.pk]


def _plan_joined(action) -> bool:
    line = action._state.fields_cache.get("line")
    if line is None:
        return False
    macro_area = line._state.fields_cache.get("macro_area")
    return macro_area is not None and "plan" in macro_area._state.fields_cache


def rag_by_action(actions: models.QuerySet, today: datetime.date) -> dict[int, Rag]:
    """The RAG status of every action of a queryset, by primary key, in two queries (the few
    columns needed, and the milestones), however many actions there are."""
    points = defaultdict(list)
    for action_id, *point in Milestone.objects.filter(action__in=actions.values("pk")).values_list(
        "action_id", "due_date", "done_date", "weight"
    ):
        points[action_id].append(Point(*point))
    rows = actions.order_by().values_list(
        "pk",
        "start_date",
        "end_date",
        "status",
        "progress",
        "line__macro_area__plan__rag_at_risk_gap",
        "line__macro_area__plan__rag_behind_gap",
    )
    return {
        pk: _assess(
            start=start,
            end=end,
            status=status,
            progress=progress,
            points=points[pk],
            at_risk_gap=at_risk,
            behind_gap=behind,
            today=today,
        ).rag
        for pk, start, end, status, progress, at_risk, behind in rows
    }


def filter_by_rag(actions: models.QuerySet, today: datetime.date, *rags: str) -> models.QuerySet:
    """The actions of `actions` whose computed status is one of `rags` (still a queryset)."""
    wanted = set(rags)
    pks = [pk for pk, status in rag_by_action(actions, today).items() if status in wanted]
    return actions.filter(pk__in=pks)


def rag_counts(actions: models.QuerySet, today: datetime.date) -> Counter:
    """How many actions of `actions` have each computed status."""
    return Counter(rag_by_action(actions, today).values())
