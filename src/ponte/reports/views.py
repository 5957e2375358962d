"""Reports (builder, archive, downloads) and the dashboard: thin views over the services."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from ponte.core import permissions
from ponte.core.views import CityMixin, run_service

from . import dashboard, services
from .forms import ReportForm
from .models import Report, ReportDefinition


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
