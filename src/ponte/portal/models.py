"""News of the public portal; everything else the portal shows belongs to the other apps."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ponte.core.models import CityScopedModel, Publishable
from ponte.plan.models import Action


class News(Publishable, CityScopedModel):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("address"), max_length=120)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("text"), help_text=_("Markdown: **bold**, lists, [links](https://…)."))
    published_on = models.DateTimeField(_("date"), default=timezone.now)
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="news", verbose_name=_("plan action")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-published_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="news_unique_slug")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portal:news-detail", kwargs={"city": self.city.slug, "slug": self.slug})

    get_public_url = get_absolute_url
