"""Reports (builder, archive, downloads) and the dashboard: thin views over the services."""

import datetime

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from ponte.core import permissions, ratelimit
from ponte.core.calendars import Entry, calendar_response
from ponte.core.dbrouting import replica_reads
from ponte.core.models import City
from ponte.core.views import CityMixin, run_service

from . import dashboard, deadlines, services
from .forms import ReportForm
from .models import CalendarLink, Report, ReportDefinition


class DashboardView(CityMixin, TemplateView):
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        data = dashboard.build(self.city, self.request.GET.get("asse", "sdg"))
        charts = {
            name: data[name] for name in ("progress", "goals", "by_programme", "by_year", "relations", "missions")
        }
        return super().get_context_data(data=data, charts=charts, **kwargs)


class ReportListView(CityMixin, ListView):
    """The archive of generated reports and the saved definitions."""

    template_name = "reports/report_list.html"
    paginate_by = 30

    def get_queryset(self):
        return Report.objects.for_city(self.city).select_related("generated_by", "definition")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            definitions=ReportDefinition.objects.for_city(self.city).select_related("created_by"), **kwargs
        )


class ReportCreateView(CityMixin, FormView):
    """The report builder; `?definizione=<pk>` starts from a saved definition."""

    template_name = "reports/report_form.html"
    form_class = ReportForm
    permission = staticmethod(permissions.can_manage_plan)

    def get_definition(self):
        pk = self.request.GET.get("definizione") or self.request.POST.get("definition")
        if not pk or not str(pk).isdigit():
            return None
        return get_object_or_404(ReportDefinition.objects.for_city(self.city), pk=pk)

    def get_form_kwargs(self):
        definition = self.get_definition()
        kwargs = super().get_form_kwargs() | {"city": self.city}
        kwargs["instance"] = definition or ReportDefinition(city=self.city)
        return kwargs

    def form_valid(self, form):
        scope, chapters, data = form.save(commit=False), form.cleaned_data["macro_areas"], form.cleaned_data
        user = self.request.user
        definition = None
        if data["save_as"]:
            definition = ReportDefinition(
                city=self.city, name=data["save_as"], **{name: getattr(scope, name) for name in services.SCOPE_FIELDS}
            )
            if (
                run_service(
                    form, lambda: services.definition_save(definition=definition, user=user, macro_areas=chapters)
                )
                is None
            ):
                return self.form_invalid(form)
        elif scope.pk:
            definition = scope
        report = run_service(
            form,
            lambda: services.request_report(
                city=self.city, user=user, scope=scope, macro_areas=chapters, title=data["title"], definition=definition
            ),
        )
        if report is None:
            return self.form_invalid(form)
        report.refresh_from_db(fields=["status"])
        if report.status == Report.Status.DONE:  # a queue that runs at once (tests, an idle worker)
            messages.success(self.request, _("The report is ready: %(title)s.") % {"title": report.title})
        else:
            messages.info(self.request, _("The report is being generated."))
        return redirect(report)

    def get_context_data(self, **kwargs):
        return super().get_context_data(definition=self.get_definition(), **kwargs)


class ReportDetailView(CityMixin, TemplateView):
    template_name = "reports/report_detail.html"

    def get_context_data(self, **kwargs):
        report = get_object_or_404(
            Report.objects.for_city(self.city)
            .select_related("generated_by", "axis_item__axis", "programme", "office")
            .prefetch_related("macro_areas"),
            pk=self.kwargs["pk"],
        )
        return super().get_context_data(report=report, **kwargs)


class ReportFileView(CityMixin, View):
    """A report's file, for the city's staff only (reports are not public media)."""

    formats = {"docx": "docx", "pdf": "pdf", "xlsx": "xlsx"}

    def get(self, request, *args, **kwargs):
        report = get_object_or_404(Report.objects.for_city(self.city), pk=kwargs["pk"])
        stored = getattr(report, self.formats.get(kwargs["fmt"], ""), None)
        if not stored:
            raise Http404
        return FileResponse(stored.open("rb"), as_attachment=True, filename=stored.name.rsplit("/", 1)[-1])


