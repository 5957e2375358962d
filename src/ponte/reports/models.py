"""Report definitions (what to report on) and generated reports (the archive)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ponte.core.models import CityScopedModel, Organisation, dates_in_order
from ponte.funding.models import Programme
from ponte.plan.models import AxisItem, MacroArea


class ReportScope(models.Model):
    """The choices of the report builder: period, chapters, alignment, programme, office."""

    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    macro_areas = models.ManyToManyField(
        MacroArea,
        blank=True,
        related_name="+",
        verbose_name=_("chapters (macro areas)"),
        help_text=_("None chosen: the whole plan."),
    )
    axis_item = models.ForeignKey(
        AxisItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("only what serves"),
        help_text=_("An alignment item, e.g. SDG 11."),
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("only funds of the programme"),
    )
    office = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("only actions of the office"),
    )

    class Meta:
        abstract = True

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end comes before the start.")})


class ReportDefinition(ReportScope, CityScopedModel):
    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report definition")
        verbose_name_plural = _("report definitions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="reportdefinition_unique_name"),
            dates_in_order("reportdefinition_period_ordered"),
        ]

    def __str__(self):
        return self.name


class Report(ReportScope, CityScopedModel):
    """One generated report: its scope as it was, who asked, when, progress and the three files."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    title = models.CharField(_("title"), max_length=300)
    definition = models.ForeignKey(
        ReportDefinition,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("definition"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    docx = models.FileField(_("DOCX"), upload_to="reports/%Y/", blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/", blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to="reports/%Y/", blank=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at"]
        constraints = [dates_in_order("report_period_ordered")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:detail", kwargs={"city": self.city.slug, "pk": self.pk})


class CalendarLink(CityScopedModel):
    """The private address of one person's deadlines calendar in a city (issue 17), read by
    calendar apps without a session. Only the SHA-256 of its secret is kept: the address is shown
    once when made, and making a new one (`reports.services.calendar_link_renew`) makes the old
    one answer 404 at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    secret_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField(_("last read by a calendar"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")
        constraints = [models.UniqueConstraint(fields=["user", "city"], name="calendarlink_one_per_person")]

    def __str__(self):
        return f"{self.user} · {self.city}"
