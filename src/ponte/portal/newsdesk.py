"""The back office's news desk: plan owners write, publish and unpublish the portal's news."""

import django_filters
from django import forms
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ponte.core import permissions, review
from ponte.core.exports import Column
from ponte.core.filters import CityFilterSet, sort_by
from ponte.core.models import Publication, ReviewState
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


def free_address(city, title: str, *, exclude=None) -> str:
    """The page address a news item gets from its title: the title in lower case with hyphens,
    then -2, -3… when another news item of the city has it already."""
    field = News._meta.get_field("slug")
    base = (slugify(title) or "notizia")[: field.max_length - 4].strip("-")
    taken = set(
        News.objects.for_city(city).exclude(pk=exclude).filter(slug__startswith=base).values_list("slug", flat=True)
    )
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class NewsdeskForm(NewsForm):
    """The news item as a communication officer writes it: the page address is made from the
    title unless they choose one, and every message about it is in plain words."""

    slug = forms.SlugField(
        label=_("Page address"),
        max_length=120,
        required=False,
        help_text=_("Address of the page, made from the title if empty: lower-case letters, numbers and hyphens."),
        error_messages={
            "invalid": _("Use only lower-case letters without accents, numbers and hyphens (no spaces)."),
            "max_length": _("The page address is too long: at most %(limit_value)d characters."),
        },
    )

    def __init__(self, *args, city, user=None, **kwargs):
        super().__init__(*args, city=city, **kwargs)
        self.city = city
        if review.requires_review(self.instance, user):
            # The city reviews news: an events officer's "publish" sends the item to a plan owner.
            field = self.fields["publication"]
            field.choices = [(Publication.DRAFT, _("Draft")), (Publication.PUBLISHED, _("Send for review"))]
            field.label = _("Publication")
            field.help_text = _(
                "A plan owner approves the news item before it is published; until then it stays a draft."
            )
            if self.instance.publication == Publication.DRAFT and self.instance.review_state in (
                ReviewState.PENDING,
                ReviewState.RETURNED,
            ):
                self.initial["publication"] = Publication.PUBLISHED

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        if not slug:
            return ""  # filled from the title in clean(), once the title is known
        # Checked here, in words: the database constraint's own message names the model's fields
        # ("Notizia con questo Città e Indirizzo esiste già").
        if News.objects.for_city(self.city).exclude(pk=self.instance.pk).filter(slug=slug).exists():
            raise forms.ValidationError(
                gettext("Another news item already has this page address: choose another one or leave it empty.")
            )
        return slug

    def clean(self):
        data = super().clean()
        if not data.get("slug") and data.get("title") and "slug" not in self.errors:
            data["slug"] = free_address(self.city, data["title"], exclude=self.instance.pk)
        return data


class NewsFormView(ServiceFormView):
    permission = staticmethod(permissions.can_manage_events)
    model, form_class, service = News, NewsdeskForm, staticmethod(services.news_save)
    new_title = _("New news item")
    template_name = "portal/newsdesk_form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def success_message(self, item) -> str:
        if item.review_state == ReviewState.PENDING:  # nothing is published yet: say what happens next
            return gettext("Sent for review: «%(title)s» will be published once a plan owner approves it.") % {
                "title": item.title
            }
        return super().success_message(item)

    def get_context_data(self, **kwargs):
        item = self.get_instance()
        review_url = review.review_url(item) if item.pk and item.review_state != ReviewState.APPROVED else ""
        return super().get_context_data(review_url=review_url, **kwargs)

    def success_url_for(self, item):
        return reverse("newsdesk:list", kwargs={"city": self.city.slug})


app_name = "newsdesk"
urlpatterns = [
    path("", NewsListView.as_view(), name="list"),
    path("nuova/", NewsFormView.as_view(), name="create"),
    path("<int:pk>/modifica/", NewsFormView.as_view(), name="edit"),
]
