"""Events with public registration, capacity and waiting list; recurring formats as series."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.models import (
    Attachment,
    CityScopedModel,
    Organisation,
    Publishable,
    Reviewable,
    WebAddressField,
    dates_in_order,
)
from ponte.plan.models import Action


class EventSeries(CityScopedModel):
    """A recurring format (Caffè Europa, Giramondo, Europe Direct activities, …)."""

    slug = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    action = models.ForeignKey(
        Action,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_series",
        verbose_name=_("plan action"),
    )
    organiser = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_series",
        verbose_name=_("organiser"),
    )
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    internal = models.BooleanField(_("internal training for city staff"), default=False)
    materials = GenericRelation(Attachment)
    source = models.CharField(_("source in the plan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("event series")
        verbose_name_plural = _("event series")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="eventseries_unique_slug")]

    def __str__(self):
        return self.name


class Event(Publishable, CityScopedModel):
    series = models.ForeignKey(
        EventSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="events", verbose_name=_("series")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = WebAddressField(_("online link"), blank=True)
    organiser = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("organiser"),
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="events", verbose_name=_("plan action")
    )
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=40, default="italiano")
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True, help_text=_("Empty: no limit."))
    registration_open = models.BooleanField(_("registration open"), default=True)
    waiting_list = models.BooleanField(_("waiting list when full"), default=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [dates_in_order("event_times_ordered", start="starts_at", end="ends_at")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("participation:event-detail", kwargs={"city": self.city.slug, "pk": self.pk})

    get_public_url = get_absolute_url  # the event's page is public (registration)

    @property
    def is_internal(self) -> bool:
        """In an internal series: kept off the public portal even when published."""
        return bool(self.series_id and self.series.internal)


class Registration(CityScopedModel):
    """A person's place at an event. Registered through the public form it first waits for the
    address to be proved (`UNVERIFIED`): it holds no place and is counted nowhere until the link
    mailed to the address is opened, then it takes a place (or joins the waiting list)."""

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Awaiting e-mail confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name and surname"), max_length=200)
    email = models.EmailField(_("email"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    attended = models.BooleanField(_("present"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    # When the link proving the address went out: it works for `services.VERIFICATION_VALID`.
    verification_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The mail the relay refused ("confirm_registration", "registered", "promoted"), sent again by
    # `resume_mail`.
    mail_pending = models.CharField(max_length=20, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "email"], name="registration_once_per_event")]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self):
        return f"{self.name} · {self.event}"


CONFIRMED_Q = Q(status=Registration.Status.CONFIRMED)
# Whoever holds a place or waits for one: unverified and cancelled registrations count nowhere.
ACTIVE_Q = Q(status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED])


class EventQuestion(CityScopedModel):
    """A question the organiser adds to an event's registration form."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    choices = models.CharField(
        _("choices"), max_length=500, blank=True, help_text=_("Separated by “|”; empty for a free answer.")
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label

    @property
    def choice_list(self):
        return [choice.strip() for choice in self.choices.split("|") if choice.strip()]


class Segment(CityScopedModel):
    """An interest subscribers choose (EU funds, events, cooperation, …)."""

    slug = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    action = models.ForeignKey(
        Action,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_interests",
        verbose_name=_("plan action"),
    )

    class Meta:
        verbose_name = _("newsletter interest")
        verbose_name_plural = _("newsletter interests")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="segment_unique_slug")]

    def __str__(self):
        return self.name


class Subscriber(CityScopedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Address rejected")

    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=5, default="it")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    segments = models.ManyToManyField(Segment, blank=True, related_name="subscribers", verbose_name=_("interests"))
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    consent_text = models.TextField(_("consent given"), blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_from = models.GenericIPAddressField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # The confirmation mail was refused by the relay: `resume_mail` sends it again.
    confirmation_pending = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(fields=["city", "email"], name="subscriber_once_per_city")]

    def __str__(self):
        return self.email


class Campaign(CityScopedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    segment = models.ForeignKey(
        Segment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("to the subscribers interested in"),
        help_text=_("Empty: every subscriber."),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Who sends it now (newsletter.claim_send): a worker's token, "" while queued for one; the
    # moment is the claim's last sign of life, None when nobody is sending it.
    claimed_by = models.CharField(max_length=32, blank=True, default="", editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("newsletter campaign")
        verbose_name_plural = _("newsletter campaigns")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject


class Delivery(CityScopedModel):
    """One campaign to one subscriber: sent once, retried only when it failed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")
        # Its worker died while handing it to the relay: it may have left, so it is never resent.
        UNKNOWN = "unknown", _("Interrupted: may have arrived")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(_("error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["campaign", "subscriber"], name="delivery_once")]

    def __str__(self):
        return f"{self.campaign} → {self.subscriber}"


class Question(Reviewable, CityScopedModel):
    """A question to the Europe Direct desk, handled as a ticket: new → assigned → answered → closed."""

    class Status(models.TextChoices):
        # The statuses of a "domanda" (feminine in Italian): their own context.
        NEW = "new", pgettext_lazy("question status", "New")
        ASSIGNED = "assigned", pgettext_lazy("question status", "Assigned")
        ANSWERED = "answered", pgettext_lazy("question status", "Answered")
        CLOSED = "closed", pgettext_lazy("question status", "Closed")

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("question"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="desk_questions",
        verbose_name=_("assigned to"),
    )
    ticket = models.CharField(_("ticket number"), max_length=20, editable=False)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The FAQ never shows what the citizen wrote: the desk rewrites question and answer for it.
    faq_question = models.TextField(_("question as published in the FAQ"), blank=True)
    faq_answer = models.TextField(_("answer as published in the FAQ"), blank=True)
    in_faq = models.BooleanField(_("published in the FAQ"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question to Europe Direct")
        verbose_name_plural = _("questions to Europe Direct")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["city", "ticket"], name="question_unique_ticket")]

    def __str__(self):
        return f"{self.ticket} · {self.subject}" if self.ticket else self.subject
