"""Development cooperation, humanitarian aid and peace education; the good-practice library."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ponte.core.models import CityScopedModel, Organisation, dates_in_order
from ponte.plan.models import Action


class Initiative(CityScopedModel):
    class Kind(models.TextChoices):
        DEVELOPMENT = "development", _("Development cooperation")
        CO_DEVELOPMENT = "co_development", _("Co-development with diaspora associations")
        HUMANITARIAN = "humanitarian", _("Humanitarian project")
        GLOBAL_CITIZENSHIP = "citizenship", _("Global citizenship education")
        PEACE = "peace", _("Peace education")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    countries = models.CharField(_("countries (ISO codes, comma separated)"), max_length=200, blank=True)
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="cooperation_initiatives",
        verbose_name=_("partners (NGOs, associations, institutions)"),
    )
    funder = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funded_initiatives",
        verbose_name=_("funder"),
    )
    budget = models.DecimalField(
        _("budget (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    beneficiaries = models.PositiveIntegerField(_("beneficiaries"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    actions = models.ManyToManyField(
        Action, blank=True, related_name="cooperation_initiatives", verbose_name=_("plan actions")
    )
    source = models.CharField(_("source in the plan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cooperation or peace initiative")
        verbose_name_plural = _("cooperation and peace initiatives")
        ordering = ["kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["city", "title"], name="initiative_unique_title"),
            dates_in_order("initiative_dates_ordered"),
        ]

    def __str__(self):
        return self.title

    @property
    def country_list(self):
        return [code.strip().upper() for code in self.countries.split(",") if code.strip()]


class GoodPractice(CityScopedModel):
    """A practice worth sharing with the municipalities of the metropolitan area."""

    title = models.CharField(_("title"), max_length=300)
    theme = models.CharField(_("theme"), max_length=120)
    source_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="good_practices",
        verbose_name=_("from (city or body)"),
    )
    source_project = models.CharField(_("from project"), max_length=300, blank=True)
    description = models.TextField(_("description"))
    document = models.FileField(_("document"), upload_to="practices/%Y/", blank=True)
    actions = models.ManyToManyField(Action, blank=True, related_name="good_practices", verbose_name=_("plan actions"))
    source = models.CharField(_("source in the plan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["theme", "title"]
        constraints = [models.UniqueConstraint(fields=["city", "title"], name="goodpractice_unique_title")]

    def __str__(self):
        return self.title
