from django.urls import reverse
from django.utils.translation import gettext_lazy

from ponte.core import permissions
from ponte.core.exports import Column
from ponte.core.views import ExportableListView, ServiceFormView

from . import services
from .filters import GoodPracticeFilter, InitiativeFilter
from .forms import GoodPracticeForm, InitiativeForm
from .models import GoodPractice, Initiative

INITIATIVE_COLUMNS = [
    Column(gettext_lazy("Title"), lambda i: i.title),
    Column(gettext_lazy("Kind"), lambda i: i.get_kind_display()),
    Column(gettext_lazy("Countries"), lambda i: i.countries),
    Column(gettext_lazy("Partners"), lambda i: "; ".join(p.name for p in i.partners.all())),
    Column(gettext_lazy("Funder"), lambda i: i.funder or ""),
    Column(gettext_lazy("Budget (€)"), lambda i: i.budget),
    Column(gettext_lazy("Beneficiaries"), lambda i: i.beneficiaries),
    Column(gettext_lazy("Participants"), lambda i: i.participants),
    Column(gettext_lazy("Start"), lambda i: i.start_date),
    Column(gettext_lazy("Plan actions"), lambda i: "; ".join(a.code for a in i.actions.all())),
    Column(gettext_lazy("Source in the plan"), lambda i: i.source),
]


class InitiativeListView(ExportableListView):
    template_name = "cooperation/initiative_list.html"
    filterset_class = InitiativeFilter
    export_columns = INITIATIVE_COLUMNS
    export_name = "cooperazione"

    def base_queryset(self):
        return Initiative.objects.for_city(self.city).select_related("funder").prefetch_related("partners", "actions")


class InitiativeFormView(ServiceFormView):
    permission = staticmethod(permissions.can_manage_diplomacy)
    model, form_class, service = Initiative, InitiativeForm, staticmethod(services.initiative_save)
    new_title = gettext_lazy("New initiative")

    def success_url_for(self, item):
        return reverse("cooperation:initiative-list", kwargs={"city": self.city.slug})


PRACTICE_COLUMNS = [
    Column(gettext_lazy("Title"), lambda p: p.title),
    Column(gettext_lazy("Theme"), lambda p: p.theme),
    Column(gettext_lazy("From"), lambda p: p.source_organisation or ""),
    Column(gettext_lazy("From project"), lambda p: p.source_project),
    Column(gettext_lazy("Description"), lambda p: p.description),
]


class GoodPracticeListView(ExportableListView):
    """The good-practice library shared with the municipalities of the metropolitan area."""

    template_name = "cooperation/practice_list.html"
    filterset_class = GoodPracticeFilter
    export_columns = PRACTICE_COLUMNS
    export_name = "buone-pratiche"

    def base_queryset(self):
        return GoodPractice.objects.for_city(self.city).select_related("source_organisation")


class GoodPracticeFormView(ServiceFormView):
    permission = staticmethod(permissions.can_manage_diplomacy)
    model, form_class, service = GoodPractice, GoodPracticeForm, staticmethod(services.goodpractice_save)
    new_title = gettext_lazy("New good practice")

    def success_url_for(self, item):
        return reverse("cooperation:practice-list", kwargs={"city": self.city.slug})
