"""The sitemap: `/sitemap.xml` is an index of sections, one per city and kind of page
(`/sitemap-bologna-actions.xml`, …), each paginated (`?p=2`) by `LIMIT` addresses, so no
response grows with the data and each costs the same few queries. Rows come from `public.py`
like the pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from ponte.core.models import City

from . import public

#: Addresses per page of a section (the protocol allows 50,000; smaller pages answer faster).
LIMIT = 1000

SECTIONS = [
    "portal:home",
    "portal:plan",
    "portal:project-list",
    "portal:pnrr",
    "portal:relations",
    "portal:network-list",
    "portal:candidacy-list",
    "portal:body-list",
    "portal:news-list",
    "portal:open-data",
    "portal:accessibility",
    "portal:privacy",
    "participation:event-list",
    "participation:subscribe",
    "participation:ask",
    "participation:faq",
]


class CitySitemap(Sitemap):
    limit = LIMIT

    def __init__(self, city):
        self.city = city


class SectionSitemap(CitySitemap):
    """The city's fixed pages."""

    def items(self):
        return SECTIONS

    def location(self, item):
        return reverse(item, kwargs={"city": self.city.slug})


class ItemSitemap(CitySitemap):
    """The published rows of one kind: `reader` is a function of `public.py`, `field` the
    value that goes into the address (as the URL argument `kwarg`, by default the same name).
    Items are a queryset of that value in a fixed order, which the paginator counts and slices."""

    def __init__(self, city, reader, field, url_name, kwarg=None, order=None):
        super().__init__(city)
        self.reader, self.field, self.url_name, self.kwarg = reader, field, url_name, kwarg or field
        self.order = order or field

    def items(self):
        rows = self.reader(self.city).prefetch_related(None).order_by(self.order, "pk")
        return rows.values_list(self.field, flat=True)

    def location(self, item):
        return reverse(self.url_name, kwargs={"city": self.city.slug, self.kwarg: item})


class AxisItemSitemap(CitySitemap):
    """The page of every item of the alignment axes (an SDG, an EU priority, …)."""

    def items(self):
        from ponte.plan.models import AxisItem

        return AxisItem.objects.for_city(self.city).order_by("axis__slug", "sort_key").values_list("axis__slug", "code")

    def location(self, item):
        axis, code = item
        return reverse("portal:axis-item", kwargs={"city": self.city.slug, "axis": axis, "code": code})


class PnrrMissionSitemap(CitySitemap):
    """The page of each PNRR mission with public projects of the city, and of each of its measures:
    the distinct (mission, measure) pairs, read by the database in one query."""

    def items(self):
        from django.db.models import Q

        from .pnrr import ROOT

        pairs = (
            public.projects(self.city)
            .prefetch_related(None)
            .filter(Q(programme__slug=ROOT) | Q(programme__parent__slug=ROOT), programme__parent__isnull=False)
            .order_by("programme__slug", "measure_code")
            .values_list("programme__slug", "measure_code")
            .distinct()
        )
        items = []
        for programme, measure in pairs:
            mission = programme.removeprefix(f"{ROOT}-")
            if not items or items[-1][0] != mission:
                items.append((mission, ""))
            if measure:
                items.append((mission, measure.lower()))
        return items

    def location(self, item):
        mission, measure = item
        kwargs = {"city": self.city.slug, "mission": mission}
        if measure:
            return reverse("portal:pnrr-measure", kwargs={**kwargs, "measure": measure})
        return reverse("portal:pnrr-mission", kwargs=kwargs)


def city_sitemaps(city) -> dict:
    return {
        "pages": SectionSitemap(city),
        "macro-areas": ItemSitemap(city, public.macro_areas, "code", "portal:macro-area"),
        "actions": ItemSitemap(city, public.actions, "code", "portal:action", order="sort_key"),
        "axes": ItemSitemap(city, public.axes, "slug", "portal:axis", "axis"),
        "axis-items": AxisItemSitemap(city),
        "projects": ItemSitemap(city, public.projects, "pk", "portal:project"),
        "pnrr-missions": PnrrMissionSitemap(city),
        "relations": ItemSitemap(city, public.relations, "pk", "portal:relation"),
        "networks": ItemSitemap(city, public.memberships, "pk", "portal:network"),
        "candidacies": ItemSitemap(city, public.candidacies, "pk", "portal:candidacy"),
        "bodies": ItemSitemap(city, public.bodies, "pk", "portal:body"),
        "news": ItemSitemap(city, public.news, "slug", "portal:news-detail"),
        "events": ItemSitemap(city, public.events, "pk", "participation:event-detail"),
    }


def sitemaps() -> dict:
    """Every section of every city, named `<city>-<kind>`."""
    return {
        f"{city.slug}-{kind}": sitemap
        for city in City.objects.order_by("slug")
        for kind, sitemap in city_sitemaps(city).items()
    }
