"""The monitoring cycle's pages (issue 17): the update form of one period of an action's reporting
cycle, and the plan owners' page that sets the cycles. Thin: the rules are in `services` and
`cycles`."""

from functools import partial

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from ponte.core import money, permissions, risks
from ponte.core.models import ReviewState
from ponte.core.queries import audit_history
from ponte.core.views import run_service

from . import cycles, services
from .forms import CycleOverrideForm, ReportingCycleForm, UpdateForm
from .models import ActionUpdate, ReportingCycle, value_date_of
from .views import ActionEditMixin, PlanMixin


def _period_from_query(value: str, cadence) -> cycles.Period | None:
    """ "2026-2" (year-number, the period picker's value) as a period of the cadence, else None."""
    try:
        year, number = (int(part) for part in value.split("-"))
        return cycles.Period(year, number, cadence)
    except (ValueError, TypeError):
        return None


def update_url(action, period: cycles.Period) -> str:
    kwargs = {"city": action.city.slug, "code": action.code}
    return reverse("plan:update-edit", kwargs=kwargs | cycles.period_url_kwargs(period))


class UpdateStartView(ActionEditMixin, TemplateView):
    """ "Update": the form of the period due (the last ended period without its update, else the
    current one), or of the period chosen in the picker (`?period=2026-2`)."""

    def get(self, request, *args, **kwargs):
        if not self.may_edit():
            return super().get(request, *args, **kwargs)  # refused by the guard
        action = self.get_action()
        cycle = cycles.cycle_for(action)
        period = _period_from_query(request.GET.get("period", ""), cycle.cadence)
        if period is None:
            reported = action.updates.filter(cadence=cycle.cadence).values_list("year", "period")
            period = cycles.due_period(cycle, timezone.localdate(), reported)
        return redirect(update_url(action, period))


