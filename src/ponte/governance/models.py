"""Governance bodies (Cabina di Regia, Tavolo Cittadino, NGO table, …), members and meetings."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ponte.core.models import Attachment, CityScopedModel, FollowUp, Organisation, Person, dates_in_order
from ponte.plan.models import Action


class Body(CityScopedModel):
    """A body is an organisation of the directory with its purpose, members and meetings."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="body", verbose_name=_("organisation")
    )
    purpose = models.TextField(_("purpose"), blank=True)
    chaired_by = models.CharField(_("chaired by"), max_length=300, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    # False when the plan gives only the month (`established_on` is then its first day).
    established_day_known = models.BooleanField(_("day of establishment known"), default=True)
    established_by = models.CharField(_("established by"), max_length=300, blank=True)
    actions = models.ManyToManyField(Action, blank=True, related_name="bodies", verbose_name=_("plan actions"))
    documents = GenericRelation(Attachment)
    source = models.CharField(_("source in the plan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("governance body")
        verbose_name_plural = _("governance bodies")
        ordering = ["organisation__name"]

    def __str__(self):
        return str(self.organisation)

    def get_absolute_url(self):
        return reverse("governance:body-detail", kwargs={"city": self.city.slug, "pk": self.pk})


class BodyMember(CityScopedModel):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        MEMBER = "member", _("Member")
        SECRETARIAT = "secretariat", _("Secretariat")
        OBSERVER = "observer", _("Observer")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="body_memberships",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="body_memberships",
        verbose_name=_("representative"),
    )
    description = models.CharField(
        _("member"),
        max_length=300,
        blank=True,
        help_text=_("When the member is a category rather than one organisation."),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    start_date = models.DateField(_("mandate from"), null=True, blank=True)
    end_date = models.DateField(_("mandate until"), null=True, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["role", "organisation__name", "description"]
        constraints = [dates_in_order("bodymember_mandate_ordered")]

    def __str__(self):
        return str(self.person or self.organisation or self.description)


class Meeting(CityScopedModel):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    location = models.CharField(_("place or online link"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_public = models.BooleanField(_("minutes are public"), default=False)
    invitees = models.ManyToManyField(BodyMember, blank=True, related_name="invited_to", verbose_name=_("invitees"))
    attendees = models.ManyToManyField(BodyMember, blank=True, related_name="attended", verbose_name=_("present"))
    follow_ups = GenericRelation(FollowUp)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [dates_in_order("meeting_times_ordered", start="starts_at", end="ends_at")]

    def __str__(self):
        return f"{self.body}: {self.title} ({self.starts_at:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("governance:meeting-detail", kwargs={"city": self.city.slug, "pk": self.pk})


class Decision(CityScopedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["pk"]

    def __str__(self):
        return self.text[:80]


class PositionPaper(CityScopedModel):
    """A position a body (e.g. a working group of the Tavolo Cittadino) drafts and adopts."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="position_papers")
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("position paper")
        verbose_name_plural = _("position papers")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Post(CityScopedModel):
    """A message in a body's members-only discussion."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]
