"""The funding portfolio: programmes, calls, projects through their life, consortia."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.models import (
    CityScopedModel,
    LocalizedNameMixin,
    Organisation,
    Publishable,
    WebAddressField,
    dates_in_order,
)
from ponte.plan.models import Action, AxisItem, Indicator

CUP_PATTERN = re.compile(r"^[A-Z][0-9]{2}[A-Z][0-9]{2}[A-Z0-9]{9}$")


def validate_cup(value: str):
    """Codice Unico di Progetto: 15 characters, letter + 2 digits + letter + 2-digit year + 9."""
    if not CUP_PATTERN.match(value or ""):
        raise ValidationError(
            _("“%(value)s” is not a valid CUP: 15 characters such as J22F24000140002."),
            code="invalid_cup",
            params={"value": value},
        )


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


class Programme(LocalizedNameMixin, CityScopedModel):
    """A funding programme or fund, in a tree (e.g. PNRR → mission → component → investment)."""

    class Kind(models.TextChoices):
        DIRECT = "direct", _("EU direct management")
        INDIRECT = "indirect", _("Indirect or shared management")
        OTHER = "other", _("Other funders")

    slug = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("part of")
    )
    description = models.TextField(_("description"), blank=True)
    stated_total = models.ForeignKey(
        Indicator,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programmes",
        verbose_name=_("total stated by the plan"),
        help_text=_("The plan's figure this programme's portfolio total is reconciled with."),
    )
    actions = models.ManyToManyField(
        Action, blank=True, related_name="programmes", verbose_name=_("plan actions it funds")
    )
    source = models.CharField(_("source in the plan"), max_length=300, blank=True)
    source_codes = models.CharField(
        _("codes at the sources"),
        max_length=300,
        blank=True,
        help_text=_(
            "The programme's codes in open data, separated by spaces (e.g. OpenCoesione's 2014IT16M2OP004): "
            "imported projects with one of them are attached here."
        ),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="programme_unique_slug")]

    def __str__(self):
        return self.localized_name

    def clean(self):
        if self.parent_id and self.parent.kind != self.kind:
            raise ValidationError({"kind": _("A programme has the kind of the programme it belongs to.")})


class Call(CityScopedModel):
    """An open or forthcoming call for proposals (or tender), imported or typed."""

    class Status(models.TextChoices):
        FORTHCOMING = "forthcoming", _("Forthcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Decision(models.TextChoices):
        UNDECIDED = "undecided", _("To be decided")
        GO = "go", pgettext_lazy("call decision", "Go")
        NO_GO = "no_go", _("No go")

    identifier = models.CharField(_("identifier"), max_length=120)
    title = models.CharField(_("title"), max_length=500)
    call_identifier = models.CharField(_("call"), max_length=120, blank=True)
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls", verbose_name=_("programme")
    )
    framework_programme = models.CharField(_("framework programme (as published)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.TextField(_("keywords"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    is_tender = models.BooleanField(_("tender"), default=False)
    opening_date = models.DateField(_("opening"), null=True, blank=True)
    deadline = models.DateField(_("next deadline"), null=True, blank=True)
    url = WebAddressField(_("link"), max_length=500, blank=True)
    decision = models.CharField(_("go/no-go"), max_length=10, choices=Decision.choices, default=Decision.UNDECIDED)
    responsible_office = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        verbose_name=_("responsible office"),
    )
    alignments = models.ManyToManyField(AxisItem, blank=True, related_name="calls", verbose_name=_("alignment"))
    source = models.CharField(_("source"), max_length=40, blank=True, help_text=_("Where the call was imported from."))
    fit_score = models.PositiveSmallIntegerField(_("fit with the plan"), null=True, blank=True, db_index=True)
    fit_reasons = models.JSONField(_("reasons of the fit"), default=list, blank=True)
    fit_ranked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["deadline", "identifier"]
        constraints = [models.UniqueConstraint(fields=["city", "identifier"], name="call_unique_identifier")]

    def __str__(self):
        return f"{self.identifier} {self.title}"

    def get_absolute_url(self):
        return reverse("funding:call-detail", kwargs={"city": self.city.slug, "pk": self.pk})


@dataclass(frozen=True)
class OpenDataSource:
    name: str
    licence: str
    url: str


# The sources Ponte imports projects from, as each asks to be credited.
OPEN_DATA_SOURCES = {
    "pnrr": OpenDataSource(
        _("Italia Domani – open data PNRR"),
        "CC BY 4.0",
        "https://www.italiadomani.gov.it/content/sogei-ng/it/it/catalogo-open-data.html",
    ),
    "opencoesione": OpenDataSource("OpenCoesione", "CC BY 4.0", "https://opencoesione.gov.it/it/opendata/"),
    "cordis": OpenDataSource(_("CORDIS – European Commission"), "CC BY 4.0", "https://cordis.europa.eu/"),
}


def city_funds_of(city_share, eu_contribution):
    """The money that comes to the city from one project — the one definition of it, which every
    total uses: the city's own share of a consortium's grant (its participation's EU contribution)
    where it is known, else the whole contribution, the city being the sole beneficiary (as with
    PNRR or cohesion projects it implements)."""
    return city_share if city_share is not None else eu_contribution


# The same rule as an SQL expression, for totals the database computes.
CITY_FUNDS = Coalesce("city_share", "eu_contribution")


class Project(Publishable, CityScopedModel):
    """A project from idea to audit. Status changes go through `services.project_transition`."""

    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        PROPOSAL = "proposal", _("Proposal in preparation")
        SUBMITTED = "submitted", _("Submitted")
        GRANTED = "granted", _("Granted")
        REJECTED = "rejected", _("Rejected")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")
        AUDITED = "audited", _("Audited")

    class Location(models.TextChoices):
        COMUNE = "comune", pgettext_lazy("location", "The whole comune")
        QUARTIERE = "quartiere", pgettext_lazy("location", "A quartiere")
        ADDRESS = "address", pgettext_lazy("location", "An address")

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        PARTNER = "partner", _("Partner")
        AFFILIATED = "affiliated", _("Affiliated entity")
        BENEFICIARY = "beneficiary", _("Beneficiary")

    acronym = models.CharField(_("acronym"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="projects", verbose_name=_("programme")
    )
    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects", verbose_name=_("call")
    )
    cup = models.CharField(_("CUP"), max_length=15, blank=True, validators=[validate_cup])
    grant_agreement = models.CharField(_("grant agreement number"), max_length=40, blank=True)
    role = models.CharField(_("role of the city"), max_length=12, choices=Role.choices, default=Role.BENEFICIARY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IDEA)
    total_budget = money_field(_("total budget (€)"))
    eu_contribution = money_field(_("EU / programme contribution (€)"))
    city_share = money_field(_("city's share (€)"))
    cofinancing = money_field(_("co-financing (€)"))
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Where the project happens: a district, a site, the city.")
    )
    location = models.CharField(
        _("located at"),
        max_length=10,
        choices=Location.choices,
        blank=True,
        help_text=_("How precisely the place is known: the whole comune, one quartiere or an address."),
    )
    quartiere = models.CharField(
        _("quartiere"), max_length=100, blank=True, help_text=_("The quartiere, as the city's map names it.")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    measure_code = models.CharField(
        _("PNRR measure"), max_length=40, blank=True, help_text=_("Italia Domani's measure code, e.g. M1C1I1.02.")
    )
    measure_name = models.CharField(_("PNRR measure (description)"), max_length=500, blank=True)
    submeasure_code = models.CharField(_("PNRR submeasure"), max_length=40, blank=True)
    submeasure_name = models.CharField(_("PNRR submeasure (description)"), max_length=500, blank=True)
    responsible_office = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_projects",
        verbose_name=_("responsible office"),
    )
    actions = models.ManyToManyField(Action, blank=True, related_name="projects", verbose_name=_("plan actions"))
    alignments = models.ManyToManyField(AxisItem, blank=True, related_name="projects", verbose_name=_("alignment"))
    origin = models.CharField(_("imported from"), max_length=20, blank=True)
    external_id = models.CharField(_("identifier at the source"), max_length=120, blank=True)
    source_title = models.CharField(
        _("title at the source"),
        max_length=500,
        blank=True,
        help_text=_("The title as the source publishes it, when it is a code or in capitals and Ponte shows another."),
    )
    source_date = models.DateField(_("source updated on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_date", "acronym", "title"]
        indexes = [
            # The public list's first page (its default order) reads a few rows in index order
            # instead of sorting every published project (issue 16). The home's newest projects
            # have theirs on PostgreSQL only (migration 0009: SQLite has no NULLS LAST in an index).
            models.Index(fields=["city", "publication", "-start_date", "acronym", "title"], name="project_public_list"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "origin", "external_id"], condition=~Q(external_id=""), name="project_unique_source_id"
            ),
            dates_in_order("project_dates_ordered"),
        ]

    @property
    def city_funds(self):
        """The money that comes to the city (`city_funds_of`)."""
        return city_funds_of(self.city_share, self.eu_contribution)

    @property
    def open_data_source(self) -> "OpenDataSource | None":
        return OPEN_DATA_SOURCES.get(self.origin)

    @property
    def attribution(self) -> str:
        """The credit the source of an imported project asks for ("Fonte: Italia Domani – open
        data PNRR (CC BY 4.0)"); empty for a project written in Ponte."""
        source = self.open_data_source
        if source is None:
            return ""
        return _("Source: %(name)s (%(licence)s)") % {"name": source.name, "licence": source.licence}

    @property
    def place_label(self) -> str:
        """Where the project is, as a citizen reads it ("Bologna – quartiere Navile – Via …")."""
        parts = []
        if self.location:
            parts.append(self.city.name)
        if self.quartiere:
            parts.append(_("quartiere %(name)s") % {"name": self.quartiere})
        if self.place and self.place not in parts:
            parts.append(self.place)
        return " – ".join(parts)

    def __str__(self):
        return self.acronym or self.title

    def get_absolute_url(self):
        return reverse("funding:project-detail", kwargs={"city": self.city.slug, "pk": self.pk})

    def get_public_url(self):
        return reverse("portal:project", kwargs={"city": self.city.slug, "pk": self.pk})

    def clean_fields(self, exclude=None):
        self.cup = (self.cup or "").strip().upper()  # CUPs are typed in any case, with spaces
        super().clean_fields(exclude=exclude)

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end comes before the start.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both the latitude and the longitude, or neither.")})
        if self.location == self.Location.QUARTIERE and not self.quartiere:
            raise ValidationError({"quartiere": _("Name the quartiere.")})
        if self.location == self.Location.ADDRESS and not self.place:
            raise ValidationError({"place": _("Write the address.")})
        if self.total_budget is not None:
            parts = [v for v in (self.eu_contribution, self.cofinancing) if v is not None]
            if parts and sum(parts) > self.total_budget:
                raise ValidationError({"eu_contribution": _("Contribution and co-financing exceed the total budget.")})


class ProjectTransition(CityScopedModel):
    """One step of a project's life: who moved it, when, from what to what."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=Project.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Project.Status.choices)
    date = models.DateField(_("date"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["date", "recorded_at"]

    def __str__(self):
        return f"{self.project}: {self.from_status or '—'} → {self.to_status}"


class Participation(CityScopedModel):
    """An organisation in a project's consortium."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        PARTICIPANT = "participant", _("Participant")
        PARTNER = "partner", _("Partner")
        ASSOCIATED = "associatedPartner", _("Associated partner")
        THIRD_PARTY = "thirdParty", _("Affiliated / third party")
        INTERNATIONAL = "internationalPartner", _("International partner")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="participations", verbose_name=_("project")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="participations", verbose_name=_("organisation")
    )
    country = models.CharField(_("country (ISO code)"), max_length=2, blank=True)
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, default=Role.PARTICIPANT)
    pic = models.CharField(_("PIC"), max_length=12, blank=True)
    eu_contribution = money_field(_("EU contribution (€)"))

    class Meta:
        verbose_name = _("consortium partner")
        verbose_name_plural = _("consortium partners")
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="participation_once_per_project")
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


