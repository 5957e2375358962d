"""The plan tree (plan → macro areas → lines → actions), indicators and alignment axes."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.models import (
    CityQuerySet,
    CityScopedModel,
    LocalizedNameMixin,
    Organisation,
    Person,
    Publication,
    Publishable,
    PublishableQuerySet,
    Reviewable,
    ReviewState,
    dates_in_order,
)
from ponte.core.sorting import NaturalCodeMixin

POSITIVE_WEIGHT = [MinValueValidator(Decimal("0.01"))]


def weight_field():
    return models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("1"),
        validators=POSITIVE_WEIGHT,
        help_text=_("Relative weight in the progress roll-up of the level above."),
    )


def source_field():
    return models.CharField(
        _("source in the plan"),
        max_length=300,
        blank=True,
        help_text=_("Chapter › paragraph of the plan this item comes from."),
    )


class Plan(CityScopedModel):
    slug = models.SlugField(_("code"), max_length=80)
    title = models.CharField(_("title"), max_length=300)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    description = models.TextField(_("description"), blank=True)
    source = source_field()
    # Planned against actual (issue 17): how many points of progress an action may trail the
    # progress expected today before it is "at risk", and before it is "behind".
    rag_at_risk_gap = models.PositiveSmallIntegerField(
        _("at risk from (points behind)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("An action whose progress trails the expected progress by more than this is at risk."),
    )
    rag_behind_gap = models.PositiveSmallIntegerField(
        _("behind from (points behind)"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("An action whose progress trails the expected progress by more than this is behind."),
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="plan_unique_slug"),
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="plan_period_ordered"),
            models.CheckConstraint(
                condition=Q(rag_behind_gap__gte=models.F("rag_at_risk_gap")), name="plan_rag_gaps_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.start_year}-{self.end_year}"


class MacroArea(NaturalCodeMixin, CityScopedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="macro_areas")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    weight = weight_field()
    order = models.PositiveIntegerField(_("order"), default=0)
    alignments = models.ManyToManyField("AxisItem", blank=True, related_name="macro_areas", verbose_name=_("alignment"))
    source = source_field()

    class Meta:
        verbose_name = _("macro area")
        verbose_name_plural = _("macro areas")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="macroarea_unique_code"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="macroarea_weight_positive"),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"


class Line(NaturalCodeMixin, CityScopedModel):
    macro_area = models.ForeignKey(MacroArea, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    weight = weight_field()
    order = models.PositiveIntegerField(_("order"), default=0)
    alignments = models.ManyToManyField("AxisItem", blank=True, related_name="lines", verbose_name=_("alignment"))
    source = source_field()

    class Meta:
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["macro_area", "code"], name="line_unique_code"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="line_weight_positive"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class ActionQuerySet(PublishableQuerySet):
    def with_tree(self):
        return self.select_related("city", "line__macro_area__plan", "owner_office", "responsible")

    def owned_by(self, user):
        """Actions whose responsible person is this staff account or whose office is theirs."""
        offices = user.memberships.values("office")
        return self.filter(Q(responsible__user=user) | Q(owner_office__in=offices))

    def late(self, today):
        return self.filter(late_condition(today))


def late_condition(today) -> Q:
    """Late, in every figure of Ponte (dashboard, report, headline figures): delayed or suspended,
    or past its end date and not completed."""
    return Q(status__in=["delayed", "suspended"]) | (Q(end_date__lt=today) & ~Q(status="completed"))


class Action(NaturalCodeMixin, Publishable, CityScopedModel):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        DELAYED = "delayed", _("Delayed")
        SUSPENDED = "suspended", _("Suspended")

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="actions", verbose_name=_("line"))
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner_office = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_actions",
        verbose_name=_("owning office"),
    )
    responsible = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("responsible person"),
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_actions", verbose_name=_("partner organisations")
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    weight = weight_field()
    order = models.PositiveIntegerField(_("order"), default=0)
    alignments = models.ManyToManyField("AxisItem", blank=True, related_name="actions", verbose_name=_("alignment"))
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="dependents",
        verbose_name=_("depends on"),
        help_text=_("Actions that must be completed before this one can end."),
    )
    source = source_field()
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="action_unique_code"),
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="action_progress_0_100"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="action_weight_positive"),
            dates_in_order("action_dates_ordered"),
        ]
        indexes = [
            # Issue 16: the public pages read a page or a count of the published actions, never all.
            # In plan order (lists, API, sitemap):
            models.Index(fields=["city", "publication", "sort_key"], name="action_published_order"),
            # Counted by status, and the home's actions under way, furthest first:
            models.Index(
                fields=["city", "publication", "status", "-progress", "sort_key"], name="action_published_status"
            ),
            # The roll-up sums each line's progress × weight from the index alone (PostgreSQL):
            models.Index(fields=["line"], include=["progress", "weight"], name="action_line_rollup"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def is_late(self, today) -> bool:
        """The same rule as `late_condition`, for an action already in memory."""
        if self.status in (self.Status.DELAYED, self.Status.SUSPENDED):
            return True
        return bool(self.end_date and self.end_date < today and self.status != self.Status.COMPLETED)

    def get_absolute_url(self):
        return reverse("plan:action-detail", kwargs={"city": self.city.slug, "code": self.code})

    def get_public_url(self):
        return reverse("portal:action", kwargs={"city": self.city.slug, "code": self.code})

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end comes before the start.")})
        if self.status == self.Status.COMPLETED and self.progress != 100:
            raise ValidationError({"progress": _("A completed action is at 100%.")})


class Milestone(CityScopedModel):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=300)
    due_date = models.DateField(_("due"))
    done_date = models.DateField(_("done"), null=True, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("1"),
        validators=POSITIVE_WEIGHT,
        help_text=_("Share of the action's work this milestone completes, relative to its other milestones."),
    )
    source = source_field()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["action", "title"], name="milestone_unique_title"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="milestone_weight_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        return self.done_date is None and self.due_date < timezone.localdate()


def current_period(today: datetime.date | None = None) -> tuple[int, int]:
    """(year, semester) of a date: the period of the semester cadence it falls in."""
    today = today or timezone.localdate()
    return today.year, 1 if today.month <= 6 else 2


class Cadence(models.TextChoices):
    """How often an action reports (issue 17): its periods are months, quarters, semesters or years."""

    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SEMESTER = "semester", _("Every semester")
    YEARLY = "yearly", _("Yearly")


class ReportingCycle(CityScopedModel):
    """When and what the actions of a plan report: set for the plan, and overridden for a macro
    area or a single action (the most specific one applies). Due `due_days` after the period
    ends; reminded `remind_days_before` the due date; late after it; escalated to the plan owners
    `grace_days` after it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting_cycles")
    macro_area = models.ForeignKey(
        MacroArea, null=True, blank=True, on_delete=models.CASCADE, related_name="reporting_cycles"
    )
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.CASCADE, related_name="reporting_cycles")
    cadence = models.CharField(_("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.SEMESTER)
    due_days = models.PositiveSmallIntegerField(
        _("due (days after the period ends)"), default=15, validators=[MaxValueValidator(120)]
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("reminder (days before it is due)"), default=7, validators=[MaxValueValidator(60)]
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days late before escalation)"), default=10, validators=[MaxValueValidator(120)]
    )
    asks_status = models.BooleanField(_("asks for the status"), default=True)
    asks_progress = models.BooleanField(_("asks for the progress"), default=True)
    asks_indicators = models.BooleanField(_("asks for the indicator values due"), default=True)
    asks_narrative = models.BooleanField(_("asks for a narrative"), default=True)
    asks_risks = models.BooleanField(_("asks about risks"), default=True)
    # From when the cycle applies: periods that ended before it are not owed under it (changing a
    # cadence does not make the past periods of the new cadence late). Empty: every period.
    starts_on = models.DateField(
        _("applies to periods ending from"),
        null=True,
        blank=True,
        help_text=_(
            "Periods that ended before this date are not asked for under this cycle, so a new cadence "
            "does not make past periods late. Usually today."
        ),
    )

    class Meta:
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        constraints = [
            models.CheckConstraint(
                name="cycle_on_one_level", condition=Q(macro_area__isnull=True) | Q(action__isnull=True)
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(macro_area__isnull=True, action__isnull=True),
                name="cycle_one_per_plan",
            ),
            models.UniqueConstraint(fields=["macro_area"], name="cycle_one_per_macro_area"),
            models.UniqueConstraint(fields=["action"], name="cycle_one_per_action"),
        ]

    def __str__(self):
        return f"{self.level}: {self.get_cadence_display()}"

    @property
    def level(self):
        return self.action or self.macro_area or self.plan


class ActionUpdateQuerySet(CityQuerySet):
    def public(self):
        """What the portal, the API, the open data, the feeds and the newsletter may show: approved
        updates of published actions."""
        return self.filter(review_state=ReviewState.APPROVED, action__publication=Publication.PUBLISHED)


class ActionUpdate(Reviewable, CityScopedModel):
    """The periodic update of an action: for one period of its reporting cycle, the status and
    progress reported, the indicator values due (`UpdateValue`), what happened and the risks seen.
    When the city reviews updates, none of it reaches the action or the public before approval."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    cadence = models.CharField(_("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.SEMESTER)
    year = models.PositiveSmallIntegerField(_("year"))
    # The period's number within the year for the cadence: month 1–12, quarter 1–4, semester 1–2,
    # year 1 (`ponte.plan.cycles`).
    period = models.PositiveSmallIntegerField(_("period"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    status = models.CharField(_("status"), max_length=20, choices=Action.Status.choices, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    text = models.TextField(_("what happened in this period"))
    risks = models.TextField(_("risks and issues seen"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("periodic update")
        verbose_name_plural = _("periodic updates")
        ordering = ["-year", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["action", "cadence", "year", "period"], name="update_one_per_period"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100), name="update_progress_0_100"
            ),
        ]
        # The home's latest narrative updates, newest first, without sorting them all (issue 16).
        indexes = [models.Index(fields=["city", "-year", "-period", "-created_at"], name="update_latest")]

    def __str__(self):
        # As people read it in the change history: "1.2.1 · 1º semestre 2026".
        return f"{self.action.code} · {self.period_label}"

    def get_absolute_url(self):
        """The form of this period's update (it edits the update)."""
        from .cycles import period_url_kwargs

        kwargs = {"city": self.city.slug, "code": self.action.code} | period_url_kwargs(self.period_obj)
        return reverse("plan:update-edit", kwargs=kwargs)

    @property
    def period_obj(self):
        from .cycles import Period

        return Period(self.year, self.period, self.cadence)

    @property
    def period_label(self) -> str:
        """ "2º trimestre 2026", "giugno 2026", "1º semestre 2026", "2026"."""
        return self.period_obj.label

    @property
    def period_start(self) -> datetime.date:
        return self.period_obj.start

    @property
    def period_end(self) -> datetime.date:
        return self.period_obj.end

    @property
    def value_date(self) -> datetime.date:
        """The date its indicator values carry once approved: the end of the period, or — for a
        period not ended when the update was last written (reporting early is allowed) — the day
        it was written, never a date still to come."""
        from django.utils import timezone

        written = timezone.localdate(self.updated_at) if self.updated_at else timezone.localdate()
        return value_date_of(self.period_end, written)

    @property
    def semester(self) -> int | None:
        """The semester of a semestral update (readers of the API before issue 17); else None."""
        return self.period if self.cadence == Cadence.SEMESTER else None


def value_date_of(period_end: datetime.date, written: datetime.date) -> datetime.date:
    """The date of a value reported on `written` for a period ending on `period_end`."""
    return min(period_end, written)


class UpdateValue(CityScopedModel):
    """An indicator value reported with a periodic update: it becomes the indicator's measured
    value (at the end of the update's period) when the update is approved."""

    update = models.ForeignKey(ActionUpdate, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey("Indicator", on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        constraints = [models.UniqueConstraint(fields=["update", "indicator"], name="update_value_once")]

    def __str__(self):
        return f"{self.indicator_id}: {self.value}"


class ActionDocument(CityScopedModel):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="actions/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.title


class Axis(LocalizedNameMixin, CityScopedModel):
    """A managed taxonomy of alignment (SDGs, EU priorities, mandate areas, flagships, …)."""

    slug = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    source = source_field()

    class Meta:
        verbose_name = _("alignment axis")
        verbose_name_plural = _("alignment axes")
        ordering = ["order", "slug"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="axis_unique_slug")]

    def __str__(self):
        return self.localized_name

    def get_absolute_url(self):
        return reverse("plan:axis-detail", kwargs={"city": self.city.slug, "axis": self.slug})


class AxisItem(NaturalCodeMixin, LocalizedNameMixin, CityScopedModel):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=400)
    name_en = models.CharField(_("name (English)"), max_length=400, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    source = source_field()

    class Meta:
        verbose_name = _("alignment item")
        verbose_name_plural = _("alignment items")
        ordering = ["axis__order", "order", "sort_key"]
        constraints = [models.UniqueConstraint(fields=["axis", "code"], name="axisitem_unique_code")]

    def __str__(self):
        # A number ("11.2", "PNRR-M5") helps a reader; a slug ("city-diplomacy") is an internal code.
        if any(character.isdigit() for character in self.code) or self.code.isupper():
            return f"{self.code} {self.localized_name}"
        return self.localized_name

    @property
    def reference(self):
        """How data sets and exports name the item: `<axis slug>:<code>`, e.g. `sdg:11.2`."""
        return f"{self.axis.slug}:{self.code}"

    @property
    def label(self):
        """How people read the item: its name, after its number when it has one and the short
        name of its axis when that is an acronym (“SDG 16.7 · Processi decisionali inclusivi”)."""
        if not any(character.isdigit() for character in self.code) and not self.code.isupper():
            return self.localized_name
        slug = self.axis.slug
        prefix = f"{slug.upper()} " if len(slug) <= 4 and slug.isalpha() else ""
        return f"{prefix}{self.code} · {self.localized_name}"

    @property
    def short_label(self):
        """The item in a few characters, for a list's cell (“SDG 16.7”); its `label` says it whole."""
        if not any(character.isdigit() for character in self.code) and not self.code.isupper():
            name = self.localized_name
            return name if len(name) <= 28 else f"{name[:26].rstrip()}…"
        slug = self.axis.slug
        if len(slug) <= 4 and slug.isalpha():
            return f"{slug.upper()} {self.code}"
        # A bare "V" says nothing when the axis is not an acronym: the number and the name, cut short.
        text = f"{self.code} {self.localized_name}"
        return text if len(text) <= 28 else f"{text[:26].rstrip()}…"

    def get_absolute_url(self):
        return reverse("plan:axis-item", kwargs={"city": self.city.slug, "axis": self.axis.slug, "code": self.code})


class Indicator(NaturalCodeMixin, LocalizedNameMixin, Publishable, CityScopedModel):
    """A measure on any level of the plan: the plan itself, a macro area, a line or an action."""

    class Kind(models.TextChoices):
        PERFORMANCE = "performance", _("Performance (has targets)")
        CONTEXT = "context", _("Context figure")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    macro_area = models.ForeignKey(
        MacroArea, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    line = models.ForeignKey(Line, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators")
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PERFORMANCE)
    unit = models.CharField(_("unit"), max_length=40)
    description = models.TextField(_("description"), blank=True)
    baseline_value = models.DecimalField(_("baseline"), max_digits=20, decimal_places=4, null=True, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    owner_office = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("owning office"),
    )
    alignments = models.ManyToManyField("AxisItem", blank=True, related_name="indicators", verbose_name=_("alignment"))
    source = source_field()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_unique_code"),
            models.CheckConstraint(
                name="indicator_on_one_level",
                condition=(
                    Q(macro_area__isnull=True, line__isnull=True)
                    | Q(macro_area__isnull=True, action__isnull=True)
                    | Q(line__isnull=True, action__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="indicator_baseline_complete",
                condition=Q(baseline_value__isnull=True) | Q(baseline_date__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.localized_name}"

    def get_absolute_url(self):
        return reverse("plan:indicator-detail", kwargs={"city": self.city.slug, "pk": self.pk})

    @property
    def level(self):
        return self.action or self.line or self.macro_area or self.plan

    @property
    def latest_value(self):
        """The most recent measured value (uses prefetched values when present)."""
        values = list(self.values.all())
        return values[-1] if values else None

    @property
    def responsible_office_id(self):
        if self.owner_office_id:
            return self.owner_office_id
        return self.action.owner_office_id if self.action_id else None


class IndicatorTarget(CityScopedModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(_("target value"), max_digits=20, decimal_places=4)
    target_date = models.DateField(_("by"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["target_date"]
        constraints = [models.UniqueConstraint(fields=["indicator", "target_date"], name="target_one_per_date")]

    def __str__(self):
        return f"{self.value} ({self.target_date})"


class IndicatorValue(CityScopedModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    reference_date = models.DateField(_("reference date"), help_text=_("End of the period the value measures."))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("measured value")
        verbose_name_plural = _("measured values")
        ordering = ["reference_date"]
        constraints = [models.UniqueConstraint(fields=["indicator", "reference_date"], name="value_one_per_date")]

    def __str__(self):
        return f"{self.indicator.code} {self.reference_date}: {self.value}"


class WorkbookUpload(CityScopedModel):
    """One upload of the plan workbook, read and applied by the background worker (never in the
    web request): its file, who sent it, and what it changed or why it changed nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", pgettext_lazy("import status", "Done")
        FAILED = "failed", _("Failed: nothing changed")

    file = models.FileField(_("file"), upload_to="workbooks/%Y/%m/")
    file_name = models.CharField(_("name of the file"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # What it changed: the counts of `spreadsheets.WorkbookReport`.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("workbook upload")
        verbose_name_plural = _("workbook uploads")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("plan:workbook-upload", kwargs={"city": self.city.slug, "pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
