"""What the portal's home shows, so that it is never empty by accident (issue 15).

- the real projects and relations of the data set (a few of each, newest first);
- the next events or, when none is dated, the recurring formats of the plan (the public event
  series: Europe Direct, Casa dell'Europa, …), each with the plan action it belongs to;
- the latest news or, when there is none, the latest narrative updates of the plan's actions
  (the periodic updates) or, when there are none either, the actions under way.

Every reader comes from `public.py`; the number of queries does not grow with the data."""

from django.db.models import F, Prefetch

from ponte.participation.models import EventSeries
from ponte.plan.models import ActionUpdate

from . import public

SHOWN = 3


def recurring_formats(city):
    """The plan's public recurring formats (internal training never is), with their public action."""
    return (
        EventSeries.objects.for_city(city)
        .filter(internal=False)
        .select_related("organiser")
        .prefetch_related(Prefetch("action", queryset=public.actions(city).prefetch_related(None)))
        .order_by("name")
    )


def narrative_updates(city):
    """The latest approved periodic updates of the published actions (newest first, the
    `update_latest` index): an update awaiting review or sent back is not shown."""
    return (
        ActionUpdate.objects.for_city(city)
        .public()
        .select_related("action", "action__city")
        .order_by("-year", "-period", "-created_at")
    )


def first(queryset, n: int) -> list:
    """The first `n` rows of an ordered queryset in two short queries: the database orders the keys
    alone (no join for every row of the city, which the row query's joins would make), then reads
    those `n` rows with their joins (issue 16: the home costs the same at 100× the data)."""
    keys = list(queryset.select_related(None).prefetch_related(None).values_list("pk", flat=True)[:n])
    rows = {row.pk: row for row in queryset.filter(pk__in=keys)}
    return [rows[key] for key in keys]


def home_context(city) -> dict:
    context = {
        "projects": first(
            public.projects(city).prefetch_related(None).order_by(F("start_date").desc(nulls_last=True), "-pk"), SHOWN
        ),
        "relations": list(
            public.relations(city)
            .prefetch_related(None)
            .order_by(F("signed_on").desc(nulls_last=True), "partner__name")[:4]
        ),
        "news": list(public.news(city).order_by("-published_on")[:SHOWN]),
        "events": list(public.events(city, upcoming=True).order_by("starts_at")[:SHOWN]),
        "formats": [],
        "updates": [],
        "under_way": [],
    }
    if not context["events"]:
        context["formats"] = list(recurring_formats(city)[:6])
    if not context["news"]:
        context["updates"] = list(narrative_updates(city)[:SHOWN])
        if not context["updates"]:
            context["under_way"] = first(
                public.actions(city)
                .prefetch_related(None)
                .filter(status="in_progress")
                .order_by("-progress", "sort_key"),
                SHOWN,
            )
    return context
