"""The back office's view of "Valuta questo sito": per page, how many ratings, their average and
their spread over the five stars, and the latest comments; every rating as CSV."""

from django.db.models import Avg, Count, Q
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from ponte.core import permissions
from ponte.core.exports import Column, csv_response
from ponte.core.views import CityMixin

from .models import PageRating

EXPORT_COLUMNS = [
    Column(_("Date"), lambda r: r.created_at),
    Column(_("Page"), lambda r: r.path),
    Column(_("Stars"), lambda r: r.stars),
    Column(_("Reason"), lambda r: r.get_reason_display()),
    Column(_("Comment"), lambda r: r.comment),
]
LATEST_COMMENTS = 20


def pages_rated(city):
    """One row per rated page of the city, the most rated first."""
    spread = {f"stars_{n}": Count("pk", filter=Q(stars=n)) for n in range(1, 6)}
    return (
        PageRating.objects.for_city(city)
        .values("path")
        .annotate(count=Count("pk"), average=Avg("stars"), **spread)
        .order_by("-count", "path")
    )


class RatingListView(CityMixin, TemplateView):
    permission = staticmethod(permissions.can_manage_events)
    template_name = "portal/ratings.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            ratings = PageRating.objects.for_city(self.city).order_by("-created_at", "-pk")
            return csv_response(ratings.iterator(), EXPORT_COLUMNS, "valutazioni-pagine")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        pages = list(pages_rated(self.city))
        for page in pages:
            page["spread"] = [(n, page[f"stars_{n}"]) for n in range(5, 0, -1)]
        comments = PageRating.objects.for_city(self.city).exclude(comment="")[:LATEST_COMMENTS]
        return super().get_context_data(pages=pages, comments=comments, **kwargs)


app_name = "page-ratings"
urlpatterns = [path("", RatingListView.as_view(), name="list")]
