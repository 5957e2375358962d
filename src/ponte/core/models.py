"""Cities own everything; organisations and people are shared by every part of Ponte."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .webaddress import is_web_address, validate_web_address


class WebAddressField(models.URLField):
    """A URL whose form field assumes https:// when the scheme is left out (Django 6 default).
    Only http and https are valid (Django's URLField also takes ftp): the model's validation,
    and so every ModelForm, refuses any other scheme (core.webaddress, issue 14)."""

    default_validators = [validate_web_address]

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


def dates_in_order(name: str, start: str = "start_date", end: str = "end_date") -> models.CheckConstraint:
    """Database check that a period does not end before it starts (either end may be open)."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{start}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=name,
    )


class City(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country (ISO 3166-1 alpha-2)"), max_length=2, default="IT")
    istat_code = models.CharField(
        _("ISTAT municipality code"),
        max_length=6,
        blank=True,
        help_text=_(
            "Six digits (province + municipality), e.g. 037006 for Bologna: selects the city's rows in "
            "national open data."
        ),
    )
    tax_code = models.CharField(
        _("tax code of the municipality"),
        max_length=16,
        blank=True,
        help_text=_("Codice fiscale of the Comune: selects the projects it implements in PNRR open data."),
    )
    ipa_code = models.CharField(
        _("IPA code"),
        max_length=20,
        blank=True,
        help_text=_("Code of the Comune in the Indice della Pubblica Amministrazione: publisher of its open data."),
    )
    website = WebAddressField(_("website"), blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to="cities/",
        blank=True,
        help_text=_(
            "PNG or JPEG, shown in the portal's header and on the cover of reports; without it both show the "
            "city's name."
        ),
    )
    # The Comune's identity on the public portal (header and footer, Designers Italia municipal model).
    region = models.CharField(
        _("region or parent body"),
        max_length=120,
        blank=True,
        help_text=_("Shown in the slim header above the Comune's name, e.g. Regione Emilia-Romagna."),
    )
    region_website = WebAddressField(_("website of the region or parent body"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    pec = models.EmailField(_("certified e-mail (PEC)"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    social_links = models.JSONField(
        _("social media links"),
        default=dict,
        blank=True,
        help_text=_('Name of the network and address of the Comune\'s page, e.g. {"Facebook": "https://…"}.'),
    )
    accessibility_declaration_url = WebAddressField(
        _("accessibility declaration (AgID)"),
        blank=True,
        help_text=_(
            "Address of the declaration published on AgID's form.agid.gov.it; "
            "without it the footer links to Ponte's page."
        ),
    )
    require_two_factor_for_all_staff = models.BooleanField(
        _("two-factor authentication for all staff"),
        default=False,
        help_text=_(
            "Every staff role of the city must confirm a code from an authenticator app at sign-in; "
            "administrators and plan owners always must."
        ),
    )
    # Review before publication (issue 17): what staff write for the public waits for a plan
    # owner's approval before it reaches the portal, the API, the open data and the newsletter.
    review_updates = models.BooleanField(
        _("review the periodic updates of actions"),
        default=False,
        help_text=_("An update reaches the public only once a plan owner approves it."),
    )
    review_news = models.BooleanField(
        _("review news items"),
        default=False,
        help_text=_("A news item is published only once a plan owner approves it."),
    )
    review_faq = models.BooleanField(
        _("review FAQ entries"),
        default=False,
        help_text=_("An answer of the Europe Direct desk enters the public FAQ only once a plan owner approves it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portal:home", kwargs={"city": self.slug})

    def clean(self):
        super().clean()
        if not isinstance(self.social_links, dict) or not all(
            isinstance(name, str) and is_web_address(url) for name, url in self.social_links.items()
        ):
            raise ValidationError(
                {"social_links": _("Give each network's name and an address that starts with http:// or https://.")}
            )

    @property
    def social_link_items(self) -> list[tuple[str, str]]:
        """(network, address) for the footer; an address that is no web address is never a link."""
        links = self.social_links if isinstance(self.social_links, dict) else {}
        return [(str(name), url) for name, url in links.items() if is_web_address(url)]


class CityQuerySet(models.QuerySet):
    """Every city-owned table is read through `for_city`, never a remembered filter."""

    def for_city(self, city):
        return self.filter(city=city)


class CityScopedModel(models.Model):
    """Abstract base of every row that belongs to a city.

    `save()` refuses a row whose foreign keys point at another city's rows, and the
    m2m_changed handler in `signals.py` does the same for many-to-many links, so no
    later part of Ponte can mix two cities' data by accident.
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+", verbose_name=_("city"))

    objects = CityQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.check_same_city()
        super().save(*args, **kwargs)

    def check_same_city(self):
        for field in self._meta.concrete_fields:
            if not field.is_relation or field.name == "city":
                continue
            if not issubclass(field.related_model, CityScopedModel):
                continue
            target_id = getattr(self, field.attname)
            if target_id is None:
                continue
            target = getattr(self, field.name)
            if target.city_id != self.city_id:
                raise ValidationError({field.name: _("%(target)s belongs to another city.") % {"target": target}})


class Publication(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(CityQuerySet):
    def published(self):
        """What the public portal, the API, the feeds and the open data may show."""
        return self.filter(publication=Publication.PUBLISHED)


class Publishable(models.Model):
    """An item staff choose to publish: drafts never reach the portal, API, feeds or open data.

    New items start as drafts; items of a loaded data set or of a public open-data source
    are published when created (`core.importing.upsert`, the funding importers' bulk path),
    and later edits by staff stand.
    """

    publication = models.CharField(
        _("publication"), max_length=10, choices=Publication.choices, default=Publication.DRAFT, db_index=True
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.publication == Publication.PUBLISHED


class ReviewState(models.TextChoices):
    """Where an item that needs approval stands (issue 17, `ponte.core.review`)."""

    DRAFT = "draft", pgettext_lazy("review state", "Not submitted")
    PENDING = "pending", pgettext_lazy("review state", "Awaiting review")
    RETURNED = "returned", pgettext_lazy("review state", "Sent back")
    APPROVED = "approved", pgettext_lazy("review state", "Approved")


class Reviewable(models.Model):
    """An item a plan owner may have to approve before the public sees it (an action's periodic
    update, a news item, an FAQ entry). Rows written before review existed, and rows of a city
    that does not ask for review, are approved; `ponte.core.review` moves an item between states
    and keeps every decision as a `ReviewEvent`."""

    review_state = models.CharField(
        _("review"), max_length=10, choices=ReviewState.choices, default=ReviewState.APPROVED, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(
        _("reviewer's comment"), blank=True, help_text=_("Why the item was sent back, for its author.")
    )

    class Meta:
        abstract = True

    @property
    def is_approved(self):
        return self.review_state == ReviewState.APPROVED


class LocalizedNameMixin:
    """Content names are Italian by default with an optional English twin."""

    @property
    def localized_name(self):
        if (get_language() or "it").startswith("en") and getattr(self, "name_en", ""):
            return self.name_en
        return self.name


class Organisation(LocalizedNameMixin, CityScopedModel):
    class Kind(models.TextChoices):
        CITY_OFFICE = "office", _("City office or department")
        PUBLIC_BODY = "public", _("Public body")
        EU_INSTITUTION = "eu", _("EU institution or agency")
        INTERNATIONAL = "international", _("International organisation")
        UNIVERSITY = "university", _("University or research body")
        COMPANY = "company", _("Company")
        ASSOCIATION = "association", _("Association or NGO")
        FOUNDATION = "foundation", _("Foundation")
        NETWORK = "network", _("Network of cities")
        CITY = "city", _("Partner city")
        BODY = "body", _("Governance body")
        SERVICE = "service", _("Service or initiative")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("part of"),
    )
    country = models.CharField(_("country (ISO code)"), max_length=2, blank=True)
    locality = models.CharField(_("town or city"), max_length=120, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    website = WebAddressField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    pic = models.CharField(
        _("PIC"),
        max_length=12,
        blank=True,
        db_index=True,
        help_text=_("Participant Identification Code in the EU Funding & Tenders portal (9 digits)."),
    )
    tax_code = models.CharField(
        _("VAT number or tax code"),
        max_length=20,
        blank=True,
        db_index=True,
        help_text=_("Partita IVA or codice fiscale; a foreign body's VAT number with its country prefix."),
    )
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source in the plan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="organisation_unique_slug")]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("core:organisation-detail", kwargs={"city": self.city.slug, "pk": self.pk})

    def clean(self):
        from .importing import normalise_tax_code

        super().clean()
        self.pic = self.pic.strip()
        if self.pic and not self.pic.isdigit():
            raise ValidationError({"pic": _("A PIC is made of digits only.")})
        self.tax_code = normalise_tax_code(self.tax_code)


class Person(CityScopedModel):
    slug = models.SlugField(_("code"), max_length=80)
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("staff account"),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="person_unique_slug")]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("core:person-edit", kwargs={"city": self.city.slug, "pk": self.pk})


class Membership(CityScopedModel):
    """A staff account's role in one city. Rules in `ponte.core.permissions`."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "admin", _("Administrator")
        PLAN_OWNER = "owner", _("Plan owner")
        OFFICE_EDITOR = "editor", _("Office editor")
        VIEWER = "viewer", _("Viewer")
        FUNDS_OFFICER = "funds", _("EU funds officer")
        DIPLOMACY_OFFICER = "diplomacy", _("City diplomacy officer")
        GOVERNANCE_SECRETARIAT = "governance", _("Governance secretariat")
        EVENTS_OFFICER = "events", _("Events and communication officer")
        EUROPE_DIRECT = "desk", _("Europe Direct desk")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    office = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("office"),
        help_text=_("Required for office editors: the office whose items they edit."),
    )

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "city"], name="membership_one_per_city"),
            models.CheckConstraint(
                condition=~models.Q(role="editor") | models.Q(office__isnull=False),
                name="membership_editor_has_office",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.city} · {self.get_role_display()}"

    def get_additional_data(self):
        """Kept in the audit trail, so a revoked role is still found in the city's history."""
        return {"city": self.city_id, "user": self.user.get_username()}


class DatasetNote(CityScopedModel):
    """What the plan refers to without containing it, and how (or whether) the data set fills it."""

    slug = models.SlugField(_("code"), max_length=80)
    topic = models.CharField(_("topic"), max_length=200)
    note = models.TextField(_("note"))
    source = models.CharField(_("source in the plan"), max_length=300, blank=True)
    filled_from = models.CharField(
        _("filled from (public source)"),
        max_length=300,
        blank=True,
        help_text=_("Empty when the gap is left open."),
    )

    class Meta:
        verbose_name = _("data set note")
        verbose_name_plural = _("data set notes")
        ordering = ["topic"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="datasetnote_unique_slug")]

    def __str__(self):
        return self.topic


class ImportJob(CityScopedModel):
    """One run of an open-data importer: its file, its progress and what it found or changed.

    Importers write with the database's bulk paths, so this record (who, when, which file,
    counts, errors) is the audit trail of everything an import changed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", pgettext_lazy("import status", "Done")
        FAILED = "failed", _("Failed: nothing changed")

    kind = models.CharField(_("source"), max_length=30)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    extra_file = models.FileField(_("second file"), upload_to="imports/%Y/%m/", blank=True)
    source_name = models.CharField(_("file names"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_read = models.PositiveBigIntegerField(_("rows read"), default=0)
    total_bytes = models.PositiveBigIntegerField(default=0)
    bytes_read = models.PositiveBigIntegerField(default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    encoding = models.CharField(_("encoding"), max_length=100, blank=True)
    release = models.CharField(_("release of the source"), max_length=300, blank=True)
    dry_run = models.BooleanField(
        _("preview"), default=False, help_text=_("Read and checked, shown as it would be stored, nothing written.")
    )
    # What a preview found: {"columns": [[file, [[column in the file, read as], …]], …],
    # "rows": [[[label, value], …], …]} (the first rows as they would be stored).
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.source_display} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def source_display(self) -> str:
        """The source by the name people know it by (OpenCoesione, CORDIS, …)."""
        from .importing import IMPORTERS

        importer = IMPORTERS.get(self.kind)
        return str(importer.name) if importer and importer.name else self.kind

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        """100 only once done; None for a failed job (its progress means nothing)."""
        if self.status == self.Status.DONE:
            return 100
        if self.status == self.Status.FAILED:
            return None
        return min(99, int(self.bytes_read * 100 / self.total_bytes)) if self.total_bytes else 0


class FollowUp(CityScopedModel):
    """A task that follows from something (a mission, a meeting): owner, due date, done date.

    One model for every part of Ponte, attached to its origin by a generic relation, so that
    reminders and the "follow-ups due" list work the same everywhere."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    origin = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("task"), max_length=300)
    owner_office = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        verbose_name=_("owning office"),
    )
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups", verbose_name=_("owner")
    )
    due_date = models.DateField(_("due"))
    done_date = models.DateField(_("done"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The owner last told by mail that the task is theirs: they are told once, and again only
    # when the task is given to someone else.
    notified_owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        from django.utils import timezone

        return self.done_date is None and self.due_date < timezone.localdate()


class ReviewEvent(CityScopedModel):
    """One step of an item's review: submitted, approved or sent back (with the comment), by whom
    and when. The item's own fields hold where it stands now; these rows hold how it got there."""

    class Decision(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("review decision", "Submitted")
        APPROVED = "approved", pgettext_lazy("review decision", "Approved")
        RETURNED = "returned", pgettext_lazy("review decision", "Sent back")

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.get_decision_display()} {self.at:%Y-%m-%d}"


class Risk(CityScopedModel):
    """A risk or issue in the register of an action or a funded project (issue 17): how likely,
    how grave, whose, and its mitigation as a follow-up task (`FollowUp` whose origin is the risk)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("risk status", "Open")
        CLOSED = "closed", pgettext_lazy("risk status", "Closed")

    class Kind(models.TextChoices):
        RISK = "risk", _("Risk (may happen)")
        ISSUE = "issue", _("Issue (has happened)")

    # One scale, read with its noun: "probabilità" is feminine in Italian, "impatto" masculine.
    LIKELIHOOD_SCALE = [
        (1, pgettext_lazy("likelihood", "1 · very low")),
        (2, pgettext_lazy("likelihood", "2 · low")),
        (3, pgettext_lazy("likelihood", "3 · medium")),
        (4, pgettext_lazy("likelihood", "4 · high")),
        (5, pgettext_lazy("likelihood", "5 · very high")),
    ]
    IMPACT_SCALE = [
        (1, pgettext_lazy("impact", "1 · very low")),
        (2, pgettext_lazy("impact", "2 · low")),
        (3, pgettext_lazy("impact", "3 · medium")),
        (4, pgettext_lazy("impact", "4 · high")),
        (5, pgettext_lazy("impact", "5 · very high")),
    ]

    class Level(models.TextChoices):
        """Likelihood × impact in three bands (1-4, 5-12, 15-25 of the 5 × 5 matrix)."""

        LOW = "low", pgettext_lazy("risk level", "Low")
        MEDIUM = "medium", pgettext_lazy("risk level", "Medium")
        HIGH = "high", pgettext_lazy("risk level", "High")

    # The lowest score of each band above the lowest.
    MEDIUM_FROM, HIGH_FROM = 5, 15

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.RISK)
    title = models.CharField(_("risk"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=LIKELIHOOD_SCALE, default=3)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=IMPACT_SCALE, default=3)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="risks", verbose_name=_("owner")
    )
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Its mitigations: follow-up tasks whose origin is the risk (no column of its own).
    mitigations = GenericRelation("FollowUp", related_query_name="risk")

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["status", "-created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=5), name="risk_likelihood_1_5"
            ),
            models.CheckConstraint(condition=models.Q(impact__gte=1, impact__lte=5), name="risk_impact_1_5"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("core:risk-detail", kwargs={"city": self.city.slug, "pk": self.pk})

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> str:
        return self.level_of(self.score)

    def get_level_display(self) -> str:
        return self.Level(self.level).label

    @classmethod
    def level_of(cls, score: int) -> str:
        if score >= cls.HIGH_FROM:
            return cls.Level.HIGH
        return cls.Level.MEDIUM if score >= cls.MEDIUM_FROM else cls.Level.LOW

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Attachment(CityScopedModel):
    """A document attached to any item (a relation, a body, …) by a generic relation."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="attachments/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.title


class ApiToken(models.Model):
    """A key for the REST API, kept as its SHA-256 digest: the key itself is shown once, when it
    is created (`ponte.core.tokens`), and is nowhere at rest. `prefix` (its first characters)
    finds the row and names the key in lists without revealing it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("What the key is for."))
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"


class SignOnLink(models.Model):
    """A staff account's identity at the Comune's OpenID Connect provider (issuer and subject),
    stored at its first single sign-on (`ponte.core.sso`): later sign-ins find the account by it,
    so a changed e-mail address at the provider neither creates nor reaches another account. It
    says who the person is, never what they may do: roles are only `Membership`s."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_on_links", verbose_name=_("user")
    )
    issuer = models.CharField(_("identity provider"), max_length=255)
    subject = models.CharField(
        pgettext_lazy("identity provider", "subject"),
        max_length=255,
        help_text=_("The person's identifier at the provider."),
    )
    email = models.EmailField(_("e-mail address when linked"), blank=True)
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on link")
        verbose_name_plural = _("single sign-on links")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sign_on_link_one_account_per_subject"),
            models.UniqueConstraint(fields=["user", "issuer"], name="sign_on_link_one_subject_per_account"),
        ]

    def __str__(self):
        return f"{self.user} ↔ {self.subject} ({self.issuer})"