class ProjectMilestone(CityScopedModel):
    """Reporting and other deadlines of a project; reminders are mailed before they fall due."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        PAYMENT = "payment", _("Payment request")
        DEADLINE = "deadline", _("Deadline")
        AUDIT = "audit", _("Audit")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPORT)
    title = models.CharField(_("title"), max_length=300)
    due_date = models.DateField(_("due"))
    done_date = models.DateField(_("done"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("project deadline")
        verbose_name_plural = _("project deadlines")
        ordering = ["due_date"]

    def __str__(self):
        return f"{self.project}: {self.title} ({self.due_date})"


class ProjectDocument(CityScopedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="projects/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.title


class Area(CityScopedModel):
    """A shape of the city's map (its comune, its quartieri), loaded from the data set's map file
    (`open-data.yaml` › `map`). The rings are [longitude, latitude] pairs, simplified."""

    class Level(models.TextChoices):
        COMUNE = "comune", pgettext_lazy("area", "Comune")
        QUARTIERE = "quartiere", pgettext_lazy("area", "Quartiere")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name = models.CharField(_("name"), max_length=100)
    rings = models.JSONField(_("outline (coordinates)"), default=list)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("map area")
        verbose_name_plural = _("map areas")
        ordering = ["level", "name"]
        constraints = [models.UniqueConstraint(fields=["city", "level", "name"], name="area_unique_name")]

    def __str__(self):
        return self.name
