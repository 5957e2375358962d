"""City diplomacy pages: relations (list and world map, GeoJSON), networks, missions, candidacies."""

from functools import partial

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from ponte.core import permissions
from ponte.core.exports import Column
from ponte.core.forms import FollowUpForm
from ponte.core.queries import audit_history
from ponte.core.services import attachment_add, follow_up_add
from ponte.core.views import CityMixin, ExportableListView, ServiceFormView, run_service
from ponte.plan.forms import DocumentForm

from . import queries, services, worldmap
from .filters import CandidacyFilter, MembershipFilter, MissionFilter, RelationFilter, RepresentationFilter
from .forms import (
    CandidacyForm,
    MembershipForm,
    MissionForm,
    RelationForm,
    RelationStatusForm,
    RenewalForm,
)
from .models import Candidacy, Mission, NetworkMembership, Relation

RELATION_COLUMNS = [
    Column(gettext_lazy("Partner"), lambda r: r.partner.localized_name),
    Column(gettext_lazy("Country"), lambda r: r.partner.country),
    Column(gettext_lazy("Kind"), lambda r: r.get_kind_display()),
    Column(gettext_lazy("Status"), lambda r: r.get_status_display()),
    Column(gettext_lazy("Themes"), lambda r: "; ".join(t.localized_name for t in r.themes.all())),
    Column(gettext_lazy("Signed on"), lambda r: r.signed_on),
    Column(gettext_lazy("Signing act"), lambda r: r.signing_act),
    Column(gettext_lazy("Latitude"), lambda r: r.partner.latitude),
    Column(gettext_lazy("Longitude"), lambda r: r.partner.longitude),
    Column(gettext_lazy("Source in the plan"), lambda r: r.source),
]


class RelationListView(ExportableListView):
    """Relations as a list and on a world map, filtered alike; exports CSV, XLSX and GeoJSON."""

    template_name = "diplomacy/relation_list.html"
    filterset_class = RelationFilter
    export_columns = RELATION_COLUMNS
    export_name = "relazioni"

    def base_queryset(self):
        return queries.relation_list(self.city)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "geojson":
            data = queries.relations_geojson(self.get_queryset())
            return JsonResponse(data, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**worldmap.map_context(list(self.filterset.qs)), **kwargs)


class RelationDetailView(CityMixin, TemplateView):
    template_name = "diplomacy/relation_detail.html"

    def get_context_data(self, **kwargs):
        relation = get_object_or_404(
            queries.relation_list(self.city).prefetch_related("actions", "documents"), pk=self.kwargs["pk"]
        )
        return super().get_context_data(
            relation=relation,
            can_edit=permissions.can_manage_diplomacy(self.request.user, self.city),
            status_form=RelationStatusForm(relation=relation)
            if services.RELATION_TRANSITIONS[relation.status]
            else None,
            document_form=DocumentForm(),
            history=audit_history(relation, relation.documents.all()),
            **kwargs,
        )


class RelationFormView(ServiceFormView):
    permission = staticmethod(permissions.can_manage_diplomacy)
    """A partner missing from the directory is created on the way ("Crea una nuova
    organizzazione") and chosen here on return (`?organisation=<pk>`)."""

    template_name = "diplomacy/relation_form.html"
    model, form_class, service = Relation, RelationForm, staticmethod(services.relation_save)
    new_title = gettext_lazy("New relation")

    def get_initial(self):
        created = self.request.GET.get("organisation", "")
        return {"partner": created} if created.isdigit() else {}