class UpdatePeriodView(ActionEditMixin, FormView):
    """The update of one period: written here the first time, then corrected here — the page says
    it edits the update written by whom and when, and the audit trail keeps every version."""

    template_name = "plan/update_form.html"
    form_class = UpdateForm

    def dispatch(self, request, *args, **kwargs):
        if "cadence" in kwargs:
            # No such cadence: `get_period` answers 404, after the guard has refused whoever may not edit.
            self.cadence, english = cycles.cadence_of_slug(kwargs["cadence"]) or (None, False)
            if english:  # an address of before the Italian slugs (a bookmark): moved for good
                url = reverse("plan:update-edit", kwargs=kwargs | {"cadence": cycles.cadence_slug(self.cadence)})
                query = request.META.get("QUERY_STRING")
                return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
        return super().dispatch(request, *args, **kwargs)

    def get_update(self) -> ActionUpdate | None:
        if not hasattr(self, "_update"):
            updates = self.get_action().updates.select_related("author", "reviewed_by")
            if "pk" in self.kwargs:
                self._update = get_object_or_404(updates, pk=self.kwargs["pk"])
            else:
                self._update = updates.filter(
                    cadence=self.cadence, year=self.kwargs["year"], period=self.kwargs["period"]
                ).first()
        return self._update

    def get_period(self) -> cycles.Period:
        update = self.get_update()
        if update is not None:
            return update.period_obj
        try:
            period = cycles.Period(self.kwargs["year"], self.kwargs["period"], self.cadence)
        except (KeyError, ValueError):
            raise Http404 from None
        if period.cadence != self.get_cycle().cadence:
            raise Http404  # a new update follows the cycle that applies now
        return period

    def get_cycle(self) -> ReportingCycle:
        if not hasattr(self, "_cycle"):
            self._cycle = cycles.cycle_for(self.get_action())
        return self._cycle

    def get_initial(self):
        update, action = self.get_update(), self.get_action()
        if update is not None:
            initial = {"status": update.status, "progress": update.progress, "text": update.text, "risks": update.risks}
            initial |= {f"value_{v.indicator_id}": money.plain(v.value) for v in update.values.all()}
            return initial
        last = action.updates.order_by("-created_at").first()
        return {"status": action.status, "progress": action.progress, "risks": last.risks if last else ""}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs() | {
            "cycle": self.get_cycle(),
            "indicators": services.update_indicators(self.get_action()).prefetch_related("values", "targets"),
        }
        if self.get_update() is not None:
            kwargs["versioned"] = self.get_update()
        return kwargs

    def form_valid(self, form):
        period = self.get_period()
        submit = partial(
            services.update_submit,
            action=self.get_action(),
            user=self.request.user,
            cadence=period.cadence,
            year=period.year,
            period=period.number,
            **form.service_kwargs(),
        )
        risk_fields = form.risk_to_record()
        with transaction.atomic():  # the update and the risk it records: both, or neither
            outcome = run_service(form, submit)
            risk = None
            if outcome is not None and risk_fields:
                add = partial(risks.risk_add, item=self.get_action(), user=self.request.user, **risk_fields)
                risk = run_service(form, add)
                if risk is None:
                    transaction.set_rollback(True)
                    outcome = None
        if outcome is None:
            return self.form_invalid(form)
        message = outcome.message()
        if risk is not None:
            message += " " + _("Risk «%(risk)s» recorded in the action's risk register.") % {"risk": risk}
        messages.success(self.request, message)
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        action, update, cycle, period = self.get_action(), self.get_update(), self.get_cycle(), self.get_period()
        today = timezone.localdate()
        title = (
            _("Edit the update of %(period)s · %(action)s") if update else _("Update of %(period)s · %(action)s")
        ) % {
            "period": period.label,
            "action": action.code,
        }
        reported = set(action.updates.filter(cadence=cycle.cadence).values_list("year", "period"))
        offered = cycles.action_periods(action, cycle.cadence, today)
        if period.cadence == cycle.cadence and period not in offered:
            offered = sorted({*offered, period}, reverse=True)  # the period of this page is always there
        choices = [
            (f"{p.year}-{p.number}", p.label + (" ✓" if (p.year, p.number) in reported else "")) for p in offered
        ]
        return super().get_context_data(
            title=title,
            update=update,
            period=period,
            cycle=cycle,
            cycle_level=cycles.level_label(cycle),
            due=cycles.due_date(cycle, period),
            # The date the indicator values will carry: the period's end, or today if it has not ended.
            value_date=value_date_of(period.end, today),
            early=period.end > today,
            late=update is None and cycles.is_late(cycle, period, today),
            period_choices=choices,
            period_value=f"{period.year}-{period.number}",
            pending=update is not None and update.review_state == ReviewState.PENDING,
            returned=update is not None and update.review_state == ReviewState.RETURNED,
            history=audit_history(update) if update is not None else None,
            submit_label=_("Save the update"),
            **kwargs,
        )


# -- the plan owners' page of the cycles --------------------------------------------------------


class CycleMixin(PlanMixin):
    permission = staticmethod(permissions.can_manage_plan)

    def get_success_url(self):
        return reverse("plan:cycle", kwargs={"city": self.city.slug})


class CycleSettingsView(CycleMixin, FormView):
    """The plan's reporting cycle, and its overrides for macro areas and actions."""

    template_name = "plan/cycle.html"
    form_class = ReportingCycleForm
    page_title = gettext_lazy("Monitoring cycle")

    def get_cycle(self):
        plan = self.get_plan()
        stored = ReportingCycle.objects.filter(plan=plan, macro_area=None, action=None).first()
        return stored or cycles.default_cycle(plan)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.get_cycle()}

    def form_valid(self, form):
        cycle = run_service(form, partial(services.cycle_save, cycle=form.save(commit=False), user=self.request.user))
        if cycle is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Reporting cycle of the plan saved: %(cycle)s.") % {"cycle": cycle_summary(cycle, with_start=False)}
            + " "
            + applies_from_message(cycle),
        )
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        overrides = (
            ReportingCycle.objects.filter(plan=plan)
            .exclude(macro_area=None, action=None)
            .select_related("macro_area", "action__city")
            .order_by("action", "macro_area__sort_key", "action__sort_key")
        )
        cycle = self.get_cycle()
        return super().get_context_data(
            plan=plan,
            cycle=cycle,
            summary=cycle_summary(cycle),
            overrides=[(o, cycle_summary(o)) for o in overrides],
            title=self.page_title,
            **kwargs,
        )


