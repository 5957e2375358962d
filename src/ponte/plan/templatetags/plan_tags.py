"""Progress bars and indicator charts, drawn server-side as accessible SVG with a data table."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()

WIDTH, HEIGHT, PAD = 640, 240, 36
MAX_DATE_TICKS = 6  # dates written under the time axis; more would overlap at 375 px


@register.inclusion_tag("plan/_progress.html")
def progress_bar(value, label=""):
    return {"value": value, "label": label, "width": int(value) if value is not None else 0}


@register.inclusion_tag("plan/_chart.html")
def indicator_chart(indicator):
    """Measured values (line), baseline and targets (markers) of an indicator over time."""
    points = []
    if indicator.baseline_value is not None:
        points.append(("baseline", indicator.baseline_date, indicator.baseline_value))
    points += [("value", v.reference_date, v.value) for v in indicator.values.all()]
    points += [("target", t.target_date, t.value) for t in indicator.targets.all()]
    if not points:
        return {"empty": True}
    dates = [p[1].toordinal() for p in points]
    values = [p[2] for p in points]
    low_date, high_date = min(dates), max(dates)
    low, high = min(min(values), Decimal(0)), max(values)
    span_y = (high - low) or 1

    def x(day):
        if high_date == low_date:  # one date: in the middle
            return WIDTH / 2
        return round(PAD + (day.toordinal() - low_date) / (high_date - low_date) * (WIDTH - 2 * PAD), 1)

    def y(value):
        return round(HEIGHT - PAD - float((value - low) / span_y) * (HEIGHT - 2 * PAD), 1)

    measured = [(x(d), y(v)) for kind, d, v in points if kind in ("baseline", "value")]
    days = sorted({p[1] for p in points})
    if len(days) > MAX_DATE_TICKS:  # the first, the last and evenly spaced ones between
        step = (len(days) - 1) / (MAX_DATE_TICKS - 1)
        days = [days[round(i * step)] for i in range(MAX_DATE_TICKS)]
    markers = [{"x": x(d), "y": y(v), "kind": kind, "date": d, "value": v} for kind, d, v in points]
    return {
        "empty": False,
        "uid": indicator.pk,
        "width": WIDTH,
        "height": HEIGHT,
        "pad": PAD,
        "polyline": " ".join(f"{px},{py}" for px, py in measured),
        "markers": markers,
        # A phone shows the chart about half its size: its labels are written larger there and
        # only the first, middle and last dates keep theirs (ponte.css), so that they do not overlap.
        "date_ticks": [
            {
                "x": x(day),
                "date": day,
                "minor": i not in (0, len(days) // 2, len(days) - 1),
                # the first date is written from its tick rightwards, the last leftwards: inside the drawing
                "edge": "" if len(days) == 1 else "start" if i == 0 else "end" if i == len(days) - 1 else "",
            }
            for i, day in enumerate(days)
        ],
        "axis_y": HEIGHT - PAD,
        "value_label_x": PAD + 6,  # beside the vertical axis, inside the chart: a long number has room
        "high_label_y": PAD - 8,
        "low_label_y": HEIGHT - PAD - 6,
        "date_label_y": HEIGHT - PAD + 18,
        "right": WIDTH - PAD,
        "high": high,
        "low": low,
        "unit": indicator.unit,
        "title": _("%(name)s over time") % {"name": indicator.localized_name},
        "rows": sorted(points, key=lambda p: p[1]),
    }