class RelationDocumentView(CityMixin, FormView):
    parent_model = Relation
    form_class = DocumentForm
    template_name = "plan/form.html"
    page_title = gettext_lazy("Attach a document")
    permission = staticmethod(permissions.can_manage_diplomacy)

    def form_valid(self, form):
        relation = get_object_or_404(Relation.objects.for_city(self.city), pk=self.kwargs["pk"])
        attachment_add(item=relation, user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Document attached to %(item)s.") % {"item": relation})
        return redirect(relation)


class RelationStatusView(CityMixin, FormView):
    form_class = RelationStatusForm
    template_name = "plan/form.html"
    page_title = gettext_lazy("Change the status")
    permission = staticmethod(permissions.can_manage_diplomacy)

    def get_relation(self) -> Relation:
        if not hasattr(self, "_relation"):
            self._relation = get_object_or_404(Relation.objects.for_city(self.city), pk=self.kwargs["pk"])
        return self._relation

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"relation": self.get_relation()}

    def form_valid(self, form):
        relation = self.get_relation()
        change = partial(
            services.relation_set_status,
            relation=relation,
            status=form.cleaned_data["status"],
            user=self.request.user,
            date=form.cleaned_data["date"],
        )
        if run_service(form, change) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Status changed."))
        return redirect(relation)


MEMBERSHIP_COLUMNS = [
    Column(gettext_lazy("Network"), lambda m: m.network.name),
    Column(gettext_lazy("Role"), lambda m: m.get_role_display()),
    Column(gettext_lazy("Role in detail"), lambda m: m.role_detail),
    Column(gettext_lazy("Status"), lambda m: m.get_status_display()),
    Column(gettext_lazy("Mandate from"), lambda m: m.mandate_start),
    Column(gettext_lazy("Mandate until"), lambda m: m.mandate_end),
    Column(gettext_lazy("Annual fee (€)"), lambda m: m.annual_fee),
    Column(gettext_lazy("Delegates"), lambda m: "; ".join(str(p) for p in m.delegates.all())),
    Column(gettext_lazy("Working groups"), lambda m: m.working_groups),
    Column(gettext_lazy("Source in the plan"), lambda m: m.source),
]


class MembershipListView(ExportableListView):
    template_name = "diplomacy/membership_list.html"
    filterset_class = MembershipFilter
    export_columns = MEMBERSHIP_COLUMNS
    export_name = "reti"

    def base_queryset(self):
        return queries.membership_list(self.city)


class MembershipFormView(ServiceFormView):
    permission = staticmethod(permissions.can_manage_diplomacy)
    model, form_class, service = NetworkMembership, MembershipForm, staticmethod(services.membership_save)
    service_argument = "membership"
    new_title = gettext_lazy("New network membership")

    def success_url_for(self, item):
        return reverse("diplomacy:membership-list", kwargs={"city": self.city.slug})


class MembershipRenewView(CityMixin, FormView):
    parent_model = NetworkMembership
    form_class = RenewalForm
    template_name = "plan/form.html"
    page_title = gettext_lazy("Renew the membership")
    permission = staticmethod(permissions.can_manage_diplomacy)

    def form_valid(self, form):
        membership = get_object_or_404(NetworkMembership.objects.for_city(self.city), pk=self.kwargs["pk"])
        renew = partial(
            services.membership_renew,
            membership=membership,
            user=self.request.user,
            until=form.cleaned_data["until"],
            role=form.cleaned_data["role"] or None,
        )
        if run_service(form, renew) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Mandate renewed."))
        return redirect("diplomacy:membership-list", city=self.city.slug)


MISSION_COLUMNS = [
    Column(gettext_lazy("Title"), lambda m: m.title),
    Column(gettext_lazy("Direction"), lambda m: m.get_direction_display()),
    Column(gettext_lazy("Counterpart"), lambda m: m.counterpart or ""),
    Column(gettext_lazy("Country"), lambda m: m.country),
    Column(gettext_lazy("From"), lambda m: m.start_date),
    Column(gettext_lazy("To"), lambda m: m.end_date),
    Column(gettext_lazy("Purpose"), lambda m: m.purpose),
    Column(gettext_lazy("Outcomes"), lambda m: m.outcomes),
    Column(gettext_lazy("Open follow-ups"), lambda m: sum(1 for t in m.follow_ups.all() if t.done_date is None)),
]


