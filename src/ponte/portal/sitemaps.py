"""sitemap.xml: every public page of every city, read from `public.py` like the pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from ponte.core.models import City

from . import public

SECTIONS = [
    "portal:home",
    "portal:plan",
    "portal:project-list",
    "portal:relations",
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
    """The published rows of one kind (`reader` is a function of `public.py`)."""

    def __init__(self, reader, url):
        self.reader, self.url = reader, url

    def items(self):
        rows = []
        for city in City.objects.all():
            rows += [(city.slug, key) for key in self.reader(city)]
        return rows

    def location(self, item):
        city, key = item
        name, kwarg = self.url
        return reverse(name, kwargs={"city": city, kwarg: key})


def keys(reader, field):
    return lambda city: reader(city).values_list(field, flat=True)


def sitemaps():
    return {
        "sections": SectionSitemap(),
        "macro-areas": ItemSitemap(
            lambda city: public.macro_areas(city).values_list("code", flat=True), ("portal:macro-area", "code")
        ),
        "actions": ItemSitemap(keys(public.actions, "code"), ("portal:action", "code")),
        "axes": ItemSitemap(lambda city: city_axes(city), ("portal:axis", "axis")),
        "projects": ItemSitemap(keys(public.projects, "pk"), ("portal:project", "pk")),
        "bodies": ItemSitemap(keys(public.bodies, "pk"), ("portal:body", "pk")),
        "news": ItemSitemap(keys(public.news, "slug"), ("portal:news-detail", "slug")),
        "events": ItemSitemap(keys(public.events, "pk"), ("participation:event-detail", "pk")),
    }


def city_axes(city):
    from ponte.plan.models import Axis

    return Axis.objects.for_city(city).values_list("slug", flat=True)
