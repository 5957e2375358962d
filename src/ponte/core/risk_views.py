"""Back-office pages of the risks and issues (issue 17): the city's register, one risk, and the
forms that add, edit, close, reopen and mitigate it. Thin: the rules are in `core.risks`."""

from functools import partial

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from . import permissions, risks
from .exports import Column
from .filters import RiskFilter
from .forms import FollowUpForm, RiskForm
from .models import Risk
from .queries import audit_history
from .views import CityMixin, ExportableListView, edit_title, run_service, saved_message

# The items with a register, as their addresses name them.
ITEM_KINDS = {"azione": "plan.action", "progetto": "funding.project"}


def _open_mitigations(risk) -> str:
    return "; ".join(f"{t.title} ({t.due_date.isoformat()})" for t in risk.mitigations.all() if t.done_date is None)


RISK_COLUMNS = [
    Column(gettext_lazy("Kind"), lambda r: r.get_kind_display()),
    Column(gettext_lazy("Risk"), lambda r: r.title),
    Column(gettext_lazy("Concerns"), lambda r: str(r.item) if r.item is not None else ""),
    Column(gettext_lazy("Likelihood"), lambda r: r.likelihood),
    Column(gettext_lazy("Impact"), lambda r: r.impact),
    Column(gettext_lazy("Score"), lambda r: r.score),
    Column(gettext_lazy("Level"), lambda r: r.get_level_display()),
    Column(gettext_lazy("Owner"), lambda r: r.owner or ""),
    Column(gettext_lazy("Open mitigations"), _open_mitigations),
    Column(gettext_lazy("Description"), lambda r: r.description),
    Column(gettext_lazy("Recorded"), lambda r: r.created_at),
]


class RiskListView(ExportableListView):
    """ "Registro dei rischi": every open risk and issue of the city's actions and projects, gravest first."""

    template_name = "core/risk_list.html"
    filterset_class = RiskFilter
    export_columns = RISK_COLUMNS
    export_name = "registro-rischi"

    def base_queryset(self):
        return risks.register(self.city)

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_add=permissions.can_keep_risks(self.request.user, self.city), **kwargs)


class RiskMixin(CityMixin):
    """One risk of the city, with the item it belongs to."""

    def get_risk(self) -> Risk:
        if not hasattr(self, "_risk"):
            self._risk = get_object_or_404(
                Risk.objects.for_city(self.city)
                .select_related("owner", "city", "content_type")
                .prefetch_related(risks.mitigation_prefetch()),
                pk=self.kwargs["pk"],
            )
        return self._risk


class RiskEditMixin(RiskMixin):
    """Pages that change a risk: those who keep its item's risks (the rule of the item, checked
    again by the service); 403 to the others."""

    permission = staticmethod(permissions.can_keep_risks)

    def check_parent(self):
        super().check_parent()
        if not permissions.can_keep_risks_of(self.request.user, self.get_risk().item):
            raise PermissionDenied


class RiskDetailView(RiskMixin, TemplateView):
    template_name = "core/risk_detail.html"

    def get_context_data(self, **kwargs):
        risk = self.get_risk()
        return super().get_context_data(
            risk=risk,
            can_edit=permissions.can_keep_risks_of(self.request.user, risk.item),
            history=audit_history(risk, risk.mitigations.all()),
            history_names={"followup": _("mitigation")},  # a risk's follow-up is its mitigation
            **kwargs,
        )