# The address of a calendar just made, kept in the session until the page shows it (once).
NEW_CALENDAR_URL = "ponte_new_calendar_url"


class MyDeadlinesView(CityMixin, TemplateView):
    """What the signed-in person answers for, overdue, this week and later, filtered by kind; and
    the private address of the same list as a calendar."""

    template_name = "reports/my_deadlines.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        kind = self.request.GET.get("tipo", "")
        kind = kind if kind in deadlines.KINDS else ""
        found = deadlines.for_user(self.request.user, self.city, today, kinds={kind} if kind else None)
        week_end = today + datetime.timedelta(days=7)
        groups = [
            ("overdue", _("Past due"), [d for d in found if d.overdue]),
            ("week", _("This week"), [d for d in found if not d.overdue and d.day < week_end]),
            ("later", _("Later"), [d for d in found if d.day >= week_end]),
        ]
        return super().get_context_data(
            groups=groups,
            total=len(found),
            kinds=list(deadlines.KINDS.items()),
            kind=kind,
            calendar_link=CalendarLink.objects.filter(user=self.request.user, city=self.city).first(),
            new_calendar_url=self.request.session.pop(NEW_CALENDAR_URL, None),
            **kwargs,
        )


class CalendarLinkRenewView(CityMixin, View):
    """Make the person's calendar address, or replace it (the old one stops working)."""

    def post(self, request, *args, **kwargs):
        had_one = CalendarLink.objects.filter(user=request.user, city=self.city).exists()
        link, secret = services.calendar_link_renew(user=request.user, city=self.city)
        path = reverse("reports:deadline-calendar", kwargs={"city": self.city.slug, "pk": link.pk, "secret": secret})
        request.session[NEW_CALENDAR_URL] = deadlines.absolute(path)
        if had_one:
            messages.success(request, _("New calendar link made: the old one no longer works."))
        else:
            messages.success(request, _("Calendar link made."))
        return redirect("reports:my-deadlines", city=self.city.slug)


class DeadlineCalendarView(View):
    """A person's deadlines as an iCalendar feed, for calendar apps: no session, the secret in the
    address is the key. Unknown, replaced or orphaned addresses answer 404; a client that keeps
    trying wrong ones is told to wait (429). Never cached by anyone but the person's client."""

    FAILURES_PER_HOUR = 30
    rate_scope = "deadline-calendar"

    def get(self, request, *args, **kwargs):
        city = get_object_or_404(City, slug=kwargs["city"])
        if ratelimit.used_up(request, self.rate_scope, limit=self.FAILURES_PER_HOUR):
            return HttpResponse(_("Too many requests: try again later."), status=429, content_type="text/plain")
        with replica_reads(False):  # a replaced address must stop working at once, whatever the lag
            user = services.calendar_link_owner(city=city, pk=kwargs["pk"], secret=kwargs["secret"])
        if user is None:
            ratelimit.allow(request, self.rate_scope, limit=self.FAILURES_PER_HOUR)
            raise Http404
        found = deadlines.for_user(user, city, timezone.localdate())
        entries = [self.entry(d) for d in found]
        name = _("Ponte · %(city)s · deadlines of %(name)s") % {
            "city": city.name,
            "name": user.get_full_name() or user.get_username(),
        }
        response = calendar_response(name, "Scadenze", entries, f"scadenze-{city.slug}")
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    @staticmethod
    def entry(deadline) -> Entry:
        summary = f"{deadline.kind_label} · {deadline.title}"
        if deadline.overdue:
            summary = _("Overdue") + f" · {summary}"
        details = [deadline.note, _("Responsible: %(owner)s") % {"owner": deadline.owner} if deadline.owner else ""]
        return Entry(
            uid=deadline.uid,
            summary=summary,
            start=deadline.day,
            end=deadline.day + datetime.timedelta(days=1),
            url=deadlines.absolute(deadline.url) if deadline.url else "",
            description="\n".join(line for line in details if line),
        )
