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


class PageRating(CityScopedModel):
    """One answer to "How clear is the information on this page?" (the Designers Italia rating):
    the page's path, the stars, a reason from a fixed list and an optional short text. Nothing
    about the person: no account, no address, no browser."""

    class Reason(models.TextChoices):
        # The answers of the Designers Italia model, word for word in Italian: 4-5 stars …
        CLEAR = "clear", _("The instructions were clear")
        COMPLETE = "complete", _("The instructions were complete")
        ON_TRACK = "on-track", _("I always understood I was proceeding correctly")
        NO_PROBLEMS = "no-problems", _("I had no technical problems")
        OTHER_GOOD = "other-good", _("Other")
        # … and 1-3 stars.
        UNCLEAR = "unclear", _("Sometimes the instructions were not clear")
        INCOMPLETE = "incomplete", _("Sometimes the instructions were not complete")
        LOST = "lost", _("Sometimes I did not understand whether I was proceeding correctly")
        PROBLEMS = "problems", _("I had technical problems")
        OTHER_BAD = "other-bad", _("Other")

    path = models.CharField(_("page"), max_length=300)
    stars = models.PositiveSmallIntegerField(_("stars"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("page rating")
        verbose_name_plural = _("page ratings")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["city", "path"], name="page_rating_city_path")]
        constraints = [
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5), name="page_rating_stars_1_to_5")
        ]

    def __str__(self):
        return f"{self.path} · {self.stars}"


# Above this many stars the rating asks what was liked, else what was hard (the model's threshold).
POSITIVE_ABOVE = 3
POSITIVE_REASONS = [
    PageRating.Reason.CLEAR,
    PageRating.Reason.COMPLETE,
    PageRating.Reason.ON_TRACK,
    PageRating.Reason.NO_PROBLEMS,
    PageRating.Reason.OTHER_GOOD,
]
NEGATIVE_REASONS = [
    PageRating.Reason.UNCLEAR,
    PageRating.Reason.INCOMPLETE,
    PageRating.Reason.LOST,
    PageRating.Reason.PROBLEMS,
    PageRating.Reason.OTHER_BAD,
]