class MissionListView(ExportableListView):
    template_name = "diplomacy/mission_list.html"
    filterset_class = MissionFilter
    export_columns = MISSION_COLUMNS
    export_name = "missioni"

    def base_queryset(self):
        return queries.mission_list(self.city)


class MissionDetailView(CityMixin, TemplateView):
    template_name = "diplomacy/mission_detail.html"

    def get_context_data(self, **kwargs):
        mission = get_object_or_404(queries.mission_list(self.city).prefetch_related("actions"), pk=self.kwargs["pk"])
        return super().get_context_data(
            mission=mission,
            can_edit=permissions.can_manage_diplomacy(self.request.user, self.city),
            follow_up_form=FollowUpForm(city=self.city),
            history=audit_history(mission),
            **kwargs,
        )


class MissionFormView(ServiceFormView):
    permission = staticmethod(permissions.can_manage_diplomacy)
    model, form_class, service = Mission, MissionForm, staticmethod(services.mission_save)
    new_title = gettext_lazy("New mission or visit")


class FollowUpAddView(CityMixin, FormView):
    parent_model = Mission
    form_class = FollowUpForm
    template_name = "plan/form.html"
    page_title = gettext_lazy("New follow-up")
    permission = staticmethod(permissions.can_manage_diplomacy)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"city": self.city}

    def form_valid(self, form):
        mission = get_object_or_404(Mission.objects.for_city(self.city), pk=self.kwargs["pk"])
        add = partial(follow_up_add, origin=mission, user=self.request.user, **form.cleaned_data)
        if run_service(form, add) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Follow-up added to %(item)s.") % {"item": mission})
        return redirect(mission)


CANDIDACY_COLUMNS = [
    Column(gettext_lazy("Award or title"), lambda c: c.title),
    Column(gettext_lazy("Year"), lambda c: c.year),
    Column(gettext_lazy("Awarded by"), lambda c: c.awarding_body or ""),
    Column(gettext_lazy("Deadline"), lambda c: c.deadline),
    Column(gettext_lazy("Status"), lambda c: c.get_status_display()),
    Column(gettext_lazy("Outcome"), lambda c: c.outcome),
    Column(gettext_lazy("Plan actions"), lambda c: "; ".join(a.code for a in c.actions.all())),
    Column(gettext_lazy("Source in the plan"), lambda c: c.source),
]


class CandidacyListView(ExportableListView):
    template_name = "diplomacy/candidacy_list.html"
    filterset_class = CandidacyFilter
    export_columns = CANDIDACY_COLUMNS
    export_name = "candidature"

    def base_queryset(self):
        return queries.candidacy_list(self.city)


class CandidacyFormView(ServiceFormView):
    permission = staticmethod(permissions.can_manage_diplomacy)
    model, form_class, service = Candidacy, CandidacyForm, staticmethod(services.candidacy_save)
    new_title = gettext_lazy("New candidacy")

    def success_url_for(self, item):
        return reverse("diplomacy:candidacy-list", kwargs={"city": self.city.slug})


REPRESENTATION_COLUMNS = [
    Column(gettext_lazy("Kind"), lambda r: r.get_kind_display()),
    Column(gettext_lazy("Country"), lambda r: r.country),
    Column(gettext_lazy("Organisation"), lambda r: r.organisation or ""),
    Column(gettext_lazy("Address"), lambda r: r.address),
    Column(gettext_lazy("Contact"), lambda r: r.contact or ""),
    Column(gettext_lazy("Email"), lambda r: r.email),
    Column(gettext_lazy("Phone"), lambda r: r.phone),
]


class RepresentationListView(ExportableListView):
    """The consular corps and embassies the city works with, with contacts."""

    template_name = "diplomacy/representation_list.html"
    filterset_class = RepresentationFilter
    export_columns = REPRESENTATION_COLUMNS
    export_name = "rappresentanze"

    def base_queryset(self):
        return queries.representation_list(self.city)
