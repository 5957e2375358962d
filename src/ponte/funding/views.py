"""Funding portfolio pages: dashboard, projects, calls. Thin: parse, call a query or service."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from ponte.core import permissions
from ponte.core.calendars import calendar_response
from ponte.core.exports import Column
from ponte.core.queries import audit_history
from ponte.core.views import CityMixin, ExportableListView, ServiceFormView, run_service
from ponte.plan.forms import DocumentForm

from . import calendars, partners, queries, services
from .filters import CallFilter, PartnerFilter, ProjectFilter
from .forms import CallForm, ParticipationForm, ProjectForm, ProjectMilestoneForm, TransitionForm
from .models import Call, Participation, Project


class PortfolioView(CityMixin, TemplateView):
    """Funds obtained by programme (reconciled with the plan's figures), kind, year, area, SDG."""

    template_name = "funding/portfolio.html"

    def get_context_data(self, **kwargs):
        rows = queries.funded_rows(self.city)
        return super().get_context_data(
            programmes=queries.totals_by_programme(self.city, rows),
            by_kind=queries.totals_by_kind(rows),
            by_year=queries.totals_by_year(rows),
            by_area=queries.totals_by_macro_area(rows),
            by_sdg=queries.totals_by_sdg(self.city, rows),
            **kwargs,
        )


PROJECT_COLUMNS = [
    Column(gettext_lazy("Acronym"), lambda p: p.acronym),
    Column(gettext_lazy("Title"), lambda p: p.title),
    Column(gettext_lazy("Programme"), lambda p: p.programme),
    Column(gettext_lazy("Call"), lambda p: p.call.identifier if p.call else ""),
    Column(gettext_lazy("Status"), lambda p: p.get_status_display()),
    Column(gettext_lazy("Role of the city"), lambda p: p.get_role_display()),
    Column("CUP", lambda p: p.cup),
    Column(gettext_lazy("Grant agreement"), lambda p: p.grant_agreement),
    Column(gettext_lazy("Total budget (€)"), lambda p: p.total_budget),
    Column(gettext_lazy("EU / programme contribution (€)"), lambda p: p.eu_contribution),
    Column(gettext_lazy("City's share (€)"), lambda p: p.city_share),
    Column(gettext_lazy("Co-financing (€)"), lambda p: p.cofinancing),
    Column(gettext_lazy("Start"), lambda p: p.start_date),
    Column(gettext_lazy("End"), lambda p: p.end_date),
    Column(gettext_lazy("Plan actions"), lambda p: "; ".join(a.code for a in p.actions.all())),
    Column(gettext_lazy("Imported from"), lambda p: p.origin),
]


class ProjectListView(ExportableListView):
    template_name = "funding/project_list.html"
    filterset_class = ProjectFilter
    export_columns = PROJECT_COLUMNS
    export_name = "progetti"

    def base_queryset(self):
        return queries.project_list(self.city)


class PortfolioEditMixin:
    permission = staticmethod(permissions.can_manage_funds)


class ProjectMixin(CityMixin):
    def check_parent(self):
        self.get_project()  # 404 for a missing or foreign project, before any form is shown

    def get_project(self):
        if not hasattr(self, "_project"):
            try:
                self._project = queries.project_detail(self.city, self.kwargs["pk"])
            except Project.DoesNotExist:
                raise Http404 from None
        return self._project


class ProjectDetailView(ProjectMixin, TemplateView):
    template_name = "funding/project_detail.html"

    def get_context_data(self, **kwargs):
        project = self.get_project()
        can_edit = permissions.can_manage_funds(self.request.user, self.city)
        return super().get_context_data(
            project=project,
            can_edit=can_edit,
            transition_form=TransitionForm(choices=self.transition_choices(project)),
            history=audit_history(project, project.participations.all(), project.milestones.all()),
            **kwargs,
        )

    @staticmethod
    def transition_choices(project):
        labels = dict(Project.Status.choices)
        return [(status, labels[status]) for status in services.allowed_transitions(project)]


class ProjectFormView(PortfolioEditMixin, ServiceFormView):
    model, form_class, service = Project, ProjectForm, staticmethod(services.project_save)
    new_title = gettext_lazy("New project")


class ProjectTransitionView(PortfolioEditMixin, ProjectMixin, FormView):
    form_class = TransitionForm
    template_name = "plan/form.html"
    page_title = gettext_lazy("Change the status")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"choices": ProjectDetailView.transition_choices(self.get_project())}

    def form_valid(self, form):
        data = form.cleaned_data
        transition = partial(
            services.project_transition,
            project=self.get_project(),
            to_status=data["to_status"],
            user=self.request.user,
            date=data["date"],
            note=data["note"],
        )
        if run_service(form, transition) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Status changed."))
        return redirect(self.get_project())


