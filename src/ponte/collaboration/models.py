"""Staff working together (issue 17): comments with @mentions on actions, projects, indicators
and meetings, and the in-app notification centre with each person's choice of e-mail."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.models import CityScopedModel


class Comment(CityScopedModel):
    """A staff comment on an item (an action, a project, an indicator, a meeting)."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("comment"), max_length=5000)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("people mentioned")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="comment_on_item")]

    def __str__(self):
        return self.text[:60]


class Notification(CityScopedModel):
    """Something a staff member should know: shown in their notification centre, and mailed as
    they chose (`EmailChoice`). `key` names the event, so the same event never notifies the same
    person twice (a reminder run that is repeated, a job that reports twice)."""

    class Kind(models.TextChoices):
        MENTION = "mention", _("Mention")
        REVIEW_REQUESTED = "review_requested", _("Review to do")
        REVIEW_APPROVED = "review_approved", _("Approved")
        REVIEW_RETURNED = "review_returned", _("Sent back")
        UPDATE_DUE = "update_due", _("Update due")
        UPDATE_LATE = "update_late", _("Update late")
        ESCALATION = "escalation", _("Late beyond the grace period")
        DEADLINE = "deadline", _("Deadline")
        RISK_ALERT = "risk_alert", _("Behind without mitigation")
        JOB_FINISHED = "job_finished", _("Job finished")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What it is about, as people read it, in the language it was written in (titles are content).
    title = models.CharField(_("notification"), max_length=300)
    body = models.TextField(_("details"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Mail: claimed once (`emailed_at` set by a conditional UPDATE) by the immediate send or a digest.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event")]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_unread"),
            models.Index(fields=["recipient", "emailed_at"], name="notification_to_mail"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None


class EmailChoice(models.TextChoices):
    IMMEDIATE = "immediate", pgettext_lazy("notification mail", "At once, one mail each")
    DAILY = "daily", pgettext_lazy("notification mail", "Once a day, in one digest")
    WEEKLY = "weekly", pgettext_lazy("notification mail", "Once a week, in one digest")
    NEVER = "never", pgettext_lazy("notification mail", "Never: only in Ponte")


class NotificationPreference(models.Model):
    """How a staff member wants their notifications by e-mail (one choice for every city)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(_("e-mail"), max_length=10, choices=EmailChoice.choices, default=EmailChoice.DAILY)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user}: {self.email}"


class Digest(models.Model):
    """One digest mail for one person and one period ("daily:2026-12-07", "weekly:2026-W50"): its
    row is created before the mail leaves, so a repeated run never sends it twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=20)
    count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="digest_once_per_period")]

    def __str__(self):
        return f"{self.user} {self.period}"
