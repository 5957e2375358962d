"""Progress bars and indicator charts, drawn server-side as accessible SVG with a data table."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()

WIDTH, HEIGHT, PAD = 640, 240, 36


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
    markers = [{"x": x(d), "y": y(v), "kind": kind, "date": d, "value": v} for kind, d, v in points]
    return {
        "empty": False,
        "uid": indicator.pk,
        "width": WIDTH,
        "height": HEIGHT,
        "pad": PAD,
        "polyline": " ".join(f"{px},{py}" for px, py in measured),
        "markers": markers,
        "high": high,
        "low": low,
        "unit": indicator.unit,
        "title": _("%(name)s over time") % {"name": indicator.localized_name},
        "rows": sorted(points, key=lambda p: p[1]),
    }
