"""The back office's news desk: plan owners write, publish and unpublish the portal's news."""

import django_filters
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core import permissions
from ponte.core.exports import Column
from ponte.core.filters import CityFilterSet, sort_by
from ponte.core.models import Publication
from ponte.core.views import ExportableListView, ServiceFormView

from . import services
from .forms import NewsForm
from .models import News


class NewsFilter(CityFilterSet):
    search_fields = ("title", "summary", "body")
    publication = django_filters.ChoiceFilter(choices=Publication.choices, label=_("Publication"))
    ordering = sort_by(("published_on", "date", _("Date")), ("title", "title", _("Title")))

    class Meta:
        model = News
        fields = ["q", "publication"]


class NewsListView(ExportableListView):
    template_name = "portal/newsdesk.html"
    filterset_class = NewsFilter
    export_columns = [
        Column(_("Date"), lambda n: n.published_on),
        Column(_("Title"), lambda n: n.title),
        Column(_("Publication"), lambda n: n.get_publication_display()),
        Column(pgettext_lazy("news", "Summary"), lambda n: n.summary),
    ]
    export_name = "notizie"

    def base_queryset(self):
        return News.objects.for_city(self.city).select_related("city", "action")

    def get_context_data(self, **kwargs):
        return super().get_context_data(now=timezone.now(), **kwargs)


class NewsFormView(ServiceFormView):
    permission = staticmethod(permissions.can_manage_events)
    model, form_class, service = News, NewsForm, staticmethod(services.news_save)
    new_title = _("New news item")

    def success_url_for(self, item):
        return reverse("newsdesk:list", kwargs={"city": self.city.slug})


app_name = "newsdesk"
urlpatterns = [
    path("", NewsListView.as_view(), name="list"),
    path("nuova/", NewsFormView.as_view(), name="create"),
    path("<int:pk>/modifica/", NewsFormView.as_view(), name="edit"),
]
