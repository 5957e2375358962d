"""sitemap.xml: every public page of every city, read from `public.py` like the pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from ponte.core.models import City

from . import public

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


class SectionSitemap(Sitemap):
    def items(self):
        return [(city.slug, name) for city in City.objects.all() for name in SECTIONS]

    def location(self, item):
        city, name = item
        return reverse(name, kwargs={"city": city})


class ItemSitemap(Sitemap):
    """The published rows of one kind: `reader` is a function of `public.py`, `field` the
    value that goes into the address (as the URL argument `kwarg`, by default the same name)."""

    def __init__(self, reader, field, url_name, kwarg=None):
        self.reader, self.field, self.url_name, self.kwarg = reader, field, url_name, kwarg or field

    def items(self):
        rows = []
        for city in City.objects.all():
            rows += [(city.slug, key) for key in self.reader(city).values_list(self.field, flat=True)]
        return rows

    def location(self, item):
        city, key = item
        return reverse(self.url_name, kwargs={"city": city, self.kwarg: key})


class PnrrMissionSitemap(Sitemap):
    """The page of each PNRR mission with public projects of the city, and of each of its measures."""

    def items(self):
        from .pnrr import missions

        return [
            (city.slug, mission.code, measure)
            for city in City.objects.all()
            for mission in missions(city)
            for measure in ["", *(measure.slug for measure in mission.measures)]
        ]

    def location(self, item):
        city, mission, measure = item
        if measure:
            return reverse("portal:pnrr-measure", kwargs={"city": city, "mission": mission, "measure": measure})
        return reverse("portal:pnrr-mission", kwargs={"city": city, "mission": mission})


def sitemaps():
    return {
        "sections": SectionSitemap(),
        "macro-areas": ItemSitemap(public.macro_areas, "code", "portal:macro-area"),
        "actions": ItemSitemap(public.actions, "code", "portal:action"),
        "axes": ItemSitemap(public.axes, "slug", "portal:axis", "axis"),
        "projects": ItemSitemap(public.projects, "pk", "portal:project"),
        "pnrr-missions": PnrrMissionSitemap(),
        "relations": ItemSitemap(public.relations, "pk", "portal:relation"),
        "networks": ItemSitemap(public.memberships, "pk", "portal:network"),
        "candidacies": ItemSitemap(public.candidacies, "pk", "portal:candidacy"),
        "bodies": ItemSitemap(public.bodies, "pk", "portal:body"),
        "news": ItemSitemap(public.news, "slug", "portal:news-detail"),
        "events": ItemSitemap(public.events, "pk", "participation:event-detail"),
    }
