"""City diplomacy: relations with cities, network memberships, missions, candidacies, consulates."""

from decimal import Decimal

from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ponte.core.models import (
    Attachment,
    CityScopedModel,
    FollowUp,
    LocalizedNameMixin,
    Organisation,
    Person,
    Publishable,
    dates_in_order,
)
from ponte.plan.models import Action


class Theme(LocalizedNameMixin, CityScopedModel):
    """A theme of cooperation (digital policies, sustainable mobility, culture, …)."""

    slug = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="theme_unique_slug")]

    def __str__(self):
        return self.localized_name


class Relation(Publishable, CityScopedModel):
    """A relation with another city or territory. Status changes go through the services."""

    class Kind(models.TextChoices):
        TWINNING = "twinning", _("Twinning")
        AGREEMENT = "agreement", _("Cooperation agreement / memorandum")
        PARTNERSHIP = "partnership", _("Strategic partnership")
        FRIENDSHIP = "friendship", _("Friendship pact")
        PROTOCOL = "protocol", _("Protocol")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        DORMANT = "dormant", _("Dormant")
        ENDED = "ended", _("Ended")

    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="relations", verbose_name=_("partner")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="relations", verbose_name=_("themes"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signing_act = models.CharField(_("signing act"), max_length=300, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    responsible_office = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_relations",
        verbose_name=_("responsible office"),
    )
    actions = models.ManyToManyField(Action, blank=True, related_name="relations", verbose_name=_("plan actions"))
    documents = GenericRelation(Attachment)
    source = models.CharField(_("source in the plan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("international relation")
        verbose_name_plural = _("international relations")
        ordering = ["partner__name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["city", "partner", "kind"], name="relation_one_per_kind"),
            dates_in_order("relation_dates_ordered", start="signed_on", end="ended_on"),
        ]

    def __str__(self):
        return f"{self.partner} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("diplomacy:relation-detail", kwargs={"city": self.city.slug, "pk": self.pk})

    def get_public_url(self):
        return reverse("portal:relation", kwargs={"city": self.city.slug, "pk": self.pk})


class NetworkMembership(Publishable, CityScopedModel):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        EXECUTIVE = "executive", _("Executive committee")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        CHAIR = "chair", _("Chair / presidency")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    network = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships_of_cities", verbose_name=_("network")
    )
    role = models.CharField(_("role of the city"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    role_detail = models.CharField(
        _("role in detail"), max_length=300, blank=True, help_text=_("E.g. vice chair of the Environment Forum.")
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(_("member since"), null=True, blank=True)
    mandate_start = models.DateField(_("mandate from"), null=True, blank=True)
    mandate_end = models.DateField(_("mandate until"), null=True, blank=True)
    annual_fee = models.DecimalField(
        _("annual fee (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    working_groups = models.TextField(_("working groups followed"), blank=True)
    delegates = models.ManyToManyField(
        Person, blank=True, related_name="network_delegations", verbose_name=_("delegates")
    )
    actions = models.ManyToManyField(
        Action, blank=True, related_name="network_memberships", verbose_name=_("plan actions")
    )
    source = models.CharField(_("source in the plan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        ordering = ["network__name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "network"], name="membership_one_per_network"),
            dates_in_order("membership_mandate_ordered", start="mandate_start", end="mandate_end"),
        ]

    def __str__(self):
        return f"{self.network} · {self.get_role_display()}"

    def get_public_url(self):
        return reverse("portal:network", kwargs={"city": self.city.slug, "pk": self.pk})


class Mission(CityScopedModel):
    class Direction(models.TextChoices):
        OUTGOING = "outgoing", _("Outgoing mission")
        INCOMING = "incoming", _("Incoming visit")

    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    title = models.CharField(_("title"), max_length=300)
    counterpart = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="missions",
        verbose_name=_("city or body visited / visiting"),
    )
    country = models.CharField(_("country (ISO code)"), max_length=2, blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    participants = models.TextField(_("who took part"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    actions = models.ManyToManyField(Action, blank=True, related_name="missions", verbose_name=_("plan actions"))
    follow_ups = GenericRelation(FollowUp)
    source = models.CharField(_("source in the plan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("mission or visit")
        verbose_name_plural = _("missions and visits")
        ordering = ["-start_date", "title"]
        constraints = [dates_in_order("mission_dates_ordered")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("diplomacy:mission-detail", kwargs={"city": self.city.slug, "pk": self.pk})


class Candidacy(Publishable, CityScopedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        PREPARING = "preparing", _("Dossier in preparation")
        SUBMITTED = "submitted", _("Submitted")
        WON = "won", _("Won")
        NOT_WON = "not_won", _("Not won")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.CharField(_("award or title"), max_length=300)
    awarding_body = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="awards",
        verbose_name=_("awarded by"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    dossier = models.FileField(_("dossier"), upload_to="candidacies/%Y/", blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    actions = models.ManyToManyField(Action, blank=True, related_name="candidacies", verbose_name=_("plan actions"))
    source = models.CharField(_("source in the plan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("candidacy or award")
        verbose_name_plural = _("candidacies and awards")
        ordering = ["-year", "title"]
        constraints = [models.UniqueConstraint(fields=["city", "title", "year"], name="candidacy_unique")]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def get_public_url(self):
        return reverse("portal:candidacy", kwargs={"city": self.city.slug, "pk": self.pk})


class Representation(CityScopedModel):
    """Diplomatic representations in or for the city: consulates and embassies."""

    class Kind(models.TextChoices):
        CONSULATE_GENERAL = "consulate_general", _("Consulate general")
        HONORARY_CONSULATE = "honorary_consulate", _("Honorary consulate")
        EMBASSY = "embassy", _("Embassy")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country (ISO code)"), max_length=2)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="representations",
        verbose_name=_("organisation"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="representations",
        verbose_name=_("contact"),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("diplomatic representation")
        verbose_name_plural = _("diplomatic representations")
        ordering = ["country", "kind"]
        constraints = [models.UniqueConstraint(fields=["city", "kind", "country"], name="representation_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.country}"
