"""The plan's timeline ("Cronoprogramma", issue 17): macro areas → lines → actions as bars from
start to end, milestones as markers, a line for today, and each action's computed status.

Drawn on the server as one small SVG per row, all on the same scale, so the rows line up in a
plain HTML table (readable by a screen reader, scrolled sideways on a phone) and nothing needs
inline styles or scripts (the Content-Security-Policy allows neither)."""

import dataclasses
import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import schedule
from .models import Action

WIDTH = 640  # of every row's drawing, in pixels: beside the labels in a 1366 px window
ACTION_HEIGHT, LINE_HEIGHT, SCALE_HEIGHT = 30, 16, 24
LABEL_ROOM = 96  # pixels a status written beside a bar needs


@dataclasses.dataclass
class Scale:
    start: datetime.date
    end: datetime.date
    today: datetime.date

    @property
    def days(self):
        return max((self.end - self.start).days, 1)

    def x(self, day: datetime.date) -> float:
        return round(min(max((day - self.start).days, 0), self.days) / self.days * WIDTH, 1)

    @property
    def today_x(self) -> float | None:
        return self.x(self.today) if self.start <= self.today <= self.end else None

    @property
    def years(self) -> list[dict]:
        """A tick and a label at each 1 January, and a faint tick at each quarter."""
        ticks = []
        for year in range(self.start.year, self.end.year + 1):
            for month in (1, 4, 7, 10):
                day = datetime.date(year, month, 1)
                if self.start <= day <= self.end:
                    ticks.append({"x": self.x(day), "label": str(year) if month == 1 else "", "year": month == 1})
        return ticks


@dataclasses.dataclass
class Marker:
    x: float
    state: str  # done, due, overdue
    title: str

    @property
    def points(self) -> str:
        """A diamond around (x, the middle of an action's row)."""
        middle, half = ACTION_HEIGHT / 2, 6
        return " ".join(
            f"{px:g},{py:g}"
            for px, py in (
                (self.x, middle - half),
                (self.x + half, middle),
                (self.x, middle + half),
                (self.x - half, middle),
            )
        )


@dataclasses.dataclass
class Row:
    kind: str  # macro_area, line, action
    item: object
    bar: tuple[float, float] | None = None  # x and width
    done_width: float = 0
    open_end: bool = False  # only a start date: the bar runs to the edge
    cut_start: bool = False  # begins before the plan's period: an arrow at the left edge
    cut_end: bool = False  # ends after the plan's period: an arrow at the right edge
    markers: list = dataclasses.field(default_factory=list)
    assessment: schedule.Assessment | None = None
    label_x: float | None = None
    label_anchor: str = "start"
    summary: str = ""

    @property
    def cut_start_points(self) -> str:
        """An arrow pointing left, inside the bar at the chart's left edge."""
        middle = ACTION_HEIGHT / 2
        return f"1,{middle:g} 9,{middle - 6:g} 9,{middle + 6:g}"

    @property
    def cut_end_points(self) -> str:
        middle = ACTION_HEIGHT / 2
        return f"{WIDTH - 1},{middle:g} {WIDTH - 9},{middle - 6:g} {WIDTH - 9},{middle + 6:g}"


def scale_for(plan, today) -> Scale:
    """From 1 January of the plan's first year to 31 December of its last: an action begun years
    before the plan (or ending after it) does not squeeze every other bar into a corner; its bar
    is cut at the edge, with an arrow, and its real dates are written beside it."""
    return Scale(datetime.date(plan.start_year, 1, 1), datetime.date(plan.end_year, 12, 31), today)


def _marker(milestone, scale) -> Marker:
    if milestone.done_date:
        state, note = "done", pgettext("milestone", "reached on %(date)s") % {"date": date_format(milestone.done_date)}
    elif milestone.due_date < scale.today:
        state, note = "overdue", pgettext("milestone", "overdue")
    else:
        state, note = "due", pgettext("milestone", "to reach")
    title = _("Milestone “%(title)s”, due on %(date)s: %(state)s") % {
        "title": milestone.title,
        "date": date_format(milestone.due_date),
        "state": note,
    }
    return Marker(scale.x(milestone.due_date), state, title)


def _short(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _period(action) -> str:
    if action.start_date and action.end_date:
        return f"{_short(action.start_date)} – {_short(action.end_date)}"
    if action.start_date:
        return _("from %(date)s") % {"date": _short(action.start_date)}
    if action.end_date:
        return _("by %(date)s") % {"date": _short(action.end_date)}
    return _("no planned dates")


def _action_row(action, assessment, scale) -> Row:
    markers = [_marker(m, scale) for m in action.milestones.all() if scale.start <= m.due_date <= scale.end]
    row = Row("action", action, assessment=assessment, markers=markers)
    outside = []
    if action.start_date and action.start_date < scale.start:
        outside.append(_("begins before the plan's period"))
    if action.end_date and action.end_date > scale.end:
        outside.append(_("ends after the plan's period"))
    if action.start_date and (action.start_date > scale.end or (action.end_date or scale.end) < scale.start):
        pass  # wholly outside the plan's period: no bar, its dates say where it falls
    elif action.start_date:
        start = scale.x(action.start_date)
        end = scale.x(action.end_date) if action.end_date else WIDTH
        row.bar = (start, max(end - start, 2))
        row.open_end = action.end_date is None
        row.cut_start = action.start_date < scale.start
        row.cut_end = bool(action.end_date and action.end_date > scale.end)
        row.done_width = round(row.bar[1] * assessment.actual / 100, 1)
        # The status is written once, under the action's name: a bar is not labelled again.
    elif action.end_date and scale.start <= action.end_date <= scale.end:
        # no bar: the status written at its end date marks where it falls
        end = scale.x(action.end_date)
        row.label_x, row.label_anchor = (end + 6, "start") if end + LABEL_ROOM <= WIDTH else (end - 6, "end")
    period = _period(action)
    if outside:
        period = f"{period} ({', '.join(outside)})"
    row.summary = _("%(code)s, %(period)s: %(status)s, %(reason)s") % {
        "code": action.code,
        "period": period,
        "status": assessment.label,
        "reason": assessment.reason,
    }
    action.period_text = period
    return row


def _line_row(line, actions, scale) -> Row:
    starts = [a.start_date for a in actions if a.start_date]
    ends = [a.end_date for a in actions if a.end_date]
    row = Row("line", line)
    if starts and ends and max(ends) >= min(starts):
        start, end = scale.x(min(starts)), scale.x(max(ends))
        row.bar = (start, max(end - start, 2))
    return row


def rows(plan, actions: list[Action], today: datetime.date) -> tuple[Scale, list[Row]]:
    """The scale and the rows of a page of actions in plan order (with their tree, milestones
    and dependencies already read): a row for each macro area and line they belong to, then one
    for each of its actions."""
    scale = scale_for(plan, today)
    assessments = schedule.assess_actions(actions, today)
    result, macro_area, line, line_actions = [], None, None, []
    line_row = None
    for action in actions:
        if action.line.macro_area_id != getattr(macro_area, "pk", None):
            macro_area = action.line.macro_area
            result.append(Row("macro_area", macro_area))
        if action.line_id != getattr(line, "pk", None):
            if line_row is not None:
                line_row.bar = _line_row(line, line_actions, scale).bar
            line, line_actions = action.line, []
            line_row = Row("line", line)
            result.append(line_row)
        line_actions.append(action)
        result.append(_action_row(action, assessments[action.pk], scale))
    if line_row is not None:
        line_row.bar = _line_row(line, line_actions, scale).bar
    return scale, result