def applies_from_message(cycle) -> str:
    """ "It applies from Q1 2027: periods that ended before 5 January 2027 are not asked for." """
    first = cycles.applies_from(cycle)
    if first is None:
        return ""
    return _("It applies from %(period)s: periods that ended before %(date)s are not asked for.") % {
        "period": first.label,
        "date": date_format(cycle.starts_on, "DATE_FORMAT"),
    }


def cycle_summary(cycle, with_start: bool = True) -> str:
    """ "Quarterly · due 15 days after the period ends · reminder 7 days before · escalation 10 days late"."""
    text = _(
        "%(cadence)s · due %(due)s days after the period ends · reminder %(remind)s days before · "
        "escalated %(grace)s days after"
    ) % {
        "cadence": cycle.get_cadence_display(),
        "due": cycle.due_days,
        "remind": cycle.remind_days_before,
        "grace": cycle.grace_days,
    }
    first = cycles.applies_from(cycle) if with_start else None
    if first is not None:
        text += " · " + _("asked from %(period)s") % {"period": first.label}
    return text


class CycleOverrideView(CycleMixin, FormView):
    """A cycle of its own for a macro area or an action: added, or changed (`pk`)."""

    template_name = "plan/form.html"
    form_class = CycleOverrideForm

    def get_instance(self):
        if not hasattr(self, "_instance"):
            self._instance = self._find_instance()
        return self._instance

    def _find_instance(self):
        plan = self.get_plan()
        if "pk" in self.kwargs:
            return get_object_or_404(
                ReportingCycle.objects.filter(plan=plan).exclude(macro_area=None, action=None), pk=self.kwargs["pk"]
            )
        return ReportingCycle(city=self.city, plan=plan, **_defaults_of(plan))

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.get_instance(), "plan": self.get_plan()}

    def form_valid(self, form):
        cycle = run_service(form, partial(services.cycle_save, cycle=form.save(commit=False), user=self.request.user))
        if cycle is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Reporting cycle for %(level)s saved: %(cycle)s.")
            % {"level": cycle.level, "cycle": cycle_summary(cycle, with_start=False)}
            + " "
            + applies_from_message(cycle),
        )
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        instance = self.get_instance()
        title = (
            _("Reporting cycle for %(level)s") % {"level": instance.level}
            if instance.pk
            else _("A reporting cycle for a macro area or an action")
        )
        return super().get_context_data(title=title, **kwargs)


def _defaults_of(plan) -> dict:
    """A new override starts as the plan's cycle."""
    stored = ReportingCycle.objects.filter(plan=plan, macro_area=None, action=None).first()
    if stored is None:
        return {}
    names = [f.name for f in ReportingCycle._meta.fields if f.name.startswith("asks_")]
    names += ["cadence", "due_days", "remind_days_before", "grace_days"]
    return {name: getattr(stored, name) for name in names}


class CycleOverrideDeleteView(CycleMixin, TemplateView):
    """Remove an override: the macro area or action follows the cycle above it again."""

    template_name = "plan/cycle_delete.html"

    def get_cycle(self):
        return get_object_or_404(
            ReportingCycle.objects.filter(plan=self.get_plan()).exclude(macro_area=None, action=None),
            pk=self.kwargs["pk"],
        )

    def post(self, request, *args, **kwargs):
        cycle = self.get_cycle()
        level = str(cycle.level)
        services.cycle_remove(cycle=cycle, user=request.user)
        messages.success(request, _("%(level)s now follows the cycle above it again.") % {"level": level})
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        cycle = self.get_cycle()
        title = _("Remove the reporting cycle of %(level)s") % {"level": cycle.level}
        return super().get_context_data(cycle=cycle, title=title, summary=cycle_summary(cycle), **kwargs)