class RiskAddView(CityMixin, FormView):
    """A new risk in the register of an action (`azione/<pk>`) or a project (`progetto/<pk>`),
    with its first mitigation if the person gives one."""

    template_name = "core/risk_form.html"
    form_class = RiskForm
    permission = staticmethod(permissions.can_keep_risks)

    def check_parent(self):
        label = ITEM_KINDS.get(self.kwargs["kind"])
        if label is None:
            raise Http404
        self.item = get_object_or_404(apps.get_model(label).objects.for_city(self.city), pk=self.kwargs["pk"])
        if not permissions.can_keep_risks_of(self.request.user, self.item):
            raise PermissionDenied

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"city": self.city, "with_mitigation": True}

    def add(self, form, item):
        """The risk and its first mitigation, or None with the form's errors."""
        data = form.risk_data() | {"mitigation": form.mitigation_data()}
        return run_service(form, partial(risks.risk_add, item=item, user=self.request.user, **data))

    def added_message(self, risk, item):
        if risk.mitigation_count:
            return _("Risk «%(risk)s» added to %(item)s, with its mitigation.") % {"risk": risk, "item": item}
        return _("Risk «%(risk)s» added to %(item)s.") % {"risk": risk, "item": item}

    def form_valid(self, form):
        risk = self.add(form, self.item)
        if risk is None:
            return self.form_invalid(form)
        risk.mitigation_count = 1 if form.mitigation_data() else 0
        messages.success(self.request, self.added_message(risk, self.item))
        return redirect(f"{self.item.get_absolute_url()}#rischi")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New risk or issue of %(item)s") % {"item": self.item}, **kwargs)


class RiskNewView(RiskAddView):
    """The register's "Add a risk": the person picks the action or project it concerns (among
    those whose risks they keep) on the same form."""

    def check_parent(self):
        self.items = risks.keepable_items(self.request.user, self.city)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"items": self.items}

    def form_valid(self, form):
        item = risks.item_of(self.city, form.cleaned_data["item"])
        if item is None or not permissions.can_keep_risks_of(self.request.user, item):
            form.add_error("item", _("Choose an action or a project from the list."))
            return self.form_invalid(form)
        risk = self.add(form, item)
        if risk is None:
            return self.form_invalid(form)
        risk.mitigation_count = 1 if form.mitigation_data() else 0
        messages.success(self.request, self.added_message(risk, item))
        return redirect(risk)

    def get_context_data(self, **kwargs):
        return super(RiskAddView, self).get_context_data(
            title=_("Add a risk or issue"), submit_label=_("Add to the register"), no_items=not self.items, **kwargs
        )


class RiskEditView(RiskEditMixin, FormView):
    template_name = "plan/form.html"
    form_class = RiskForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"city": self.city, "instance": self.get_risk()}

    def form_valid(self, form):
        owner = form.cleaned_data["owner"]
        risk = run_service(
            form, partial(risks.risk_save, risk=form.save(commit=False), user=self.request.user, owner=owner)
        )
        if risk is None:
            return self.form_invalid(form)
        messages.success(self.request, saved_message(risk))
        return redirect(risk)

    def get_context_data(self, **kwargs):
        risk = self.get_risk()
        return super().get_context_data(title=edit_title(risk), history=audit_history(risk), **kwargs)


class RiskStatusView(RiskEditMixin, View):
    """Close an open risk, or reopen a closed one (a POST from the risk's page or its item's)."""

    close = True

    def post(self, request, *args, **kwargs):
        risk = self.get_risk()
        change = risks.risk_close if self.close else risks.risk_reopen
        try:
            change(risk=risk, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(risk)
        if self.close:
            messages.success(request, _("Risk closed: %(risk)s.") % {"risk": risk})
        else:
            messages.success(request, _("Risk reopened: %(risk)s.") % {"risk": risk})
        return redirect(risk)


class MitigationAddView(RiskEditMixin, FormView):
    """A mitigation of the risk: a follow-up task with its owner and due date."""

    template_name = "plan/form.html"
    form_class = FollowUpForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"city": self.city}

    def form_valid(self, form):
        risk = self.get_risk()
        task = run_service(form, partial(risks.mitigation_add, risk=risk, user=self.request.user, **form.cleaned_data))
        if task is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Mitigation «%(task)s» added to the risk «%(risk)s».") % {"task": task, "risk": risk},
        )
        return redirect(risk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("New mitigation of the risk «%(risk)s»") % {"risk": self.get_risk()},
            submit_label=_("Add the mitigation"),
            **kwargs,
        )
