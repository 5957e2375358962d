"""News of the public portal, page ratings and the citizens who follow a public thing; everything
else the portal shows belongs to the other apps."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.models import CityScopedModel, Publishable, Reviewable
from ponte.plan.models import Action


class News(Reviewable, Publishable, CityScopedModel):
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


class Follower(CityScopedModel):
    """A citizen's request to be mailed when one public thing changes: an action, a funded project
    or a theme of the plan (a macro area: the "aree" the public plan pages are organised by).
    Double opt-in like the newsletter: nothing is mailed until the link sent to the address is
    opened. One row per address and thing; following again mails the confirmation again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Following")
        UNSUBSCRIBED = "unsubscribed", _("No longer following")

    email = models.EmailField(_("email"))
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="followers", verbose_name=_("action")
    )
    project = models.ForeignKey(
        "funding.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
        verbose_name=_("project"),
    )
    macro_area = models.ForeignKey(
        "plan.MacroArea",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
        verbose_name=pgettext_lazy("followed", "theme"),
    )
    language = models.CharField(_("language"), max_length=5, default="it")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consent_text = models.TextField(_("consent given"), blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # The relay refused the confirmation mail: `manage.py resume_mail` sends it again.
    confirmation_pending = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(action__isnull=False, project__isnull=True, macro_area__isnull=True)
                    | models.Q(action__isnull=True, project__isnull=False, macro_area__isnull=True)
                    | models.Q(action__isnull=True, project__isnull=True, macro_area__isnull=False)
                ),
                name="follower_follows_one_thing",
            ),
            models.UniqueConstraint(
                fields=["email", "action"], condition=models.Q(action__isnull=False), name="follower_once_per_action"
            ),
            models.UniqueConstraint(
                fields=["email", "project"], condition=models.Q(project__isnull=False), name="follower_once_per_project"
            ),
            models.UniqueConstraint(
                fields=["email", "macro_area"],
                condition=models.Q(macro_area__isnull=False),
                name="follower_once_per_theme",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.followed}"

    @property
    def followed(self):
        return self.action or self.project or self.macro_area


class Change(CityScopedModel):
    """Something a citizen would want to know about a public thing (an action's status, a
    narrative update, a measured value, a project's step or published details), recorded by the
    service that made it. Its notices (one per follower) are queued in the same transaction."""

    class Kind(models.TextChoices):
        ACTION = "action", _("Action changed")
        UPDATE = "update", _("Narrative update")
        INDICATOR = "indicator", _("Indicator value")
        PROJECT_STATUS = "project-status", _("Project status")
        PROJECT = "project", _("Project changed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("funding.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    macro_area = models.ForeignKey("plan.MacroArea", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # What changed, as codes and values the mail renders in each follower's language.
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("change mailed to followers")
        verbose_name_plural = _("changes mailed to followers")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.action or self.project or self.macro_area}"


class Notice(CityScopedModel):
    """One change mailed to one follower: claimed (queued → sending by a conditional UPDATE)
    before it goes, so it leaves once however many workers run it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Its worker died while handing it to the relay: it may have left, so it is never resent.
        UNKNOWN = "unknown", _("Interrupted: may have arrived")

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="notices")
    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="notices")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notice to a follower")
        verbose_name_plural = _("notices to followers")
        constraints = [models.UniqueConstraint(fields=["change", "follower"], name="notice_once_per_follower")]
        indexes = [models.Index(fields=["status"], name="notice_status")]

    def __str__(self):
        return f"{self.change} → {self.follower_id}"
