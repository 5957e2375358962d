"""RSS 2.0 and Atom feeds of the city's published news."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from ponte.core.models import City

from . import public


class NewsRss(Feed):
    def get_object(self, request, city):
        return get_object_or_404(City, slug=city)

    def title(self, city):
        return _("News of the international action of %(city)s") % {"city": city.name}

    def link(self, city):
        return reverse("portal:news-list", kwargs={"city": city.slug})

    def description(self, city):
        return self.title(city)

    def items(self, city):
        return public.news(city)[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.body[:300]

    def item_pubdate(self, item):
        return item.published_on

    def item_updateddate(self, item):
        return item.updated_at


class NewsAtom(NewsRss):
    feed_type = Atom1Feed
    subtitle = NewsRss.description