class ParticipationAddView(PortfolioEditMixin, ProjectMixin, FormView):
    """Add a partner; a partner missing from the directory is created on the way and chosen
    here on return (`?organisation=<pk>`)."""

    form_class = ParticipationForm
    template_name = "funding/participation_form.html"

    def get_form_kwargs(self):
        instance = Participation(city=self.city, project=self.get_project())
        return super().get_form_kwargs() | {"instance": instance, "city": self.city}

    def get_initial(self):
        created = self.request.GET.get("organisation", "")
        return {"organisation": created} if created.isdigit() else {}

    def get_context_data(self, **kwargs):
        title = _("Add a partner to %(project)s") % {"project": self.get_project()}
        return super().get_context_data(title=title, project=self.get_project(), **kwargs)

    def form_valid(self, form):
        if (
            run_service(
                form,
                partial(services.participation_save, participation=form.save(commit=False), user=self.request.user),
            )
            is None
        ):
            return self.form_invalid(form)
        names = {"partner": form.instance.organisation, "item": self.get_project()}
        messages.success(self.request, _("Partner %(partner)s added to %(item)s.") % names)
        return redirect(self.get_project())


class ProjectMilestoneAddView(PortfolioEditMixin, ProjectMixin, FormView):
    form_class = ProjectMilestoneForm
    template_name = "plan/form.html"
    page_title = gettext_lazy("New deadline")

    def form_valid(self, form):
        add = partial(
            services.project_milestone_add, project=self.get_project(), user=self.request.user, **form.cleaned_data
        )
        if run_service(form, add) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Deadline added to %(item)s.") % {"item": self.get_project()})
        return redirect(self.get_project())


class ProjectDocumentAddView(PortfolioEditMixin, ProjectMixin, FormView):
    form_class = DocumentForm
    template_name = "plan/form.html"
    page_title = gettext_lazy("Attach a document")

    def form_valid(self, form):
        services.document_attach(project=self.get_project(), user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Document attached to %(item)s.") % {"item": self.get_project()})
        return redirect(self.get_project())


CALL_COLUMNS = [
    Column(gettext_lazy("Identifier"), lambda c: c.identifier),
    Column(gettext_lazy("Title"), lambda c: c.title),
    Column(gettext_lazy("Programme"), lambda c: c.programme or c.framework_programme),
    Column(gettext_lazy("Status"), lambda c: c.get_status_display()),
    Column(gettext_lazy("Opening"), lambda c: c.opening_date),
    Column(gettext_lazy("Next deadline"), lambda c: c.deadline),
    Column(gettext_lazy("Go/no-go"), lambda c: c.get_decision_display()),
    Column(gettext_lazy("Responsible office"), lambda c: c.responsible_office or ""),
    Column(gettext_lazy("Link"), lambda c: c.url),
]


class CallListView(ExportableListView):
    template_name = "funding/call_list.html"
    filterset_class = CallFilter
    export_columns = CALL_COLUMNS
    export_name = "bandi"

    def base_queryset(self):
        return queries.call_list(self.city)


class CallDetailView(CityMixin, TemplateView):
    template_name = "funding/call_detail.html"

    def get_context_data(self, **kwargs):
        call = get_object_or_404(
            queries.call_list(self.city).prefetch_related("alignments__axis", "projects__city"), pk=self.kwargs["pk"]
        )
        return super().get_context_data(
            call=call,
            can_edit=permissions.can_manage_funds(self.request.user, self.city),
            consortium=partners.suggest_partners(call),
            history=audit_history(call),
            **kwargs,
        )


PARTNER_COLUMNS = [
    Column(gettext_lazy("Name"), lambda o: o.name),
    Column(gettext_lazy("Kind"), lambda o: o.get_kind_display()),
    Column(gettext_lazy("Country"), lambda o: o.country),
    Column(gettext_lazy("Town or city"), lambda o: o.locality),
    Column(gettext_lazy("Projects with the city"), lambda o: o.project_count),
    Column(gettext_lazy("Website"), lambda o: o.website),
]


class PartnerSearchView(ExportableListView):
    """Organisations and cities the city knows, by topic, country, type and experience."""

    template_name = "funding/partner_list.html"
    filterset_class = PartnerFilter
    export_columns = PARTNER_COLUMNS
    export_name = "partner"

    def base_queryset(self):
        return partners.partner_directory(self.city).order_by("-project_count", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = getattr(self.filterset, "affinities", None)
        if found is not None:  # a call chosen: its consortium, and why each organisation is close to it
            call = self.filterset.form.cleaned_data["call"]
            for organisation in context["object_list"]:
                organisation.closest = found.by_organisation.get(organisation.pk)
            context.update(call=call, consortium=partners.suggest_partners(call, found=found), waiting=found.waiting)
        return context


class CallFormView(PortfolioEditMixin, ServiceFormView):
    model, form_class, service = Call, CallForm, staticmethod(services.call_save)
    new_title = gettext_lazy("New call")

    def new_instance(self):
        return Call(city=self.city, source="manual")


class StartProposalView(PortfolioEditMixin, CityMixin, View):
    def post(self, request, *args, **kwargs):
        call = get_object_or_404(Call.objects.for_city(self.city), pk=kwargs["pk"])
        try:
            project = services.proposal_from_call(call=call, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(call)
        messages.success(request, _("Proposal started: complete the project."))
        return redirect("funding:project-edit", city=self.city.slug, pk=project.pk)


class CallCalendarView(CityMixin, View):
    """iCalendar feed of the deadlines of the calls still open or forthcoming."""

    def get(self, request, *args, **kwargs):
        return calendar_response(
            f"Ponte · {self.city.name} · scadenze dei bandi",
            "Bandi",
            calendars.call_entries(self.city, queries.call_list(self.city)),
            f"bandi-{self.city.slug}",
        )
